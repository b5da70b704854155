"""`ofsted-rag ask` and the store as a hostile or careless user meets them (issue 11, point 9):
blank questions, out-of-range options, a damaged store, and a store left by a killed ingest."""

from __future__ import annotations

import json
import os

import pytest

from conftest import make_settings
from ofsted_rag import cli
from ofsted_rag.documents import document_id
from ofsted_rag.engine import Engine
from ofsted_rag.filters import CLI_REMEDY
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore
from test_provenance import write


@pytest.fixture
def env_home(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("OFSTED_RAG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OFSTED_RAG_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_an_empty_question_is_one_line_and_exit_2(env_home, capsys, question):
    assert cli.main(["ask", question]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "the question is empty" in err


@pytest.mark.parametrize("value", ["0", "-3", "101", "many"])
def test_top_k_outside_1_to_100_is_refused(env_home, capsys, value):
    with pytest.raises(SystemExit) as exc:
        cli.main(["ask", "what did Ofsted find?", "--top-k", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--top-k" in err and ("outside 1..100" in err or "not a whole number" in err)


def test_since_after_until_says_so(env_home, capsys):
    assert cli.main(["ask", "what did Ofsted find?", "--since", "2024-05-01", "--until", "2023-01-31"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("ofsted-rag: --since 2024-05-01 is after --until 2023-01-31; no meeting can match: swap them")


def test_a_damaged_store_is_one_line_naming_the_folder(env_home, capsys):
    chroma = env_home / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"this is not a database " * 200)
    assert cli.main(["sources"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(chroma) in err and "damaged" in err and "run `ofsted-rag ingest` to rebuild it" in err


def test_answers_never_cite_documents_sources_does_not_list(tmp_path, embedder):
    """The state a killed ingest leaves: a document's passages stored, the document not registered."""
    settings = make_settings(tmp_path / "data")
    folder = tmp_path / "council"
    write(folder, "fostering.txt", "fostering", 41)
    write(folder, "adoption.txt", "adoption", 17)
    store = PassageStore(settings)
    ingest([folder], store, embedder, settings)
    store.delete_documents([document_id("adoption.txt")])  # passages kept: as if killed before registering
    stored_files = {m["file"] for m in store.passages.get(include=["metadatas"])["metadatas"]}
    assert "adoption.txt" in stored_files

    engine = Engine(settings, embedder=embedder)
    answer = engine.ask("How many open cases did the adoption service have?")
    cited = {c.passage.file_name for c in answer.citations} | {p.file_name for p in answer.closest}
    assert cited and "adoption.txt" not in cited
    assert {p.file_name for p in engine.retriever.passages} == {"fostering.txt"}

    # The next ingest completes the store and the document is answered from again.
    ingest([folder], PassageStore(settings), embedder, settings)
    answer = Engine(settings, embedder=embedder).ask("How many open cases did the adoption service have?")
    assert "adoption.txt" in {c.passage.file_name for c in answer.citations}



# ------------------------------------------------------------ date filters and undated documents (issue 12, point 4)


@pytest.fixture
def dated_and_undated(env_home, tmp_path, capsys):
    """One document with a meeting date (from its file name) and one without."""
    folder = tmp_path / "council"
    write(folder, "fostering-2023-05-10.txt", "fostering", 41)
    write(folder, "adoption.txt", "adoption", 17)
    assert cli.main(["ingest", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    dates = {d.file_name: d.meta.date for d in PassageStore(make_settings(env_home)).documents().values()}
    assert dates["adoption.txt"] is None and dates["fostering-2023-05-10.txt"] is not None
    return env_home


def ask_json(capsys, *args: str) -> dict:
    assert cli.main(["ask", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def cited_files(reply: dict) -> set[str]:
    return {c["document"] for c in reply["citations"]} | {c["document"] for c in reply["closest"]}


def test_a_date_range_keeps_undated_documents_unless_excluded(dated_and_undated, capsys):
    question = "How many open cases did the adoption service have?"
    kept = ask_json(capsys, question, "--since", "2023-01-01")
    assert not kept["refused"] and "adoption.txt" in {c["document"] for c in kept["citations"]}
    dropped = ask_json(capsys, question, "--since", "2023-01-01", "--exclude-undated")
    assert "adoption.txt" not in cited_files(dropped) and cited_files(dropped) == {"fostering-2023-05-10.txt"}


def test_filters_matching_nothing_are_explained_not_refused(dated_and_undated, capsys):
    question = "How many open cases did the fostering service have?"
    assert cli.main(["ask", question, "--until", "2020-12-31", "--exclude-undated"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No document matches the filters, so the question was not searched.")
    assert ("Meeting date (any date to 31 December 2020, undated left out): 0 of 2 documents match; "
            "1 of 2 have no meeting date recorded.") in out
    assert CLI_REMEDY in out and "sidebar" not in out
    assert "do not answer" not in out

    reply = ask_json(capsys, question, "--council", "Rutland County Council")
    assert reply["filters_match_nothing"] and not reply["refused"] and reply["citations"] == []
    assert "The council filter lets none through." in reply["answer"]
    assert "Council (Rutland County Council): 0 of 2 documents match; 2 of 2 have no council recorded." in reply["answer"]

    # Kept, the undated document passes the same range: the question is searched and answered.
    kept = ask_json(capsys, "How many open cases did the adoption service have?", "--until", "2020-12-31")
    assert "filters_match_nothing" not in kept and cited_files(kept) == {"adoption.txt"}


def test_exclude_undated_without_a_date_range_says_so(env_home, capsys):
    assert cli.main(["ask", "what did Ofsted find?", "--exclude-undated"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "ofsted-rag: --exclude-undated works with a date range; add --since or --until"
