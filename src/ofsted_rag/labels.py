"""Re-labelling a stored document: setting its council, committee, meeting date or kind.

What a re-label does, at once and under the ingest lock:

- the document's registry record takes the new values, and keeps them as its `label`;
- every passage the document gives has its Chroma metadata rewritten (metadata only, through
  `PassageStore.update_passages`; ids, texts, vectors and sentence vectors stay as they are).
  A passage several documents publish (stored once, see `Passage.content_key`) takes the metadata
  of its cited source, as ingest gives it (`ingest.source_order`, `store.passage_metadata`), so a
  re-label of the other document changes only its list of sources;
- the store's generation is bumped, so the lexical (BM25) index saved for the old generation and
  every per-generation cache (scope, neighbours, periods) are rebuilt from the new metadata;
- one "relabel" entry goes to the audit log: who, which document, each field before and after.

The vectors are not recomputed. A passage's vector was made from its text with a context line
(`Passage.embedding_text`: council, body, date, item title) and its id from its text and council
(`Passage.content_key`); both keep the old values until the file is next parsed (its bytes or the
parser version change). Then the label is handed to the parser exactly as a manifest entry is, with
the highest priority (`ingest._plan`), and ingest embeds again whatever passage's context changed,
as it does for a manifest edit. So a label is never lost to a re-parse, and costs no embedding now.
Its `embed_hash` is kept, since it still names the text the stored vector came from.

Bad input (an unknown document, a date that is not YYYY-MM-DD, an unknown kind, nothing to set)
raises before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ofsted_rag import audit
from ofsted_rag.config import Settings
from ofsted_rag.documents import DocumentMeta, SourceRef, document_id
from ofsted_rag.errors import UsageError
from ofsted_rag.ingest import default_actor, ingest_lock, source_order
from ofsted_rag.manifest import meta_from_values
from ofsted_rag.parsing.metadata import canonical_council
from ofsted_rag.store import DocumentRecord, PassageStore, passage_metadata

# The fields a label sets, as the registry (DocumentMeta) names them and as people call them.
FIELDS = (("council", "council"), ("body", "committee"), ("date", "date"), ("kind", "kind"))


@dataclass(frozen=True)
class FieldChange:
    """One field a re-label changed: its name as people call it, and its values (ISO dates)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class RelabelResult:
    """What a re-label did: the document, the fields changed, and how many passages were rewritten."""

    doc_id: str
    file_name: str
    meta: DocumentMeta
    changes: tuple[FieldChange, ...]
    passages: int


def make_label(council: str | None = None, committee: str | None = None,
               date: str | dt.date | None = None, kind: str | None = None) -> DocumentMeta:
    """A label from loosely typed values (command-line strings, form values); blank means "leave as is".

    The council is stored under the gazetteer's name, as a manifest's or upload form's is.

    Raises:
        DocumentError: the date is not YYYY-MM-DD or the kind is not one of documents.KINDS.
        UsageError: every value is blank, so there is nothing to set.
    """
    values = {"council": _clean(council), "body": _clean(committee),
              "date": _clean(date) if isinstance(date, str) else date, "kind": _clean(kind)}
    label = meta_from_values(values, "label")
    label = replace(label, council=canonical_council(label.council))
    if label == DocumentMeta():
        raise UsageError("nothing to set: give --council, --committee, --date or --kind")
    return label


def _clean(value: str | None) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


def find_document(registry: dict[str, DocumentRecord], name: str) -> DocumentRecord:
    """The stored document with this id or file name.

    Raises:
        UsageError: no stored document has it.
    """
    name = name.strip()
    found = registry.get(name) or registry.get(document_id(name))
    if found is None:
        raise UsageError(f"no stored document is called {name!r}; `ofsted-rag sources` lists the file names")
    return found


def relabel(store: PassageStore, settings: Settings, name: str, label: DocumentMeta, *,
            who: str | None = None) -> RelabelResult:
    """Set a stored document's council, committee, date or kind (the fields `label` sets).

    Args:
        name: the document's file name as `sources` lists it, or its id ("doc_...").
        label: from `make_label`; its unset fields are left as they are.
        who: recorded in the audit log (default "cli:<OS user>").

    Returns:
        What changed (possibly nothing, when the document already had these values).

    Raises:
        UsageError: no such document, or the label sets nothing.
        IngestLockedError: an ingest is writing to the store.
    """
    given = DocumentMeta(council=label.council, body=label.body, date=label.date, kind=label.kind)
    if given == DocumentMeta():
        raise UsageError("nothing to set: give a council, committee, date or kind")
    with ingest_lock(settings):
        registry = store.documents()
        record = find_document(registry, name)
        updated = replace(record, meta=given.merged_over(record.meta),
                          label=given.merged_over(record.label or DocumentMeta()))
        registry[record.doc_id] = updated
        changes = tuple(FieldChange(said, _shown(getattr(record.meta, field)), _shown(getattr(updated.meta, field)))
                        for field, said in FIELDS if getattr(record.meta, field) != getattr(updated.meta, field))

        # Every source of each of the document's passages, the cited one first, as ingest orders them.
        sources: dict[str, list[tuple[SourceRef, DocumentRecord]]] = {}
        for other in registry.values():
            for key, ref in other.refs:
                if key in updated.keys:
                    sources.setdefault(key, []).append((ref, other))
        stored = store.passage_metadatas(sorted(sources))
        ids = sorted(stored)  # a passage an interrupted ingest never wrote is left to the next ingest
        metadatas = []
        for key in ids:
            refs = sorted(sources[key], key=lambda pair: source_order(pair[0]))
            primary, owner = refs[0]
            metadatas.append(passage_metadata(primary, owner.meta, [r for r, _ in refs],
                                              stored[key].get("section"), stored[key].get("embed_hash")))
        # Passages first, then the registry, as ingest writes: a run killed between the two leaves
        # the old label recorded, and running the same label again completes it.
        store.update_passages(ids, metadatas)
        store.update_document(updated)
        store.bump_generation(store.last_ingest() or audit.now())
        audit.append(settings, audit.AuditEntry(
            time=audit.now(), who=who or default_actor(), action="relabel", what=(record.file_name,),
            files=((record.file_name, "relabelled"),),
            extra={"document": record.doc_id,
                   "changed": {c.field: {"from": c.before, "to": c.after} for c in changes}},
        ))
    return RelabelResult(record.doc_id, record.file_name, updated.meta, changes, len(ids))


def give_way(store: PassageStore, settings: Settings, file_name: str, details: DocumentMeta | None) -> None:
    """Before an upload with details typed in its form is ingested: the fields it sets are dropped
    from the stored document's label, so the newer statement is the one the parser applies. (A
    label otherwise outranks the upload's details, which are kept in the uploads manifest and read
    at every ingest.) Nothing happens for a new document, one without a label, or empty details."""
    if details is None or details == DocumentMeta():
        return
    with ingest_lock(settings):
        record = store.document(document_id(file_name))
        if record is None or record.label is None:
            return
        kept = replace(record.label, **{field: None for field, _ in FIELDS if getattr(details, field) is not None})
        store.update_document(replace(record, label=None if kept == DocumentMeta() else kept))


def _shown(value: object) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value  # type: ignore[return-value]


__all__ = ["FIELDS", "FieldChange", "RelabelResult", "find_document", "give_way", "make_label", "relabel"]
