"""`ofsted-rag ingest` and `ofsted-rag sources` as a user runs them: the installed console script,
in a fresh data folder, with the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("ofsted-rag")

GOOD_PAGE = """Agenda item

Fostering Service Annual Report

Minutes:

(a) The Panel heard that the fostering service had recruited twelve new carers this year.

(b) Members asked how many children were placed with carers outside the borough.
"""
MANIFEST = """[[document]]
file = "fostering.txt"
council = "Test Borough Council"
body = "Corporate Parenting Panel"
date = 2023-03-14
kind = "minutes"
"""


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_RAG_")}
    env.update(OFSTED_RAG_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=300)
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli") / "data"


@pytest.fixture(scope="module")
def good_and_bad(home, tmp_path_factory) -> subprocess.CompletedProcess:
    folder = tmp_path_factory.mktemp("incoming")
    (folder / "fostering.txt").write_text(GOOD_PAGE, encoding="utf-8")
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"this is not a PDF at all")
    return cli(home, "ingest", str(folder))


def test_ingest_skips_the_bad_file_and_stores_the_good_one(good_and_bad):
    assert good_and_bad.returncode == 0, good_and_bad.stderr
    skipped = [line for line in good_and_bad.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1
    assert skipped[0].startswith("skipped broken.pdf: ")
    assert "not a PDF" in skipped[0]
    out = good_and_bad.stdout
    assert "ingest summary" in out
    assert "fostering.txt" in out
    assert "1 added / 0 updated / 0 unchanged / 0 duplicate / 0 removed / 1 skipped" in out
    assert "embedded 2 passages" in out


def test_sources_lists_the_documents_with_their_metadata(good_and_bad, home):
    result = cli(home, "sources", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("file", "council", "body", "date", "kind", "passages")} == {
        "file": "fostering.txt",
        "council": "Test Borough Council",
        "body": "Corporate Parenting Panel",
        "date": "2023-03-14",
        "kind": "minutes",
        "passages": 2,
    }


def test_sources_as_a_table(good_and_bad, home):
    result = cli(home, "sources")
    assert result.returncode == 0, result.stderr
    assert "fostering.txt" in result.stdout and "2023-03-14" in result.stdout


def test_ingest_of_only_bad_files_exits_1(good_and_bad, home, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.xyz").write_bytes(b"notes")
    result = cli(home, "ingest", str(tmp_path))
    assert result.returncode == 1
    skipped = sorted(line for line in result.stderr.splitlines() if line.startswith("skipped "))
    assert skipped == [
        "skipped empty.txt: the file is empty",
        "skipped notes.xyz: unsupported file type '.xyz'; use one of .txt, .html, .htm, .pdf, .docx",
    ]
    # The store keeps what it had.
    rows = json.loads(cli(home, "sources", "--json").stdout)
    assert [(r["file"], r["passages"]) for r in rows] == [("fostering.txt", 2)]


def test_ingest_of_a_missing_path_says_so(home, tmp_path):
    result = cli(home, "ingest", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr
