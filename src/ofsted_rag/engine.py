"""The engine the CLI and the app share: store, model, retriever and answerer, built once.

`Engine.ask` is the whole question path: recognise councils and years the question names,
retrieve (filtered to the named councils), then answer or refuse. `Conversation` adds follow-ups.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ofsted_rag import places
from ofsted_rag.answer import RERANK_DEPTH, ExtractiveAnswerer, is_precedent_question, question_topic, refuse, topic_words
from ofsted_rag.config import Settings
from ofsted_rag.documents import Answer, RetrievalStep, StoredPassage, fold
from ofsted_rag.embedding import Embedder, VectorCache, default_embedder
from ofsted_rag.errors import EmptyStoreError
from ofsted_rag.retrieve import HybridRetriever, Retrieval
from ofsted_rag.store import DocumentRecord, PassageFilter, PassageStore

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@dataclass(frozen=True)
class CorpusStatus:
    documents: int
    passages: int
    by_council: dict[str, int]
    councils: list[str]
    kinds: list[str]
    first_date: dt.date | None
    last_date: dt.date | None
    last_ingest: str | None


@dataclass(frozen=True)
class Scope:
    """What the question itself restricts: councils it names, years it names, or why it can't
    be answered from this corpus at all."""

    flt: PassageFilter
    years: tuple[int, ...]
    refusal: str | None
    note: str
    mentioned_only: tuple[places.Authority, ...] = ()


class Engine:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, answerer=None,
                 store: PassageStore | None = None) -> None:
        self.settings = settings
        self.store = store or PassageStore(settings)
        self.embedder = embedder or default_embedder(settings)
        # One cache of vectors for the question, its reworded forms and the answer sentences.
        self.vectors = VectorCache(self.embedder)
        self.retriever = HybridRetriever(self.store, self.embedder, vectors=self.vectors)
        self.extractive = ExtractiveAnswerer(max_sentences=settings.answer_sentences, vectors=self.vectors,
                                             vocabulary=self.retriever.vocabulary)
        self.answerer = answerer if answerer is not None else _configured_answerer(settings, self.extractive)

    def warm_up(self) -> None:
        if hasattr(self.embedder, "warm_up"):
            self.embedder.warm_up()
        self.retriever.refresh()

    # ---- questions ----
    def retrieve(self, question: str, flt: PassageFilter | None = None, *, top_k: int | None = None,
                 scoped: bool = True) -> Retrieval:
        """Passages for a question, as `ask` retrieves them: restricted to the councils the
        question names (unless `scoped` is False); a question across councils gets each
        council's best passages in turn."""
        flt = flt or PassageFilter()
        if scoped:
            self.retriever.refresh()
            flt = self.scope(question, flt).flt
        spread = is_precedent_question(question) and len(flt.councils) != 1
        top_k = top_k or self.settings.top_k
        t0 = time.perf_counter()
        # Every text this question needs embedded, in one model call.
        self.vectors.vectors([self.retriever.vocabulary.expand(question), *self.extractive.query_forms(question)])
        embedded = time.perf_counter() - t0
        retrieval = self.retriever.retrieve(question, flt, max(top_k, RERANK_DEPTH), spread_councils=spread)
        t0 = time.perf_counter()
        self.vectors.remember(self.store.sentence_vectors([h.passage.id for h in retrieval.hits]))
        hits = self.extractive.rerank(question, retrieval.hits, top_k)
        timings = {**retrieval.timings, "embed": retrieval.timings["embed"] + embedded,
                   "rerank": time.perf_counter() - t0}
        return replace(retrieval, hits=tuple(hits), timings=timings)

    def ask(self, question: str, flt: PassageFilter | None = None, *, top_k: int | None = None) -> Answer:
        """Answer with citations, or refuse with the closest passages.

        Raises:
            EmptyStoreError: nothing has been ingested.
        """
        started = time.perf_counter()
        question = " ".join(question.split())
        self.retriever.refresh()
        if not self.retriever.passages:
            raise EmptyStoreError()
        flt = flt or PassageFilter()
        scope = self.scope(question, flt)
        retrieval = self.retrieve(question, scope.flt, top_k=top_k, scoped=False)
        hits = list(retrieval.hits)
        steps = [
            RetrievalStep("scope", scope.note),
            RetrievalStep("retrieve", f"query {retrieval.expanded_query!r}: {len(hits)} passages (dense + BM25, "
                                      f"reciprocal rank fusion); " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in retrieval.timings.items())),
        ]
        if scope.refusal:
            return refuse(question, hits, reason=scope.refusal, steps=steps)
        if scope.years:
            hits = [h for h in hits if _mentions_year(h.passage, scope.years)]
            if not hits:
                years = ", ".join(map(str, scope.years))
                return refuse(question, list(retrieval.hits), reason=f"they say nothing about {years}", steps=steps)
        topic = question_topic(question, self.retriever.vocabulary)
        if scope.mentioned_only:
            topic = topic.with_places([[a.name, *a.aliases] for a in scope.mentioned_only])
        answer = self.answerer.answer(question, hits, topic=topic, steps=steps)
        if answer.refused and not answer.closest:
            answer = replace(answer, closest=tuple(h.passage for h in retrieval.hits[:3]))
        total = time.perf_counter() - started
        return replace(answer, steps=(*answer.steps, RetrievalStep("time", f"{total * 1000:.0f} ms")))

    def scope(self, question: str, flt: PassageFilter) -> Scope:
        """Councils and years the question names, mapped onto the corpus."""
        councils = sorted({p.council for p in self.retriever.passages if p.council})
        named = places.mentioned(question)
        years = tuple(int(y) for y in _YEAR.findall(question))
        if not named:
            return Scope(flt, years, None, "no council named" + (f"; years {years}" if years else ""))
        matched: list[str] = []
        uncovered: list[str] = []
        mentioned_only: list[places.Authority] = []
        for authority in named:
            found = places.corpus_councils_for(authority, councils)
            if found:
                matched.extend(c for c in found if c not in matched)
            elif self._mentioned_in_text(authority):
                mentioned_only.append(authority)
            else:
                uncovered.append(authority.name)
        if not matched:
            if uncovered and not mentioned_only:
                return Scope(flt, years, f"they do not cover {' or '.join(uncovered)}", f"named: {', '.join(uncovered)} (not in the corpus)")
            return Scope(flt, years, None, "named councils appear only in other councils' documents",
                         tuple(mentioned_only))
        if flt.councils:
            allowed = tuple(c for c in matched if c in flt.councils)
            if not allowed:
                return Scope(flt, years, "the council filter excludes the council the question names",
                             f"question names {', '.join(matched)}; filter allows {', '.join(flt.councils)}")
            matched = list(allowed)
        return Scope(replace(flt, councils=tuple(matched)), years, None, f"restricted to {', '.join(matched)}")

    def _mentioned_in_text(self, authority: places.Authority) -> bool:
        forms = [fold(f) for f in (authority.name, *authority.aliases) if len(f) > 3]
        for p in self.retriever.passages:
            text = fold(p.text)
            if any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text) for f in forms):
                return True
        return False

    def conversation(self) -> "Conversation":
        return Conversation(self)

    # ---- documents ----
    def passage(self, passage_id: str) -> StoredPassage | None:
        found = self.store.get_passages([passage_id])
        return found[0] if found else None

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.store.document(doc_id)

    def neighbours(self, passage: StoredPassage, before: int = 2, after: int = 2) -> list[StoredPassage]:
        """Passages around this one in the same document and item, in reading order."""
        same = [p for p in self.retriever.passages
                if any(s.doc_id == passage.doc_id for s in p.sources)]
        located = []
        for p in same:
            ref = next(s for s in p.sources if s.doc_id == passage.doc_id)
            located.append((ref.start, ref.item, ref.item_title, p))
        own = next((x for x in located if x[3].id == passage.id), None)
        if own is None:
            return [passage]
        group = sorted((x for x in located if (x[1], x[2]) == (own[1], own[2])), key=lambda x: x[0])
        i = next(n for n, x in enumerate(group) if x[3].id == passage.id)
        return [x[3] for x in group[max(0, i - before): i + after + 1]]

    def status(self) -> CorpusStatus:
        passages = self.retriever.passages
        docs = self.store.documents()
        dates = sorted(d.meta.date for d in docs.values() if d.meta.date)
        by_council = Counter(p.council or "(council not recorded)" for p in passages)
        return CorpusStatus(
            documents=len(docs),
            passages=len(passages),
            by_council=dict(sorted(by_council.items())),
            councils=sorted({p.council for p in passages if p.council}),
            kinds=sorted({p.kind for p in passages if p.kind}),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            last_ingest=self.store.last_ingest(),
        )

    def ingest(self, paths: Sequence[Path], on_embed_start: Callable[[int], None] | None = None,
               on_embedded: Callable[[int], None] | None = None):
        from ofsted_rag.ingest import ingest

        report = ingest(list(paths), self.store, self.embedder, self.settings,
                        on_embed_start=on_embed_start, on_embedded=on_embedded)
        self.retriever.refresh(force=True)
        return report


def _mentions_year(p: StoredPassage, years: Sequence[int]) -> bool:
    haystack = " ".join(x for x in (p.text, p.item_title or "") if x)
    return any(str(y) in haystack or (p.date and p.date.year == y) for y in years)


def _configured_answerer(settings: Settings, fallback: ExtractiveAnswerer):
    if not settings.llm:
        return fallback
    from ofsted_rag.llm import LLMAnswerer

    return LLMAnswerer.from_settings(settings, fallback=fallback)


_FOLLOW_UP = re.compile(r"^(?:and|also|what about|how about|same for|same question for|what of|but|then)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:they|them|their|it|its|this|that|those|these|there)\b", re.IGNORECASE)


class Conversation:
    """A chat: follow-ups ("And what about Bradford?") are read in the light of the last question.

    Works without an LLM: a follow-up that names a council asks the previous question about that
    council; one that only adds words ("what did they do about it?") is joined to the previous one.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turns: list[tuple[str, str, Answer]] = []

    def rewrite(self, question: str) -> str:
        if not self.turns:
            return question
        previous = self.turns[-1][1]
        named = places.mentioned(question)
        topic = topic_words(question)
        is_follow_up = bool(_FOLLOW_UP.match(question.strip())) or (
            len(topic) <= 1 and (named or _PRONOUN.search(question))
        )
        if not is_follow_up:
            return question
        if named and len(topic) <= 2:
            stripped = places.strip_places(previous)
            names = " and ".join(a.name for a in named)
            if places.mentioned(previous):
                return f"{' '.join(stripped.split())} in {names}".replace(" in  in ", " in ")
            return f"{previous.rstrip('?')} in {names}?"
        return f"{previous.rstrip('?')}; {question}"

    def ask(self, question: str, flt: PassageFilter | None = None) -> Answer:
        effective = self.rewrite(question)
        answer = self.engine.ask(effective, flt)
        if effective != question:
            answer = replace(answer, question=question, steps=(
                RetrievalStep("follow-up", f"read as: {effective}"), *answer.steps))
        self.turns.append((question, effective, answer))
        return answer
