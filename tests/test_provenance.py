"""Provenance and pruning (issue 11, points 1 and 4): where each document came from and who added
it; an upload never replaces a document read from a folder; prune removes only what came from the
folders named, refuses a missing path and asks before removing much."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_settings
from ofsted_rag.documents import document_id
from ofsted_rag.engine import Engine
from ofsted_rag.errors import PruneRefused
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore
from ofsted_rag.ui import add_uploads


def minutes(topic: str, figure: int) -> str:
    """A short minutes page about `topic`; each call gives distinct passages."""
    return (f"Agenda item\n\n{topic.title()} Report\n\nMinutes:\n\n"
            f"(a) The Committee heard that the {topic} service had {figure} open cases in the quarter.\n\n"
            f"(b) Members asked officers to report again on {topic} staffing within six months.\n")


def write(folder: Path, name: str, topic: str, figure: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(minutes(topic, figure), encoding="utf-8")
    return path


def statuses(report) -> dict[str, tuple[str, str | None]]:
    return {o.file_name: (o.status, o.reason) for o in report.outcomes}


@pytest.fixture
def council_folder(tmp_path) -> Path:
    folder = tmp_path / "council"
    write(folder, "fostering.txt", "fostering", 41)
    write(folder, "adoption.txt", "adoption", 17)
    return folder


def test_documents_record_where_they_came_from_and_who_added_them(settings, council_folder, embedder):
    store = PassageStore(settings)
    ingest([council_folder], store, embedder, settings, added_by="cli:clerk")
    engine = Engine(settings, embedder=embedder)
    add_uploads(engine, [("youth.txt", minutes("youth justice", 9).encode())], added_by="editor:ann")

    docs = {d.file_name: d for d in PassageStore(settings).documents().values()}
    assert docs["fostering.txt"].origin == "folder"
    assert docs["fostering.txt"].path == str((council_folder / "fostering.txt").absolute())
    assert docs["fostering.txt"].added_by == "cli:clerk"
    assert docs["youth.txt"].origin == "upload"
    assert Path(docs["youth.txt"].path).parent == settings.uploads.absolute()
    assert docs["youth.txt"].added_by == "editor:ann"


@pytest.mark.parametrize("name", ["fostering.txt", "../council/fostering.txt", "..\\council\\fostering.txt"])
def test_an_upload_never_replaces_a_document_read_from_a_folder(settings, council_folder, embedder, name):
    store = PassageStore(settings)
    ingest([council_folder], store, embedder, settings)
    before = store.document(document_id("fostering.txt"))
    engine = Engine(settings, embedder=embedder)

    forged = minutes("fostering", 0).replace("open cases", "outstanding judgements")
    [outcome] = add_uploads(engine, [(name, forged.encode())])

    assert outcome.status == "rejected"
    assert "read from" in outcome.reason and "rename the file" in outcome.reason
    after = PassageStore(settings).document(document_id("fostering.txt"))
    assert after.text == before.text and after.refs == before.refs and after.origin == "folder"
    assert not (settings.uploads / "fostering.txt").exists(), "a refused upload leaves no file behind"
    assert all("outstanding judgements" not in p.text for p in PassageStore(settings).all_passages())


def test_an_upload_replaces_one_uploaded_earlier_under_the_same_name(settings, embedder):
    engine = Engine(settings, embedder=embedder)
    [first] = add_uploads(engine, [("care.txt", minutes("care leavers", 12).encode())])
    [second] = add_uploads(engine, [("care.txt", minutes("care leavers", 13).encode())])
    assert (first.status, second.status) == ("added", "updated")
    texts = [p.text for p in PassageStore(settings).all_passages()]
    assert any("13 open cases" in t for t in texts) and not any("12 open cases" in t for t in texts)


def test_a_folder_file_does_not_replace_an_uploaded_document(settings, tmp_path, embedder):
    engine = Engine(settings, embedder=embedder)
    add_uploads(engine, [("care.txt", minutes("care leavers", 12).encode())])
    folder = tmp_path / "other"
    write(folder, "care.txt", "care leavers", 99)
    report = ingest([folder], PassageStore(settings), embedder, settings)
    status, reason = statuses(report)["care.txt"]
    assert status == "skipped" and "uploaded through the app" in reason
    assert PassageStore(settings).document(document_id("care.txt")).origin == "upload"


# ---------------------------------------------------------------------------- prune

def test_prune_removes_only_documents_from_the_folders_named(settings, tmp_path, council_folder, embedder):
    other = tmp_path / "other"
    write(other, "mash.txt", "front door", 5)
    write(other, "edge.txt", "edge of care", 6)
    store = PassageStore(settings)
    ingest([council_folder, other], store, embedder, settings)
    add_uploads(Engine(settings, embedder=embedder), [("youth.txt", minutes("youth justice", 9).encode())])
    (council_folder / "adoption.txt").unlink()

    report = ingest([council_folder], PassageStore(settings), embedder, settings, prune=True)

    assert [o.file_name for o in report.outcomes if o.status == "removed"] == ["adoption.txt"]
    names = {d.file_name for d in PassageStore(settings).documents().values()}
    assert names == {"fostering.txt", "mash.txt", "edge.txt", "youth.txt"}


def test_prune_of_a_path_that_does_not_exist_is_refused_and_changes_nothing(settings, tmp_path, council_folder, embedder):
    store = PassageStore(settings)
    ingest([council_folder], store, embedder, settings)
    before = set(store.documents())
    with pytest.raises(PruneRefused, match="does not exist"):
        ingest([tmp_path / "counci"], store, embedder, settings, prune=True)
    assert set(PassageStore(settings).documents()) == before


def test_prune_of_more_than_half_the_store_needs_confirmation(settings, council_folder, embedder):
    store = PassageStore(settings)
    ingest([council_folder], store, embedder, settings)
    (council_folder / "adoption.txt").unlink()
    (council_folder / "fostering.txt").unlink()
    with pytest.raises(PruneRefused, match="would remove 2 of 2 documents.*--yes"):
        ingest([council_folder], store, embedder, settings, prune=True)
    assert len(PassageStore(settings).documents()) == 2

    report = ingest([council_folder], store, embedder, settings, prune=True, confirm=True)
    assert sorted(o.file_name for o in report.outcomes if o.status == "removed") == ["adoption.txt", "fostering.txt"]
    assert PassageStore(settings).documents() == {}


def test_prune_of_more_than_twenty_documents_needs_confirmation(settings, tmp_path, embedder):
    keep, drop = tmp_path / "keep", tmp_path / "drop"
    for n in range(23):
        write(keep, f"k{n}.txt", f"keep topic {n}", n)
    for n in range(21):
        write(drop, f"d{n}.txt", f"drop topic {n}", n)
    store = PassageStore(settings)
    ingest([keep, drop], store, embedder, settings)
    for path in drop.iterdir():
        path.unlink()
    with pytest.raises(PruneRefused, match="would remove 21 of 44"):
        ingest([drop], store, embedder, settings, prune=True)
    assert len(PassageStore(settings).documents()) == 44
