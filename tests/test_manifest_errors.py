"""A broken manifest (issue 11, point 6): reported with its line and column, and the folder's
documents keep what is stored until it is fixed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ofsted_rag.documents import document_id
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore
from test_provenance import minutes, write

MANIFEST = """[[document]]
file = "fostering.txt"
council = "Test Borough Council"
body = "Corporate Parenting Panel"
date = 2023-03-14
kind = "minutes"
"""


def test_a_broken_manifest_names_line_and_column_and_stored_metadata_is_kept(settings, tmp_path, embedder):
    folder = tmp_path / "council"
    write(folder, "fostering.txt", "fostering", 41)
    (folder / "manifest.toml").write_text(MANIFEST)
    store = PassageStore(settings)
    ingest([folder], store, embedder, settings)
    before = store.document(document_id("fostering.txt"))
    assert before.meta.council == "Test Borough Council"

    # A quote forgotten on line 3; the file changes and a new one arrives while it is broken.
    (folder / "manifest.toml").write_text(MANIFEST.replace('"Test Borough Council"', "Test Borough Council"))
    write(folder, "fostering.txt", "fostering", 44)
    write(folder, "adoption.txt", "adoption", 3)
    report = ingest([folder], store, embedder, settings, prune=True)

    got = {Path(o.file_name).name: (o.status, o.reason) for o in report.outcomes}
    status, reason = got["manifest.toml"]
    assert status == "skipped" and reason.startswith("not valid TOML at line 3, column 11")
    assert "fix it and ingest again" in reason
    assert got["fostering.txt"][0] == "skipped" and "kept as stored" in got["fostering.txt"][1]
    assert got["adoption.txt"][0] == "skipped" and "not added until it is fixed" in got["adoption.txt"][1]
    after = PassageStore(settings).document(document_id("fostering.txt"))
    assert after == before
    assert {p.council for p in PassageStore(settings).all_passages()} == {"Test Borough Council"}

    # Fixed: the change and the new file go in, with the manifest's metadata.
    (folder / "manifest.toml").write_text(MANIFEST)
    report = ingest([folder], store, embedder, settings)
    got = {o.file_name: o.status for o in report.outcomes}
    assert got == {"fostering.txt": "updated", "adoption.txt": "added"}
    fixed = PassageStore(settings).document(document_id("fostering.txt"))
    assert fixed.meta.council == "Test Borough Council" and fixed.meta.date == dt.date(2023, 3, 14)
    assert any("44 open cases" in p.text for p in PassageStore(settings).all_passages())


def test_a_bad_manifest_entry_is_named(settings, tmp_path, embedder):
    folder = tmp_path / "council"
    write(folder, "fostering.txt", "fostering", 41)
    (folder / "manifest.toml").write_text(MANIFEST + 'colour = "red"\n')
    report = ingest([folder], PassageStore(settings), embedder, settings)
    reasons = {Path(o.file_name).name: o.reason for o in report.outcomes}
    assert any(name.endswith("entry 1") and "unknown field(s) ['colour']" in reason for name, reason in reasons.items())
    assert "not added until it is fixed" in reasons["fostering.txt"]

