"""The eval: retrieval, citation, groundedness and refusal figures over eval/questions.jsonl.

`run_eval` asks every question of the engine (and, with `baseline=True`, of the plain llama-index
baseline in `baseline.py`) and scores the answers; `run_eval_command` is `ofsted-rag eval`: it prints
a table, rewrites eval/report.md and checks the gate in eval/thresholds.toml.

Definitions (per type and overall):
- gold passages: the stored passages whose folded text contains a gold entry's evidence phrase and
  one of whose sources is the gold file (and item and point, when given). A gold entry that maps to
  nothing stops the eval: the eval set and the store disagree.
- recall@k: per answerable question, the share of its gold entries found in the top k of
  `engine.retrieve(question, top_k=10)`; MRR: 1 / rank of the first gold passage (0 beyond 10).
- cites gold: share of answerable questions whose answer cites at least one gold passage; all
  relevant: share of answerable questions whose answer has citations, each of them gold or judged
  to support a sentence that cites it. A refusal fails both.
- citation recall and precision (ALCE, Gao et al. 2023), with `support.judge_support` for the NLI
  model: a sentence is supported when the concatenation of its cited passages supports it; a
  citation is irrelevant when it alone does not support its sentence and the other citations do.
  Both are averaged per answer, then over answered questions.
- groundedness: share of all answer sentences supported by their citations.
- refusal precision / recall: of refusing on unanswerable questions; false refusals: share of
  answerable questions refused.
- latency: seconds per `engine.ask`, after a warm-up question.
- baseline (`--baseline`, see baseline.py): a chunk is gold when it contains a gold evidence phrase
  (folded); recall and MRR over its top 10 chunks, citations are CitationQueryEngine's source chunks
  for dense top 5, relevant only when gold (it writes no sentences to judge).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shlex
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ofsted_rag.config import Settings
from ofsted_rag.documents import Answer, StoredPassage, fold, point_display
from ofsted_rag.errors import OfstedRagError
from ofsted_rag.support import judge_support

TYPES = ("single", "paraphrase", "precedent", "unanswerable")
RANKS = 10
THRESHOLDS_NAME = "thresholds.toml"
LABELS_NAME = "support_labels.jsonl"
WARM_UP_QUESTION = "What did the last inspection find?"


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


# ---------------------------------------------------------------- scoring one answer

@dataclass(frozen=True)
class CitedText:
    """One citation of an answer: what it points at and whether it counts as relevant."""

    key: str
    label: str
    text: str
    gold: bool
    supports: bool  # alone supports at least one sentence that cites it


@dataclass(frozen=True)
class SentenceCheck:
    text: str
    citations: tuple[int, ...]  # indexes into QuestionResult.citations
    supported: bool
    reason: str


@dataclass(frozen=True)
class AnswerScores:
    sentences: tuple[SentenceCheck, ...]
    supports: tuple[bool, ...]          # per citation
    precision: float | None             # ALCE citation precision of this answer


def score_sentences(sentences: Sequence[tuple[str, Sequence[int]]], texts: Sequence[str]) -> AnswerScores:
    """Judge each sentence against its cited texts (ALCE recall), and each citation (ALCE precision).

    `sentences` pairs a sentence with indexes into `texts`. A sentence with no citation is
    unsupported.
    """
    checks: list[SentenceCheck] = []
    supports = [False] * len(texts)
    credited = 0
    mentions = 0
    for sentence, cited in sentences:
        cited = tuple(dict.fromkeys(cited))
        if not cited:
            checks.append(SentenceCheck(sentence, (), False, "no citation"))
            continue
        verdict = judge_support(sentence, "\n".join(texts[i] for i in cited))
        checks.append(SentenceCheck(sentence, cited, verdict.supported, verdict.reason))
        alone = {i: judge_support(sentence, texts[i]).supported for i in cited}
        for i, ok in alone.items():
            supports[i] = supports[i] or ok
        mentions += len(cited)
        if verdict.supported and len(cited) > 1:
            for i in cited:
                if alone[i]:
                    credited += 1
                    continue
                others = "\n".join(texts[j] for j in cited if j != i)
                if not judge_support(sentence, others).supported:
                    credited += 1  # needed: the others do not support the sentence without it
        elif verdict.supported:
            credited += 1
    return AnswerScores(tuple(checks), tuple(supports), credited / mentions if mentions else None)


@dataclass(frozen=True)
class QuestionResult:
    """One question as one system handled it."""

    id: str
    question: str
    type: str
    gold_ranks: tuple[int | None, ...]  # per gold entry: best rank of a gold passage, None beyond RANKS
    retrieved: tuple[str, ...]          # labels of the top 5 retrieved, "*" marking gold
    refused: bool
    answer: str
    citations: tuple[CitedText, ...]
    sentences: tuple[SentenceCheck, ...]
    citation_precision: float | None
    seconds: float

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def recall_at(self, k: int) -> float:
        return sum(r is not None and r <= k for r in self.gold_ranks) / len(self.gold_ranks)

    @property
    def reciprocal_rank(self) -> float:
        ranks = [r for r in self.gold_ranks if r is not None]
        return 1.0 / min(ranks) if ranks else 0.0

    @property
    def cites_gold(self) -> bool:
        return any(c.gold for c in self.citations)

    @property
    def all_relevant(self) -> bool:
        return bool(self.citations) and all(c.gold or c.supports for c in self.citations)

    @property
    def citation_recall(self) -> float | None:
        if not self.sentences:
            return None
        return sum(s.supported for s in self.sentences) / len(self.sentences)

    @property
    def cited_chars(self) -> int:
        return sum(len(c.text) for c in self.citations)

    def problems(self) -> list[str]:
        """What went wrong, in words (empty when nothing did)."""
        out: list[str] = []
        if not self.answerable:
            if not self.refused:
                out.append("answered an unanswerable question")
            return out
        missing = [n for n, r in enumerate(self.gold_ranks, start=1) if r is None or r > 5]
        if missing:
            out.append(f"gold {', '.join(map(str, missing))} of {len(self.gold_ranks)} not in retrieval top 5")
        if self.refused:
            out.append("refused an answerable question")
            return out
        if not self.cites_gold:
            out.append("cites no gold passage")
        if not self.all_relevant:
            bad = [str(n) for n, c in enumerate(self.citations, start=1) if not (c.gold or c.supports)]
            out.append(f"irrelevant citation [{', '.join(bad)}]")
        unsupported = [s for s in self.sentences if not s.supported]
        if unsupported:
            out.append(f"{len(unsupported)} unsupported sentence(s)")
        return out


# ---------------------------------------------------------------- figures

@dataclass(frozen=True)
class Figures:
    """The figures for a set of questions; None where they do not apply (or nothing to count)."""

    questions: int
    answerable: int
    unanswerable: int
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    recall_at_10: float | None = None
    mrr: float | None = None
    cites_gold: float | None = None
    all_relevant: float | None = None
    citation_recall: float | None = None
    citation_precision: float | None = None
    groundedness: float | None = None
    sentences: int = 0
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    false_refusal_rate: float | None = None
    cited_chars: float | None = None
    latency_p50: float | None = None
    latency_p95: float | None = None


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def summarise(results: Sequence[QuestionResult], *, judged: bool = True) -> Figures:
    """Figures over `results`. `judged=False` leaves the sentence-level figures out (the baseline
    quotes its chunks whole: it has no sentences of its own to judge)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in results if not r.refused]
    refused = [r for r in results if r.refused]
    sentences = [s for r in answered for s in r.sentences]
    seconds = [r.seconds for r in results]

    def share(rows: Sequence[QuestionResult], test: Callable[[QuestionResult], bool]) -> float | None:
        return sum(map(test, rows)) / len(rows) if rows else None

    return Figures(
        questions=len(results),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        recall_at_1=_mean(r.recall_at(1) for r in answerable),
        recall_at_5=_mean(r.recall_at(5) for r in answerable),
        recall_at_10=_mean(r.recall_at(10) for r in answerable),
        mrr=_mean(r.reciprocal_rank for r in answerable),
        cites_gold=share(answerable, lambda r: r.cites_gold),
        all_relevant=share(answerable, lambda r: r.all_relevant),
        citation_recall=_mean(r.citation_recall for r in answered) if judged else None,
        citation_precision=_mean(r.citation_precision for r in answered) if judged else None,
        groundedness=(sum(s.supported for s in sentences) / len(sentences)) if judged and sentences else None,
        sentences=len(sentences),
        refusal_precision=share(refused, lambda r: not r.answerable) if unanswerable else None,
        refusal_recall=share(unanswerable, lambda r: r.refused),
        false_refusal_rate=share(answerable, lambda r: r.refused),
        cited_chars=_mean(r.cited_chars for r in answered),
        latency_p50=float(np.percentile(seconds, 50)) if seconds else None,
        latency_p95=float(np.percentile(seconds, 95)) if seconds else None,
    )


@dataclass(frozen=True)
class SystemRun:
    """One system over the whole eval set."""

    name: str
    description: str
    results: tuple[QuestionResult, ...]
    overall: Figures
    by_type: dict[str, Figures]
    setup_seconds: float
    run_seconds: float
    notes: tuple[str, ...] = ()


def system_run(name: str, description: str, results: list[QuestionResult], setup: float, run: float,
                judged: bool = True, notes: Sequence[str] = ()) -> SystemRun:
    by_type = {t: summarise([r for r in results if r.type == t], judged=judged)
               for t in TYPES if any(r.type == t for r in results)}
    return SystemRun(name, description, tuple(results), summarise(results, judged=judged), by_type, setup, run,
                     tuple(notes))


# ---------------------------------------------------------------- our system

def _short_label(p: StoredPassage) -> str:
    bits = [p.council or p.file_name]
    if p.item:
        bits.append(f"item {p.item}")
    elif p.item_title:
        title = p.item_title if len(p.item_title) <= 40 else p.item_title[:40].rsplit(" ", 1)[0] + "…"
        bits.append(f"'{title}'")
    if p.point:
        bits.append(point_display(p.point))
    if p.part:
        bits.append(f"part {p.part}")
    return " ".join(bits)


def _answer_result(q: EvalQuestion, gold: tuple[frozenset[str], ...], ranked: Sequence[StoredPassage],
                   answer: Answer, seconds: float) -> QuestionResult:
    gold_ids = frozenset().union(*gold) if gold else frozenset()
    rank_of = {p.id: n for n, p in enumerate(ranked, start=1)}
    gold_ranks = tuple(min((rank_of[i] for i in ids if i in rank_of), default=None) for ids in gold)
    retrieved = tuple(("*" if p.id in gold_ids else "") + _short_label(p) for p in ranked[:5])
    index = {c.n: i for i, c in enumerate(answer.citations)}
    texts = [c.passage.text for c in answer.citations]
    scored = score_sentences([(s.text, [index[n] for n in s.citations if n in index]) for s in answer.sentences], texts)
    citations = tuple(
        CitedText(c.passage.id, _short_label(c.passage), c.passage.text, c.passage.id in gold_ids, scored.supports[i])
        for i, c in enumerate(answer.citations)
    )
    return QuestionResult(q.id, q.question, q.type, gold_ranks, retrieved, answer.refused, answer.text,
                          citations, scored.sentences, scored.precision, seconds)


def evaluate_engine(engine, questions: Sequence[EvalQuestion], gold: dict[str, tuple[frozenset[str], ...]],
                    progress: Callable[[int], None] | None = None) -> SystemRun:
    """Ask every question of `engine` (warmed up first, so latency is warm), timing `ask`, then
    take the retrieval figures from `engine.retrieve(question, top_k=10)` (which reuses the
    question's vectors from the engine's cache, so costs no model call)."""
    t0 = time.perf_counter()
    engine.warm_up()
    engine.ask(WARM_UP_QUESTION)  # not one of the set: the engine keeps each question's vectors
    setup = time.perf_counter() - t0
    results = []
    t0 = time.perf_counter()
    for n, q in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = engine.ask(q.question)
        seconds = time.perf_counter() - started
        ranked = [h.passage for h in engine.retrieve(q.question, top_k=RANKS).hits]
        results.append(_answer_result(q, gold[q.id], ranked, answer, seconds))
        if progress:
            progress(n)
    llm = engine.settings.llm or "none"
    description = (f"hybrid dense + BM25 over minute points, top_k {engine.settings.top_k}, "
                   f"{'extractive answerer' if llm == 'none' else 'LLM ' + llm}")
    return system_run("ours", description, results, setup, time.perf_counter() - t0)


# ---------------------------------------------------------------- judge agreement

@dataclass(frozen=True)
class JudgeAgreement:
    """How `judge_support` agrees with the hand-labelled pairs."""

    rows: int
    agree: int
    unsupported: int
    caught: int
    disagreements: tuple[str, ...]

    @property
    def accuracy(self) -> float:
        return self.agree / self.rows if self.rows else 0.0

    @property
    def caught_share(self) -> float:
        """Share of the unsupported rows the judge calls unsupported."""
        return self.caught / self.unsupported if self.unsupported else 1.0


def judge_agreement(path: Path) -> JudgeAgreement:
    """Run the support judge over labelled {sentence, passage, supported} rows."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    agree = caught = unsupported = 0
    disagreements = []
    for row in rows:
        verdict = judge_support(row["sentence"], row["passage"])
        if verdict.supported == row["supported"]:
            agree += 1
        else:
            disagreements.append(f"{row['id']} (labelled {'supported' if row['supported'] else 'unsupported'}): "
                                 f"{row['sentence']!r}")
        if not row["supported"]:
            unsupported += 1
            caught += not verdict.supported
    return JudgeAgreement(len(rows), agree, unsupported, caught, tuple(disagreements))


# ---------------------------------------------------------------- the gate

@dataclass(frozen=True)
class GateCheck:
    metric: str
    value: float | None
    op: str           # ">=" or "<="
    threshold: float
    passed: bool

    def describe(self) -> str:
        value = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.metric} {value} {self.op} {self.threshold:.3f}: {'ok' if self.passed else 'FAIL'}"


JUDGE_METRICS = ("judge_accuracy", "judge_caught")


@dataclass(frozen=True)
class Thresholds:
    """eval/thresholds.toml: `[gate.min]` / `[gate.max]` per metric (Figures field names, and
    `judge_accuracy` / `judge_caught` for the support judge on its labelled pairs), never looser
    than `[floor.min]` / `[floor.max]`."""

    minimum: dict[str, float]
    maximum: dict[str, float]

    @classmethod
    def load(cls, path: Path) -> "Thresholds":
        """Raises EvalSetError when the file is missing, names an unknown metric or is looser
        than its floor."""
        if not path.is_file():
            raise EvalSetError(f"thresholds file {path} not found")
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise EvalSetError(f"{path}: {exc}") from None
        gate, floor = data.get("gate", {}), data.get("floor", {})
        known = {f.name for f in fields(Figures)} | set(JUDGE_METRICS)
        minimum, maximum = dict(gate.get("min", {})), dict(gate.get("max", {}))
        for name in [*minimum, *maximum]:
            if name not in known:
                raise EvalSetError(f"{path}: unknown metric {name!r}; use one of {', '.join(sorted(known))}")
        for name, low in floor.get("min", {}).items():
            if minimum.get(name, -1.0) < low:
                raise EvalSetError(f"{path}: gate.min.{name} = {minimum.get(name)} is below its floor {low}")
        for name, high in floor.get("max", {}).items():
            if maximum.get(name, float("inf")) > high:
                raise EvalSetError(f"{path}: gate.max.{name} = {maximum.get(name)} is above its floor {high}")
        return cls(minimum, maximum)

    def check(self, figures: Figures, judge: JudgeAgreement | None = None) -> list[GateCheck]:
        """One check per threshold; a figure that is missing (None, or the judge not run) fails."""
        values = asdict(figures)
        if judge is not None:
            values.update(judge_accuracy=judge.accuracy, judge_caught=judge.caught_share)
        out = []
        for name, low in self.minimum.items():
            v = values.get(name)
            out.append(GateCheck(name, v, ">=", low, v is not None and v >= low - 1e-9))
        for name, high in self.maximum.items():
            v = values.get(name)
            out.append(GateCheck(name, v, "<=", high, v is not None and v <= high + 1e-9))
        return out


# ---------------------------------------------------------------- a whole run

@dataclass(frozen=True)
class EvalRun:
    eval_set: str
    when: str
    store: str
    documents: int
    passages: int
    corpus_chars: int
    ours: SystemRun
    baseline: SystemRun | None
    judge: JudgeAgreement | None
    gate: tuple[GateCheck, ...] = ()
    command: str = ""
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def gate_passed(self) -> bool:
        return all(c.passed for c in self.gate)


def run_eval(settings: Settings, eval_set: Path, *, baseline: bool = False, embedder=None,
             thresholds: Path | None = None, labels: Path | None = None,
             progress: Callable[[str], None] | None = None) -> EvalRun:
    """Evaluate an engine on `settings` (and the baseline) on `eval_set` and check the gate.

    `embedder` defaults to the process-wide model.

    `thresholds` and `labels` default to thresholds.toml and support_labels.jsonl beside the eval
    set; a missing labels file skips the judge agreement, a missing thresholds file the gate.

    Raises:
        EvalSetError: the eval set is malformed or a gold entry matches no stored passage.
        EmptyStoreError: nothing is ingested.
    """
    from ofsted_rag.engine import Engine
    from ofsted_rag.errors import EmptyStoreError

    started = time.perf_counter()
    say = progress or (lambda _: None)
    questions = load_eval_set(eval_set)
    from ofsted_rag.embedding import default_embedder

    engine = Engine(settings, embedder=embedder or default_embedder())
    passages = engine.store.all_passages()
    if not passages:
        raise EmptyStoreError()
    gold = map_gold(questions, passages)
    say(f"asking {len(questions)} questions of {len(passages)} stored passages")

    def done(n: int) -> None:
        if n % 20 == 0 and n < len(questions):
            say(f"{n}/{len(questions)} questions")

    ours = evaluate_engine(engine, questions, gold, progress=done)

    other = None
    if baseline:
        from ofsted_rag.baseline import evaluate_baseline

        say("building the llama-index baseline")
        other = evaluate_baseline(settings, engine.store, questions)

    labels = labels or eval_set.parent / LABELS_NAME
    judge = judge_agreement(labels) if labels.is_file() else None
    thresholds = thresholds or eval_set.parent / THRESHOLDS_NAME
    notes = list(other.notes) if other else []
    gate: list[GateCheck] = []
    if thresholds.is_file():
        gate = Thresholds.load(thresholds).check(ours.overall, judge)
    else:
        notes.append(f"no gate: {thresholds} not found")
    return EvalRun(
        eval_set=str(eval_set), when=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        store=settings.chroma_url or str(settings.chroma_path), documents=len(engine.store.documents()),
        passages=len(passages), corpus_chars=sum(len(p.text) for p in passages), ours=ours, baseline=other, judge=judge, gate=tuple(gate),
        seconds=time.perf_counter() - started, notes=tuple(notes),
    )


# ---------------------------------------------------------------- rendering

ROWS: tuple[tuple[str, str, str], ...] = (
    # (label, Figures field, format: "%" share, "s" seconds, "n" count, "f" float)
    ("retrieval recall@1", "recall_at_1", "f"),
    ("retrieval recall@5", "recall_at_5", "f"),
    ("retrieval recall@10", "recall_at_10", "f"),
    ("MRR", "mrr", "f"),
    ("cites >= 1 gold passage", "cites_gold", "f"),
    ("citations all relevant", "all_relevant", "f"),
    ("ALCE citation recall", "citation_recall", "f"),
    ("ALCE citation precision", "citation_precision", "f"),
    ("groundedness (sentences supported)", "groundedness", "f"),
    ("answer sentences judged", "sentences", "n"),
    ("refusal precision", "refusal_precision", "f"),
    ("refusal recall", "refusal_recall", "f"),
    ("false refusals (answerable)", "false_refusal_rate", "f"),
    ("cited text per answer (chars)", "cited_chars", "n"),
    ("latency p50 (s)", "latency_p50", "s"),
    ("latency p95 (s)", "latency_p95", "s"),
)

def _fmt(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "n":
        return f"{value:.0f}"
    if kind == "s":
        return f"{value:.3f}"
    return f"{value:.3f}"


def overall_rows(run: EvalRun) -> list[list[str]]:
    """[metric, ours, baseline] rows of the side-by-side table ([metric, ours] without baseline)."""
    systems = [s for s in (run.ours, run.baseline) if s]
    return [[label, *(_fmt(getattr(s.overall, attr), kind) for s in systems)] for label, attr, kind in ROWS]


def type_table(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the by-type table: a metric per row, a type per column, each cell
    "ours / baseline" when the baseline ran."""
    names = [*run.ours.by_type, "overall"]

    def cell(system: SystemRun, name: str, attr: str, kind: str) -> str:
        figures = system.overall if name == "overall" else system.by_type.get(name)
        return _fmt(getattr(figures, attr), kind) if figures else "—"

    rows = [["questions", *(cell(run.ours, n, "questions", "n") for n in names)]]
    for label, attr, kind in ROWS:
        if attr == "sentences":
            continue
        cells = []
        for n in names:
            text = cell(run.ours, n, attr, kind)
            if run.baseline:
                text += " / " + cell(run.baseline, n, attr, kind)
            cells.append(text)
        rows.append([label, *cells])
    title = "metric (ours / baseline)" if run.baseline else "metric"
    return [title, *names], rows


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "l") -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":---"] + [(":---" if align == "l" else "---:")] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def failures(system: SystemRun) -> list[QuestionResult]:
    return [r for r in system.results if r.problems()]


def describe_failure(r: QuestionResult) -> list[str]:
    """A failing question in a few lines: what was wrong, retrieved and cited."""
    lines = [f"{r.id} [{r.type}] {r.question}", f"  problems: {'; '.join(r.problems())}"]
    if r.answerable:
        ranks = ", ".join("-" if x is None else str(x) for x in r.gold_ranks)
        lines.append(f"  gold ranks (top {RANKS}): {ranks}")
    lines.append(f"  retrieved top 5: {' | '.join(r.retrieved)}")
    answer = " ".join(r.answer.split())
    lines.append(f"  answer: {answer if len(answer) <= 400 else answer[:400] + '…'}")
    if not r.refused:
        for n, c in enumerate(r.citations, start=1):
            mark = "gold" if c.gold else ("supports" if c.supports else "IRRELEVANT")
            lines.append(f"  [{n}] {c.label} ({mark})")
        for s in r.sentences:
            if not s.supported:
                lines.append(f"  unsupported: {s.text!r} ({s.reason})")
    return lines


def render_markdown(run: EvalRun) -> str:
    ours = run.ours
    out = [
        "# Eval report",
        "",
        f"Generated {run.when} by `{run.command}` "
        f"({len(ours.results)} questions from `{run.eval_set}`; store {run.documents} documents, "
        f"{run.passages} passages; {run.seconds:.1f} s in all). Regenerated on every run: do not edit.",
        "",
        f"- **ours**: {ours.description}.",
    ]
    if run.baseline:
        out.append(f"- **baseline**: {run.baseline.description}.")
    header = ["metric", "ours", "baseline"] if run.baseline else ["metric", "ours"]
    out += ["", "## Overall", "", _markdown_table(header, overall_rows(run), align="r"), ""]
    if run.baseline:
        out += ["The baseline has no answer text of its own (its cited chunks are the answer), so the "
                "sentence-level figures (ALCE, groundedness) do not apply to it, and it never refuses. "
                "Its citations are whole chunks: \"cited text per answer\" is how much a reader must check "
                "to verify one answer (the stored passages hold "
                f"{run.corpus_chars:,} characters in all).", ""]
    header, rows = type_table(run)
    out += ["## By question type" + (" (ours / baseline)" if run.baseline else ""), "",
            _markdown_table(header, rows, align="r"), ""]
    out += ["## Timings", "",
            f"- ours: warm-up {ours.setup_seconds:.1f} s, {len(ours.results)} questions in {ours.run_seconds:.1f} s "
            f"(each asked once, timed, through `ask`, then retrieved again untimed for the retrieval figures); "
            f"wall-clock on {os.cpu_count()} CPUs, so latency moves with the machine's load."]
    if run.baseline:
        out.append(f"- baseline: import, chunk, embed and index {run.baseline.setup_seconds:.1f} s, "
                   f"{len(run.baseline.results)} questions in {run.baseline.run_seconds:.1f} s.")
    out.append("")
    if run.judge:
        j = run.judge
        out += ["## Support judge", "",
                f"`support.judge_support` agrees with {j.agree}/{j.rows} hand-labelled pairs in "
                f"`eval/{LABELS_NAME}` ({j.accuracy:.1%}) and catches {j.caught}/{j.unsupported} of the "
                "unsupported ones."]
        out += [f"- disagrees on {d}" for d in j.disagreements]
        out.append("")
    if run.gate or run.notes:
        out += ["## Gate (`eval/thresholds.toml`)", ""]
        out += [f"- {c.describe()}" for c in run.gate]
        out += [f"- {n}" for n in run.notes]
        out.append("")
    failed = failures(ours)
    out += ["## Failing questions (ours)", ""]
    if failed:
        out.append("```")
        for r in failed:
            out += describe_failure(r)
        out.append("```")
    else:
        out.append("None.")
    out += ["", "## Definitions", "", __doc__.split("Definitions (per type and overall):\n", 1)[1].strip(), ""]
    return "\n".join(out)


def _figures_json(f: Figures) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(f).items()}


def _system_json(s: SystemRun) -> dict:
    return {
        "description": s.description,
        "overall": _figures_json(s.overall),
        "by_type": {t: _figures_json(f) for t, f in s.by_type.items()},
        "setup_seconds": round(s.setup_seconds, 2),
        "run_seconds": round(s.run_seconds, 2),
    }


def run_to_json(run: EvalRun) -> dict:
    """The `--json` object."""
    return {
        "command": run.command,
        "generated": run.when,
        "eval_set": run.eval_set,
        "store": {"location": run.store, "documents": run.documents, "passages": run.passages,
                  "characters": run.corpus_chars},
        "ours": _system_json(run.ours),
        "baseline": _system_json(run.baseline) if run.baseline else None,
        "judge": ({"rows": run.judge.rows, "agree": run.judge.agree, "accuracy": round(run.judge.accuracy, 4),
                   "unsupported": run.judge.unsupported, "caught": run.judge.caught,
                   "disagreements": list(run.judge.disagreements)} if run.judge else None),
        "gate": {"passed": run.gate_passed, "checks": [asdict(c) for c in run.gate], "notes": list(run.notes)},
        "failures": [
            {"id": r.id, "type": r.type, "question": r.question, "problems": r.problems(),
             "gold_ranks": list(r.gold_ranks), "retrieved": list(r.retrieved), "refused": r.refused,
             "answer": r.answer, "citations": [{"label": c.label, "gold": c.gold, "supports": c.supports} for c in r.citations],
             "unsupported": [s.text for s in r.sentences if not s.supported]}
            for r in failures(run.ours)
        ],
        "seconds": round(run.seconds, 2),
    }


def print_tables(run: EvalRun) -> None:
    from rich.console import Console
    from rich.table import Table

    # Wide enough for the by-type table when stdout is a file or a pipe (rich assumes 80 columns).
    console = Console(width=None if sys.stdout.isatty() else 140)
    table = Table(title=f"ofsted-rag eval: {len(run.ours.results)} questions", show_header=True)
    table.add_column("metric")
    table.add_column("ours", justify="right")
    if run.baseline:
        table.add_column("llama-index baseline", justify="right")
    for row in overall_rows(run):
        table.add_row(*row)
    console.print(table)
    header, rows = type_table(run)
    by_type = Table(title="by question type", show_header=True)
    by_type.add_column(header[0])
    for name in header[1:]:
        by_type.add_column(name, justify="right")
    for row in rows:
        by_type.add_row(*row)
    console.print(by_type)
    if run.judge:
        console.print(f"support judge: {run.judge.agree}/{run.judge.rows} labelled pairs agree "
                      f"({run.judge.accuracy:.1%}); catches {run.judge.caught}/{run.judge.unsupported} unsupported")
    failed = failures(run.ours)
    console.print(f"failing questions (ours): {len(failed)}"
                  + (": " + ", ".join(r.id for r in failed) if failed else ""))
    for c in run.gate:
        console.print(f"gate: {c.describe()}", style=None if c.passed else "bold red", highlight=False)
    for n in run.notes:
        console.print(n)


def command_line(eval_set: Path, as_json: bool, baseline: bool, report: Path) -> str:
    """The `ofsted-rag eval` command that reproduces a run with these options."""
    args = ["ofsted-rag", "eval"]
    if eval_set != Path("eval/questions.jsonl"):
        args += ["--set", str(eval_set)]
    if baseline:
        args.append("--baseline")
    if as_json:
        args.append("--json")
    if report != Path("eval/report.md"):
        args += ["--report", str(report)]
    return shlex.join(args)


def run_eval_command(settings: Settings, eval_set: Path, as_json: bool, baseline: bool, report: Path) -> int:
    """`ofsted-rag eval`: print the figures (a table, or one JSON object with `--json`), rewrite
    `report`, and return 0 when the gate in thresholds.toml passes, 1 when it does not."""
    from dataclasses import replace

    def say(message: str) -> None:
        print(f"eval: {message}", file=sys.stderr, flush=True)

    # Libraries the baseline loads print to stdout; keep stdout for the figures alone.
    with contextlib.redirect_stdout(sys.stderr):
        run = run_eval(settings, eval_set, baseline=baseline, progress=say)
    run = replace(run, command=command_line(eval_set, as_json, baseline, report))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_markdown(run), encoding="utf-8")
    if as_json:
        print(json.dumps(run_to_json(run), ensure_ascii=False))
    else:
        print_tables(run)
        print(f"report written to {report}")
    return 0 if run.gate_passed else 1
