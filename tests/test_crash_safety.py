"""Crash safety: an ingest killed part-way leaves a consistent store (answering only from the
documents it had registered) that the next ingest completes; two ingests at once never both write; questions asked during an ingest are answered.

The ingests under test are the real `ofsted-rag ingest` command in a subprocess, on a corpus made
from the shipped one by `bench/scaled_corpus.py` (the original plus a reworded copy for another
council), so embedding lasts long enough to interrupt. The kill is triggered by what the store
holds (at least one embedded batch stored, not all), read from this process while it runs.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, make_settings
from ofsted_rag.engine import Engine
from ofsted_rag.errors import EmptyStoreError
from ofsted_rag.ingest import ingest
from ofsted_rag.store import PassageStore

OFSTED_RAG = Path(sys.executable).parent / "ofsted-rag"
QUESTION = "how many priority actions did nottingham get?"
WAIT = 300.0  # seconds any one subprocess may take on a loaded 2-core machine


def _load_generator():
    spec = importlib.util.spec_from_file_location("scaled_corpus", ROOT / "bench" / "scaled_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    _load_generator().write_scaled_corpus(CORPUS, folder, copies=2)
    return folder


class Ingest:
    """`ofsted-rag ingest` in a subprocess, its stderr collected line by line as it comes."""

    def __init__(self, home: Path, corpus: Path) -> None:
        env = dict(os.environ, OFSTED_RAG_HOME=str(home), OFSTED_RAG_CORPUS=str(corpus))
        env.pop("OFSTED_RAG_CHROMA_URL", None)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([str(OFSTED_RAG), "ingest", str(corpus)], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.stderr: list[str] = []
        self.stdout = ""
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._err.start()
        self._out = threading.Thread(target=self._read_out, daemon=True)
        self._out.start()

    def _read_err(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _read_out(self) -> None:
        self.stdout = self.proc.stdout.read()

    def running(self) -> bool:
        return self.proc.poll() is None

    def embedding_started(self) -> bool:
        return any(line.startswith("embedding ") for line in self.stderr)

    def wait(self) -> int:
        rc = self.proc.wait(timeout=WAIT)
        self._err.join(5)
        self._out.join(5)
        return rc

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def _until(condition, what: str, proc: Ingest | None = None, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and not proc.running():
            pytest.fail(f"ingest ended (rc {proc.proc.returncode}) before {what}: {proc.stderr[-5:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _snapshot(settings):
    """Everything a store holds that must match: passages (text, metadata, sources) by id, and the
    registry's records."""
    store = PassageStore(settings)
    passages = {p.id: p for p in store.all_passages()}
    docs = {d: (r.refs, r.fingerprint, r.meta, r.text) for d, r in store.documents(with_text=True).items()}
    return store, passages, docs


def test_killed_ingest_leaves_an_answerable_store_the_next_ingest_completes(tmp_path, crash_corpus, embedder):
    settings = make_settings(tmp_path / "crashed", corpus=crash_corpus)
    run = Ingest(settings.home, crash_corpus)
    _until(run.embedding_started, "embedding to start", run)
    total = int(next(l for l in run.stderr if l.startswith("embedding ")).split()[1])
    reader = PassageStore(settings)
    _until(lambda: reader.count() > 0, "the first embedded batch to be stored", run)
    run.kill()
    assert run.proc.returncode == -signal.SIGKILL

    # Some passages, no registry yet. The registry is the commit point: answers never cite a
    # document `sources` does not list, so the store says nothing has been ingested (one line).
    partial = PassageStore(settings).count()
    assert 0 < partial < total
    assert PassageStore(settings).documents() == {}
    engine = Engine(settings, embedder=embedder)
    assert engine.status().passages == 0
    assert not engine.retrieve(QUESTION).hits
    with pytest.raises(EmptyStoreError):
        engine.ask(QUESTION)

    # The next ingest completes it, embedding only what is missing.
    report = ingest([crash_corpus], PassageStore(settings), embedder, settings)
    assert report.count("skipped") == 0
    assert report.embedded == total - partial

    fresh = make_settings(tmp_path / "fresh", corpus=crash_corpus)
    ingest([crash_corpus], PassageStore(fresh), embedder, fresh)

    store, passages, docs = _snapshot(settings)
    _, fresh_passages, fresh_docs = _snapshot(fresh)
    registry_keys = {k for record in store.documents().values() for k in record.keys}
    assert set(passages) == registry_keys == set(fresh_passages)  # no orphans, nothing missing
    assert store.sentence_owners() == set(passages)  # each passage's sentence vectors, no stray ones
    assert len(passages) == total
    for pid, p in passages.items():
        assert p == fresh_passages[pid], pid  # no stale text or metadata
    assert docs == fresh_docs
    # No passage stored twice: one record per (council, item title, part, text).
    twice = Counter((p.council, p.item_title, p.part, p.text) for p in passages.values())
    assert max(twice.values()) == 1
    assert Counter(p.text for p in passages.values()) == Counter(p.text for p in fresh_passages.values())
    # Vectors match the fresh store's (the killed run's batches were complete when stored).
    sample = sorted(passages)[:: max(1, len(passages) // 40)]
    got, want = store.embeddings(sample), PassageStore(fresh).embeddings(sample)
    for pid in sample:
        assert max(abs(a - b) for a, b in zip(got[pid], want[pid])) < 1e-4, pid

    # The lexical index is rebuilt from exactly these passages.
    engine.ask(QUESTION)
    assert {p.id for p in engine.retriever.passages} == set(passages)


def test_second_ingest_fails_fast_and_questions_are_answered_during_an_ingest(tmp_path, crash_corpus, embedder):
    settings = make_settings(tmp_path / "data", corpus=crash_corpus)
    ingest([CORPUS], PassageStore(settings), embedder, settings)  # the shipped corpus is there already
    before = PassageStore(settings).count()
    engine = Engine(settings, embedder=embedder)
    assert not engine.ask(QUESTION).refused

    first = Ingest(settings.home, crash_corpus)
    lock = settings.home / "ingest.lock"
    _until(lambda: lock.exists() and lock.read_text().strip() == str(first.proc.pid), "the first ingest to take the lock", first)

    started = time.monotonic()
    env = dict(os.environ, OFSTED_RAG_HOME=str(settings.home))
    env.pop("OFSTED_RAG_CHROMA_URL", None)
    second = subprocess.Popen([str(OFSTED_RAG), "ingest", str(crash_corpus)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    outcome: dict = {}

    def watch_second() -> None:
        outcome["stdout"], outcome["stderr"] = second.communicate(timeout=WAIT)
        outcome["seconds"] = time.monotonic() - started
        outcome["first_running"] = first.running()

    watcher = threading.Thread(target=watch_second, daemon=True)
    watcher.start()

    # Meanwhile this process keeps asking (as the app would) while the first ingest writes.
    answers = []
    while first.running():
        answer = engine.ask(QUESTION)
        answers.append(answer)
        assert not answer.refused and answer.citations, answer.text
        # Registered documents are only added during an ingest, so a check after the answer holds.
        assert {c.passage.doc_id for c in answer.citations} <= PassageStore(settings).registered_ids()
        time.sleep(0.5)  # leave the cores to the ingest between questions, as a person would
    assert first.wait() == 0, first.stderr[-5:]
    assert answers, "no question was asked while the ingest ran"

    watcher.join(WAIT)
    assert outcome.get("first_running"), "the second ingest did not give up while the first ran"
    assert second.returncode == 2, outcome
    lines = outcome["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ofsted-rag:") and "another ingest is running" in lines[0], outcome
    assert str(first.proc.pid) in lines[0]
    assert outcome["seconds"] < 60, f"the second ingest took {outcome['seconds']:.0f} s to give up"

    final = PassageStore(settings).count()
    assert final > before
    answer = engine.ask(QUESTION)  # the engine notices the new generation and reloads
    assert not answer.refused
    assert engine.status().passages == final
    assert {p.id for p in engine.retriever.passages} == PassageStore(settings).all_ids()
