"""The default answerer: no LLM. It answers with the documents' own sentences, each cited.

It picks, from the retrieved passages, the sentences that answer the question (by the passage's
dense similarity and by how many of the question's topic words the sentence carries), keeps at most
`max_sentences`, and ends each with its citation marker. Nothing appears in the answer that is not
in a cited passage. When the evidence is too weak, or the question names a council or a year the
documents do not cover, it refuses and lists the closest passages instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ofsted_rag.documents import Answer, AnswerSentence, Citation, RetrievalStep, StoredPassage
from ofsted_rag.retrieve import Hit
from ofsted_rag.support import content_words

REFUSAL = "The documents I have do not answer this."

# Words that say what kind of question it is, not what it is about.
QUESTION_WORDS = content_words(
    "what which when where who how many much did does do say said says tell told ofsted council councils "
    "authority authorities local committee scrutiny minutes letter report happen happened anything "
    "there any about find found given give get got know mention mentioned latest last time year"
)


@dataclass(frozen=True)
class Thresholds:
    """When the evidence is good enough to answer. Calibrated on the eval set (see eval/report.md).

    A passage can answer when its dense similarity to the question is at least `min_similarity`
    and either it carries `min_overlap` of the question's topic words or its similarity alone
    is at least `strong_similarity`.
    """

    min_similarity: float = 0.30
    min_overlap: float = 0.34
    strong_similarity: float = 0.55
    relative: float = 0.80


@dataclass(frozen=True)
class Candidate:
    sentence: str
    passage: StoredPassage
    hit: Hit
    overlap: float
    score: float


_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|cllr|mr|mrs|ms|dr|no|vs|approx|st)\.$", re.IGNORECASE)
_LEADING_LABEL = re.compile(r"^(?:\([a-z]{1,3}\)|\([ivx]+\)|[•·▪◦●‣∙\-–*]|\d+(?:\.\d+)+\.?)\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage, its point label ("(b)", "•") removed from the first."""
    text = _LEADING_LABEL.sub("", text.strip())
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?](?:[\"”’')]*)\s+(?=[\"“‘'(]?[A-Z0-9])", text):
        candidate = text[start:m.end()].strip()
        if _ABBREVIATIONS.search(text[start:m.start() + 1]):
            continue
        if candidate:
            out.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def topic_words(question: str, expansions: Sequence[str] = ()) -> set[str]:
    from ofsted_rag.places import strip_places

    words = content_words(strip_places(question))
    return words - QUESTION_WORDS


def is_precedent_question(question: str) -> bool:
    """Asks across councils ("which councils ...", "other authorities", "anywhere else")."""
    return bool(re.search(r"\b(councils|authorities|which council|any council|other council|elsewhere|anywhere|across|compare|both)\b",
                          question, re.IGNORECASE))


class ExtractiveAnswerer:
    """Composes a short cited answer from the documents' own sentences."""

    def __init__(self, max_sentences: int = 5, thresholds: Thresholds | None = None) -> None:
        self.max_sentences = max_sentences
        self.thresholds = thresholds or Thresholds()

    def answer(self, question: str, hits: Sequence[Hit], *, topic: set[str] | None = None,
               steps: Sequence[RetrievalStep] = ()) -> Answer:
        topic = topic_words(question) if topic is None else topic
        candidates = self.candidates(question, hits, topic)
        if not candidates:
            return refuse(question, hits, steps=(*steps, RetrievalStep("refused", "no passage passed the evidence threshold")))
        chosen = self._choose(question, candidates)
        return compose(question, [(c.sentence, c.passage) for c in chosen], steps=(
            *steps,
            RetrievalStep("answer", f"{len(chosen)} sentence(s) from {len({c.passage.id for c in chosen})} passage(s); "
                                    f"topic words: {', '.join(sorted(topic)) or '(none)'}"),
        ))

    def candidates(self, question: str, hits: Sequence[Hit], topic: set[str]) -> list[Candidate]:
        """Sentences from passages that pass the evidence threshold, best first."""
        t = self.thresholds
        out: list[Candidate] = []
        for rank, hit in enumerate(hits):
            passage_words = content_words(" ".join(x for x in (hit.passage.item_title, hit.passage.text) if x))
            passage_overlap = len(topic & passage_words) / len(topic) if topic else 0.0
            if hit.similarity < t.min_similarity:
                continue
            if passage_overlap < t.min_overlap and hit.similarity < t.strong_similarity:
                continue
            for sentence in split_sentences(hit.passage.text):
                words = content_words(sentence)
                overlap = len(topic & words) / len(topic) if topic else 0.0
                if len(words) < 2:
                    continue
                score = hit.similarity + 0.5 * overlap + 0.25 * passage_overlap - 0.01 * rank
                out.append(Candidate(sentence, hit.passage, hit, overlap, score))
        out.sort(key=lambda c: -c.score)
        return out

    def _choose(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        best = candidates[0].score
        floor = best * self.thresholds.relative
        pool = [c for c in candidates if c.score >= floor]
        chosen: list[Candidate] = []
        if is_precedent_question(question):
            # The best sentence of each council first, so a precedent answer spans councils.
            seen: set[str | None] = set()
            for c in [c for c in candidates if c.score >= best * 0.65]:
                if c.passage.council not in seen:
                    seen.add(c.passage.council)
                    chosen.append(c)
        for c in pool:
            if len(chosen) >= self.max_sentences:
                break
            if c not in chosen:
                chosen.append(c)
        chosen = chosen[: self.max_sentences]
        # Read in document order within a passage; keep the best passage first.
        return _dedupe(chosen)


def _dedupe(chosen: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in chosen:
        key = " ".join(c.sentence.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def compose(question: str, sentences: Sequence[tuple[str, StoredPassage]], *, steps: Sequence[RetrievalStep] = ()) -> Answer:
    """An answer from (sentence, passage) pairs: numbered citations, one per passage, and the
    text grouped by council when more than one council speaks."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    answer_sentences: list[AnswerSentence] = []
    for sentence, passage in sentences:
        if passage.id not in numbers:
            numbers[passage.id] = len(numbers) + 1
            citations.append(Citation(numbers[passage.id], passage))
        answer_sentences.append(AnswerSentence(sentence, (numbers[passage.id],)))
    councils = []
    for _, p in sentences:
        if p.council not in councils:
            councils.append(p.council)
    if len(councils) > 1:
        blocks = []
        for council in councils:
            lines = [f"{s.text} [{s.citations[0]}]" for s, (_, p) in zip(answer_sentences, sentences) if p.council == council]
            blocks.append(f"{council or 'Council not recorded'}: " + " ".join(lines))
        text = "\n\n".join(blocks)
    else:
        text = " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}" for s in answer_sentences)
    return Answer(question=question, text=text, refused=False, sentences=tuple(answer_sentences),
                  citations=tuple(citations), steps=tuple(steps))


def refuse(question: str, hits: Sequence[Hit], *, reason: str | None = None, closest: int = 3,
           steps: Sequence[RetrievalStep] = ()) -> Answer:
    """A plain refusal with the nearest passages listed separately, never as an answer."""
    text = REFUSAL if not reason else f"{REFUSAL[:-1]}: {reason}."
    return Answer(question=question, text=text, refused=True,
                  closest=tuple(h.passage for h in hits[:closest]), steps=tuple(steps))
