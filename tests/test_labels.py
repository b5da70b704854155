"""Re-labelling a stored document (issue 12, point 5): setting its council, committee, date or kind
re-labels its stored passages at once, keeps their ids and vectors, survives later ingests, is
audited, and is open to editors only. The documents here are written for these tests."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import make_settings
from ofsted_rag import audit, cli
from ofsted_rag.documents import DocumentMeta, document_id, stable_hash
from ofsted_rag.engine import Engine
from ofsted_rag.filters import explain_empty
from ofsted_rag.ingest import ingest
from ofsted_rag.labels import make_label, relabel
from ofsted_rag.parsing import parse_bytes
from ofsted_rag.store import PassageFilter, PassageStore
from test_app import html_of, open_app, server_address  # noqa: F401 (fixtures)

RUTLAND = "Rutland County Council"

# A panel's minutes that name no council and give no meeting date: what an upload flags.
PANEL = """Agenda item

Leaving Care Progress

Minutes:

(a) The Panel heard that forty two young people leaving care had moved into supported lodgings during the spring, and that each had a named personal adviser.

(b) Members asked the service manager to bring a costed plan for extending the staying close scheme to the next meeting of the Panel.
"""
# Another council's minutes, so that a council filter has something to leave out.
OTHER = """Kirklees Council

Minutes of the meeting of the Corporate Parenting Board held on 12 June 2023

1. Fostering Recruitment

(a) The Board noted that eleven new fostering households had been approved since the winter, against a target of fifteen.

(b) Officers undertook to report the number of enquiries that had not led to an assessment.
"""


def write_folder(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def stored(tmp_path, embedder):
    """A store holding PANEL (no council, no date) and OTHER, read from one folder."""
    settings = make_settings(tmp_path / "data")
    folder = write_folder(tmp_path / "minutes", {"panel-notes.txt": PANEL, "kirklees-board.txt": OTHER})
    report = ingest([folder], PassageStore(settings), embedder, settings)
    assert {o.file_name: o.missing for o in report.outcomes}["panel-notes.txt"] == ("council", "date")
    return settings, folder


def panel_state(store: PassageStore) -> tuple[dict, dict, set]:
    """(passage id -> metadata, passage id -> vector, sentence-vector owners) of panel-notes.txt."""
    record = store.document(document_id("panel-notes.txt"))
    ids = sorted(record.keys)
    return store.passage_metadatas(ids), store.embeddings(ids), store.sentence_owners() & set(ids)


def test_a_label_rescopes_the_document_at_once_without_touching_its_vectors(stored, embedder):
    settings, _ = stored
    store = PassageStore(settings)
    engine = Engine(settings, embedder=embedder, store=store)
    rutland_only = PassageFilter(councils=(RUTLAND,))
    question = "How many young people leaving care moved into supported lodgings in Rutland?"
    assert explain_empty(rutland_only, engine.retriever.passages), "no document is Rutland's before the label"
    metas_before, vectors_before, sentences_before = panel_state(store)
    generation = store.generation()

    result = engine.relabel("panel-notes.txt", make_label(council="rutland", date="2024-03-05"), who="cli:tester")

    assert result.meta.council == RUTLAND, "the council is stored under its official name"
    assert [(c.field, c.before, c.after) for c in result.changes] == [
        ("council", None, RUTLAND), ("date", None, "2024-03-05")]
    assert result.passages == 2
    metas_after, vectors_after, sentences_after = panel_state(store)
    assert set(metas_after) == set(metas_before), "passage ids are kept"
    assert vectors_after == vectors_before, "no vector is recomputed"
    assert sentences_after == sentences_before
    for pid, meta in metas_after.items():
        assert (meta["council"], meta["date"], meta["date_num"]) == (RUTLAND, "2024-03-05", 20240305)
        assert meta["embed_hash"] == metas_before[pid]["embed_hash"], "it still names what the vector was made from"
    assert store.generation() == generation + 1, "per-generation caches and the saved BM25 index refresh"
    record = store.document(document_id("panel-notes.txt"))
    assert (record.meta.council, record.meta.date) == (RUTLAND, dt.date(2024, 3, 5))
    assert record.text.startswith("Agenda item"), "the stored text, used for highlighting, is kept"

    assert explain_empty(rutland_only, engine.retriever.passages) is None
    answer = engine.ask(question, rutland_only)
    assert not answer.refused, answer.text
    assert "forty two young people" in answer.text
    cited = answer.citations[0].passage
    assert (cited.file_name, cited.council, cited.date) == ("panel-notes.txt", RUTLAND, dt.date(2024, 3, 5))
    assert RUTLAND in answer.citations[0].label and "5 March 2024" in answer.citations[0].label
    # The lexical side was rebuilt from the new metadata too.
    assert {p.council for p in engine.retriever.passages if p.file_name == "panel-notes.txt"} == {RUTLAND}

    entry = list(audit.read(settings))[-1]
    assert (entry["action"], entry["who"], entry["what"]) == ("relabel", "cli:tester", ["panel-notes.txt"])
    assert entry["extra"]["document"] == document_id("panel-notes.txt")
    assert entry["extra"]["changed"] == {"council": {"from": None, "to": RUTLAND},
                                         "date": {"from": None, "to": "2024-03-05"}}


def test_a_label_survives_ingests_of_the_unchanged_and_the_changed_file(tmp_path, embedder):
    settings = make_settings(tmp_path / "data")
    store = PassageStore(settings)
    # The manifest says Kirklees and a committee; the editor's label must win over it.
    folder = write_folder(tmp_path / "minutes", {"panel-notes.txt": PANEL, "manifest.toml": (
        '[[document]]\nfile = "panel-notes.txt"\ncouncil = "Kirklees Council"\nbody = "Corporate Parenting Panel"\n')})
    ingest([folder], store, embedder, settings)
    relabel(store, settings, "panel-notes.txt", make_label(council=RUTLAND, date="2024-03-05", kind="minutes"))
    metas, vectors, _ = panel_state(store)

    report = ingest([folder], store, embedder, settings)
    assert [o.status for o in report.outcomes] == ["unchanged"] and report.embedded == 0
    assert report.outcomes[0].missing == (), "the date the label set is no longer reported missing"
    assert panel_state(store)[:2] == (metas, vectors), "an unchanged file is not re-read or re-embedded"
    record = store.document(document_id("panel-notes.txt"))
    assert (record.meta.council, record.meta.body, record.meta.date) == (RUTLAND, "Corporate Parenting Panel",
                                                                        dt.date(2024, 3, 5))

    changed = PANEL + ("\n(c) The Panel agreed to visit two of the supported lodgings providers before "
                       "its autumn meeting.\n")
    (folder / "panel-notes.txt").write_text(changed, encoding="utf-8")
    report = ingest([folder], store, embedder, settings)
    assert [o.status for o in report.outcomes] == ["updated"]
    assert report.outcomes[0].missing == (), "the label fills what the file does not say"
    record = store.document(document_id("panel-notes.txt"))
    assert (record.meta.council, record.meta.date, record.meta.body) == (RUTLAND, dt.date(2024, 3, 5),
                                                                        "Corporate Parenting Panel")
    assert record.label == DocumentMeta(council=RUTLAND, date=dt.date(2024, 3, 5), kind="minutes")
    new_metas, _, _ = panel_state(store)
    assert len(new_metas) == 3 and {m["council"] for m in new_metas.values()} == {RUTLAND}
    # Re-read, every passage was embedded with the label's context line (the council is in it).
    given = record.label.merged_over(DocumentMeta(council="Kirklees Council", body="Corporate Parenting Panel"))
    reparsed = parse_bytes(changed.encode(), "panel-notes.txt", given).passages
    assert {pid: m["embed_hash"] for pid, m in new_metas.items()} == {
        p.content_key: stable_hash(p.embedding_text()) for p in reparsed}
    assert all(p.embedding_text().startswith(f"{RUTLAND} · Corporate Parenting Panel · 5 March 2024") for p in reparsed)


SHARED = ("(a) The Panel heard that forty two young people leaving care had moved into supported lodgings "
          "during the spring, and that each had a named personal adviser.")


def test_a_shared_passage_keeps_the_metadata_of_its_cited_source(tmp_path, embedder):
    settings = make_settings(tmp_path / "data")
    store = PassageStore(settings)
    item_page = f"Agenda item\n\nLeaving Care Progress\n\nMinutes:\n\n{SHARED}\n"
    whole = (f"Agenda item\n\nLeaving Care Progress\n\nMinutes:\n\n{SHARED}\n\n(b) Members thanked the "
             "leaving care team for the new drop-in sessions held at the youth centre each week.\n")
    folder = write_folder(tmp_path / "minutes", {"a-item.txt": item_page, "b-meeting.txt": whole})
    ingest([folder], store, embedder, settings)
    [shared_id] = store.document(document_id("a-item.txt")).keys
    assert shared_id in store.document(document_id("b-meeting.txt")).keys, "stored once for both files"
    [own_id] = store.document(document_id("b-meeting.txt")).keys - {shared_id}

    # b-meeting.txt is not the cited source of the shared passage (a-item.txt sorts first).
    relabel(store, settings, "b-meeting.txt", make_label(council=RUTLAND))
    metas = store.passage_metadatas([shared_id, own_id])
    assert metas[own_id]["council"] == RUTLAND
    assert metas[shared_id].get("council") is None and metas[shared_id]["file"] == "a-item.txt"
    assert [s["file"] for s in json.loads(metas[shared_id]["sources"])] == ["a-item.txt", "b-meeting.txt"]

    relabel(store, settings, "a-item.txt", make_label(council=RUTLAND, committee="Corporate Parenting Panel"))
    shared = store.passage_metadatas([shared_id])[shared_id]
    assert (shared["council"], shared["body"], shared["file"]) == (RUTLAND, "Corporate Parenting Panel", "a-item.txt")


# ---------------------------------------------------------------------------------- the command


@pytest.fixture
def cli_store(stored, monkeypatch):
    settings, _ = stored
    for name in list(os.environ):
        if name.startswith("OFSTED_RAG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OFSTED_RAG_HOME", str(settings.home))
    return settings


def test_the_label_command_sets_details_by_file_name_or_id(cli_store, capsys):
    assert cli.main(["label", "panel-notes.txt", "--council", "Rutland", "--committee", " Corporate  Parenting Panel",
                     "--date", "2024-03-05"]) == 0
    out = capsys.readouterr().out
    assert f"council (none) -> {RUTLAND}" in out and "2 passages re-labelled" in out
    doc_id = document_id("panel-notes.txt")
    assert cli.main(["label", doc_id, "--kind", "news"]) == 0
    capsys.readouterr()
    record = PassageStore(cli_store).document(doc_id)
    assert (record.meta.council, record.meta.body, record.meta.kind) == (RUTLAND, "Corporate Parenting Panel", "news")
    assert [e["action"] for e in audit.read(cli_store)][-2:] == ["relabel", "relabel"]
    assert cli.main(["log"]) == 0
    log = capsys.readouterr().out
    assert f"council: (none) -> {RUTLAND}" in log and "kind: minutes -> news" in log


@pytest.mark.parametrize("args,message", [
    (["panel-notes.txt", "--date", "05/03/2024"], "date '05/03/2024' is not YYYY-MM-DD"),
    (["panel-notes.txt", "--date", "2024-02-30"], "is not YYYY-MM-DD"),
    (["panel-notes.txt", "--kind", "agenda"], "kind 'agenda' is not one of minutes, ofsted_letter, news"),
    (["no-such-file.txt", "--council", "Rutland"], "no stored document is called 'no-such-file.txt'"),
    (["panel-notes.txt"], "nothing to set"),
    (["panel-notes.txt", "--council", "  "], "nothing to set"),
])
def test_bad_label_input_is_one_line_exit_2_and_changes_nothing(cli_store, capsys, args, message):
    store = PassageStore(cli_store)
    before = (store.documents(), store.passage_metadatas(sorted(store.all_ids())), store.generation())
    entries = len(list(audit.read(cli_store)))
    assert cli.main(["label", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err, err
    assert (store.documents(), store.passage_metadatas(sorted(store.all_ids())), store.generation()) == before
    assert len(list(audit.read(cli_store))) == entries


# ---------------------------------------------------------------------------------- the app


def to_uploads(at):
    return at.sidebar.radio(key="page").set_value("Add documents").run()


def test_a_viewer_gets_no_details_form(stored, open_app):
    from ofsted_rag.auth import hash_password

    settings, _ = stored
    read_only = to_uploads(open_app(settings, address="0.0.0.0"))
    signed_out = to_uploads(open_app(settings, address="0.0.0.0",
                                     env={"OFSTED_RAG_EDITOR_PASSWORD_HASH": hash_password("a long enough password")}))
    for viewer in (read_only, signed_out):
        assert not viewer.get("selectbox") and not viewer.get("date_input"), "a viewer gets no details form"


def test_an_editor_sets_what_an_upload_could_not_find(tmp_path, open_app):
    settings = make_settings(tmp_path / "data")
    at = to_uploads(open_app(settings, address="127.0.0.1"))  # make run: open to the local user
    at.file_uploader(key="uploads").set_value(("panel-notes.txt", PANEL.encode(), "text/plain")).run()
    at.button(key="up_go").click().run()
    [outcome] = at.session_state["upload_outcomes"]
    assert outcome.status == "added" and outcome.missing == ("council", "date")
    assert "set them below" in html_of(at.main)
    assert at.selectbox(key="rl_doc").value == "panel-notes.txt", "the document just flagged is offered"

    at.selectbox(key="rl_council").set_value(RUTLAND)
    at.date_input(key="rl_date").set_value(dt.date(2024, 3, 5))
    at.button(key="rl_go").click().run()
    assert not at.exception, at.exception
    assert any("panel-notes.txt: council: Rutland County Council; date: 2024-03-05." in s.value for s in at.success)
    record = PassageStore(settings).document(document_id("panel-notes.txt"))
    assert (record.meta.council, record.meta.date) == (RUTLAND, dt.date(2024, 3, 5))
    [outcome] = at.session_state["upload_outcomes"]
    assert outcome.missing == () and outcome.meta.council == RUTLAND, "the upload result shows what is recorded now"
    page = html_of(at.main)
    assert "<dt>Council</dt><dd>Rutland County Council</dd>" in page and "<dd>5 March 2024</dd>" in page
    entry = list(audit.read(settings))[-1]
    assert entry["action"] == "relabel" and entry["who"].startswith("local:")
    assert RUTLAND in html_of(at.sidebar), "the sidebar counts the document under its new council"

    at.button(key="rl_go").click().run()
    assert any("choose the document" in e.value or "nothing to set" in e.value for e in at.error)
    assert list(audit.read(settings))[-1] == entry, "a form with nothing set changes nothing"


def test_details_typed_at_a_later_upload_replace_the_label(tmp_path, embedder):
    from ofsted_rag.ui import add_uploads

    engine = Engine(make_settings(tmp_path / "data"), embedder=embedder)
    add_uploads(engine, [("panel-notes.txt", PANEL.encode())])
    engine.relabel("panel-notes.txt", make_label(council="rutland", committee="Corporate Parenting Panel"))
    assert engine.store.document(document_id("panel-notes.txt")).meta.council == RUTLAND

    add_uploads(engine, [("panel-notes.txt", PANEL.encode())], DocumentMeta(council="Wiltshire Council"))
    record = engine.store.document(document_id("panel-notes.txt"))
    assert record.meta.council == "Wiltshire Council"
    assert record.meta.body == "Corporate Parenting Panel"  # a field the upload did not set keeps its label
    assert {p.council for p in engine.retriever.passages if p.doc_id == record.doc_id} == {"Wiltshire Council"}
