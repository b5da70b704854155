"""The audit log (issue 11, point 3): append-only JSON lines under the data folder recording every
ingest, upload and prune with time, who, what and passage counts; `ofsted-rag log [--json]`."""

from __future__ import annotations

import datetime as dt
import json

from ofsted_rag import audit, cli
from ofsted_rag.engine import Engine
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore
from ofsted_rag.ui import add_uploads
from test_provenance import minutes, write


def test_every_change_is_appended_with_who_what_and_counts(settings, tmp_path, embedder, monkeypatch, capsys):
    folder = tmp_path / "council"
    write(folder, "fostering.txt", "fostering", 41)
    write(folder, "adoption.txt", "adoption", 17)
    store = PassageStore(settings)
    first = ingest([folder], store, embedder, settings, added_by="cli:clerk")
    log = settings.home / "audit.jsonl"
    after_first = log.read_bytes()

    add_uploads(Engine(settings, embedder=embedder), [("youth.txt", minutes("youth justice", 9).encode())],
                added_by="editor:ann")
    (folder / "adoption.txt").unlink()
    pruned = ingest([folder], store, embedder, settings, prune=True, added_by="cli:clerk")

    assert log.read_bytes().startswith(after_first), "earlier lines are never rewritten"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["who"], e["action"]) for e in entries] == [("cli:clerk", "ingest"), ("editor:ann", "upload"),
                                                          ("cli:clerk", "prune")]
    ingested, uploaded, prune = entries
    assert {f["file"]: f["status"] for f in ingested["files"]} == {"fostering.txt": "added", "adoption.txt": "added"}
    assert ingested["passages_added"] == sum(o.new_passages for o in first.outcomes) > 0
    assert ingested["what"] == [str(folder)]
    assert uploaded["files"] == [{"file": "youth.txt", "status": "added"}] and uploaded["passages_added"] > 0
    assert prune["files"] == [{"file": "adoption.txt", "status": "removed"}]
    assert prune["passages_removed"] == pruned.removed_passages > 0
    for e in entries:
        moment = dt.datetime.fromisoformat(e["time"])
        assert moment.tzinfo is not None and abs(dt.datetime.now(dt.timezone.utc) - moment) < dt.timedelta(minutes=10)

    # `ofsted-rag log --json` gives the same entries; the table names who did what.
    monkeypatch.setenv("OFSTED_RAG_HOME", str(settings.home))
    assert cli.main(["log", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == entries
    assert cli.main(["log"]) == 0
    table = capsys.readouterr().out
    assert "editor:ann" in table and "upload" in table and "prune" in table and "adoption.txt (removed)" in table


def test_a_torn_line_is_shown_not_hidden(settings, monkeypatch, capsys):
    audit.append(settings, audit.AuditEntry(time=audit.now(), who="cli:clerk", action="ingest", what=("corpus",)))
    with open(settings.home / "audit.jsonl", "a") as handle:
        handle.write('{"time": "2026-')
    assert [e.get("unreadable") for e in audit.read(settings)] == [None, 2]
    monkeypatch.setenv("OFSTED_RAG_HOME", str(settings.home))
    assert cli.main(["log"]) == 0
    assert "line 2 unreadable" in capsys.readouterr().out


def test_an_empty_log_says_so(settings, monkeypatch, capsys):
    monkeypatch.setenv("OFSTED_RAG_HOME", str(settings.home))
    assert cli.main(["log"]) == 0
    assert "The audit log is empty" in capsys.readouterr().out
    assert cli.main(["log", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
