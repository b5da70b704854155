"""The eval set: questions, their gold passages, and which split each question is in.

`load_eval_set` reads a JSONL file of rows (id, question, type, gold, answer, and for an
unanswerable question the reason it is); `eval_sets` finds the question files of an eval folder
and `corpus_folders` the folders the eval store ingests; `map_gold` finds the stored passages each
gold entry points at; `split_of` puts each question in `calibration` or `test`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ofsted_rag.documents import StoredPassage, fold
from ofsted_rag.errors import OfstedRagError

TYPES = ("single", "paraphrase", "precedent", "unanswerable")
# Why an unanswerable question is: the store holds nothing about that council; it holds the
# council but not that year, visit or committee; it holds the council but not that subject; the
# question assumes what the documents contradict.
REASONS = ("council_not_held", "other_period", "subject_not_covered", "false_premise")
SPLITS = ("calibration", "test")
MAIN_SET = "questions.jsonl"
DEV_SET = "dev_questions.jsonl"
DEV_CORPUS = "corpus"


def split_of(question_id: str) -> str:
    """`test` or `calibration`, from the question's id alone.

    A question is in `test` when int(sha256(id).hexdigest()[:8], 16) % 5 < 2: about 40% of any
    large set. The rule reads nothing but the id, so it was fixed before any rule of the system was
    tuned, cannot be moved by looking at how a question scores, and puts a new question in a split
    without touching the others. Only the calibration split may set thresholds, vocabulary or
    cues; the gate and the headline figures are the test split's.
    """
    return "test" if int(hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:8], 16) % 5 < 2 else "calibration"


def in_split(questions: Iterable["EvalQuestion"], split: str) -> list["EvalQuestion"]:
    """The questions of one split (`calibration` or `test`), or all of them for `all`."""
    if split not in (*SPLITS, "all"):
        raise EvalSetError(f"unknown split {split!r}: use calibration, test or all")
    return [q for q in questions if split == "all" or q.split == split]


def eval_sets(eval_dir: Path) -> list[Path]:
    """The question files of an eval folder: questions.jsonl (over corpus/), then the development
    set over eval/corpus/: dev_questions.jsonl, or while it is still written in parts,
    dev_questions_*.jsonl. Files that do not exist are left out."""
    main = eval_dir / MAIN_SET
    dev = eval_dir / DEV_SET
    parts = [dev] if dev.is_file() else sorted(eval_dir.glob("dev_questions_*.jsonl"))
    return [p for p in (main, *parts) if p.is_file()]


def corpus_folders(corpus: Path, eval_dir: Path) -> list[Path]:
    """What the eval store ingests: the shipped corpus (with its manifest) and, when it exists,
    the development corpus eval/corpus/ (with no manifest: its metadata is inferred)."""
    dev = eval_dir / DEV_CORPUS
    return [corpus, *([dev] if dev.is_dir() else [])]


class EvalSetError(OfstedRagError):
    """The eval set cannot be read, or does not match the store."""


# ---------------------------------------------------------------- the eval set

class GoldRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    evidence: str = Field(min_length=3)
    item: str | None = None
    point: str | None = None


class EvalRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str = Field(min_length=3)
    type: Literal["single", "paraphrase", "precedent", "unanswerable"]
    gold: list[GoldRow]
    answer: str | None = None
    reason: Literal["council_not_held", "other_period", "subject_not_covered", "false_premise"] | None = None


@dataclass(frozen=True)
class GoldRef:
    """Where the answer is: a file, a verbatim phrase, and the item and point when known."""

    file: str
    evidence: str
    item: str | None = None
    point: str | None = None

    def describe(self) -> str:
        where = "".join(f" {k} {v}" for k, v in (("item", self.item), ("point", self.point)) if v)
        return f"{self.file}{where}: {self.evidence!r}"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    type: str
    gold: tuple[GoldRef, ...]
    answer: str | None = None
    reason: str | None = None   # why an unanswerable question is (REASONS)
    source: str = ""            # the file it came from

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def split(self) -> str:
        return split_of(self.id)


def load_eval_set(path: Path) -> list[EvalQuestion]:
    """The questions of a JSONL eval set.

    Raises:
        EvalSetError: the file is missing, a row is malformed, ids repeat, or an answerable
            question has no gold (or an unanswerable one has some).
    """
    if not path.is_file():
        raise EvalSetError(f"eval set {path} not found: run from the project folder or pass --set FILE")
    out: list[EvalQuestion] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = EvalRow.model_validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise EvalSetError(f"{path} line {n}: {where}: {first['msg']}") from None
        if row.id in seen:
            raise EvalSetError(f"{path} line {n}: id {row.id!r} is used twice")
        seen.add(row.id)
        if (row.type == "unanswerable") != (not row.gold):
            raise EvalSetError(f"{path} line {n} ({row.id}): unanswerable questions have gold [], others need gold")
        if row.reason and row.type != "unanswerable":
            raise EvalSetError(f"{path} line {n} ({row.id}): only unanswerable questions have a reason")
        gold = tuple(GoldRef(g.file, g.evidence, g.item, g.point) for g in row.gold)
        out.append(EvalQuestion(row.id, row.question, row.type, gold, row.answer, row.reason, path.name))
    if not out:
        raise EvalSetError(f"eval set {path} has no questions")
    return out


def load_eval_sets(paths: Sequence[Path]) -> list[EvalQuestion]:
    """The questions of several eval sets, in order.

    Raises:
        EvalSetError: as `load_eval_set`, or an id is used in two files.
    """
    out: list[EvalQuestion] = []
    where: dict[str, str] = {}
    for path in paths:
        for q in load_eval_set(path):
            if q.id in where:
                raise EvalSetError(f"id {q.id!r} is used in both {where[q.id]} and {path.name}")
            where[q.id] = path.name
            out.append(q)
    return out


def fold_text(text: str) -> str:
    """Whitespace-, case- and quote-folded text, for finding an evidence phrase in a passage."""
    return fold(text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " "))


def map_gold(questions: Sequence[EvalQuestion], passages: Sequence[StoredPassage]) -> dict[str, tuple[frozenset[str], ...]]:
    """For each question, the ids of the stored passages each of its gold entries points at.

    Raises:
        EvalSetError: naming every gold entry that maps to no stored passage.
    """
    folded = [(p, fold_text(p.text)) for p in passages]
    out: dict[str, tuple[frozenset[str], ...]] = {}
    unmapped: list[str] = []
    for q in questions:
        sets = []
        for g in q.gold:
            phrase = fold_text(g.evidence)
            ids = frozenset(
                p.id for p, text in folded
                if phrase in text and any(
                    s.file_name == g.file and (g.item is None or s.item == g.item)
                    and (g.point is None or s.point == g.point) for s in p.sources)
            )
            if not ids:
                unmapped.append(f"{q.id}: {g.describe()}")
            sets.append(ids)
        out[q.id] = tuple(sets)
    if unmapped:
        entries = "gold entry matches" if len(unmapped) == 1 else "gold entries match"
        raise EvalSetError(f"{len(unmapped)} {entries} no stored passage (is the corpus ingested?):\n  "
                           + "\n  ".join(unmapped))
    return out

