"""Hybrid retrieval: dense search in Chroma and BM25 over the same passages, fused by reciprocal
rank fusion, with the field's vocabulary expanding the query both ways.

The lexical index is built from the store's own passages and rebuilt whenever the store's
generation changes (every ingest bumps it), so it is never stale against Chroma. For an embedded
store it is saved beside the store under that generation, so a new process loads it instead of
reading every passage and indexing them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ofsted_rag.documents import SourceRef, StoredPassage
from ofsted_rag.embedding import Embedder, VectorCache
from ofsted_rag.store import PassageFilter, PassageStore

RRF_K = 10
CANDIDATES = 50
_WORD = re.compile(r"\w+")
REFRESH_SECONDS = 0.5


@dataclass(frozen=True)
class Hit:
    """A retrieved passage. `similarity` is the dense cosine similarity to the (expanded) query,
    0 when the passage came from the lexical side only; ranks are 1-based, None when absent.
    `standing`: how surely the passage's document is about the council the question names (set by
    the engine's scope: 1 its own, 0.5 of unrecorded council, 0 another council's naming it)."""

    passage: StoredPassage
    score: float
    similarity: float
    dense_rank: int | None
    lexical_rank: int | None
    standing: float = 1.0


@dataclass(frozen=True)
class Retrieval:
    question: str
    expanded_query: str
    hits: tuple[Hit, ...]
    timings: dict[str, float] = field(default_factory=dict)


class Vocabulary:
    """Equivalent forms from resources/vocabulary.toml ("CP" <-> "child protection")."""

    def __init__(self, groups: list[tuple[list[str], set[str]]], expand_only: set[int] = frozenset(),
                 whole_item: set[int] = frozenset(),
                 graded: dict[int, tuple[int, tuple[str, ...]]] | None = None,
                 unsearched: frozenset[str] = frozenset()) -> None:
        self._groups = groups
        # Forms recognised in a text but never added to one (`expansions`).
        self._unsearched = {f.lower() for f in unsearched}
        # The forms, in lower case, of the groups that hold for a whole item (`item_term`).
        self._item_forms = {f.lower() for n, (forms, _) in enumerate(groups) if n in whole_item for f in forms}
        # By form: the year from which a group is the one graded inspection, and the ungraded
        # visits an item reporting it by its grade does not name (`graded`).
        self._graded = {f.lower(): grading for n, grading in (graded or {}).items() for f in groups[n][0]}
        # (first word of the form, its pattern, the group's other forms, whether it is a field term)
        self._patterns: list[tuple[str | None, re.Pattern, list[str], bool]] = []
        for n, (forms, exact) in enumerate(groups):
            for form in forms:
                flags = 0 if form in exact else re.IGNORECASE
                pattern = re.compile(r"(?<![\w'])" + re.escape(form).replace(r"\ ", r"[\s-]+") + r"(?![\w])", flags)
                first = _WORD.search(form.lower())
                self._patterns.append((first.group(0) if first else None, pattern,
                                       [f for f in forms if f != form], n not in expand_only))
        self._expansions: dict[str, list[str]] = {}

    def _candidates(self, text: str):
        """The patterns worth running on a text: those whose first word it contains (a cheap
        set lookup instead of a regex search for each of the vocabulary's forms)."""
        words = set(_WORD.findall(text.lower()))
        return [(p, others, required) for first, p, others, required in self._patterns if first is None or first in words]

    @classmethod
    def load(cls) -> "Vocabulary":
        data = tomllib.loads(resources.files("ofsted_rag").joinpath("resources/vocabulary.toml").read_text("utf-8"))
        terms = data.get("term", [])
        return cls([(t["forms"], set(t.get("exact", []))) for t in terms],
                   {n for n, t in enumerate(terms) if t.get("expand_only")},
                   {n for n, t in enumerate(terms) if t.get("whole_item")},
                   {n: (int(t["graded_since"]), tuple(t.get("ungraded", ()))) for n, t in enumerate(terms)
                    if "graded_since" in t},
                   frozenset(f for t in terms for f in t.get("unsearched", ())))

    def item_term(self, forms: Sequence[str]) -> bool:
        """Whether a group (given by its forms) names the kind of inspection a document reports,
        and so holds for every sentence of an item that names it anywhere."""
        return any(f.lower() in self._item_forms for f in forms)

    def graded(self, forms: Sequence[str]) -> tuple[int, tuple[str, ...]] | None:
        """For a group (given by its forms) naming the one inspection that gives a grade: the year
        from which it has been the only one, and the ungraded visits an item must not name to be
        read as reporting it by its grade alone. None for other groups."""
        return next((self._graded[f.lower()] for f in forms if f.lower() in self._graded), None)

    def said_as(self, text: str, names: Collection[str]) -> str:
        """The text with each form of a group whose first form is one of `names` said by that name,
        its last word kept ("got the top grade" -> "got the outstanding grade" for "outstanding")."""
        for forms, _ in self._groups:
            if forms[0].lower() not in names:
                continue
            for form in sorted(forms[1:], key=len, reverse=True):
                said = f"{forms[0]} {form.split()[-1]}" if " " in form else forms[0]
                text = re.sub(r"(?<![\w'])(?<!second )(?<!third )(?<!next )" + re.escape(form).replace(r"\ ", r"[\s-]+") + r"(?![\w])",
                              said, text, flags=re.IGNORECASE)
        # A grade written as its initials ("judged RI") is said by its name, as written in capitals.
        for forms, _ in self._groups:
            named = next((f for f in forms if f.lower().replace(" ", "_") in names), None)
            if named is not None:
                for form in (f for f in forms if f.isupper() and f != named):
                    text = re.sub(rf"(?<![\w']){re.escape(form)}(?![\w])", named, text)
        return text

    def matches(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, all forms of its group) for each field term the text uses (not the
        everyday synonyms marked expand_only)."""
        out = []
        for pattern, others, required in self._candidates(text):
            if required:
                out.extend((m.start(), m.end(), [m.group(0), *others]) for m in pattern.finditer(text))
        return out

    def expansions(self, text: str) -> list[str]:
        """Forms to add to a query: the other forms of every group the text uses, except those
        marked unsearched."""
        if text in self._expansions:
            return list(self._expansions[text])
        out: list[str] = []
        for pattern, others, _ in self._candidates(text):
            if pattern.search(text):
                out.extend(o for o in others if o not in out and o.lower() not in text.lower()
                           and o.lower() not in self._unsearched)
        if len(self._expansions) > 20_000:
            self._expansions.clear()
        self._expansions[text] = out
        return list(out)

    def expand(self, text: str) -> str:
        extra = self.expansions(text)
        return f"{text} ({'; '.join(extra)})" if extra else text


class LexicalIndex:
    """BM25 (bm25s, English stemming and stop words) over passages with their context."""

    # Bump when the indexed text or the tokenisation changes: saved indexes of another format
    # are rebuilt, not loaded.
    FORMAT = 1

    def __init__(self, passages: list[StoredPassage], bm25=None) -> None:
        import bm25s
        import Stemmer

        self.passages = passages
        self._stemmer = Stemmer.Stemmer("english")
        self._bm25 = bm25
        if passages and bm25 is None:
            tokens = bm25s.tokenize([_lexical_text(p) for p in passages], stopwords="en",
                                    stemmer=self._stemmer, show_progress=False, return_ids=False)
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)

    def knows(self, word: str) -> bool:
        """Whether the indexed passages use this word (any form of it: "reading", "read")."""
        return self._bm25 is not None and self._stemmer.stemWord(word.lower()) in self._bm25.vocab_dict

    def scores(self, query: str) -> np.ndarray:
        import bm25s

        if self._bm25 is None:
            return np.zeros(0)
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer, show_progress=False,
                                return_ids=False)[0]
        if not tokens:
            return np.zeros(len(self.passages))
        return np.asarray(self._bm25.get_scores(tokens))

    def save(self, folder: Path) -> None:
        """Write the index and its passages to `folder`: built in a temporary folder beside it
        and renamed into place, so a reader sees all of it or none. If another process saved the
        same folder first, its copy stands."""
        if self._bm25 is None or folder.exists():
            return
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
            rows = [_passage_to_json(p) for p in self.passages]
            (tmp / "passages.json").write_text(json.dumps({"format": self.FORMAT, "passages": rows}), encoding="utf-8")
            os.rename(tmp, folder)
        except OSError:
            if not folder.exists():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex | None":
        """The index saved in `folder`, or None when there is none of this format."""
        import bm25s

        try:
            data = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
            if data.get("format") != cls.FORMAT:
                return None
            passages = [_passage_from_json(row) for row in data["passages"]]
            # Memory-mapped: a large index's score matrix is paged in as queries touch it.
            bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if bm25.scores.get("num_docs") != len(passages):
            return None
        return cls(passages, bm25)


def _passage_to_json(p: StoredPassage) -> dict:
    row = asdict(p)
    row["date"] = p.date.isoformat() if p.date else None
    return row


def _passage_from_json(row: dict) -> StoredPassage:
    row = dict(row)
    row["date"] = dt.date.fromisoformat(row["date"]) if row["date"] else None
    row["sources"] = tuple(SourceRef(**s) for s in row["sources"])
    return StoredPassage(**row)


def _round_robin_by_council(hits: list[Hit]) -> list[Hit]:
    """Hits reordered: each council's best, then each council's second best, and so on; councils
    in the order of their best hit."""
    queues: dict[str | None, list[Hit]] = {}
    for hit in hits:
        queues.setdefault(hit.passage.council, []).append(hit)
    out: list[Hit] = []
    depth = 0
    while len(out) < len(hits):
        for queue in queues.values():
            if depth < len(queue):
                out.append(queue[depth])
        depth += 1
    return out


def _lexical_text(p: StoredPassage) -> str:
    return " ".join(x for x in (p.council, p.body, p.item_title, p.text) if x)


class HybridRetriever:
    """Dense + BM25 + reciprocal rank fusion over one store."""

    def __init__(self, store: PassageStore, embedder: Embedder, vocabulary: Vocabulary | None = None,
                 vectors: VectorCache | None = None) -> None:
        self.store = store
        self.vectors = vectors or VectorCache(embedder)
        self.vocabulary = vocabulary or Vocabulary.load()
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._lexical: LexicalIndex | None = None
        self._by_id: dict[str, int] = {}
        self._checked_at = 0.0

    def refresh(self, force: bool = False) -> None:
        """Rebuild the lexical index if an ingest has changed the store since it was built.
        The store is asked at most every REFRESH_SECONDS: one question checks once, not at every
        step, and an ingest in another process is seen within that time."""
        if not force and self._lexical is not None and time.monotonic() - self._checked_at < REFRESH_SECONDS:
            return
        generation = self.store.generation()
        self._checked_at = time.monotonic()
        if not force and generation == self._generation and self._lexical is not None:
            return
        with self._lock:
            self._lexical = self._load_or_build(generation)
            self._by_id = {p.id: i for i, p in enumerate(self._lexical.passages)}
            self._generation = generation

    def _saved_index_folder(self, generation: int) -> Path | None:
        """Where the lexical index of this generation of the store is saved; None for a Chroma
        server (its index is rebuilt in memory: the server may be shared by several data
        folders, and is written by processes that would not update ours).

        The generation alone is not enough: a store deleted and ingested afresh counts from 1
        again. So the folder is named by the generation, the time of the last ingest and the
        number of passages; whatever changes the store changes at least one of them.
        """
        settings = self.store.settings
        if settings.chroma_url:
            return None
        stamp = f"{generation}|{self.store.last_ingest()}|{self.store.count()}"
        digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
        return settings.home / "lexical" / settings.collection / f"g{generation}-{digest}"

    def _load_or_build(self, generation: int) -> LexicalIndex:
        folder = self._saved_index_folder(generation)
        if folder is not None and folder.exists():
            index = LexicalIndex.load(folder)
            if index is not None:
                return index
        passages = self.store.all_passages()
        passages.sort(key=lambda p: (p.file_name, p.start))
        index = LexicalIndex(passages)
        if folder is not None:
            try:
                index.save(folder)
                # Older generations are never read again (the store has moved on).
                for other in folder.parent.iterdir():
                    if other.name != folder.name and not other.name.startswith("."):
                        shutil.rmtree(other, ignore_errors=True)
            except OSError:
                pass  # a read-only data folder: the index still works, from memory
        return index

    @property
    def generation(self) -> int | None:
        """The store generation the lexical index (and all derived from it) was built at."""
        self.refresh()
        return self._generation

    def knows(self, word: str) -> bool:
        """Whether the stored passages use this word (see `LexicalIndex.knows`)."""
        self.refresh()
        return self._lexical is not None and self._lexical.knows(word)

    @property
    def passages(self) -> list[StoredPassage]:
        self.refresh()
        return self._lexical.passages if self._lexical else []

    def retrieve(self, question: str, flt: PassageFilter | None = None, top_k: int = 8,
                 spread_councils: bool = False, spread_order: Callable[[StoredPassage], float] | None = None) -> Retrieval:
        """The top_k passages for a question. `spread_councils`: a question across councils
        ("which councils ...") takes each council's best passages in turn, so one council's many
        points do not crowd the others out; `spread_order` then orders each council's passages
        (lowest first, the fused order breaking ties)."""
        flt = flt or PassageFilter()
        timings: dict[str, float] = {}
        self.refresh()
        query = self.vocabulary.expand(question)

        t0 = time.perf_counter()
        vector = self.vectors.vectors([query])[0]
        timings["embed"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        dense = self.store.query(vector, CANDIDATES, flt.where())
        lexical = self._lexical_ranking(query, flt)
        timings["search"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        hits = self._fuse(dense, lexical, vector, CANDIDATES if spread_councils else top_k)
        if spread_councils:
            if spread_order is not None:
                hits = sorted(hits, key=lambda h: spread_order(h.passage))  # stable: fused order breaks ties
            hits = _round_robin_by_council(hits)[:top_k]
        timings["fuse"] = time.perf_counter() - t0
        return Retrieval(question, query, tuple(hits), timings)

    def _lexical_ranking(self, query: str, flt: PassageFilter) -> list[StoredPassage]:
        index = self._lexical
        if index is None or not index.passages:
            return []
        scores = index.scores(query)
        if not flt.is_empty():
            mask = np.array([flt.matches(p) for p in index.passages])
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:CANDIDATES]
        return [index.passages[i] for i in order if scores[i] > 0]

    def _fuse(self, dense: list[tuple[StoredPassage, float]], lexical: list[StoredPassage], vector, top_k: int) -> list[Hit]:
        scores: dict[str, float] = {}
        passages: dict[str, StoredPassage] = {}
        dense_rank: dict[str, int] = {}
        lexical_rank: dict[str, int] = {}
        similarity: dict[str, float] = {}
        for rank, (p, distance) in enumerate(dense, start=1):
            scores[p.id] = scores.get(p.id, 0.0) + 1.0 / (RRF_K + rank)
            passages[p.id] = p
            dense_rank[p.id] = rank
            similarity[p.id] = 1.0 - distance
        for rank, p in enumerate(lexical, start=1):
            scores[p.id] = scores.get(p.id, 0.0) + 1.0 / (RRF_K + rank)
            passages.setdefault(p.id, p)
            lexical_rank[p.id] = rank
        order = sorted(scores, key=lambda i: (-scores[i], i))[:top_k]
        # Passages found only lexically still get a dense similarity: answering weighs it.
        missing = [i for i in order if i not in similarity]
        if missing:
            q = vector
            for pid, emb in self.store.embeddings(missing).items():
                similarity[pid] = float(np.dot(q, np.asarray(emb)))
        return [
            Hit(passages[i], scores[i], similarity.get(i, 0.0), dense_rank.get(i), lexical_rank.get(i))
            for i in order
        ]
