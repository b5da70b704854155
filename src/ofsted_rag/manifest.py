"""The manifest: what we know about each file that its text may not say.

A folder may hold a `manifest.toml` with one `[[document]]` table per file:

    [[document]]
    file = "004_398205c18d3ff3d7.txt"
    council = "Nottingham City Council"
    body = "Children and Young People Scrutiny Committee"
    date = 2020-07-30
    kind = "minutes"            # minutes | ofsted_letter | news
    title = "..."
    url = "https://..."

Files without an entry still ingest, with metadata inferred from their text.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from ofsted_rag.documents import KINDS, DocumentMeta
from ofsted_rag.errors import DocumentError

MANIFEST_NAME = "manifest.toml"
_FIELDS = {"file", "council", "body", "date", "kind", "title", "url"}


def read_manifest(folder: Path) -> dict[str, DocumentMeta]:
    """File name -> metadata from `folder/manifest.toml` ({} when there is none).

    Raises:
        DocumentError: the manifest is not valid TOML or has a bad entry (named).
    """
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise DocumentError(str(path), f"not UTF-8 text at line {line} (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line L, column C)" at the end of its message; lead with it.
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if where:
            message = f"line {where[1]}, column {where[2]}: {message[:where.start()].strip()}"
        raise DocumentError(str(path), f"not valid TOML at {message}") from None
    entries: dict[str, DocumentMeta] = {}
    for n, row in enumerate(data.get("document", []), start=1):
        entries.update([_entry(path, n, row)])
    return entries


def _entry(path: Path, n: int, row: dict) -> tuple[str, DocumentMeta]:
    where = f"{path} entry {n}"
    unknown = set(row) - _FIELDS
    if unknown:
        raise DocumentError(where, f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_FIELDS)}")
    if not isinstance(row.get("file"), str):
        raise DocumentError(where, "needs `file = \"name.txt\"`")
    return row["file"], meta_from_values(row, where)


def meta_from_values(row: dict, where: str) -> DocumentMeta:
    """DocumentMeta from loosely typed values (TOML, an upload form); empty strings mean unknown."""
    date = row.get("date") or None
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise DocumentError(where, f"date {date!r} is not YYYY-MM-DD") from None
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None and not isinstance(date, dt.date):
        raise DocumentError(where, f"date {date!r} is not YYYY-MM-DD")
    kind = row.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise DocumentError(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return DocumentMeta(
        council=row.get("council") or None,
        body=row.get("body") or None,
        date=date,
        kind=kind,
        title=row.get("title") or None,
        url=row.get("url") or None,
    )


def write_manifest_entry(folder: Path, file_name: str, meta: DocumentMeta) -> None:
    """Add or replace one file's entry (used for uploads), keeping the others."""
    entries = read_manifest(folder)
    entries[file_name] = meta
    lines = []
    for name, m in sorted(entries.items()):
        lines.append("[[document]]")
        lines.append(f"file = {_toml_str(name)}")
        for key in ("council", "body", "kind", "title", "url"):
            value = getattr(m, key)
            if value:
                lines.append(f"{key} = {_toml_str(value)}")
        if m.date:
            lines.append(f"date = {m.date.isoformat()}")
        lines.append("")
    tmp = folder / (MANIFEST_NAME + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(folder / MANIFEST_NAME)


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
