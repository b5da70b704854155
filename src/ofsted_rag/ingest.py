"""The ingestion job: files -> passages -> embeddings -> Chroma, incrementally.

A file whose bytes, manifest metadata and parser version are unchanged is not even parsed again.
A changed file's passages replace its old ones; `prune` removes files no longer present. The same
passage text in two files (an agenda-item page and the whole-meeting page) is stored once with
both sources recorded.

Writes are ordered so that a killed ingest leaves an answerable store and the next ingest completes
it: new passages first (each batch's sentence vectors just before it), then the merged metadata,
then the document registry, then deletions, then a sweep that removes any passage no registered
document gives (orphans of an interrupted run) and brings the sentence vectors in line with the
passages. Answering embeds any sentence whose vector is missing, so a half-done store still answers.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_rag import audit
from ofsted_rag.config import Settings
from ofsted_rag.documents import DocumentMeta, Passage, SourceRef, document_id, sentences_of, stable_hash
from ofsted_rag.embedding import Embedder
from ofsted_rag.errors import DocumentError, IngestLockedError, PruneRefused
from ofsted_rag.manifest import MANIFEST_NAME, read_manifest, write_manifest_entry
from ofsted_rag.parsing import PARSER_VERSION, ParsedDocument, check_suffix, parse_bytes, size_reason
from ofsted_rag.store import DocumentRecord, PassageStore, passage_metadata

STATUSES = ("added", "updated", "unchanged", "duplicate", "removed", "skipped")
_EMBED_BATCH = 64
# A prune removing more than this many documents, or more than half the store, needs --yes: a
# mistyped or wrong folder is then likelier than intent.
PRUNE_CONFIRM_ABOVE = 20


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file. `reason` says why a file was skipped or is a duplicate."""

    file_name: str
    status: str
    passages: int = 0
    new_passages: int = 0
    reason: str | None = None
    # What the file's metadata leaves unknown ("council", "date"): a question about that council
    # or year cannot be scoped to it, so the user is told rather than left to find out.
    missing: tuple[str, ...] = ()

    def missing_note(self) -> str | None:
        """One plain line naming what is unknown, or None."""
        if not self.missing:
            return None
        return f"{self.file_name}: no {' and no '.join(self.missing)} found; add it to manifest.toml if you know it"


@dataclass(frozen=True)
class IngestReport:
    outcomes: tuple[FileOutcome, ...]
    embedded: int
    removed_passages: int
    seconds: float
    total_passages: int
    embedded_sentences: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def nothing_ingested(self) -> bool:
        """True when every file was rejected: the only case the CLI exits non-zero."""
        return bool(self.outcomes) and all(o.status == "skipped" for o in self.outcomes)


@dataclass
class _Candidate:
    path: Path
    meta: DocumentMeta | None
    data: bytes = b""
    fingerprint: str = ""
    # Set when the folder's manifest cannot be read: the file waits until it is fixed.
    manifest_error: str | None = None
    # A fetched page is kept under its content hash but stored under a name made from its
    # address, and its origin is "url": both are given rather than read from the path.
    name: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class NamedSource:
    """A file to ingest under a name and origin of its own (a fetched page: `path` is its raw
    copy named by content hash, `name` comes from its address, `origin` is "url")."""

    name: str
    path: Path
    meta: DocumentMeta | None
    origin: str


@dataclass
class _Plan:
    parsed: dict[str, ParsedDocument] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    relocated: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    outcomes: list[FileOutcome] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


def default_actor() -> str:
    """Who runs an ingest from the command line: "cli:<OS user>"."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (a bare container)
        return f"cli:uid {os.getuid()}"


def origin_of(path: Path, settings: Settings) -> str:
    """"upload" for a file in the data folder's uploads/, else "folder"."""
    return "upload" if _under(path, settings.uploads) else "folder"


def record_origin(record: DocumentRecord, settings: Settings) -> str:
    """A stored document's origin; records made before provenance was kept are judged by path."""
    if record.origin != "folder" or not record.path:
        return record.origin
    return origin_of(Path(record.path), settings)


def _under(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
        return True
    except ValueError:
        return False


def collision_reason(record: DocumentRecord | None, origin: str, settings: Settings) -> str | None:
    """Why a file of this origin may not replace the stored document of the same name (None: it may).

    An upload may add a new document or replace one uploaded earlier; it never replaces a
    document read from a folder (anyone able to open the app could otherwise rewrite a council's
    minutes and have the forgery cited as theirs). A folder file does not silently replace an
    uploaded document either. Folder files replace folder documents of the same name: that is how
    an edited or moved corpus is brought up to date by whoever runs the ingest.
    """
    if record is None:
        return None
    stored = record_origin(record, settings)
    if stored == origin or (origin == "folder" and stored == "url"):
        return None
    where = "uploaded through the app" if stored == "upload" else f"read from {Path(record.path).parent if record.path else 'a folder'}"
    return f"a document with this name was {where}; rename the file to add it as a new document"


def collect_files(paths: Iterable[Path]) -> tuple[list[_Candidate], list[FileOutcome]]:
    """Files to ingest under the given files and folders, with their manifest metadata.

    Unsupported files are reported as skipped, not silently ignored, so a user who drops a .doc in
    the corpus learns why it is missing. Hidden files and manifests are not documents.
    """
    candidates: list[_Candidate] = []
    skipped: list[FileOutcome] = []
    manifests: dict[Path, dict[str, DocumentMeta] | str] = {}

    def manifest_for(folder: Path) -> dict[str, DocumentMeta] | str:
        """The folder's manifest, or the one-line error that makes it unusable."""
        if folder not in manifests:
            try:
                manifests[folder] = read_manifest(folder)
            except DocumentError as exc:
                skipped.append(FileOutcome(display_name(exc.file_name), "skipped", reason=(
                    f"{exc.reason}; fix it and ingest again (until then this folder's documents stay as stored)")))
                manifests[folder] = f"{MANIFEST_NAME} in this folder has an error"
        return manifests[folder]

    for root in paths:
        root = Path(root)
        if root.is_dir():
            # rglob does not descend into linked folders; linked files are checked below.
            files = sorted(p for p in root.rglob("*")
                           if (p.is_file() or p.is_symlink()) and not _hidden(p.relative_to(root)))
        elif root.is_file():
            files = [root]
        else:
            skipped.append(FileOutcome(display_name(str(root)), "skipped", reason="no such file or folder"))
            continue
        for path in files:
            if path.name == MANIFEST_NAME or path.name.endswith(".tmp"):
                continue
            if path != root and path.is_symlink():
                reason = _link_reason(path, root)
                if reason:
                    skipped.append(FileOutcome(display_name(path.name), "skipped", reason=reason))
                    continue
                if path.is_dir():
                    continue  # a link to a folder inside this one: its files are read where they are
            try:
                check_suffix(path.name)
            except DocumentError as exc:
                skipped.append(FileOutcome(display_name(path.name), "skipped", reason=exc.reason))
                continue
            manifest = manifest_for(path.parent)
            if isinstance(manifest, str):
                candidates.append(_Candidate(path, None, manifest_error=manifest))
            else:
                candidates.append(_Candidate(path, manifest.get(path.name)))
    return candidates, skipped


def _link_reason(path: Path, root: Path) -> str | None:
    """Why a symbolic link in a folder is not read (None: it stays inside the folder).

    A link that leads out of the folder would put whatever it points at (/etc/passwd, another
    department's files) in the store and before every user of the app.
    """
    target = Path(os.path.realpath(path))
    if not target.exists():
        return "a link to a file that does not exist"
    if not _under(target, Path(os.path.realpath(root))):
        return f"a link to {display_name(str(target))}, outside {display_name(str(root))}; links out of the folder are not read"
    return None


def display_name(name: str) -> str:
    """A file name safe to show and store. A name that is not valid UTF-8 reaches Python with
    surrogate escapes, which cannot be printed or written to the store; its undecodable bytes are
    shown as \\xNN instead."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def fingerprint(data: bytes, meta: DocumentMeta | None) -> str:
    """Identifies one version of one file as ingested: its bytes, its manifest entry, the parser."""
    h = hashlib.sha256(data)
    h.update(repr(meta).encode())
    h.update(PARSER_VERSION.encode())
    return h.hexdigest()


def ingest(
    paths: Sequence[Path],
    store: PassageStore,
    embedder: Embedder,
    settings: Settings,
    *,
    prune: bool = False,
    confirm: bool = False,
    added_by: str | None = None,
    action: str = "ingest",
    sources: Sequence[NamedSource] = (),
    what: Sequence[str] | None = None,
    failed: Sequence[tuple[str, str]] = (),
    on_embed_start: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
) -> IngestReport:
    """Bring the store in line with the files under `paths`.

    Args:
        prune: also remove stored documents that came from the folders in `paths` (or are those
            files) and whose files are gone. Documents from other folders and uploads are kept.
        confirm: allow a prune that removes more than half the store or more than 20 documents.
        added_by: who is adding (recorded with each new or changed document and in the audit
            log); default "cli:<user>".
        action: what the audit log calls this run ("ingest", "upload", "fetch"); "prune" when it
            removed documents.
        sources: files ingested under their own name and origin (fetched pages), besides `paths`.
        what: what the audit log says was named (default: `paths`); a fetch names its addresses.
        failed: (address, reason) for what a fetch could not bring in: the run's one audit entry
            records them too.
        on_embed_start, on_embedded: `on_embed_start(total)` and `on_embedded(n)` drive a progress bar.

    Raises:
        IngestLockedError: another ingest is writing to this store.
        PruneRefused: with `prune`, a path does not exist, or the prune is large and not confirmed.
            Nothing is changed.
    """
    started = time.perf_counter()
    if prune:
        missing = [str(p) for p in paths if not Path(p).exists()]
        if missing:
            raise PruneRefused(f"cannot prune: {', '.join(missing)} does not exist (mistyped?); nothing was changed")
    actor = added_by or default_actor()
    with ingest_lock(settings):
        candidates, skipped = collect_files(paths)
        candidates += [_Candidate(s.path, s.meta, name=s.name, origin=s.origin) for s in sources]
        registry = store.documents()
        plan = _plan(candidates, registry, settings)
        plan.outcomes[:0] = skipped
        removed_docs = _prune_targets(registry, plan.seen, paths) if prune else []
        if removed_docs and not confirm and (len(removed_docs) > PRUNE_CONFIRM_ABOVE or 2 * len(removed_docs) > len(registry)):
            names = sorted(registry[d].file_name for d in removed_docs)
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            raise PruneRefused(f"--prune would remove {len(removed_docs)} of {len(registry)} documents ({shown}); "
                               "check the folder and run again with --yes to remove them; nothing was changed")
        for doc_id in removed_docs:
            plan.outcomes.append(FileOutcome(registry[doc_id].file_name, "removed", len(registry[doc_id].refs)))
        embedded, removed_passages, sentences = _apply(plan, registry, removed_docs, store, embedder,
                                                       on_embed_start, on_embedded, actor)
        # Every run is recorded, even one that changed nothing: who looked at which folder matters.
        audit.append(settings, audit.AuditEntry(
            time=audit.now(), who=actor, action="prune" if removed_docs else action,
            what=tuple(what) if what is not None else tuple(display_name(str(p)) for p in paths),
            files=tuple((o.file_name, o.status) for o in plan.outcomes if o.status != "unchanged")
            + tuple((name, "failed") for name, _ in failed),
            passages_added=sum(o.new_passages for o in plan.outcomes if o.status in ("added", "updated")),
            passages_removed=removed_passages,
            extra={"failed": dict(failed)} if failed else {},
        ))
    return IngestReport(
        outcomes=tuple(plan.outcomes),
        embedded=embedded,
        removed_passages=removed_passages,
        seconds=time.perf_counter() - started,
        total_passages=store.count(),
        embedded_sentences=sentences,
    )


def _prune_targets(registry: dict[str, DocumentRecord], seen: set[str], paths: Sequence[Path]) -> list[str]:
    """Stored documents not seen in this run whose recorded file is one of `paths` or under one."""
    roots = [Path(p) for p in paths]
    return [d for d, record in registry.items()
            if d not in seen and record.path and any(_under(Path(record.path), root) for root in roots)]


def _plan(candidates: list[_Candidate], registry: dict[str, DocumentRecord], settings: Settings) -> _Plan:
    plan = _Plan()
    names: dict[str, Path] = {}
    for cand in candidates:
        name = cand.name or display_name(cand.path.name)
        if name in names:
            plan.outcomes.append(FileOutcome(name, "skipped", reason=f"same file name as {display_name(str(names[name]))}; rename one of them"))
            continue
        names[name] = cand.path
        doc_id = document_id(name)
        old = registry.get(doc_id)
        origin = cand.origin or origin_of(cand.path, settings)
        refused = collision_reason(old, origin, settings)
        if cand.manifest_error:
            # Ingesting without the manifest would replace the council, body and date it gave
            # with whatever the text suggests; the stored document is kept whole instead.
            refused = cand.manifest_error + ("; kept as stored" if old else "; not added until it is fixed")
        if refused:
            plan.seen.add(doc_id)  # the stored document stays, prune or not
            plan.outcomes.append(FileOutcome(name, "skipped", reason=refused))
            continue
        try:
            size = cand.path.stat().st_size
            if size > settings.max_file_bytes:
                raise DocumentError(name, size_reason(size, settings.max_file_bytes, settings.max_file_mb))
            data = cand.path.read_bytes()
        except (OSError, DocumentError) as exc:
            # As for a file that no longer parses: what it stored before is kept, even with prune.
            if old is not None:
                plan.seen.add(doc_id)
            reason = exc.reason if isinstance(exc, DocumentError) else f"cannot be read ({exc.strerror})"
            plan.outcomes.append(FileOutcome(name, "skipped", reason=reason))
            continue
        fp = fingerprint(data, cand.meta)
        if old is not None and old.fingerprint == fp:
            plan.seen.add(doc_id)
            if old.path != display_name(str(cand.path.absolute())):
                plan.relocated[doc_id] = display_name(str(cand.path.absolute()))
            plan.outcomes.append(FileOutcome(name, "unchanged", len(old.refs), missing=missing_fields(old.meta)))
            continue
        # A label an editor set (labels.py) is given to the parser as the manifest's entry is,
        # with the higher priority, so that re-parsing a changed file keeps it. It is not part of
        # the fingerprint: a re-label has already rewritten the stored metadata, and must not make
        # an unchanged file be parsed and embedded again.
        given = cand.meta
        if old is not None and old.label is not None:
            given = old.label.merged_over(cand.meta or DocumentMeta())
        try:
            parsed = parse_bytes(data, name, given, path=display_name(str(cand.path)), max_bytes=settings.max_file_bytes)
        except DocumentError as exc:
            # A file that can no longer be parsed keeps what it had stored (nothing is lost).
            if old is not None:
                plan.seen.add(doc_id)
            plan.outcomes.append(FileOutcome(name, "skipped", reason=exc.reason))
            continue
        except Exception as exc:  # a parser bug must not lose the rest of the corpus
            if old is not None:
                plan.seen.add(doc_id)
            plan.outcomes.append(FileOutcome(name, "skipped", reason=f"could not be parsed ({type(exc).__name__}: {exc})"))
            continue
        plan.seen.add(doc_id)
        plan.parsed[doc_id] = parsed
        plan.fingerprints[doc_id] = fp
        plan.paths[doc_id] = display_name(str(cand.path.absolute()))
        nuls = data.count(b"\x00") if name.lower().endswith(".txt") else 0
        if nuls:
            plan.notes[doc_id] = f"{nuls} NUL byte(s) dropped"
        plan.origins[doc_id] = origin
    return plan


def missing_fields(meta: DocumentMeta) -> tuple[str, ...]:
    """The metadata a document's scope depends on that is unknown: its council, its date."""
    return tuple(name for name in ("council", "date") if getattr(meta, name) is None)


def _refs(parsed: ParsedDocument) -> tuple[tuple[str, SourceRef], ...]:
    return tuple(
        (p.content_key, SourceRef(p.doc_id, p.file_name, p.item, p.item_title, p.point, p.part, p.start, p.end))
        for p in parsed.passages
    )


def source_order(ref: SourceRef) -> tuple:
    """The cited source of a passage published twice: the one with an item number (the whole
    meeting, so the citation can say "item 5"), then by file name for a stable choice."""
    return (ref.item is None, ref.file_name, ref.start)


def _apply(
    plan: _Plan,
    registry: dict[str, DocumentRecord],
    removed_docs: list[str],
    store: PassageStore,
    embedder: Embedder,
    on_embed_start: Callable[[int], None] | None,
    on_embedded: Callable[[int], None] | None,
    actor: str,
) -> tuple[int, int, int]:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    final: dict[str, DocumentRecord] = {d: r for d, r in registry.items() if d not in removed_docs}
    passages_by_key: dict[str, Passage] = {}
    for doc_id, parsed in plan.parsed.items():
        final[doc_id] = DocumentRecord(
            doc_id=doc_id,
            file_name=parsed.document.file_name,
            path=plan.paths[doc_id],
            content_hash=parsed.document.content_hash,
            fingerprint=plan.fingerprints[doc_id],
            meta=parsed.document.meta,
            refs=_refs(parsed),
            ingested_at=now,
            text=parsed.document.text,
            origin=plan.origins[doc_id],
            added_by=actor,
            label=registry[doc_id].label if doc_id in registry else None,
        )
        for p in parsed.passages:
            passages_by_key.setdefault(p.content_key, p)

    affected: set[str] = set(passages_by_key)
    for doc_id in list(plan.parsed) + removed_docs:
        if doc_id in registry:
            affected |= registry[doc_id].keys

    sources: dict[str, list[tuple[SourceRef, DocumentRecord]]] = {}
    for record in final.values():
        for key, ref in record.refs:
            if key in affected:
                sources.setdefault(key, []).append((ref, record))
    for refs in sources.values():
        refs.sort(key=lambda pair: source_order(pair[0]))

    existing = store.embed_hashes(sorted(affected))
    own = {(doc_id, p.content_key): p for doc_id, parsed in plan.parsed.items() for p in parsed.passages}
    # Stored passages cited from a file not parsed in this run keep the text they were stored with.
    stored_texts = {p.id: p.text for p in store.get_passages(
        sorted(k for k in sources if k in existing and (sources[k][0][0].doc_id, k) not in own))}
    for key in sources:
        ref = sources[key][0][0]
        if key not in stored_texts and key not in passages_by_key and (ref.doc_id, key) not in own:
            # Missing from the store (an interrupted run): cut it from its document's text again.
            doc = store.document(ref.doc_id)
            stored_texts[key] = " ".join((doc.text if doc else "")[ref.start:ref.end].split())
    primaries = {k: _primary_passage(k, sources, own, passages_by_key, stored_texts) for k in sources}
    embed_hashes = {k: stable_hash(p.embedding_text()) for k, p in primaries.items()}
    new_keys = sorted(k for k in sources if k not in existing)
    # A stored passage whose context changed (the manifest gave its file another body or date, or
    # the file it is cited from changed) is embedded again: its vector carries that context.
    to_embed = new_keys + sorted(k for k in sources if k in existing and existing[k] != embed_hashes[k])
    to_update = sorted(k for k in sources if k in existing and existing[k] == embed_hashes[k])
    to_delete = sorted(k for k in affected if k not in sources and k in existing)

    def metadata(key: str) -> dict:
        refs = sources[key]
        primary, record = refs[0]
        section = passages_by_key[key].section if key in passages_by_key else None
        return passage_metadata(primary, record.meta, [r for r, _ in refs], section, embed_hashes[key])

    # New-passage counts per file, for the summary (a file adding nothing new is a duplicate).
    new_by_doc: dict[str, int] = {}
    for key in new_keys:
        for ref, _ in sources[key]:
            if ref.doc_id in plan.parsed:
                new_by_doc[ref.doc_id] = new_by_doc.get(ref.doc_id, 0) + 1
                break

    if on_embed_start:
        on_embed_start(len(to_embed))
    sentences, known = 0, {}
    for i in range(0, len(to_embed), _EMBED_BATCH):
        batch = to_embed[i:i + _EMBED_BATCH]
        vectors = embedder.embed_batch([primaries[k].embedding_text() for k in batch])
        # Sentence vectors depend on the text alone: a passage embedded again for a new context keeps its own.
        sentences += _store_sentences(store, embedder, {k: primaries[k].text for k in batch if k not in existing}, known)
        store.add_passages(batch, [primaries[k].text for k in batch], vectors, [metadata(k) for k in batch])
        if on_embedded:
            on_embedded(len(batch))
    if to_update:
        store.update_passages(to_update, [metadata(k) for k in to_update])
    for doc_id in plan.parsed:
        store.put_document(final[doc_id])
    for doc_id, path in plan.relocated.items():
        store.relocate_document(doc_id, path)
    store.delete_passages(to_delete)
    store.delete_documents(removed_docs)
    stored = store.all_ids()
    orphans = stored - {k for record in final.values() for k in record.keys}
    store.delete_passages(sorted(orphans))
    sentences += _complete_sentences(store, embedder, stored - orphans, known)
    store.bump_generation(now)

    for doc_id, parsed in plan.parsed.items():
        name = parsed.document.file_name
        n = len(parsed.passages)
        new = new_by_doc.get(doc_id, 0)
        if new == 0 and n and not (doc_id in registry and registry[doc_id].keys >= final[doc_id].keys):
            others = sorted({r.file_name for k in final[doc_id].keys for r, _ in sources.get(k, []) if r.doc_id != doc_id})
            status, reason = "duplicate", f"every passage is already stored from {', '.join(others) or 'another file'}"
        else:
            status, reason = ("updated" if doc_id in registry else "added"), None
        note = plan.notes.get(doc_id)
        reason = f"{reason}; {note}" if reason and note else reason or note
        plan.outcomes.append(FileOutcome(name, status, n, new, reason, missing_fields(parsed.document.meta)))
    return len(to_embed), len(to_delete) + len(orphans), sentences


def _store_sentences(store: PassageStore, embedder: Embedder, texts: dict[str, str], known: dict[str, list[float]]) -> int:
    """Embed each passage's sentences alone and store them; `known` holds this run's sentence
    vectors, so a sentence two passages share ("The report was noted.") is embedded once.
    Returns how many sentences were embedded."""
    units = {pid: sentences_of(text) for pid, text in texts.items()}
    todo = list(dict.fromkeys(s for sentences in units.values() for s in sentences if s not in known))
    if todo:
        known.update(zip(todo, embedder.embed_batch(todo)))
    if units:
        store.add_sentences({pid: [(s, known[s]) for s in sentences] for pid, sentences in units.items()})
    return len(todo)


def _complete_sentences(store: PassageStore, embedder: Embedder, passage_ids: set[str], known: dict[str, list[float]]) -> int:
    """Make the sentence vectors match the stored passages exactly: drop those of passages that
    are gone and embed those missing (a killed ingest, or a store made before they existed)."""
    owners = store.sentence_owners()
    store.delete_sentences(sorted(owners - passage_ids))
    missing = sorted(passage_ids - owners)
    done = 0
    for i in range(0, len(missing), _EMBED_BATCH):
        passages = store.get_passages(missing[i:i + _EMBED_BATCH])
        done += _store_sentences(store, embedder, {p.id: p.text for p in passages}, known)
    return done


def _primary_passage(
    key: str,
    sources: dict[str, list[tuple[SourceRef, DocumentRecord]]],
    own: dict[tuple[str, str], Passage],
    passages_by_key: dict[str, Passage],
    stored_texts: dict[str, str],
) -> Passage:
    """The passage to embed for a key: the cited source's own, so its context is embedded.

    When the cited source was not parsed in this run, the passage is rebuilt from its registry
    record (metadata and locator) and the text already stored or parsed from another file.
    """
    primary_ref, record = sources[key][0]
    if (primary_ref.doc_id, key) in own:
        return own[(primary_ref.doc_id, key)]
    text = stored_texts[key] if key in stored_texts else passages_by_key[key].text
    m = record.meta
    return Passage(
        doc_id=primary_ref.doc_id, file_name=primary_ref.file_name, text=text,
        start=primary_ref.start, end=primary_ref.end, point=primary_ref.point, item=primary_ref.item,
        item_title=primary_ref.item_title, part=primary_ref.part,
        council=m.council, body=m.body, date=m.date, kind=m.kind, url=m.url,
    )


@contextmanager
def ingest_lock(settings: Settings, wait_seconds: float = 0.0):
    """One writer at a time per data folder. A second ingest fails at once with a clear message
    (or waits up to `wait_seconds`): two writers interleaving would corrupt the registry."""
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.home / "ingest.lock"
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise IngestLockedError(
                        f"another ingest is running on {settings.home} (pid {holder}); wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_file_name(name: str) -> str:
    """A file name with no folder parts or odd characters: an upload named "../../x.txt" is
    saved as "x.txt" inside the uploads folder and nowhere else."""
    base = name.replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or base in (".", ".."):
        raise DocumentError(name or "(no name)", "the file name is empty after removing folder parts")
    return base[:180]


def save_upload(settings: Settings, file_name: str, data: bytes, meta: DocumentMeta | None = None) -> Path:
    """Store an uploaded file (and its metadata) under the data folder's uploads/, for ingest."""
    name = safe_file_name(file_name)
    check_suffix(name)
    folder = settings.uploads.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / name).resolve()
    if target.parent != folder:
        raise DocumentError(file_name, "the file name points outside the uploads folder")
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    if meta is not None and meta != DocumentMeta():
        write_manifest_entry(folder, name, meta)
    return target
