"""The engine the CLI and the app share: store, model, retriever and answerer, built once.

`Engine.ask` is the whole question path: recognise councils and years the question names,
retrieve (filtered to the named councils), then answer or refuse. Chats (follow-ups) are conversation.py's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ofsted_rag import places
from ofsted_rag.answer import MAX_LIST_ITEMS, RERANK_DEPTH, ExtractiveAnswerer, refuse
from ofsted_rag.query import (MONTH_NAMES, RATING_WORDS, Query, QueryAnalyser, cues, grades_denied, judgement_name, judgement_scale, judgements_reached, months_alone, months_besides_ahead, months_in,
                              months_of_dated, passage_words, years_ahead, years_besides_earlier, years_in, years_of_dated,
                              years_written_of)
from ofsted_rag.config import Settings
from ofsted_rag.documents import Answer, DocumentMeta, RetrievalStep, StoredPassage, fold, sentences_of
from ofsted_rag.embedding import Embedder, VectorCache, default_embedder
from ofsted_rag.parsing.metadata import authorities_in_address, year_in_address
from ofsted_rag.reading import (CLAUSE, SHARED_POST_WORDS, chairs, change, counts, direction, frequencies, goes_on, name_words,
                               post_head, post_key, post_words, posts_named, same_post, says_none, stance, tone, transfer)
from ofsted_rag.errors import EmptyStoreError
from ofsted_rag.retrieve import HybridRetriever, Retrieval
from ofsted_rag.store import DocumentRecord, PassageFilter, PassageStore
from ofsted_rag.support import NUMBER_WORDS, content_words



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
    undated_documents: int = 0


@dataclass(frozen=True)
class Scope:
    """What the question itself restricts: the documents a council it names may be answered from,
    the years it names, or why it can't be answered from this store at all."""

    flt: PassageFilter
    years: tuple[int, ...]
    refusal: str | None
    note: str
    # Documents that name the council only in passing (another council's minutes mentioning a
    # partner): a passage of theirs must name it too.
    mention_only: frozenset[str] = frozenset()
    forms: tuple[str, ...] = ()
    # Documents that are the named council's own: recorded as its, or of unrecorded council and
    # naming it. Other allowed documents are of unrecorded council and do not name it.
    own: frozenset[str] | None = None

    def standing(self, doc_id: str) -> float:
        """How surely a document is about the council the question names (1 with none named)."""
        if self.own is None or doc_id in self.own:
            return 1.0
        return 0.0 if doc_id in self.mention_only else 0.5


@dataclass(frozen=True)
class Gathered:
    """What a question found: the passages that may answer it (`hits`, after scope and year
    checks), everything retrieved (for "closest passages"), and a reason to refuse, if any."""

    query: Query
    hits: tuple
    retrieved: tuple[StoredPassage, ...]
    steps: tuple[RetrievalStep, ...]
    refusal: str | None


class Engine:
    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, answerer=None,
                 store: PassageStore | None = None) -> None:
        self.settings = settings
        self.store = store or PassageStore(settings)
        self.embedder = embedder or default_embedder(settings)
        # One cache of vectors for the question, its reworded forms and the answer sentences.
        self.vectors = VectorCache(self.embedder)
        self.retriever = HybridRetriever(self.store, self.embedder, vectors=self.vectors)
        self.analyser = QueryAnalyser(self.retriever.vocabulary, is_word=self._uses_word, held=self._held,
                                      written_as_name=self._written_as_name)
        self.extractive = ExtractiveAnswerer(max_sentences=settings.answer_sentences, vectors=self.vectors,
                                             vocabulary=self.retriever.vocabulary,
                                             following=self._following, preceding=self._preceding,
                                             heading=self._heading, item_text=self._item_text)
        self.answerer = answerer if answerer is not None else _configured_answerer(settings, self.extractive)
        self._derived: dict[tuple, object] = {}
        self._derived_generation: int | None = None

    def warm_up(self) -> None:
        if hasattr(self.embedder, "warm_up"):
            self.embedder.warm_up()
        self.retriever.refresh()

    # ---- questions ----
    def analyse(self, question: str | Query) -> Query:
        return question if isinstance(question, Query) else self.analyser.analyse(question)

    def retrieve(self, question: str | Query, flt: PassageFilter | None = None, *, top_k: int | None = None,
                 scoped: bool = True) -> Retrieval:
        """Passages for a question, as `ask` retrieves them: restricted to the documents that can
        speak for the councils the question names (unless `scoped` is False); a question across
        councils gets each council's best passages in turn."""
        query = self.analyse(question)
        flt = flt or PassageFilter()
        if scoped:
            self.retriever.refresh()
            flt = self.scope(query, flt).flt
        spread = query.across_councils and len(flt.councils) != 1
        top_k = top_k or self.settings.top_k
        t0 = time.perf_counter()
        # Every text this question needs embedded, in one model call.
        self.vectors.vectors([query.expanded, *query.forms])
        embedded = time.perf_counter() - t0
        retrieval = self.retriever.retrieve(query.search_text, flt, max(top_k, RERANK_DEPTH), spread_councils=spread,
                                            spread_order=self._by_rarity(query) if spread else None)
        t0 = time.perf_counter()
        self.vectors.remember(self.store.sentence_vectors([h.passage.id for h in retrieval.hits]))
        hits = self.extractive.rerank(query, retrieval.hits, top_k)
        timings = {**retrieval.timings, "embed": retrieval.timings["embed"] + embedded,
                   "rerank": time.perf_counter() - t0}
        return replace(retrieval, hits=tuple(hits), timings=timings)

    def _by_rarity(self, query: Query) -> Callable[[StoredPassage], float] | None:
        """For a question across councils, the order each council's passages are taken in: first
        those naming more of its topic's concepts, each weighed by how few stored passages name it
        (inverse document frequency). In "which councils had backlogs at the front door?" a point
        naming a backlog weighs more than one naming only the front door, which many points name
        without saying the council had what is asked about. Not the verbs of giving a grade
        ("judged": the grade is the thing), nor a concept only one passage names (no thing several
        councils share). None when no concept counts. The first such question after an ingest
        reads every passage's words once (`_words_of`)."""
        counts = [(sum(1 for p in self.retriever.passages if _names_concept(self._words_of(p), alts)), alts)
                  for alts in query.topic.concepts if not any(alt <= _GIVING_A_GRADE for alt in alts)]
        named = [(n, alts) for n, alts in counts if n >= 2]
        if not named:
            return None
        total = len(self.retriever.passages)
        weights = [(math.log(total / n), alts) for n, alts in named]
        return lambda p: -sum(w for w, alts in weights if _names_concept(self._words_of(p), alts))

    def _words_of(self, p: StoredPassage) -> frozenset[str]:
        """A stored passage's words with its item's title (`passage_words`), kept per store generation."""
        known = self._per_generation(("passage words",), dict)
        if p.id not in known:
            known[p.id] = frozenset(passage_words(f"{p.item_title or ''} {p.text}"))
        return known[p.id]

    def ask(self, question: str | Query, flt: PassageFilter | None = None, *, top_k: int | None = None) -> Answer:
        """Answer with citations, or refuse with the closest passages.

        Raises:
            EmptyStoreError: nothing has been ingested.
        """
        started = time.perf_counter()
        found = self.gather(question, flt, top_k=top_k)
        if found.refusal:
            return refuse(found.query.text, found.hits, reason=found.refusal, steps=found.steps)
        answer = self.answerer.answer(found.query, found.hits, steps=found.steps)
        if answer.refused and not answer.closest:
            answer = replace(answer, closest=found.retrieved[:3])
        total = time.perf_counter() - started
        return replace(answer, steps=(*answer.steps, RetrievalStep("time", f"{total * 1000:.0f} ms")))

    def gather(self, question: str | Query, flt: PassageFilter | None = None, *, top_k: int | None = None) -> "Gathered":
        """Everything `ask` decides before answering: the analysed question, its scope, the
        passages that may answer it, or why nothing can (calibration reads this too).

        Raises:
            EmptyStoreError: nothing has been ingested.
        """
        self.retriever.refresh()
        if not self.retriever.passages:
            raise EmptyStoreError()
        query = self.analyse(question)
        scope = self.scope(query, flt or PassageFilter())
        top_k = top_k or self.settings.top_k
        # The period and passing-mention checks below drop passages after retrieval: enough are
        # retrieved that the top_k left are the best that pass them, not the few of the top_k that did.
        checked = bool(query.years or scope.mention_only)
        retrieval = self.retrieve(query, scope.flt, top_k=max(top_k, RERANK_DEPTH) if checked else top_k, scoped=False)
        retrieved = tuple(h.passage for h in retrieval.hits)
        hits = list(retrieval.hits)
        steps = (
            RetrievalStep("question", query.describe()),
            RetrievalStep("scope", scope.note),
            RetrievalStep("retrieve", f"query {retrieval.expanded_query!r}: {len(hits)} passages (dense + BM25, "
                                      f"reciprocal rank fusion); " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in retrieval.timings.items())),
        )
        if scope.refusal:
            return Gathered(query, tuple(hits), retrieved, steps, scope.refusal)
        if unnamed := self._people_not_named(query, scope):
            return Gathered(query, tuple(hits), retrieved, steps, f"they do not name {' or '.join(unnamed)}")
        if scope.mention_only:
            hits = [h for h in hits if h.passage.doc_id not in scope.mention_only or _names_any(h.passage, scope.forms)]
        hits = [replace(h, standing=scope.standing(h.passage.doc_id)) for h in hits]
        if query.years:
            hits = [h for h in hits if self._speaks_of_period(h.passage, query)]
            if not hits:
                period = ", ".join(f"{MONTH_NAMES[m - 1].title()} {y}" for y, m in query.months) or ", ".join(map(str, query.years))
                return Gathered(query, tuple(retrieval.hits), retrieved, steps, f"they say nothing about {period}")
        hits = hits[:top_k]
        return Gathered(query, tuple(hits), retrieved, steps,
                        _contradicted_judgement(query, hits) or _contradicted_decline(query, hits)
                        or _contradicted_upgrade(query, hits)
                        or _contradicted_direction(query, hits) or _contradicted_stance(query, hits)
                        or _contradicted_transfer(query, hits)
                        or _contradicted_criticism(query, hits) or _contradicted_presence(query, hits)
                        or _contradicted_continuation(query, hits) or _contradicted_count(query, hits)
                        or _contradicted_frequency(query, hits) or _contradicted_post(query, hits)
                        or _contradicted_chair(query, hits))

    def scope(self, question: str | Query, flt: PassageFilter) -> Scope:
        """The documents that can answer for the councils the question names: those whose
        recorded council is it, those whose text or file name names it, and those whose council is
        not recorded (an unknown is not evidence of absence). "They do not cover X" only when
        nothing in the store names X."""
        query = self.analyse(question)
        years = query.years
        # A region asked across stands for its councils ("authorities in Yorkshire").
        named = query.councils or places.councils_in(query.regions)
        if not named:
            return Scope(flt, years, None, "no council named" + (f"; years {years}" if years else ""))
        own: set[str] = set()
        mentioned: set[str] = set()
        addressed: set[str] = set()
        opened: set[str] = set()
        kin: set[str] = set()
        covered: list[str] = []
        uncovered: list[str] = []
        for authority in named:
            recorded, naming, in_address = self._documents_naming(authority)
            if recorded or naming:
                covered.append(authority.name)
                own |= recorded
                mentioned |= naming - recorded
                addressed |= in_address
                opened |= {d for d, opening in self._openings().items() if d in naming and _names_any_text(opening, authority)}
                for other in places.lineage(authority):
                    kin |= self._documents_naming(other)[0]
            else:
                uncovered.append(authority.name)
        if not covered:
            what = " or ".join(uncovered) if query.councils else f"any council in {' or '.join(query.regions)}"
            return Scope(flt, years, f"they do not cover {what}",
                         f"named: {what} (nothing in the store names it)")
        unknown = self._per_generation(("unrecorded",), lambda: {p.doc_id for p in self.retriever.passages if not p.council})
        # A document that names the council but is recorded as another council's speaks of it only
        # in passing, unless its address names it ("onthewight.com/isle-of-wight-...": a page's
        # address is named after what it is about), its opening does (a story on two councils'
        # shared board, recorded as one of them, whose lead names the other's inspection) or the
        # other council took over its services or handed them on (Cumberland recalling "the former
        # Cumbria County Council"); one of unknown council that names it is taken as its own.
        mention_only = frozenset(d for d in mentioned if d not in unknown and d not in addressed and d not in kin
                                 and d not in opened)
        theirs = frozenset(own | (mentioned & unknown))
        if query.across_councils and len(query.councils) == 1:
            # Asked which councils stand in some relation to the one named, the documents of other
            # councils naming it are the ones that answer.
            mention_only, theirs = frozenset(), frozenset(own | mentioned)
        allowed = own | mentioned | unknown
        if flt.councils:
            # A council filter keeps only documents recorded as one of its councils.
            council_of = self._per_generation(("council of",), lambda: {p.doc_id: p.council for p in self.retriever.passages})
            allowed = {d for d in allowed if council_of.get(d) in flt.councils}
        if not allowed:
            return Scope(flt, years, "the council filter excludes the council the question names",
                         f"question names {', '.join(covered)}; filter allows {', '.join(flt.councils)}")
        note = (f"{', '.join(covered)}: {len(own)} document(s) recorded as theirs, {len(mentioned)} naming them, "
                f"{len(unknown)} of unrecorded council")
        if uncovered and query.councils:
            note += f"; nothing names {', '.join(uncovered)}"
        forms = tuple(f for a in named if a.name in covered for f in (a.name, *a.aliases) if len(f) > 3)
        return Scope(replace(flt, documents=tuple(sorted(allowed))), years, None, note, mention_only, forms, theirs)

    def _people_not_named(self, query: Query, scope: Scope) -> list[str]:
        """The people the question names whom no document it may be answered from names: what
        such a person said or did is not in the documents, however close the passages about the
        subject come ("why did Cllr Ray Hunt praise the service?" over pages quoting someone
        else). A person is named by their surname, in a document's text or address; a name word
        the documents also write in lower case, or one of the council's name, leaves it unweighed."""
        documents = scope.flt.documents
        words = self._per_generation(("capitalised words",), lambda: _capitalised_words(self.retriever.passages))
        places_named = {w.lower() for a in query.councils for form in (a.name, *a.aliases) for w in re.findall(r"[\w-]+", form)}
        unnamed = []
        for person in query.people:
            name = name_words(person)
            if not name or not all(self._written_as_name(w.lower()) and w.lower() not in places_named for w in name):
                continue
            surname = name[-1]
            if not any(surname in words.get(d, ()) or surname.lower() in d_name
                       for d, d_name in ((d, self._file_names().get(d, "")) for d in (documents or words))):
                unnamed.append(person)
        return unnamed

    def _file_names(self) -> dict[str, str]:
        """Per document, its file name and address in lower case (a page's source names itself
        there more often than in its text: "a-law-firm.co.uk")."""
        def build():
            names: dict[str, str] = {}
            for p in self.retriever.passages:
                names.setdefault(p.doc_id, " ".join(x for x in (p.file_name, p.url) if x).lower())
            return names
        return self._per_generation(("file names",), build)

    def _held(self, authority: places.Authority) -> bool:
        """Whether any stored document is recorded as this authority's or names it."""
        return any(self._documents_naming(authority)[:2])

    def _heading(self, passage: StoredPassage) -> str:
        """What a document is: its title, its committee and the heading its text opens under
        ("Focused visit to Lambeth children's services"). A document with none of these, a story
        saved from its first paragraph on, is what its opening sentence says it is about: a story's
        lead names its subject ("Support for the county's disabled pupils is getting better ..."),
        the sentences after it seldom repeat it ("The partnership was inspected in December")."""
        def build():
            opening: dict[str, tuple[int, str]] = {}
            first: dict[str, StoredPassage] = {}
            for p in self.retriever.passages:
                if p.item_title and (p.doc_id not in opening or p.start < opening[p.doc_id][0]):
                    opening[p.doc_id] = (p.start, p.item_title)
                if p.doc_id not in first or p.start < first[p.doc_id].start:
                    first[p.doc_id] = p
            headings = {d: " ".join(dict.fromkeys(x for x in (r.meta.title, r.meta.body, opening.get(d, (0, ""))[1]) if x))
                        for d, r in self.store.documents().items()}
            for d, h in headings.items():
                if not h and d in first:
                    headings[d] = next(iter(sentences_of(first[d].text)), "")
            return headings

        return self._per_generation(("headings",), build).get(passage.doc_id) or passage.body or ""

    def _uses_word(self, word: str) -> bool:
        """Whether the stored passages use this word as it is written (in any case). Not any form
        of it: a stem would take "sandwel" for "Sandwell", whose double l the stemmer drops."""
        words = self._per_generation(("words",), lambda: {
            w.lower() for p in self.retriever.passages for w in re.findall(r"[A-Za-z]+", p.text)})
        return word.lower() in words

    def _written_as_name(self, word: str) -> bool:
        """Whether the stored passages never write this word in lower case (so, where they use it,
        it is a name: "Bury", never "bury")."""
        lower = self._per_generation(("lower-case words",), lambda: {
            w for p in self.retriever.passages for w in re.findall(r"\b[a-z][a-z'’-]*\b", p.text)})
        return word not in lower

    def _documents_naming(self, authority: places.Authority) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(documents recorded as this council's, documents whose text, file name or address
        names it, documents whose file name or address names it), cached until the store changes."""
        def build():
            passages = self.retriever.passages
            recorded = {p.doc_id for p in passages if p.council and places.corpus_councils_for(authority, [p.council])}
            addressed = {d for d, names in self._councils_in_addresses().items() if authority.name in names}
            named = addressed | {p.doc_id for p in passages if _names_any(p, (authority.name, *authority.aliases))}
            return frozenset(recorded), frozenset(named), frozenset(addressed)

        return self._per_generation(("naming", authority.name), build)

    def _openings(self) -> dict[str, str]:
        """Per story (a document not a set of minutes), its opening: its title and its first two
        passages (its headline, or its headline as a passage, and its lead). Minutes open on their
        first item, which is no more about one council than any other."""
        def build():
            passages: dict[str, list[StoredPassage]] = {}
            for p in self.retriever.passages:
                if p.kind != "minutes":
                    passages.setdefault(p.doc_id, []).append(p)
            titles = {d: r.meta.title or "" for d, r in self.store.documents().items()}
            return {d: "\n".join([titles.get(d, ""), *(f"{p.item_title or ''}\n{p.text}" for p in sorted(ps, key=lambda p: p.start)[:2])])
                    for d, ps in passages.items()}

        return self._per_generation(("openings",), build)

    def _councils_in_addresses(self) -> dict[str, set[str]]:
        """Per document, the authorities its file name or address names (read once per store
        generation, one gazetteer pass per document)."""
        def build():
            addresses: dict[str, set[str]] = {}
            for p in self.retriever.passages:
                addresses.setdefault(p.doc_id, set()).update(x for x in (p.file_name, p.url) if x)
            return {d: {a.name for x in xs for a in (*places.mentioned(_spaced(x)), *authorities_in_address(x))}
                    for d, xs in addresses.items()}

        return self._per_generation(("addresses",), build)

    def _speaks_of_period(self, p: StoredPassage, query: Query) -> bool:
        """The passage names the year (the month and year, when the question names a month), or
        its document is dated then, or its document is undated and names the period somewhere (or
        the year before it, as the latest it names), or undated and naming no year at all (an
        unknown is not evidence of another period). An undated document whose address files it
        under a year (`year_in_address`) is read as written that year.

        A document dated before the period begins can only look ahead to it ("the report will come
        to the Panel in June"): it cannot say what happened then, so it speaks of the period only
        for a question about what was planned or expected."""
        if p.date is not None and not query.prospective and _written_before(p.date, query):
            return False
        years, months, besides_earlier = self._document_periods()
        filed = self._address_years().get(p.doc_id) if p.date is None and query.years and not query.months else None
        if filed is not None:
            # Undated but filed under the year it came out ("/news/2023/..."): like a dated
            # document, of that year, of a year its passage names, of the year before when it
            # names that year anywhere (a story on last autumn's inspection), and of no year
            # after it (unless the question asks what was expected).
            if filed in query.years or _mentions_year(p, query.years):
                return True
            if filed < min(query.years):
                return query.prospective and bool(years.get(p.doc_id, set()) & set(query.years))
            return any(y in years.get(p.doc_id, set()) and filed - y == 1 for y in query.years)
        if p.date is None and not years.get(p.doc_id):
            # Undated and naming no year anywhere: nothing says it is of another period.
            return True
        if query.months:
            if p.date is not None:
                return ((p.date.year, p.date.month) in query.months or bool(set(months_of_dated(p.text, p.date)) & set(query.months))
                        or self._reports_soon_after(p, query))
            # An undated document naming the month only as that of something still to come ("to
            # be reported to the board in October 2022") was written before it: it says what was
            # planned then, not what happened.
            named = months.get(p.doc_id, set()) - (set() if query.prospective else self._months_only_ahead().get(p.doc_id, set()))
            return bool(named & set(query.months)) or self._written_after(p, years, besides_earlier, query)
        if _mentions_year(p, query.years):
            return True
        if p.date is None and self._looks_ahead_from(p, query):
            return True
        if p.date is None:
            named = years.get(p.doc_id, set())
            if not besides_earlier.get(p.doc_id):
                return self._written_after(p, years, besides_earlier, query)
            # An undated document was written no earlier than the latest year it names, and a
            # report or story often comes out the year after what it reports ("the service has
            # declined since 2012 ... self-assessed as good in June 2015", published February
            # 2016): it may speak of that next year too.
            return bool(named & set(query.years)) or (max(named) + 1) in query.years
        return self._reports_soon_after(p, query)

    def _address_years(self) -> dict[str, int]:
        """Per undated document, the year its address or file name files it under
        (`year_in_address`), read once per store generation."""
        def build() -> dict[str, int]:
            addresses = {p.doc_id: (p.url or "", p.file_name or "") for p in self.retriever.passages if p.date is None}
            years = {d: next((y for y in map(year_in_address, names) if y), None) for d, names in addresses.items()}
            return {d: y for d, y in years.items() if y is not None}

        return self._per_generation(("address years",), build)

    def _looks_ahead_from(self, p: StoredPassage, query: Query) -> bool:
        """An undated document naming a year as that of something still to come ("ahead of its
        introduction in January 2018") was written that year or the year before: it may speak of
        either. Not when it names a later year as past: then what it looks ahead to was not ahead
        of its writing ("said it would improve by 2016", in a story on 2018)."""
        ahead = self._years_ahead().get(p.doc_id)
        if not ahead:
            return False
        first = min(ahead)
        if any(y > first and y not in ahead for y in self._document_periods()[0].get(p.doc_id, set())):
            return False
        return any(first - 1 <= y <= first for y in query.years)

    def _months_only_ahead(self) -> dict[str, set[tuple[int, int]]]:
        """Per undated document, the (year, month)s its text names only as those of something
        still to come (`months_besides_ahead`)."""
        def build():
            ahead: dict[str, set[tuple[int, int]]] = {}
            besides: dict[str, set[tuple[int, int]]] = {}
            for p in self.retriever.passages:
                if p.date is None:
                    text = f"{p.item_title or ''} {p.text}"
                    kept = set(months_besides_ahead(text))
                    ahead.setdefault(p.doc_id, set()).update(set(months_in(text)) - kept)
                    besides.setdefault(p.doc_id, set()).update(kept)
            return {d: named - besides.get(d, set()) for d, named in ahead.items()}

        return self._per_generation(("months only ahead",), build)

    def _years_ahead(self) -> dict[str, set[int]]:
        """Per undated document, the years its text names as those of something still to come."""
        def build():
            out: dict[str, set[int]] = {}
            for p in self.retriever.passages:
                if p.date is None:
                    out.setdefault(p.doc_id, set()).update(years_ahead([p.text, p.item_title or ""]))
            return out

        return self._per_generation(("years ahead",), build)

    @staticmethod
    def _written_after(p: StoredPassage, years: dict[str, set[int]], besides_earlier: dict[str, set[int]], query: Query) -> bool:
        """An undated document naming years only as an earlier inspection's ("since the last
        inspection in 2018") or as where a span began ("in place since 2019") was written after
        them, of a later time: it may speak of any period after the latest of them."""
        named = years.get(p.doc_id, set())
        return bool(named) and not besides_earlier.get(p.doc_id) and any(y > max(named) for y in query.years)

    def _reports_soon_after(self, p: StoredPassage, query: Query) -> bool:
        """A dated document names the period asked about somewhere and was written within the
        year after it: a letter, story or set of minutes on an inspection comes soon after it, and
        its passages that do not repeat the date ("the report said ...") speak of it too. Written
        later, it names the period only in passing ("since the 2014 inspection")."""
        if p.date is None:
            return False
        years, months = self._dated_document_periods().get(p.doc_id, (set(), set()))
        written = p.date.year * 12 + p.date.month
        if query.months:
            return any(m in months and 0 <= written - (m[0] * 12 + m[1]) <= 12 for m in query.months)
        return any(y in years and 0 <= p.date.year - y <= 1 for y in query.years)

    def _dated_document_periods(self) -> dict[str, tuple[set[int], set[tuple[int, int]]]]:
        """Per dated document, the years and the (year, month)s its text names, a month written
        without its year read against the document's date."""
        def build():
            out: dict[str, tuple[set[int], set[tuple[int, int]]]] = {}
            for p in self.retriever.passages:
                if p.date is not None:
                    years, months = out.setdefault(p.doc_id, (set(), set()))
                    years.update(years_written_of([p.text, p.item_title or ""]))
                    years.update(years_of_dated(p.text, p.date))
                    months.update(months_of_dated(f"{p.item_title or ''} {p.text}", p.date))
            return out

        return self._per_generation(("dated periods",), build)

    def _document_periods(self) -> tuple[dict[str, set[int]], dict[str, set[tuple[int, int]]], dict[str, set[int]]]:
        """Per document, the years and the (year, month)s its text names, and the years it names
        other than as an earlier inspection's ("since the last inspection in 2018")."""
        def build():
            years: dict[str, set[int]] = {}
            months: dict[str, set[tuple[int, int]]] = {}
            besides_earlier: dict[str, set[int]] = {}
            bare: dict[str, set[int]] = {}
            for p in self.retriever.passages:
                texts = [p.text, p.item_title or ""]
                years.setdefault(p.doc_id, set()).update(years_written_of(texts))
                months.setdefault(p.doc_id, set()).update(months_in(f"{p.item_title or ''} {p.text}"))
                besides_earlier.setdefault(p.doc_id, set()).update(years_besides_earlier(texts))
                bare.setdefault(p.doc_id, set()).update(months_alone(f"{p.item_title or ''} {p.text}"))
            # An undated story's month without its year ("in March, inspectors came back") is of a
            # year the story names: with no date to read it against, any of them.
            for doc_id, named in bare.items():
                months[doc_id].update((y, m) for y in years.get(doc_id, ()) for m in named)
            return years, months, besides_earlier

        return self._per_generation(("periods",), build)

    def _per_generation(self, key: tuple, build: Callable[[], object]):
        """A value derived from the stored passages, kept until an ingest changes the store."""
        generation = self.retriever.generation
        if self._derived_generation != generation:
            self._derived.clear()
            self._derived_generation = generation
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    # ---- documents ----
    def passage(self, passage_id: str) -> StoredPassage | None:
        found = self.store.get_passages([passage_id])
        return found[0] if found else None

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.store.document(doc_id)

    def _following(self, passage: StoredPassage) -> list[StoredPassage]:
        """The passages after one in its item (where a lead-in's list is), their sentence vectors
        read from the store so that answering still embeds only the question."""
        after = self.neighbours(passage, before=0, after=MAX_LIST_ITEMS)[1:]
        self.vectors.remember(self.store.sentence_vectors([p.id for p in after]))
        return after

    def _preceding(self, passage: StoredPassage) -> list[StoredPassage]:
        """The passages before one in its item (where the lead-in of a list item is)."""
        return self.neighbours(passage, before=MAX_LIST_ITEMS, after=0)[:-1]

    def _item_text(self, passage: StoredPassage) -> str:
        """The whole text of the item a passage is in: its title and every passage of it. A story
        or a letter without numbered items is one item however its headings divide it (a news
        page's "Read more local news" line is no new story): the whole document."""
        located = self._passages_by_document().get(passage.doc_id, ())
        if passage.item is None and passage.kind != "minutes" and located:
            return " ".join([passage.item_title or "", *(x[3].text for x in located)])
        whole = len(located)
        return " ".join([passage.item_title or "", *(p.text for p in self.neighbours(passage, whole, whole))])

    def neighbours(self, passage: StoredPassage, before: int = 2, after: int = 2) -> list[StoredPassage]:
        """Passages around this one in the same document and item, in reading order."""
        located = self._passages_by_document().get(passage.doc_id, [])
        own = next((x for x in located if x[3].id == passage.id), None)
        if own is None:
            return [passage]
        group = [x for x in located if (x[1], x[2]) == (own[1], own[2])]
        i = next(n for n, x in enumerate(group) if x[3].id == passage.id)
        return [x[3] for x in group[max(0, i - before): i + after + 1]]

    def _passages_by_document(self) -> dict[str, list[tuple]]:
        """Per document, (start, item, item title, passage) for every passage it carries, in
        reading order: read once per store generation, not at every lead-in or source view."""
        def build():
            out: dict[str, list[tuple]] = {}
            for p in self.retriever.passages:
                for doc_id in dict.fromkeys(ref.doc_id for ref in p.sources):
                    ref = next(r for r in p.sources if r.doc_id == doc_id)  # its first place there
                    out.setdefault(doc_id, []).append((ref.start, ref.item, ref.item_title, p))
            for located in out.values():
                located.sort(key=lambda x: x[0])
            return out

        return self._per_generation(("by document",), build)

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
            undated_documents=sum(1 for d in docs.values() if not d.meta.date),
        )

    def ingest(self, paths: Sequence[Path], on_embed_start: Callable[[int], None] | None = None,
               on_embedded: Callable[[int], None] | None = None, added_by: str | None = None,
               action: str = "ingest"):
        from ofsted_rag.ingest import ingest

        report = ingest(list(paths), self.store, self.embedder, self.settings, added_by=added_by, action=action,
                        on_embed_start=on_embed_start, on_embedded=on_embedded)
        self.retriever.refresh(force=True)
        return report

    def relabel(self, name: str, label: DocumentMeta, who: str | None = None):
        """Set a stored document's council, committee, date or kind (see labels.py); the lexical
        index and per-generation caches are rebuilt at once, not at the next periodic check."""
        from ofsted_rag.labels import relabel

        result = relabel(self.store, self.settings, name, label, who=who)
        self.retriever.refresh(force=True)
        return result


def _written_before(date: dt.date, query: Query) -> bool:
    """The date falls before the earliest period the question names begins (its month, the first
    month of its season, else its year)."""
    return query.starts is not None and (date.year, date.month) < query.starts


# The verbs of giving a grade ("judged", "rated"): how a thing was given, not the thing asked about.
_GIVING_A_GRADE = frozenset(passage_words("judged judge judgement judgment rated rating graded grade assessed"))


def _names_all(words: Collection[str], concepts: Sequence[tuple[frozenset[str], ...]]) -> bool:
    """Whether words name every concept, each in one of its forms."""
    return all(any(alt <= words for alt in alts) for alts in concepts)


def _names_concept(words: frozenset[str], alts: tuple[frozenset[str], ...]) -> bool:
    return any(alt <= words for alt in alts)


def _mentions_year(p: StoredPassage, years: Sequence[int]) -> bool:
    named = years_written_of([p.text, p.item_title or ""])
    return any(y in named or (p.date and p.date.year == y) for y in years)


def _names_any(p: StoredPassage, forms: Sequence[str]) -> bool:
    text = fold(f"{p.item_title or ''} {p.text}")
    return any(re.search(rf"(?<![\w-]){re.escape(fold(f))}(?![\w-])", text) for f in forms if len(f) > 3)


def _names_any_text(text: str, authority: places.Authority) -> bool:
    return authority in places.mentioned(text)


def _spaced(name: str) -> str:
    """A file name or address read as words ("barsetshire-cyp_2019.html" -> "barsetshire cyp 2019 html")."""
    return re.sub(r"(?:%20|[_\-.+/=?&:])+", " ", name)


# The areas Ofsted grades in a council's children's services besides their overall effectiveness
# (or one of them, unnamed: "the one area which was found to require improvement"), and a sentence
# saying what the overall grade was ("overall effectiveness", "rated good overall").
_GRADED_AREA = re.compile(r"\b(?:help and protection|children in care|looked[- ]after children|children looked after|"
                          r"care leavers|impact of (?:senior )?leaders|(?:one|an|this|that)\s+area\s+(?:of|which|that))\b",
                          re.IGNORECASE)
_OVERALL = re.compile(r"\boverall\b", re.IGNORECASE)
# The same four areas as a question names them, when it names one that is not a field term ("was
# leadership rated below the rest?"): Ofsted's fourth judgement is of "the impact of leaders on social
# work practice", which people call the leadership grade.
_NAMED_AREA = re.compile(r"\b(?:impact of (?:senior )?leaders|leadership|leaders)\b", re.IGNORECASE)


def _of_one_area(sentence: str) -> bool:
    """A sentence grading an area Ofsted grades ("help and protection was judged good") and not
    the overall effectiveness."""
    return bool(_GRADED_AREA.search(sentence)) and not _OVERALL.search(sentence)

# A grade spoken of as one to be avoided or feared ("the risk of a future 'inadequate'
# judgement", "to avoid another inadequate rating").
_FEARED = re.compile(r"\b(?:risks?|danger|threat|fears?|avoid\w*|prevent\w*)\b[^.;]{0,80}?\b(?:judge?ments?|judgments?|ratings?|grades?|gradings?)\b",
                     re.IGNORECASE)

_SHARE = re.compile(r"\bper\s*cent\b|\d\s*%|\bproportion of\b|\b\d+\s+(?:out\s+)?of\s+(?:the\s+)?\d+\b", re.IGNORECASE)


def _contradicted_judgement(query: Query, hits: Sequence) -> str | None:
    """When a question presumes an Ofsted judgement ("why was it rated inadequate?") and the
    passages found state a judgement but never that one, the premise is false: say so rather than
    explain a judgement nobody gave."""
    if not query.presumed_judgement:
        return None
    stated: set[str] = set()
    # A question about one area ("why was child protection rated inadequate?") is answered by
    # what is said of that area: when sentences naming it state judgements, only theirs count
    # ("care leavers' services inadequate" says nothing of child protection).
    of_area: set[str] = set()
    # A question naming no area asks about the services as a whole: a sentence grading one of the
    # areas Ofsted grades, and not the overall effectiveness, speaks of that area only ("help and
    # protection was rated good" does not bear out a downgrade of services judged outstanding
    # overall). Not for a yes/no question, which takes nothing for granted ("was anything rated good?").
    area = query.area_terms
    if area:
        def names_area(text: str) -> bool:
            return _names_all(passage_words(text), area)
    elif _NAMED_AREA.search(query.judged or query.text):
        def names_area(text: str) -> bool:
            return bool(_NAMED_AREA.search(text))
    else:
        names_area = None
    asks_whether = bool(cues().yes_no.search(query.text))
    whole = names_area is None and not asks_whether
    for sentence in _own_sentences(query, hits):
        if asks_whether and grades_denied(sentence) & query.presumed_judgements:
            # "Was anything judged inadequate?" is answered by "no area was judged inadequate".
            return None
        if _SHARE.search(sentence) or _FEARED.search(sentence) or (whole and _of_one_area(sentence)):
            # "60 per cent of the councils inspected were rated inadequate" gives the share
            # of councils with a judgement, not the judgement of the one asked about; "to avoid the
            # risk of a future 'inadequate' judgement" one that was not given.
            continue
        reached = judgements_reached(sentence)
        stated |= reached
        if names_area and names_area(sentence):
            of_area |= _grades_of_area(sentence, names_area) or reached
    # Only a judgement on the scale of the one presumed bears it out or gainsays it: a council's
    # "good" says nothing of what a joint inspection found of its area's SEND arrangements.
    scale = judgement_scale(query.presumed_judgement)
    of_area, stated = ({s for s in found if judgement_scale(s) == scale} for found in (of_area, stated))
    stated = of_area or stated
    if not stated or stated & query.presumed_judgements:
        return None
    said = ", ".join(sorted(judgement_name(s) for s in stated))
    verb = "judged" if scale == "services" else "found to have"
    return f"they do not say it was {verb} {query.presumed} (the passages below state: {said})"


def _grades_of_area(sentence: str, names_area: Callable[[str], bool]) -> set[str]:
    """The judgements a sentence gives the area `names_area` finds. A sentence listing grades
    clause by clause ("children in care were good; help and protection and care leavers were
    requires improvement", "good overall, leadership being graded outstanding") gives
    the area the grades of the clauses naming it: first of those between semicolons, then, when
    such a clause still states more than one grade, of its smaller clauses that both name the area
    and state a grade. A clause naming it and stating none leaves the grades as they were."""
    grades: set[str] = set()
    for clause in sentence.split(";"):
        if not names_area(clause):
            continue
        reached = judgements_reached(clause)
        if len(reached) > 1:
            finer = [judgements_reached(c) for c in CLAUSE.split(clause) if names_area(c)]
            reached = set().union(*finer) or reached
        grades |= reached
    return grades


def _contradicted_decline(query: Query, hits: Sequence) -> str | None:
    """When a question takes a decline for granted ("why have return interviews got worse?") and
    the passages found say things improved, and nowhere that anything declined, stalled or made
    too little progress, the premise is false: say so rather than explain a decline nobody found."""
    if not query.presumes_decline:
        return None
    # As with a judgement, a question about one thing ("why did the front door get worse?") is
    # answered by what is said of it when any sentence names it: "supervision is less consistent" says
    # nothing of the front door.
    changes: set[str | None] = set()
    of_it: set[str | None] = set()
    stated: set[str] = set()
    whole = not query.area_terms   # as for a judgement: one area's grade is not the services'
    for sentence in _own_sentences(query, hits):
        said = change(sentence)
        changes.add(said)
        words = passage_words(sentence)
        if query.declined and all(any(alt <= words for alt in alts) for alts in query.declined):
            of_it.add(said)
        if not _SHARE.search(sentence) and not (whole and _of_one_area(sentence)):
            stated |= judgements_reached(sentence)
    changes = of_it or changes
    if "worse" in changes:
        return None
    if "better" in changes:
        return "they do not say it got worse or failed to improve (the passages below say it improved)"
    # A grade taken for granted as lowered ("why was it downgraded?") when the only grade stated is
    # the top one: nothing is moved down to the top grade.
    if query.presumes_downgrade and stated and stated <= cues().judgement_ranks[0]:
        said = ", ".join(sorted(judgement_name(s) for s in stated))
        return f"they do not say it was downgraded (the passages below state: {said})"
    return None


def _contradicted_upgrade(query: Query, hits: Sequence) -> str | None:
    """When a question takes for granted that a grade went up ("why was the service upgraded?")
    and the passages found say nothing improved but that a grade went down, or state only the
    lowest grade (nothing is moved up to the bottom one), the premise is false: say so rather
    than explain a rise nobody recorded."""
    if not query.presumes_upgrade:
        return None
    sentences = list(_own_sentences(query, hits))
    changes = {change(s) for s in sentences}
    if "better" in changes:
        return None
    if any(change(s) == "worse" and (judgements_reached(s) or passage_words(s) & RATING_WORDS) for s in sentences):
        return "they do not say it was upgraded (the passages below say its grade went down)"
    stated = set().union(*(judgements_reached(s) for s in sentences if not _SHARE.search(s)))
    if stated and stated <= cues().judgement_ranks[-1]:
        said = ", ".join(sorted(judgement_name(s) for s in stated))
        return f"they do not say it was upgraded (the passages below state: {said})"
    return None


def _contradicted_direction(query: Query, hits: Sequence) -> str | None:
    """When a question takes for granted that a number went one way ("why have referrals to
    the hub gone up?") and the sentences naming that number say only that it went the
    other ("were down from 40 to 25"), the premise is false: say so rather than explain a move
    nobody recorded. A measure is often named in other words than the question's ("timeliness",
    "within 72 hours"): of three or four concepts, a sentence may leave one unnamed, of five or
    more, two or more (a long question names a measure in more words than a minute does). A
    share is named by its figure: "the proportion of children going missing" by "11% of
    children"."""
    thing = query.moved
    if not thing:
        return None
    need = len(thing) - (max(1, (len(thing) - 1) // 2) if len(thing) >= 3 else 0)

    def named(sentence: str) -> int:
        words = passage_words(sentence)
        if _PERCENT.search(sentence):
            words |= _SHARE_WORDS
        return sum(_names_all(words, (alts,)) for alts in thing)

    said = {direction(sentence) for sentence in _own_sentences(query, hits) if named(sentence) >= need}
    said.discard(None)
    asked = query.presumed_direction
    if not said or asked in said:
        return None
    return f"they do not say it went {asked} (the passages below say it went {said.pop()})"


# The words naming a share, which a sentence names by giving one as a figure ("11%", "6 per cent").
_SHARE_WORDS = frozenset(content_words("proportion percentage share rate"))
_PERCENT = re.compile(r"\d\s*%|\bper\s*cent\b", re.IGNORECASE)


def _read_of(thing: Sequence[tuple[frozenset[str], ...]], read: Callable[[str], str | None], query: Query, hits: Sequence,
             *, begun_before: bool = False) -> set[str]:
    """What `read` makes of the sentences naming at least half of `thing` (the concepts a
    question says something happened to), leaving out those it makes nothing of; none when the
    question names no such thing."""
    if not thing:
        return set()
    need = max(1, math.ceil(len(thing) / 2))
    said = {read(sentence) for sentence in _own_sentences(query, hits, begun_before=begun_before)
            if sum(_names_all(passage_words(sentence), (alts,)) for alts in thing) >= need}
    said.discard(None)
    return said


def _contradicted_stance(query: Query, hits: Sequence) -> str | None:
    """When a question takes for granted that someone turned something down ("why did the cabinet
    turn down the short breaks policy?") and the sentences naming it (at least half of what the
    question names) say only that it was accepted ("the cabinet approved the short breaks
    policy"), or the other way round, the premise is false: say so rather than explain a decision nobody took."""
    said = _read_of(query.decided, stance, query, hits)
    asked = query.presumed_stance
    if not said or asked in said:
        return None
    return f"they do not say it was {asked} (the passages below say it was {said.pop()})"


def _contradicted_transfer(query: Query, hits: Sequence) -> str | None:
    """When a question takes for granted that a service was handed to another body to run ("why
    did the borough outsource its fostering service?") and the sentences naming it (at least half
    of what the question names) say only that it was brought in-house, or the other way round,
    the premise is false: say so rather than explain a move nobody made."""
    said = _read_of(query.transferred, transfer, query, hits)
    if not said or query.presumed_transfer in said:
        return None
    words = {"in": "brought in-house", "out": "handed to another body to run"}
    return f"they do not say it was {words[query.presumed_transfer]} (the passages below say it was {words[said.pop()]})"


def _contradicted_criticism(query: Query, hits: Sequence) -> str | None:
    """When a question asks why something was criticised ("why was the adoption service
    criticised?") and the passages found speak well of it, with not one sentence finding fault
    or setting one thing against another ("good, but ..."), the premise is false: say so rather
    than give praise as the reason for a criticism nobody made."""
    if not query.presumes_criticism:
        return None
    # As with a judgement, a question about one area ("what went wrong with support for care
    # leavers?") is answered by what is said of that area when any sentence names it: a decline of
    # the services as a whole says nothing of care leavers.
    sentences = list(_own_sentences(query, hits))
    area = query.area_terms
    sentences = [s for s in sentences if _names_all(passage_words(s), area)] or sentences if area else sentences
    # So is a question naming what was found wanting ("why did inspectors say review meetings
    # were poorly run?"): the sentences naming review meetings say how they were found.
    named = passage_words(query.criticised)
    thing = tuple(alts for alts in query.topic.concepts if any(alt <= named for alt in alts))
    sentences = [s for s in sentences if _names_all(passage_words(s), thing)] or sentences if thing else sentences
    tones = [tone(sentence) for sentence in sentences]
    if not any(t.positive for t in tones) or any(t.negative or t.contrasted for t in tones):
        return None
    return "they do not say it was criticised (the passages below speak well of it)"


def _contradicted_continuation(query: Query, hits: Sequence) -> str | None:
    """When a question asks why something still goes on ("why is the borough still housing care
    leavers in hostels?", "why does the minister keep the council under its notice?")
    and the sentences naming it (at least half of what the question says goes on) say only that it
    stopped or ended, with not one saying it goes on, the premise is false: say so rather than
    explain something nobody says is still happening."""
    said = _read_of(query.continued, goes_on, query, hits, begun_before=True)
    if "ended" not in said or "ongoing" in said:
        return None
    return "they do not say it still goes on (the passages below say it stopped or ended)"


def _contradicted_presence(query: Query, hits: Sequence) -> str | None:
    """When a question asks what things were given ("what priority actions did the visit set?"),
    or why something was found ("why did inspectors find children unsafe?"), and the passages found
    say there were none of them, with not one sentence saying there were some, the premise is
    false: say so rather than list other things in their place."""
    asked = query.items or query.found
    if not asked or query.across_councils:
        return None
    thing = frozenset(content_words(asked))
    # Grades are given by their names ("judged inadequate"), seldom as "grades": for a question
    # asking what grades or ratings were given, a sentence stating a judgement says there were some.
    grading = bool(thing & RATING_WORDS)
    readings = {False if grading and judgements_reached(sentence) else says_none(sentence, thing)
                for sentence in _own_sentences(query, hits)}
    if True not in readings or False in readings:
        return None
    if query.items:
        return f"they say there were no {query.items} (see the passages below)"
    return f"they say nothing of the kind was found: {asked} (see the passages below)"


def _contradicted_count(query: Query, hits: Sequence) -> str | None:
    """When a question states how many things there were ("why does the respite unit have ten
    beds?") and the sentences counting those things, and naming something else the question
    names, give other numbers and never the one stated, the premise is false: say so rather than
    explain a number nobody gave. Things are the same when their last words are ("spare beds" and
    "beds")."""
    def head(thing: str) -> frozenset[str]:
        return frozenset(content_words(thing.split()[-1]))

    asked = content_words(query.subject)
    named = {w for number, thing in query.counted for w in content_words(f"{number} {thing}")}
    # The count as the question spells it ("eight") is no other thing named.
    others = asked - named - content_words(" ".join(NUMBER_WORDS))
    for counted in dict.fromkeys(head(thing) for _, thing in query.counted):
        claimed = {number for number, thing in query.counted if head(thing) == counted}
        # A question naming nothing but the things counted ("where will the eight new family hubs
        # be?") is gainsaid by the sentences counting them and naming them in the same words
        # before the last ("six designated family hubs"); one naming only a bare noun ("ten
        # beds") by none.
        beside = others or {w for _, thing in query.counted if head(thing) == counted
                            for w in content_words(" ".join(thing.split()[:-1]))} - cues().question_words
        said: set[int] = set()
        for sentence in _own_sentences(query, hits):
            if beside & passage_words(sentence):
                said |= {n for n, thing in counts(sentence) if head(thing) == counted}
        if said and not said & claimed:
            thing = next(t for _, t in query.counted if head(t) == counted)
            return (f"they count {' or '.join(map(str, sorted(said)))} {thing}, "
                    f"not {' or '.join(map(str, sorted(claimed)))} (see the passages below)")
    return None


def _contradicted_frequency(query: Query, hits: Sequence) -> str | None:
    """When a question says how often something happens ("why does the fostering panel sit only
    every two months?") and the sentences naming at least half of what else it names give other
    frequencies and never the one stated, the premise is false: say so rather than explain a
    schedule nobody gave."""
    if not query.frequency:
        return None
    claimed = {key for key, _ in query.frequency}
    how_often = {w for _, written in query.frequency for w in content_words(written)}
    # What else it names: its concepts but the frequency ("SEND" in any of its forms counts once).
    others = [alts for alts in query.topic.concepts if not any(alt <= how_often for alt in alts)]
    if not others:
        return None
    said: set[str] = set()
    for sentence in _own_sentences(query, hits):
        given = frequencies(sentence)
        words = passage_words(sentence)
        if given and 2 * sum(any(alt <= words for alt in alts) for alts in others) >= len(others):
            said |= {key for key, _ in given}
    if said and not said & claimed:
        return (f"they say it happens {' or '.join(sorted(said))}, not {' or '.join(sorted(claimed))} "
                f"(see the passages below)")
    return None


def _capitalised_words(passages: Sequence[StoredPassage]) -> dict[str, set[str]]:
    """Per document, the capitalised words of its passages and their item titles ("Lee's" as "Lee")."""
    words: dict[str, set[str]] = {}
    for p in passages:
        words.setdefault(p.doc_id, set()).update(
            re.sub(r"['’]s$", "", w) for w in re.findall(r"\b[A-Z][\w'’-]*", f"{p.item_title or ''} {p.text}"))
    return words


def _contradicted_post(query: Query, hits: Sequence) -> str | None:
    """When a question says someone holds a post ("why did DCS Ann Lee leave?") and the council's
    own sentences name others in that post and never that person, the premise is false: say who
    they name rather than answer of someone else."""
    sentences = list(_own_sentences(query, hits))
    for surname, post in query.posts:
        holders = {name for sentence in sentences for name, named in posts_named(sentence) if same_post(post, named)}
        if holders and surname not in holders:
            return f"they name {' or '.join(sorted(holders))} as {post}, not {surname} (see the passages below)"
        # Nobody is named in the post, but the person is named in others only, and no sentence
        # naming them uses the post's word ("the Lead Member, Cllr Hale" when asked about "Cllr
        # Hale, chairman of the council"): the pages know them by another post.
        head = content_words(post_key(post)[0])
        theirs = {named for sentence in sentences for name, named in posts_named(sentence) if name == surname}
        if not holders and theirs and not any(
                re.search(rf"\b{re.escape(surname)}\b", s) and head <= content_words(s) for s in sentences):
            return f"they name {surname} as {' or '.join(sorted(theirs))}, not {post} (see the passages below)"
    return None


def _contradicted_chair(query: Query, hits: Sequence) -> str | None:
    """When a question says who chairs a body ("why does the lead member chair the improvement
    board?") and the sentences naming that body name others as its chair and never the one said
    ("the improvement board, chaired by an independent adviser"), the premise is false: say who
    they name rather than explain an appointment nobody made."""
    if not query.chair:
        return None
    who, what = query.chair
    council_words = set().union(*(content_words(f) for a in query.councils for f in a.forms()))
    body = [w for w in _ordered_content_words(what) if w not in council_words]
    head = post_head(who)
    if not body or not head:
        return None
    chairs_named = []
    for sentence in _own_sentences(query, hits):
        words = content_words(sentence)
        if body[-1] not in words or 2 * sum(w in words for w in body) < len(body):
            continue
        chairs_named += [holder for holder, chaired in chairs(sentence)
                         if not chaired or body[-1] in content_words(chaired)]
    # The one said is named when the word naming their post or their surname is, or a word of
    # theirs that no post shares (a first name, whose deputy, of which council).
    own = set(post_words(who)) - SHARED_POST_WORDS
    if not chairs_named or any(head in (words := set(post_words(holder))) or own & words for holder in chairs_named):
        return None
    return f"they do not say {who} chairs it (the passages below name {' and '.join(dict.fromkeys(chairs_named))})"


def _ordered_content_words(text: str) -> list[str]:
    """A text's content words in the order it says them."""
    return [w for word in text.split() for w in content_words(word)]


def _own_sentences(query: Query, hits: Sequence, *, begun_before: bool = False):
    """The sentences of the hits that may speak for the council and period asked about: about a
    named council, only its own documents say how it was judged or how it changed; with a year
    asked about, a sentence that dates itself only to other years speaks of another inspection
    ("judged inadequate in January 2018" does not answer for 2023), one naming no year is of the
    period its passage was found to speak of (`Engine._speaks_of_period`: a set of minutes in
    January reporting on the quarter to December).

    With `begun_before` (the question asks whether something still goes on), a sentence naming only
    years before the ones asked about dates when the thing began, not when the sentence holds ("the
    notice served in 2016 is to be withdrawn", asked about after a 2022 visit): it is of its
    passage's period, like a sentence naming no year."""
    for h in (h for h in hits if h.standing == 1.0):
        for sentence in sentences_of(h.passage.text):
            years = years_in([sentence])
            if begun_before and query.years and years and max(years) < min(query.years):
                years = set()
            if query.years and years and not years & set(query.years):
                continue
            yield sentence


def _configured_answerer(settings: Settings, fallback: ExtractiveAnswerer):
    if not settings.llm:
        return fallback
    from ofsted_rag.llm import LLMAnswerer

    return LLMAnswerer.from_settings(settings, fallback=fallback)
