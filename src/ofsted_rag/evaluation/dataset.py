"""The eval set: questions, their gold passages, and which split each question is in.

`load_eval_set` reads a JSONL file of rows (id, question, type, gold, answer); `map_gold` finds the
stored passages each gold entry points at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ofsted_rag.documents import StoredPassage, fold
from ofsted_rag.errors import OfstedRagError

TYPES = ("single", "paraphrase", "precedent", "unanswerable")


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

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


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
        gold = tuple(GoldRef(g.file, g.evidence, g.item, g.point) for g in row.gold)
        out.append(EvalQuestion(row.id, row.question, row.type, gold, row.answer))
    if not out:
        raise EvalSetError(f"eval set {path} has no questions")
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

