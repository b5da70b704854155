"""The passage store: three Chroma collections, embedded on disk or on a Chroma server.

- `<collection>`: one record per distinct passage (id = Passage.content_key), with our embedding,
  the passage text, the cited source's locator, and every source that carries it (`sources`, JSON).
- `<collection>_documents`: one record per ingested file: its hash, metadata, normalised text (for
  highlighting) and the passages it gave (`refs`, JSON). This registry is what makes ingestion
  incremental and lets an interrupted ingest be completed; a `__state__` record holds a generation
  number that every ingest bumps, so readers know when to reload their lexical index.
- `<collection>_sentences`: the vector of each sentence of each passage (id `<passage id>#<n>`,
  metadata `passage`), embedded alone at ingest so that answering never embeds a document
  sentence at question time. Written before their passage; deleted with it.

Chroma never embeds anything itself: every call passes our vectors (its default embedding
function would try to download a model).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from ofsted_rag.config import Settings
from ofsted_rag.documents import DocumentMeta, SourceRef, StoredPassage
from ofsted_rag.errors import StoreError

STATE_ID = "__state__"
_PAGE = 2000


@dataclass(frozen=True)
class DocumentRecord:
    """What the registry holds about one ingested file.

    Provenance: `origin` is "folder" (read from a folder; `path` is the file's absolute path),
    "upload" (added through the app; `path` is its copy under the data folder) or "url"; `added_by`
    is who added it ("cli:<OS user>" or an editor's name).
    """

    doc_id: str
    file_name: str
    path: str | None
    content_hash: str
    fingerprint: str
    meta: DocumentMeta
    refs: tuple[tuple[str, SourceRef], ...]
    ingested_at: str
    text: str = ""
    origin: str = "folder"
    added_by: str = ""
    # Details an editor set with `ofsted-rag label` (or the app's details form): council, body,
    # date and kind that win over the manifest and the text whenever the file is parsed again
    # (see labels.py). None when the document was never labelled.
    label: DocumentMeta | None = None

    @property
    def keys(self) -> set[str]:
        return {key for key, _ in self.refs}


@dataclass(frozen=True)
class PassageFilter:
    """Restrict retrieval to councils, kinds of document and a meeting-date range."""

    councils: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    # Set by the engine's scope, not by a person: the documents a question about a council may be
    # answered from (those naming it anywhere, and those whose council is not recorded).
    documents: tuple[str, ...] | None = None
    # With a date range: whether passages with no meeting date recorded stay in. The app and the
    # CLI keep them unless told otherwise (a person who limits dates has not said undated minutes
    # are irrelevant: the date may simply not have been found); the app's "Leave out documents
    # with no meeting date" and the CLI's --exclude-undated set it False.
    keep_undated: bool = False

    def is_empty(self) -> bool:
        return not (self.councils or self.kinds or self.bodies or self.since or self.until
                    or self.documents is not None)

    def where(self) -> dict | None:
        """The Chroma `where` clause (None for no filter)."""
        clauses: list[dict] = []
        if self.councils:
            clauses.append({"council": {"$in": list(self.councils)}})
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.bodies:
            clauses.append({"body": {"$in": list(self.bodies)}})
        dated: list[dict] = []
        if self.since:
            dated.append({"date_num": {"$gte": _date_num(self.since)}})
        if self.until:
            dated.append({"date_num": {"$lte": _date_num(self.until)}})
            if not self.since:
                dated.append({"date_num": {"$gt": 0}})
        if dated and self.keep_undated:
            in_range = dated[0] if len(dated) == 1 else {"$and": dated}
            clauses.append({"$or": [{"date_num": {"$eq": 0}}, in_range]})
        else:
            clauses.extend(dated)
        if self.documents is not None:
            clauses.append({"doc_id": {"$in": list(self.documents) or [""]}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, p: StoredPassage) -> bool:
        """The same test as `where`, for passages found outside Chroma (the lexical index)."""
        if self.councils and p.council not in self.councils:
            return False
        if self.kinds and p.kind not in self.kinds:
            return False
        if self.bodies and p.body not in self.bodies:
            return False
        if p.date is None:
            if (self.since or self.until) and not self.keep_undated:
                return False
        elif (self.since and p.date < self.since) or (self.until and p.date > self.until):
            return False
        if self.documents is not None and p.doc_id not in self.documents:
            return False
        return True


def _date_num(value: dt.date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def make_client(settings: Settings):
    """A Chroma client: the server at OFSTED_RAG_CHROMA_URL, else a store under the data folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises several types for an unreachable server
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); is it running?") from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception:  # chromadb raises InternalError, sqlite3 errors and others for a bad file
        # This process may hold a cached view of a store since deleted from disk ("no such table:
        # databases" for the folder made afresh): drop it and open the folder once more.
        drop_cached_view(settings)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:
        raise damaged_store(settings, exc) from None


def drop_cached_view(settings: Settings) -> None:
    """Forget this process's cached view of the embedded store at the data folder: Chroma keeps
    one per path, and a client made after keeps reading through it."""
    from chromadb.api.shared_system_client import SharedSystemClient

    key = str(settings.chroma_path)
    SharedSystemClient._identifier_to_system.pop(key, None)
    SharedSystemClient._identifier_to_refcount.pop(key, None)


def damaged_store(settings: Settings, exc: Exception) -> StoreError:
    """The one line for an embedded store that cannot be read: where it is and what to do."""
    detail = " ".join(str(exc).split())[:160]
    return StoreError(f"the passage store in {settings.chroma_path} is damaged ({type(exc).__name__}: {detail}); "
                      f"move that folder aside and run `ofsted-rag ingest` to rebuild it")


# How many passages Chroma's graph search weighs before it returns the nearest. Its default (100
# for our 50 candidates) is approximate, and its graph is built afresh in each process, so the
# passages near the 50th differed from run to run: the same question, asked of the same store,
# now and then found another passage. This breadth gives the exact nearest passages, every time,
# for stores of thousands of passages, at a cost of a few milliseconds.
SEARCH_BREADTH = 500

# Seconds to wait before each new try at opening a store SQLite says is locked (3 s in all).
LOCK_WAITS = (0.1, 0.2, 0.4, 0.8, 1.5)


class PassageStore:
    """Reads and writes passages and the document registry."""

    def __init__(self, settings: Settings, client=None) -> None:
        self.settings = settings
        self.client = client if client is not None else make_client(settings)
        self._seen_generation: int | None = None
        self._open_collections()

    def _open_collections(self) -> None:
        # SQLite under an embedded store says "database is locked" while another writer (a second
        # process, or Chroma's own background work) holds it. That passes: opening is tried again
        # for a few seconds, and a store still locked is said to be busy, never damaged.
        for wait in (*LOCK_WAITS, None):
            try:
                self._open_collections_once()
                return
            except Exception as exc:
                locked = not self.settings.chroma_url and "database is locked" in str(exc)
                if locked and wait is not None:
                    time.sleep(wait)
                elif locked:
                    raise StoreError(f"the passage store in {self.settings.chroma_path} is busy: another process is "
                                     f"writing to it (database is locked); try again in a moment") from None
                elif self.settings.chroma_url:
                    raise StoreError(f"cannot open the passage store ({type(exc).__name__}: {exc})") from None
                else:
                    raise damaged_store(self.settings, exc) from None

    def _open_collections_once(self) -> None:
        self.passages = self.client.get_or_create_collection(
            self.settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        searched = ((getattr(self.passages, "configuration_json", None) or {}).get("hnsw") or {}).get("ef_search")
        if searched is not None and searched < SEARCH_BREADTH:
            self.passages.modify(configuration={"hnsw": {"ef_search": SEARCH_BREADTH}})
        self.registry = self.client.get_or_create_collection(
            self.settings.collection + "_documents", embedding_function=None
        )
        self.sentences = self.client.get_or_create_collection(
            self.settings.collection + "_sentences", embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    def reopen(self) -> None:
        """Read an embedded store afresh from disk (a server needs nothing of the kind).

        Chroma's embedded client keeps one cached view of a store per process. Once another
        process has written to it (an `ofsted-rag ingest` beside the running app, or one killed
        part-way), that view lacks the new vectors: their metadata is visible but reading them
        fails ("Error finding id", "Nothing found on disk"). Dropping the cached view makes the
        next read load the index from disk.
        """
        if self.settings.chroma_url:
            return
        drop_cached_view(self.settings)
        self.client = make_client(self.settings)
        self._open_collections()

    def _read_vectors(self, read):
        """Run `read()` (which touches the vector index); on a stale embedded view, reopen and
        try once more. A lost server is a StoreError, not a traceback."""
        try:
            return read()
        except Exception as exc:
            if self.settings.chroma_url:
                if type(exc).__module__.startswith(("httpx", "httpcore")):
                    raise StoreError(f"lost the Chroma server at {self.settings.chroma_url} ({exc}); is it running?") from None
                raise
            if type(exc).__name__ != "InternalError":
                raise
        self.reopen()
        try:
            return read()
        except Exception as exc:  # still unreadable from disk: the files themselves are bad
            if type(exc).__name__ != "InternalError":
                raise
            raise damaged_store(self.settings, exc) from None

    # ---- reading ----
    def count(self) -> int:
        return self.passages.count()

    def generation(self) -> int:
        """The number every ingest bumps. A change made by another process means this process's
        embedded view is stale, so the store is reopened before anything is read from it."""
        got = self._read_vectors(lambda: self.registry.get(ids=[STATE_ID], include=["metadatas"]))
        value = int(got["metadatas"][0].get("generation", 0)) if got["ids"] else 0
        if self._seen_generation is not None and value != self._seen_generation:
            self.reopen()
        self._seen_generation = value
        return value

    def last_ingest(self) -> str | None:
        got = self.registry.get(ids=[STATE_ID], include=["metadatas"])
        return got["metadatas"][0].get("last_ingest") if got["ids"] else None

    def documents(self, with_text: bool = False) -> dict[str, DocumentRecord]:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        out: dict[str, DocumentRecord] = {}
        for ids, metas, docs in self._pages(self.registry, include):
            for i, (doc_id, meta) in enumerate(zip(ids, metas)):
                if doc_id == STATE_ID:
                    continue
                out[doc_id] = _record_from_meta(doc_id, meta, docs[i] if docs else "")
        return out

    def document(self, doc_id: str) -> DocumentRecord | None:
        got = self.registry.get(ids=[doc_id], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return _record_from_meta(doc_id, got["metadatas"][0], got["documents"][0])

    def registered_ids(self) -> set[str]:
        """Ids of the documents in the registry (what `ofsted-rag sources` lists)."""
        return {i for ids, _, _ in self._pages(self.registry, []) for i in ids if i != STATE_ID}

    def all_passages(self) -> list[StoredPassage]:
        """Every passage whose cited document is registered.

        The registry is the commit point of an ingest: passages are written before their document
        is registered, so between a killed ingest and the next one the store holds passages of
        documents `sources` does not list (or new passages of a changed file beside its old ones).
        Those are not answered from until the next ingest completes them.
        """
        registered = self.registered_ids()
        out = []
        for ids, metas, docs in self._pages(self.passages, ["metadatas", "documents"]):
            out.extend(passage_from_chroma(i, d, m) for i, d, m in zip(ids, docs, metas)
                       if (m or {}).get("doc_id") in registered)
        return out

    def all_ids(self) -> set[str]:
        return {i for ids, _, _ in self._pages(self.passages, []) for i in ids}

    def get_passages(self, ids: Sequence[str]) -> list[StoredPassage]:
        if not ids:
            return []
        got = self.passages.get(ids=list(ids), include=["metadatas", "documents"])
        by_id = {i: passage_from_chroma(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            found.update(self.passages.get(ids=ids[i:i + _PAGE], include=[])["ids"])
        return found

    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got = self._read_vectors(lambda: self.passages.get(ids=list(ids), include=["embeddings"]))
        return {i: list(e) for i, e in zip(got["ids"], got["embeddings"])}

    def passage_metadatas(self, ids: Sequence[str]) -> dict[str, dict]:
        """Stored id -> its Chroma metadata as stored, for the ids that exist."""
        found: dict[str, dict] = {}
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            got = self.passages.get(ids=ids[i:i + _PAGE], include=["metadatas"])
            found.update((pid, dict(meta or {})) for pid, meta in zip(got["ids"], got["metadatas"]))
        return found

    def embed_hashes(self, ids: Sequence[str]) -> dict[str, str | None]:
        """Stored id -> hash of the text its vector was computed from (None when not recorded),
        for the ids that exist."""
        found: dict[str, str | None] = {}
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            got = self.passages.get(ids=ids[i:i + _PAGE], include=["metadatas"])
            for pid, meta in zip(got["ids"], got["metadatas"]):
                found[pid] = (meta or {}).get("embed_hash")
        return found

    def query(self, vector: Sequence[float], n: int, where: dict | None = None) -> list[tuple[StoredPassage, float]]:
        """The n nearest passages of registered documents (see `all_passages`) with their cosine
        distance (0 = same direction)."""
        total = self.count()
        registered = self.registered_ids()
        if total == 0 or not registered:
            return []
        found = self._query(vector, min(n, total), where)
        if any(p.doc_id not in registered for p, _ in found):
            # Only after an interrupted ingest: ask again among registered documents alone. (Not
            # always: a filtered vector search may order near-ties differently from a plain one.)
            only_registered = {"doc_id": {"$in": sorted(registered)}}
            found = self._query(vector, min(n, total), {"$and": [where, only_registered]} if where else only_registered)
        return found

    def _query(self, vector: Sequence[float], n: int, where: dict | None) -> list[tuple[StoredPassage, float]]:
        got = self._read_vectors(lambda: self.passages.query(
            query_embeddings=[[float(x) for x in vector]], n_results=n, where=where,
            include=["metadatas", "documents", "distances"],
        ))
        return [
            (passage_from_chroma(i, d, m), float(dist))
            for i, d, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def sentence_vectors(self, passage_ids: Sequence[str]) -> dict[str, list[float]]:
        """Sentence text -> its stored vector, for the sentences of these passages."""
        if not passage_ids:
            return {}
        got = self._read_vectors(lambda: self.sentences.get(
            where={"passage": {"$in": list(passage_ids)}}, include=["documents", "embeddings"]))
        return dict(zip(got["documents"], got["embeddings"]))

    def sentence_owners(self) -> set[str]:
        """Ids of the passages that have sentence vectors stored."""
        return {m["passage"] for _, metas, _ in self._pages(self.sentences, ["metadatas"]) for m in metas}

    def _pages(self, collection, include: list[str]) -> Iterator[tuple[list, list, list]]:
        offset = 0
        while True:
            got = collection.get(include=include, limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield got["ids"], got.get("metadatas") or [], got.get("documents") or []
            offset += len(got["ids"])

    # ---- writing (the ingest job holds the lock) ----
    def add_passages(self, ids: list[str], texts: list[str], vectors: list[list[float]], metadatas: list[dict]) -> None:
        self.passages.upsert(ids=ids, documents=texts, embeddings=vectors, metadatas=metadatas)

    def add_sentences(self, by_passage: dict[str, list[tuple[str, Sequence[float]]]]) -> None:
        """Passage id -> its (sentence, vector) pairs; written before the passages (see ingest)."""
        rows = [(f"{pid}#{n}", pid, sentence, vector)
                for pid, pairs in by_passage.items() for n, (sentence, vector) in enumerate(pairs)]
        for i in range(0, len(rows), _PAGE):
            chunk = rows[i:i + _PAGE]
            self.sentences.upsert(ids=[r[0] for r in chunk], documents=[r[2] for r in chunk],
                                  embeddings=[list(r[3]) for r in chunk], metadatas=[{"passage": r[1]} for r in chunk])

    def delete_sentences(self, passage_ids: Sequence[str]) -> None:
        ids = list(passage_ids)
        for i in range(0, len(ids), _PAGE):
            self.sentences.delete(where={"passage": {"$in": ids[i:i + _PAGE]}})

    def update_passages(self, ids: list[str], metadatas: list[dict]) -> None:
        for i in range(0, len(ids), _PAGE):
            self.passages.update(ids=ids[i:i + _PAGE], metadatas=metadatas[i:i + _PAGE])

    def delete_passages(self, ids: Sequence[str]) -> None:
        """Passages and their sentence vectors."""
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            self.passages.delete(ids=ids[i:i + _PAGE])
        self.delete_sentences(ids)

    def put_document(self, record: DocumentRecord) -> None:
        self.registry.upsert(ids=[record.doc_id], documents=[record.text or record.file_name],
                             embeddings=[[0.0]], metadatas=[_record_to_meta(record)])

    def update_document(self, record: DocumentRecord) -> None:
        """Rewrite a registered document's metadata (a re-label) and leave its stored text alone."""
        self.registry.update(ids=[record.doc_id], metadatas=[_record_to_meta(record)])

    def relocate_document(self, doc_id: str, path: str) -> None:
        """Record a new path for an unchanged document (its folder was moved or copied), so that
        a later prune of that folder knows the document came from it."""
        self.registry.update(ids=[doc_id], metadatas=[{"path": path}])

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self.registry.delete(ids=list(doc_ids))

    def bump_generation(self, when: str) -> int:
        generation = self.generation() + 1
        self.registry.upsert(ids=[STATE_ID], documents=["state"], embeddings=[[0.0]],
                             metadatas=[{"generation": generation, "last_ingest": when}])
        self._seen_generation = generation  # our own write: no need to reopen
        return generation


# ---- record <-> Chroma metadata ----

def passage_metadata(
    primary: SourceRef,
    meta: DocumentMeta,
    sources: Sequence[SourceRef],
    section: str | None,
    embed_hash: str | None = None,
) -> dict:
    """Chroma metadata for a passage: scalars, the cited source flattened for filtering, all
    sources as JSON, and `embed_hash` (what its vector was computed from).

    Unknown values are None, not left out: Chroma merges metadata on upsert and update, so a key
    left out would keep the value of an earlier ingest (a date since removed from the manifest
    would still match a date filter); None deletes it. Write with upsert/update, never add.
    """
    values = {
        "file": primary.file_name,
        "doc_id": primary.doc_id,
        "council": meta.council,
        "body": meta.body,
        "kind": meta.kind,
        "url": meta.url,
        "date": meta.date.isoformat() if meta.date else None,
        "date_num": _date_num(meta.date) if meta.date else 0,
        "item": primary.item,
        "item_title": primary.item_title,
        "point": primary.point,
        "part": primary.part or 0,
        "section": section,
        "start": primary.start,
        "end": primary.end,
        "n_sources": len(sources),
        "sources": json.dumps([_ref_to_json(s) for s in sources]),
        "embed_hash": embed_hash,
    }
    return values


def passage_from_chroma(pid: str, text: str, m: dict) -> StoredPassage:
    date = m.get("date")
    return StoredPassage(
        id=pid,
        text=text,
        file_name=m.get("file", ""),
        doc_id=m.get("doc_id", ""),
        council=m.get("council"),
        body=m.get("body"),
        date=dt.date.fromisoformat(date) if date else None,
        kind=m.get("kind"),
        item=m.get("item"),
        item_title=m.get("item_title"),
        point=m.get("point"),
        part=m.get("part") or None,
        start=int(m.get("start", 0)),
        end=int(m.get("end", 0)),
        url=m.get("url"),
        sources=tuple(_ref_from_json(s) for s in json.loads(m.get("sources", "[]"))),
    )


def _ref_to_json(ref: SourceRef) -> dict:
    return {"doc": ref.doc_id, "file": ref.file_name, "item": ref.item, "title": ref.item_title,
            "point": ref.point, "part": ref.part, "start": ref.start, "end": ref.end}


def _ref_from_json(d: dict) -> SourceRef:
    return SourceRef(doc_id=d["doc"], file_name=d["file"], item=d.get("item"), item_title=d.get("title"),
                     point=d.get("point"), part=d.get("part"), start=d["start"], end=d["end"])


def _record_to_meta(r: DocumentRecord) -> dict:
    m = r.meta
    values = {
        "file": r.file_name, "path": r.path, "content_hash": r.content_hash, "fingerprint": r.fingerprint,
        "council": m.council, "body": m.body, "date": m.date.isoformat() if m.date else None,
        "kind": m.kind, "title": m.title, "url": m.url, "ingested_at": r.ingested_at,
        "n_passages": len(r.refs), "origin": r.origin, "added_by": r.added_by,
        "refs": json.dumps([[key, _ref_to_json(ref)] for key, ref in r.refs]),
        "label": json.dumps(_label_to_json(r.label)) if r.label else None,
    }
    # None, not left out: the upsert merges, and a value removed from the manifest must go.
    return values


def _record_from_meta(doc_id: str, m: dict, text: str) -> DocumentRecord:
    date = m.get("date")
    return DocumentRecord(
        doc_id=doc_id,
        file_name=m.get("file", ""),
        path=m.get("path"),
        content_hash=m.get("content_hash", ""),
        fingerprint=m.get("fingerprint", ""),
        meta=DocumentMeta(council=m.get("council"), body=m.get("body"),
                          date=dt.date.fromisoformat(date) if date else None,
                          kind=m.get("kind"), title=m.get("title"), url=m.get("url")),
        refs=tuple((key, _ref_from_json(ref)) for key, ref in json.loads(m.get("refs", "[]"))),
        ingested_at=m.get("ingested_at", ""),
        text=text,
        origin=m.get("origin") or "folder",
        added_by=m.get("added_by") or "",
        label=_label_from_json(json.loads(m["label"])) if m.get("label") else None,
    )


def _label_to_json(label: DocumentMeta) -> dict:
    return {"council": label.council, "body": label.body, "kind": label.kind,
            "date": label.date.isoformat() if label.date else None}


def _label_from_json(d: dict) -> DocumentMeta:
    return DocumentMeta(council=d.get("council"), body=d.get("body"), kind=d.get("kind"),
                        date=dt.date.fromisoformat(d["date"]) if d.get("date") else None)
