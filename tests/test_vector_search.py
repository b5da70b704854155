"""Dense retrieval's candidates are the exact nearest passages, the same in every process.

Chroma's graph search is approximate with its default breadth, and the graph is built afresh in
each process: the passages near the last candidate came and went from run to run. The store
widens the search so that it returns the exact nearest passages.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from conftest import ROOT, make_settings
from ofsted_rag.retrieve import CANDIDATES
from ofsted_rag import store as store_module
from ofsted_rag.errors import StoreError
from ofsted_rag.store import SEARCH_BREADTH, PassageStore, make_client


def _breadth(store: PassageStore) -> int:
    return store.passages.configuration_json["hnsw"]["ef_search"]


def test_a_store_made_with_chromas_default_breadth_is_searched_wider_once_opened(tmp_path):
    settings = make_settings(tmp_path / "data")
    client = make_client(settings)
    made = client.get_or_create_collection(settings.collection, embedding_function=None,
                                           metadata={"hnsw:space": "cosine"})
    assert made.configuration_json["hnsw"]["ef_search"] < SEARCH_BREADTH
    assert _breadth(PassageStore(settings, client=client)) == SEARCH_BREADTH
    assert _breadth(PassageStore(make_settings(tmp_path / "other"))) == SEARCH_BREADTH


def test_the_candidates_are_the_exact_nearest_passages(eval_store, embedder):
    store = PassageStore(eval_store)
    everything = store.passages.get(include=["embeddings"])
    ids = everything["ids"]
    vectors = np.asarray(everything["embeddings"], dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line.strip()]
    questions = [row["question"] for row in rows[::10]]
    assert len(questions) >= 8 and len(ids) > CANDIDATES * 4
    for question, vector in zip(questions, embedder.embed_batch(questions)):
        found = [p.id for p, _ in store.query(vector, CANDIDATES)]
        similarity = vectors @ np.asarray(vector, dtype=np.float64)
        exact = [ids[i] for i in np.argsort(-similarity)[:CANDIDATES]]
        # Passages of equal text tie; beyond ties, the order and the set are the exact ones.
        assert sorted(found) == sorted(exact) or np.isclose(
            similarity[ids.index(found[-1])], similarity[ids.index(exact[-1])]), question


class _LockedFor:
    """A real embedded Chroma client whose first `times` calls to open a collection fail as SQLite
    fails while another writer holds the database. (A lock cannot be had on demand: Chroma's own
    writes take it for moments only.)"""

    def __init__(self, client, times: int) -> None:
        self.client, self.left = client, times

    def get_or_create_collection(self, *args, **kwargs):
        if self.left:
            self.left -= 1
            raise sqlite3.OperationalError("database is locked")
        return self.client.get_or_create_collection(*args, **kwargs)


def test_a_store_locked_for_a_moment_is_opened_once_the_lock_passes(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "LOCK_WAITS", (0, 0, 0))
    settings = make_settings(tmp_path / "data")
    store = PassageStore(settings, client=_LockedFor(make_client(settings), times=2))
    assert store.count() == 0


def test_a_store_that_stays_locked_is_said_to_be_busy_not_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "LOCK_WAITS", (0, 0, 0))
    settings = make_settings(tmp_path / "data")
    with pytest.raises(StoreError) as raised:
        PassageStore(settings, client=_LockedFor(make_client(settings), times=10))
    assert "is busy" in str(raised.value) and str(settings.chroma_path) in str(raised.value)
    assert "damaged" not in str(raised.value)

