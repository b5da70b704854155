"""Scoring one answer (citations, ALCE sentence support) and summarising many into figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ofsted_rag.evaluation.dataset import REASONS, SPLITS, TYPES, split_of
from ofsted_rag.support import judge_support

RANKS = 10


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
    reason: str | None = None  # why an unanswerable question is
    source: str = ""           # the question file

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def split(self) -> str:
        return split_of(self.id)

    def recall_at(self, k: int) -> float:
        """The share of its gold entries found in the top k, out of at most k (capped recall): a
        question across councils may have more gold entries than k places can hold, and finding k
        of them is all retrieval can do."""
        found = sum(r is not None and r <= k for r in self.gold_ranks)
        return found / min(k, len(self.gold_ranks))

    @property
    def reciprocal_rank(self) -> float:
        ranks = [r for r in self.gold_ranks if r is not None]
        return 1.0 / min(ranks) if ranks else 0.0

    @property
    def cites_gold(self) -> bool:
        return any(c.gold for c in self.citations)

    @property
    def first_sentence_cites_gold(self) -> bool | None:
        """Whether the answer's first sentence cites a gold passage: the sentence a reader takes as
        the answer. None for an answer with no sentences of its own (a refusal, the baseline)."""
        if not self.sentences:
            return None
        return any(self.citations[i].gold for i in self.sentences[0].citations)

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
    first_sentence_cites_gold: float | None = None
    all_relevant: float | None = None
    citation_recall: float | None = None
    citation_precision: float | None = None
    groundedness: float | None = None
    sentences: int = 0
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    refusal_recall_council_not_held: float | None = None
    refusal_recall_other_period: float | None = None
    refusal_recall_subject_not_covered: float | None = None
    refusal_recall_false_premise: float | None = None
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
    first = [r.first_sentence_cites_gold for r in answerable if not r.refused]

    def share(rows: Sequence[QuestionResult], test: Callable[[QuestionResult], bool]) -> float | None:
        return sum(map(test, rows)) / len(rows) if rows else None

    by_reason = {f"refusal_recall_{reason}": share([r for r in unanswerable if r.reason == reason], lambda r: r.refused)
                 for reason in REASONS}

    return Figures(
        questions=len(results),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        recall_at_1=_mean(r.recall_at(1) for r in answerable),
        recall_at_5=_mean(r.recall_at(5) for r in answerable),
        recall_at_10=_mean(r.recall_at(10) for r in answerable),
        mrr=_mean(r.reciprocal_rank for r in answerable),
        cites_gold=share(answerable, lambda r: r.cites_gold),
        first_sentence_cites_gold=_mean(float(x) for x in first if x is not None) if judged else None,
        all_relevant=share(answerable, lambda r: r.all_relevant),
        citation_recall=_mean(r.citation_recall for r in answered) if judged else None,
        citation_precision=_mean(r.citation_precision for r in answered) if judged else None,
        groundedness=(sum(s.supported for s in sentences) / len(sentences)) if judged and sentences else None,
        sentences=len(sentences),
        refusal_precision=share(refused, lambda r: not r.answerable) if unanswerable else None,
        refusal_recall=share(unanswerable, lambda r: r.refused),
        **by_reason,
        false_refusal_rate=share(answerable, lambda r: r.refused),
        cited_chars=_mean(r.cited_chars for r in answered),
        latency_p50=float(np.percentile(seconds, 50)) if seconds else None,
        latency_p95=float(np.percentile(seconds, 95)) if seconds else None,
    )


@dataclass(frozen=True)
class SystemRun:
    """One system over the questions asked of it."""

    name: str
    description: str
    results: tuple[QuestionResult, ...]
    overall: Figures
    by_type: dict[str, Figures]
    setup_seconds: float
    run_seconds: float
    notes: tuple[str, ...] = ()
    judged: bool = True

    def figures(self, *, split: str = "all", type: str | None = None, source: str | None = None) -> Figures | None:
        """Figures over the results of one split (or all), question type and question file; None
        when no result is in that group."""
        rows = [r for r in self.results if (split == "all" or r.split == split)
                and (type is None or r.type == type) and (source is None or r.source == source)]
        return summarise(rows, judged=self.judged) if rows else None

    @property
    def splits(self) -> list[str]:
        """The splits this run holds questions of, calibration before test."""
        return [s for s in SPLITS if any(r.split == s for r in self.results)]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(r.source for r in self.results))


def system_run(name: str, description: str, results: list[QuestionResult], setup: float, run: float,
               judged: bool = True, notes: Sequence[str] = ()) -> SystemRun:
    by_type = {t: summarise([r for r in results if r.type == t], judged=judged)
               for t in TYPES if any(r.type == t for r in results)}
    return SystemRun(name, description, tuple(results), summarise(results, judged=judged), by_type, setup, run,
                     tuple(notes), judged)
