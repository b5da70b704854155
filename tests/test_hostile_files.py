"""Hostile files in an ingested folder (issue 11, point 5): links leading out of the folder, names
that are not UTF-8, stray NUL bytes, one enormous line."""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from ofsted_rag.documents import document_id
from ofsted_rag.ingest import ingest
from ofsted_rag.parsing import parse_bytes
from ofsted_rag.store import PassageStore
from test_cli_ingest import GOOD_PAGE, cli

SECRET = "root:x:0:0:root:/root:/bin/bash and a password reminder for the finance system.\n"


def outcomes(report) -> dict[str, tuple[str, str | None]]:
    return {o.file_name: (o.status, o.reason) for o in report.outcomes}


@pytest.fixture
def linked_folder(tmp_path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET)
    (outside / "private").mkdir()
    (outside / "private" / "notes.txt").write_text(SECRET)
    folder = tmp_path / "council"
    (folder / "sub").mkdir(parents=True)
    (folder / "fostering.txt").write_text(GOOD_PAGE)
    (folder / "sub" / "inside.txt").write_text(GOOD_PAGE.replace("twelve", "nine"))
    (folder / "passwd.txt").symlink_to(outside / "passwd.txt")
    (folder / "private").symlink_to(outside / "private")
    (folder / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (folder / "alias.txt").symlink_to(folder / "sub" / "inside.txt")
    return folder


def test_links_out_of_the_folder_are_skipped_with_a_reason(settings, linked_folder, embedder):
    store = PassageStore(settings)
    report = ingest([linked_folder], store, embedder, settings)
    got = outcomes(report)
    status, reason = got["passwd.txt"]
    assert status == "skipped" and "outside" in reason and "links out of the folder are not read" in reason
    assert got["private"][0] == "skipped" and "outside" in got["private"][1]
    assert got["gone.txt"] == ("skipped", "a link to a file that does not exist")
    assert got["fostering.txt"][0] == "added"
    assert got["alias.txt"][0] in ("added", "duplicate"), "a link that stays inside the folder is read"
    assert "notes.txt" not in got
    assert all("root:x:0:0" not in p.text for p in store.all_passages())


def test_a_name_that_is_not_utf8_is_ingested_and_shown_safely(settings, tmp_path, embedder):
    folder = tmp_path / "council"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9 minutes.txt")
    with open(raw, "wb") as handle:
        handle.write(GOOD_PAGE.encode())
    (folder / "other.txt").write_text(GOOD_PAGE.replace("twelve", "eight"))

    report = ingest([folder], PassageStore(settings), embedder, settings)

    got = outcomes(report)
    assert got["caf\\xe9 minutes.txt"][0] == "added"
    record = PassageStore(settings).document(document_id("caf\\xe9 minutes.txt"))
    assert record.file_name == "caf\\xe9 minutes.txt" and record.path.endswith("caf\\xe9 minutes.txt")
    record.path.encode("utf-8")  # storable and printable


def test_cli_reports_links_and_odd_names_in_one_line_each(tmp_path, linked_folder):
    raw = os.path.join(os.fsencode(linked_folder), b"r\xe9sum\xe9.xyz")
    with open(raw, "wb") as handle:
        handle.write(b"notes")
    result = cli(tmp_path / "data", "ingest", str(linked_folder), "--quiet")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("skipped passwd.txt: a link to ") for line in lines), lines
    assert "skipped r\\xe9sum\\xe9.xyz: unsupported file type '.xyz'" in result.stderr
    rows = {r["file"]: r for r in json.loads(cli(tmp_path / "data", "sources", "--json").stdout)}
    assert "passwd.txt" not in rows and "fostering.txt" in rows
    fostering = rows["fostering.txt"]
    assert fostering["origin"] == "folder" and fostering["path"] == str(linked_folder / "fostering.txt")
    assert fostering["added_by"].startswith("cli:")


def test_a_few_nul_bytes_are_dropped_with_a_note(settings, tmp_path, embedder):
    folder = tmp_path / "council"
    folder.mkdir()
    (folder / "padded.txt").write_bytes(GOOD_PAGE.encode().replace(b"twelve", b"twel\x00ve\x00").replace(b"Minutes", b"\x00Minutes"))
    report = ingest([folder], PassageStore(settings), embedder, settings)
    status, reason = outcomes(report)["padded.txt"]
    assert status == "added" and reason == "3 NUL byte(s) dropped"
    texts = [p.text for p in PassageStore(settings).all_passages()]
    assert any("recruited twelve new carers" in t for t in texts)
    assert all("\x00" not in t for t in texts)


def test_a_two_megabyte_single_line_is_split_in_bounded_time_and_memory():
    words = "council committee report children care visit plan action officers noted agreed caseloads".split()
    line = " ".join(words[(i * 7) % len(words)] for i in range(330_000))
    data = ("Test Borough Council\n\n" + line).encode()
    assert len(data) >= 2_000_000
    tracemalloc.start()
    started = time.perf_counter()
    parsed = parse_bytes(data, "long.txt")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 20, f"splitting took {elapsed:.1f} s"
    assert peak < 500 * 1024 * 1024, f"splitting peaked at {peak / 2**20:.0f} MB"
    assert max(len(p.text) for p in parsed.passages) < 4000, "the line is cut into bounded passages"
