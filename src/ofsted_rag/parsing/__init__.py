"""From a file's bytes to a SourceDocument and its passages.

Each format has a converter `to_text(data, file_name) -> str` producing plain text laid out as a
saved web page reads; all formats then share one normalisation and one structure parser, so the
same minutes as .txt, .html, .pdf or .docx give the same passages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ofsted_rag.documents import DocumentMeta, Passage, SourceDocument, document_id
from ofsted_rag.errors import DocumentError
from ofsted_rag.parsing import text as text_format
from ofsted_rag.parsing.metadata import canonical_council, date_stamp_length, infer_meta
from ofsted_rag.parsing.structure import parse_structure
from ofsted_rag.parsing.text import remove_running_headers

# Bumped whenever parsing changes what passages a file gives, or what is read of a file's council,
# date or title, so an ingest re-parses every file.
PARSER_VERSION = "42"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def _converter(suffix: str) -> Callable[[bytes, str], str] | None:
    # Imported lazily: a .txt-only corpus never loads BeautifulSoup, pypdf or python-docx.
    if suffix == ".txt":
        return text_format.to_text
    if suffix in (".html", ".htm"):
        from ofsted_rag.parsing import html

        return html.to_text
    if suffix == ".pdf":
        from ofsted_rag.parsing import pdf

        return pdf.to_text
    if suffix == ".docx":
        from ofsted_rag.parsing import docx

        return docx.to_text
    return None


SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")


@dataclass(frozen=True)
class ParsedDocument:
    document: SourceDocument
    passages: tuple[Passage, ...]


def parse_file(path: Path, meta: DocumentMeta | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Parse one file. Raises DocumentError naming the file and the problem."""
    name = path.name
    check_suffix(name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from None
    if size > max_bytes:
        raise DocumentError(name, size_reason(size, max_bytes))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror})") from None
    return parse_bytes(data, name, meta, path=str(path), max_bytes=max_bytes)


def size_reason(size: int, max_bytes: int, limit_mb: float | None = None) -> str:
    """Why a file is too big, in the unit OFSTED_RAG_MAX_FILE_MB is set in (MB of 1024 * 1024
    bytes), with enough digits that a small size or limit does not read as "0 MB".
    `limit_mb` is the setting as the user wrote it, when known."""
    limit = f"{limit_mb:g}" if limit_mb is not None else _megabytes(max_bytes)
    return f"is {_megabytes(size)} MB, over the {limit} MB limit; raise OFSTED_RAG_MAX_FILE_MB to ingest it"


def _megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.1f}" if value >= 1 else f"{value:.2g}"


def check_suffix(file_name: str) -> None:
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            file_name, f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )


def parse_bytes(
    data: bytes,
    file_name: str,
    meta: DocumentMeta | None = None,
    *,
    path: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParsedDocument:
    """Parse a file's content. `meta` (manifest or upload form) wins over what the text says."""
    check_suffix(file_name)
    if len(data) > max_bytes:
        raise DocumentError(file_name, size_reason(len(data), max_bytes))
    if not data.strip():
        raise DocumentError(file_name, "the file is empty")
    convert = _converter(Path(file_name).suffix.lower())
    assert convert is not None
    text = text_format.normalise(convert(data, file_name))
    if not text.strip():
        raise DocumentError(file_name, "no text found in the file")
    url = (meta.url if meta else None) or _source_url(data, file_name)
    given = meta or DocumentMeta()
    # A council typed or listed under another spelling is stored under the gazetteer's name, so
    # that every document of one council groups together.
    given = replace(given, council=canonical_council(given.council))
    final_meta = given.merged_over(infer_meta(text, file_name, url, site=_site_names(data, file_name)))
    # Page furniture that only its repetition gives away (a running header with the page number)
    # is removed once the header lines have been read for metadata.
    text = remove_running_headers(text)
    doc = SourceDocument(
        doc_id=document_id(file_name),
        file_name=file_name,
        text=text,
        content_hash=hashlib.sha256(data).hexdigest(),
        meta=final_meta,
        path=path,
    )
    passages = tuple(_passages(doc))
    if not passages:
        raise DocumentError(file_name, "no passages found: the file holds only page furniture or headings")
    return ParsedDocument(doc, passages)


def _source_url(data: bytes, file_name: str) -> str | None:
    """The address a saved web page records for itself (canonical link or "saved from" mark)."""
    if Path(file_name).suffix.lower() not in (".html", ".htm"):
        return None
    from ofsted_rag.parsing import html

    return html.source_url(data)


def _site_names(data: bytes, file_name: str) -> tuple[str, ...]:
    """The parts of a saved web page's title, where its site names itself (see html.title_parts)."""
    if Path(file_name).suffix.lower() not in (".html", ".htm"):
        return ()
    from ofsted_rag.parsing import html

    return html.title_parts(data)


def _passages(doc: SourceDocument) -> list[Passage]:
    m = doc.meta
    out: list[Passage] = []
    seen: set[str] = set()
    for unit in parse_structure(doc.text, doc.meta.kind):
        if unit.start == 0 and (stamp := date_stamp_length(doc.text)):
            # The page's date stamp is its date (metadata), not the first sentence's words.
            unit = replace(unit, start=min(stamp, unit.end))
        body = " ".join(doc.text[unit.start:unit.end].split())
        if not body:
            continue
        passage = Passage(
            doc_id=doc.doc_id,
            file_name=doc.file_name,
            text=body,
            start=unit.start,
            end=unit.end,
            point=unit.point,
            item=unit.item,
            item_title=unit.item_title,
            section=unit.section,
            part=unit.part,
            council=m.council,
            body=m.body,
            date=m.date,
            kind=m.kind,
            url=m.url,
        )
        # The same text twice under one item and label (a page repeating itself) is one passage.
        key = passage.content_key
        if key in seen:
            continue
        seen.add(key)
        out.append(passage)
    return out


__all__ = ["ParsedDocument", "parse_bytes", "parse_file", "check_suffix", "size_reason", "SUPPORTED_SUFFIXES", "PARSER_VERSION"]
