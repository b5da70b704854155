"""Ingestion into a real Chroma store with the real model: duplicates, incremental runs, pruning,
bad input, the write lock.

Embedding is the slow part, so tests that change a store start from a copy of the session's
corpus store (`store_copy`) and embed only what they change.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter

from conftest import CORPUS, make_settings
from ofsted_rag.config import Settings
from ofsted_rag.documents import document_id
from ofsted_rag.errors import IngestLockedError
from ofsted_rag.ingest import IngestReport, ingest, ingest_lock
from ofsted_rag.store import PassageStore

ITEM_PAGE_5 = "000_35ec4a2651ba769a.txt"
BRADFORD = "001_35aac8e21a7ebd18.txt"
NEWS = "002_bdeaae82982530c6.txt"
WINDSOR = "003_acc0905617071dce.txt"
MEETING = "004_398205c18d3ff3d7.txt"

# A small minutes page saved in Windows-1252 (\x92 is ’): the one good file among bad ones.
CP1252_PAGE = (
    b"Agenda item\r\n\r\nFostering Service Annual Report\r\n\r\nMinutes:\r\n\r\n"
    b"(a) The Panel heard that the Council\x92s fostering service had recruited twelve new carers.\r\n\r\n"
    b"(b) Members asked how many children were placed with carers outside the borough.\r\n"
)


def keys_of(store: PassageStore, file_name: str, item: str | None = None) -> set[str]:
    record = store.documents()[document_id(file_name)]
    return {key for key, ref in record.refs if item is None or ref.item == item}


def assert_store_matches_registry(store: PassageStore) -> None:
    """Every stored passage is given by a registered document and every one it gives is stored;
    sentence vectors are stored for exactly the stored passages."""
    registered = {key for record in store.documents().values() for key in record.keys}
    assert store.all_ids() == registered
    assert store.sentence_owners() == registered


def statuses(report: IngestReport) -> dict[str, str]:
    return {o.file_name: o.status for o in report.outcomes}


def run(paths: list[Path], settings: Settings, embedder, **kwargs) -> IngestReport:
    return ingest(paths, PassageStore(settings), embedder, settings, **kwargs)


def copy_store(source: Settings, home: Path, **overrides) -> Settings:
    """A writable copy of a store (the data folder as a backup would copy it)."""
    shutil.copytree(source.home, home, ignore=shutil.ignore_patterns("ingest.lock"))
    return make_settings(home, **overrides)


@pytest.fixture
def store_copy(corpus_settings, tmp_path) -> Settings:
    return copy_store(corpus_settings, tmp_path / "data")


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- duplicates


def test_item_5_points_are_stored_once_with_both_sources(corpus_settings):
    store = PassageStore(corpus_settings)
    page_keys = keys_of(store, ITEM_PAGE_5)
    assert len(page_keys) == 34
    assert page_keys == keys_of(store, MEETING, item="5")
    stored = store.get_passages(sorted(page_keys))
    assert len(stored) == 34
    for p in stored:
        assert sorted(s.file_name for s in p.sources) == [ITEM_PAGE_5, MEETING]
        # Cited from the whole meeting, so the citation can say "item 5".
        assert (p.file_name, p.item) == (MEETING, "5")
    # Nothing is stored twice, bar boilerplate under different items ("None" for apologies and
    # for declarations of interests).
    texts = [p.text for p in store.all_passages() if len(p.text) > 60]
    assert len(texts) == len(set(texts)), "a passage text is stored twice"


def test_store_holds_exactly_the_registered_passages(corpus_settings):
    store = PassageStore(corpus_settings)
    assert set(store.documents()) == {document_id(p.name) for p in CORPUS.glob("*.txt")}
    assert_store_matches_registry(store)


def test_prune_removes_a_deleted_files_passages_and_keeps_shared_ones(store_copy, corpus_copy, embedder):
    store = PassageStore(store_copy)
    windsor_keys = keys_of(store, WINDSOR)
    shared = keys_of(store, ITEM_PAGE_5)
    # The store was built from corpus/; prune removes only documents recorded as coming from the
    # folder named, so the copy is ingested once first (nothing changed: it only records the path).
    assert run([corpus_copy], store_copy, embedder).embedded == 0
    (corpus_copy / WINDSOR).unlink()
    (corpus_copy / ITEM_PAGE_5).unlink()

    report = run([corpus_copy], store_copy, embedder, prune=True)

    assert statuses(report)[WINDSOR] == "removed"
    assert statuses(report)[ITEM_PAGE_5] == "removed"
    assert report.embedded == 0
    ids = store.all_ids()
    assert not ids & windsor_keys
    assert shared <= ids, "item 5 is still published by the meeting page"
    for p in store.get_passages(sorted(shared)):
        assert [s.file_name for s in p.sources] == [MEETING]
    assert report.removed_passages == len(windsor_keys)
    assert_store_matches_registry(store)

    # The item page comes back: everything it gives is already stored, so it is a duplicate.
    shutil.copy(CORPUS / ITEM_PAGE_5, corpus_copy / ITEM_PAGE_5)
    report = run([corpus_copy], store_copy, embedder)
    outcome = next(o for o in report.outcomes if o.file_name == ITEM_PAGE_5)
    assert outcome.status == "duplicate"
    assert MEETING in outcome.reason
    assert report.embedded == 0
    for p in store.get_passages(sorted(shared)):
        assert sorted(s.file_name for s in p.sources) == [ITEM_PAGE_5, MEETING]
    assert_store_matches_registry(store)


def test_without_prune_a_deleted_files_passages_stay(store_copy, corpus_copy, embedder):
    store = PassageStore(store_copy)
    before = store.all_ids()
    (corpus_copy / WINDSOR).unlink()
    report = run([corpus_copy], store_copy, embedder)
    assert WINDSOR not in statuses(report)
    assert store.all_ids() == before


# --------------------------------------------------------------------------- incremental


def test_second_ingest_embeds_nothing(store_copy, embedder):
    store = PassageStore(store_copy)
    before = store.all_ids()
    report = run([CORPUS], store_copy, embedder)
    assert report.embedded == 0
    assert report.removed_passages == 0
    assert set(statuses(report).values()) == {"unchanged"}
    assert len(report.outcomes) == 5
    assert not report.nothing_ingested
    assert store.all_ids() == before


def test_editing_one_point_replaces_exactly_that_passage(store_copy, corpus_copy, embedder):
    store = PassageStore(store_copy)
    record = store.documents()[document_id(MEETING)]
    old_key = next(key for key, ref in record.refs if ref.item == "4" and ref.point == "k")
    before = store.all_ids()
    path = corpus_copy / MEETING
    text = path.read_text(encoding="utf-8")
    old = "It has been necessary to make substantial adjustments to respite services"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "Substantial changes have been made to respite services"), encoding="utf-8")

    report = run([corpus_copy], store_copy, embedder)

    assert report.embedded == 1
    assert statuses(report)[MEETING] == "updated"
    assert {s for name, s in statuses(report).items() if name != MEETING} == {"unchanged"}
    after = store.all_ids()
    assert old_key not in after
    (new_key,) = after - before
    assert after == (before - {old_key}) | {new_key}
    (passage,) = store.get_passages([new_key])
    assert (passage.item, passage.point) == ("4", "k")
    assert passage.text.startswith("(k) Substantial changes have been made to respite services")
    assert_store_matches_registry(store)


def test_changing_manifest_metadata_updates_it_without_losing_passages(store_copy, corpus_copy, embedder):
    store = PassageStore(store_copy)
    keys = keys_of(store, WINDSOR)
    texts = {p.text for p in store.get_passages(sorted(keys))}
    manifest = corpus_copy / "manifest.toml"
    original = manifest.read_text(encoding="utf-8")
    entry = 'file = "003_acc0905617071dce.txt"\n'
    assert original.count(entry) == 1
    manifest.write_text(original.replace(
        entry, entry + 'body = "Corporate Parenting Forum"\ndate = 2018-12-10\nurl = "https://example.org/003"\n'),
        encoding="utf-8")

    report = run([corpus_copy], store_copy, embedder)

    assert statuses(report)[WINDSOR] == "updated"
    # The body and date are part of what is embedded, so the file's passages are embedded again.
    assert report.embedded == len(keys)
    stored = store.get_passages(sorted(keys_of(store, WINDSOR)))
    assert {p.text for p in stored} == texts
    assert {(p.body, p.date.isoformat(), p.url) for p in stored} == {
        ("Corporate Parenting Forum", "2018-12-10", "https://example.org/003")}
    record = store.documents()[document_id(WINDSOR)]
    assert (record.meta.body, record.meta.url) == ("Corporate Parenting Forum", "https://example.org/003")

    # A value taken out of the manifest is gone from the store too, not kept from the last run.
    manifest.write_text(original.replace(
        entry, entry + 'body = "Corporate Parenting Forum"\ndate = 2018-12-10\n'), encoding="utf-8")
    report = run([corpus_copy], store_copy, embedder)
    assert report.embedded == 0, "the URL is not part of what is embedded"
    stored = store.get_passages(sorted(keys_of(store, WINDSOR)))
    assert len(stored) == len(keys)
    assert {(p.body, p.url) for p in stored} == {("Corporate Parenting Forum", None)}
    assert store.documents()[document_id(WINDSOR)].meta.url is None
    assert_store_matches_registry(store)


# --------------------------------------------------------------------------- bad input

BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": random.Random(1).randbytes(4096),
    "corrupt.pdf": random.Random(2).randbytes(3000),
    "encrypted.pdf": encrypted_pdf(),
    "minutes.doc": b"\xd0\xcf\x11\xe0 an old Word file",
    "notes.xyz": b"some notes",
    WINDSOR: b"",  # a file stored earlier that is now empty
}
REASONS = {
    "empty.txt": "empty",
    "binary.txt": "binary",
    "corrupt.pdf": "not a pdf",
    "encrypted.pdf": "encrypted",
    "minutes.doc": "unsupported file type '.doc'",
    "notes.xyz": "unsupported file type '.xyz'",
    WINDSOR: "empty",
}


@pytest.fixture(scope="module")
def bad_run(corpus_settings, embedder, tmp_path_factory):
    """One ingest of a folder holding every kind of bad file and one good cp1252 file, into a
    copy of the corpus store."""
    root = tmp_path_factory.mktemp("bad-input")
    settings = copy_store(corpus_settings, root / "data")
    folder = root / "incoming"
    folder.mkdir()
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    (folder / "fostering.txt").write_bytes(CP1252_PAGE)
    store = PassageStore(settings)
    before = store.all_ids()
    windsor_before = store.documents()[document_id(WINDSOR)]
    report = ingest([folder], store, embedder, settings)
    return report, before, store, windsor_before


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_is_skipped_with_a_one_line_reason(bad_run, name):
    report = bad_run[0]
    (outcome,) = [o for o in report.outcomes if o.file_name == name]
    assert outcome.status == "skipped"
    assert outcome.reason and "\n" not in outcome.reason
    assert REASONS[name] in outcome.reason.lower()


def test_the_good_file_among_bad_ones_is_ingested(bad_run):
    report, before, store, _ = bad_run
    (outcome,) = [o for o in report.outcomes if o.file_name == "fostering.txt"]
    assert (outcome.status, outcome.passages) == ("added", 2)
    assert not report.nothing_ingested
    assert report.embedded == 2
    stored = store.get_passages(sorted(keys_of(store, "fostering.txt")))
    assert any("the Council’s fostering service" in p.text for p in stored), "cp1252 \\x92 is ’"
    assert all(p.item_title == "Fostering Service Annual Report" for p in stored)


def test_bad_input_leaves_earlier_data_intact(bad_run):
    report, before, store, windsor_before = bad_run
    after = store.all_ids()
    assert before <= after
    assert len(after) == len(before) + 2
    # The file that became empty keeps what it stored.
    assert store.documents()[document_id(WINDSOR)] == windsor_before
    assert_store_matches_registry(store)


def test_file_over_the_size_limit_is_skipped_and_kept_even_with_prune(corpus_settings, corpus_copy, tmp_path, embedder):
    settings = copy_store(corpus_settings, tmp_path / "data", max_file_mb=0.001)
    store = PassageStore(settings)
    before = store.all_ids()
    report = ingest([corpus_copy], store, embedder, settings, prune=True)
    assert set(statuses(report).values()) == {"skipped"}
    for o in report.outcomes:
        assert "over the 0.001 MB limit" in o.reason and "OFSTED_RAG_MAX_FILE_MB" in o.reason
    assert report.nothing_ingested
    assert store.all_ids() == before
    assert len(store.documents()) == 5


def test_nothing_ingested_only_when_every_file_is_rejected(settings, tmp_path, embedder):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.xyz").write_bytes(b"notes")
    report = run([folder], settings, embedder)
    assert report.nothing_ingested
    assert report.embedded == 0
    assert PassageStore(settings).count() == 0


# --------------------------------------------------------------------------- the write lock


def test_a_second_ingest_fails_while_the_first_holds_the_lock(settings, tmp_path, embedder):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "notes.xyz").write_bytes(b"notes")
    with ingest_lock(settings):
        with pytest.raises(IngestLockedError) as exc:
            run([folder], settings, embedder)
    assert "another ingest is running" in str(exc.value)
    # Released: the next ingest runs.
    assert run([folder], settings, embedder).nothing_ingested
