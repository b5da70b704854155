"""Sentence vectors stored at ingest, so that answering embeds only the question.

The answerer scores each sentence of the retrieved passages against the question. Ingest embeds
every sentence alone and stores it beside its passage; a question then costs one model call (the
question's three forms in one batch) whatever the passages retrieved.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict

import numpy as np
import pytest

from conftest import ROOT, make_settings
from ofsted_rag.documents import sentences_of
from ofsted_rag.embedding import VectorCache
from ofsted_rag.engine import Engine
from ofsted_rag.ingest import ingest
from ofsted_rag.retrieve import Vocabulary
from ofsted_rag.store import PassageStore

QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line.strip()]


class Counting:
    """The real model, recording what each call embedded."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls: list[list[str]] = []

    def embed_batch(self, texts, *args, **kwargs):
        self.calls.append(list(texts))
        return self.inner.embed_batch(texts, *args, **kwargs)


def stored_sentences(store: PassageStore) -> dict[str, list[str]]:
    """Passage id -> its stored sentences, in order."""
    got = store.sentences.get(include=["documents", "metadatas"])
    rows = defaultdict(list)
    for sid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
        rows[meta["passage"]].append((int(sid.rsplit("#", 1)[1]), text))
    return {pid: [t for _, t in sorted(pairs)] for pid, pairs in rows.items()}


def assert_sentences_match_passages(store: PassageStore) -> None:
    passages = {p.id: p for p in store.all_passages()}
    assert stored_sentences(store) == {pid: sentences_of(p.text) for pid, p in passages.items()}


def test_every_passage_has_its_sentences_embedded_alone(corpus_settings, embedder):
    store = PassageStore(corpus_settings)
    assert_sentences_match_passages(store)
    passages = store.all_passages()[:12]
    vectors = store.sentence_vectors([p.id for p in passages])
    texts = [s for p in passages for s in sentences_of(p.text)]
    for text, fresh in zip(texts, embedder.embed_batch(texts)):
        assert float(np.dot(vectors[text], fresh)) > 0.9999, text


def test_a_question_embeds_only_its_own_forms(corpus_settings, embedder):
    counting = Counting(embedder)
    engine = Engine(corpus_settings, embedder=counting)
    engine.warm_up()
    sentences = {s for p in engine.retriever.passages for s in sentences_of(p.text)}
    for question in QUESTIONS[:12]:
        counting.calls.clear()
        engine.ask(question)
        assert len(counting.calls) == 1, counting.calls
        assert len(counting.calls[0]) <= 3
        assert not set(counting.calls[0]) & sentences


@pytest.fixture
def store_without_sentences(corpus_settings, tmp_path):
    """A copy of the corpus store as an earlier version left it: no sentence vectors."""
    home = tmp_path / "old"
    shutil.copytree(corpus_settings.home, home, ignore=shutil.ignore_patterns("ingest.lock"))
    settings = make_settings(home)
    store = PassageStore(settings)
    store.client.delete_collection(settings.collection + "_sentences")
    store.reopen()
    assert store.sentences.count() == 0
    return settings


def test_answers_are_the_same_without_stored_sentence_vectors(corpus_settings, store_without_sentences, embedder):
    """They are embedded at question time instead: slower, never different."""
    with_vectors = Engine(corpus_settings, embedder=embedder)
    without = Engine(store_without_sentences, embedder=Counting(embedder))
    for question in QUESTIONS[:8]:
        a, b = with_vectors.ask(question), without.ask(question)
        assert (a.text, a.refused) == (b.text, b.refused), question
        assert [c.passage.id for c in a.citations] == [c.passage.id for c in b.citations]
    assert any(len(call) > 3 for call in without.embedder.calls), "sentences were embedded at question time"


def test_the_next_ingest_fills_in_missing_sentence_vectors_and_drops_stray_ones(store_without_sentences, embedder):
    settings = store_without_sentences
    store = PassageStore(settings)
    stray = {"p_gone": [("A sentence of a passage that is no longer stored.", [0.1] * 384)]}
    store.add_sentences(stray)

    report = ingest([settings.corpus], store, embedder, settings)

    assert report.embedded == 0
    expected = {s for p in store.all_passages() for s in sentences_of(p.text)}
    assert report.embedded_sentences == len(expected)
    assert_sentences_match_passages(store)
    again = ingest([settings.corpus], store, embedder, settings)
    assert (again.embedded, again.embedded_sentences) == (0, 0)


def test_vocabulary_prefilter_finds_what_every_pattern_finds():
    """Expansions skip the patterns whose first word a text lacks; that may not lose a match."""
    vocabulary = Vocabulary.load()
    texts = QUESTIONS + [p.read_text(encoding="utf-8", errors="replace") for p in (ROOT / "corpus").glob("*.txt")]
    texts += ["children’s social care", "Child-protection plans", "CP", "cp", "S.117 aftercare", "the LADO's role"]
    for text in texts:
        brute: list[str] = []
        for _, pattern, others, _ in vocabulary._patterns:
            if pattern.search(text):
                brute.extend(o for o in others if o not in brute and o.lower() not in text.lower()
                             and o.lower() not in vocabulary._unsearched)
        assert vocabulary.expansions(text) == brute, text[:80]
        assert vocabulary.matches(text) == [
            (m.start(), m.end(), [m.group(0), *others])
            for _, pattern, others, required in vocabulary._patterns if required
            for m in pattern.finditer(text)
        ], text[:80]


def test_a_full_vector_cache_starts_again_without_losing_what_is_asked(embedder):
    cache = VectorCache(Counting(embedder), size=3)
    cache.vectors(["care leavers", "child protection"])
    got = cache.vectors(["care leavers", "foster carers", "social workers"])  # one over: starts again
    want = embedder.embed_batch(["care leavers", "foster carers", "social workers"])
    for g, w in zip(got, want):
        assert float(np.dot(g, w)) > 0.9999
    assert cache.embedder.calls[-1] == ["foster carers", "social workers"]
    cache.remember({"looked after children": want[0], "x": want[1]})
    assert "looked after children" in cache and "care leavers" not in cache
