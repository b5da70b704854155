"""The lexical index saved beside the store, keyed to the store's state, so that a process start
loads it instead of reading and indexing every passage, and never uses one that is stale."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import CORPUS, ROOT, make_settings
from ofsted_rag.ingest import ingest
from ofsted_rag.retrieve import HybridRetriever
from ofsted_rag.store import PassageStore

QUERY = "child protection plans social worker caseloads"


def saved_folders(settings) -> list:
    root = settings.home / "lexical" / settings.collection
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


class NoFullRead(PassageStore):
    """The store, failing if anything reads all of its passages."""

    def all_passages(self):
        raise AssertionError("the lexical index was rebuilt from the store")


@pytest.fixture
def store_copy(corpus_settings, tmp_path):
    home = tmp_path / "data"
    shutil.copytree(corpus_settings.home, home, ignore=shutil.ignore_patterns("ingest.lock", "lexical"))
    return make_settings(home)


def test_a_new_process_loads_the_saved_index_and_ranks_the_same(store_copy, embedder):
    first = HybridRetriever(PassageStore(store_copy), embedder)
    first.refresh()
    assert len(saved_folders(store_copy)) == 1

    # A second retriever stands for the next process: it must not read every passage again.
    second = HybridRetriever(NoFullRead(store_copy), embedder)
    second.refresh()
    assert [p.id for p in second.passages] == [p.id for p in first.passages]
    assert second.passages == first.passages
    assert np.allclose(second._lexical.scores(QUERY), first._lexical.scores(QUERY))
    a, b = first.retrieve(QUERY), second.retrieve(QUERY)
    assert [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits]


def test_an_ingest_makes_the_saved_index_stale(store_copy, embedder, tmp_path):
    HybridRetriever(PassageStore(store_copy), embedder).refresh()
    before = saved_folders(store_copy)
    extra = tmp_path / "extra"
    extra.mkdir()
    letter = (ROOT / "tests" / "fixtures" / "invented_monitoring_letter.txt").read_text()
    (extra / "letter.txt").write_text(letter)
    ingest([CORPUS, extra], PassageStore(store_copy), embedder, store_copy)

    retriever = HybridRetriever(PassageStore(store_copy), embedder)
    retriever.refresh()
    assert {p.file_name for p in retriever.passages} >= {"letter.txt"}
    after = saved_folders(store_copy)
    assert len(after) == 1 and after != before, "the old generation's index is removed"


def test_a_store_made_afresh_does_not_reuse_an_index_of_the_same_generation(tmp_path, embedder):
    """Deleting the store and ingesting other files starts the generation count again; the
    saved index of the old store must not be taken for the new one's."""
    settings = make_settings(tmp_path / "data")
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    letter = (ROOT / "tests" / "fixtures" / "invented_monitoring_letter.txt").read_text()
    (first / "letter.txt").write_text(letter)
    (second / "minutes.txt").write_text(
        "Children's Services Scrutiny Committee, 3 March 2025\n\n"
        "5. Fostering recruitment\n\n(a) Members noted that twelve new foster carers had been approved.\n"
        "(b) The committee asked for a report on placement stability at its next meeting.\n")
    ingest([first], PassageStore(settings), embedder, settings)
    HybridRetriever(PassageStore(settings), embedder).refresh()
    generation = PassageStore(settings).generation()
    shutil.rmtree(settings.chroma_path)
    fresh = PassageStore(settings)
    fresh.reopen()  # drop this process's cached view of the deleted store

    ingest([second], fresh, embedder, settings)
    assert PassageStore(settings).generation() == generation
    retriever = HybridRetriever(PassageStore(settings), embedder)
    retriever.refresh()
    assert {p.file_name for p in retriever.passages} == {"minutes.txt"}


def test_a_damaged_saved_index_is_rebuilt(store_copy, embedder):
    first = HybridRetriever(PassageStore(store_copy), embedder)
    first.refresh()
    folder = store_copy.home / "lexical" / store_copy.collection / saved_folders(store_copy)[0]
    (folder / "passages.json").write_text('{"format": 1, "passages": [')

    again = HybridRetriever(PassageStore(store_copy), embedder)
    again.refresh()
    assert again.passages == first.passages
