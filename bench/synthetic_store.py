"""A large store built without embedding every passage: for the benchmark's biggest sizes.

Embedding 200,000 passages and their sentences with the real model would take hours on this
machine, so above the sizes the benchmark really embeds, vectors are derived from real ones
(issue 14 allows this, and the results say so). Everything else is the real ingest:

- the texts are bench/scaled_corpus.py's copies of the shipped corpus (other councils, dates and
  wording), so BM25, deduplication, the registry and the passage records are what `ingest()`
  leaves for that many real-looking documents;
- `ingest()` itself writes the store (passages, sentence vectors, registry, generation), with
  `PerturbedEmbedder` in place of the model;
- `PerturbedEmbedder` embeds nothing beyond the shipped corpus: each text gets the real vector
  (from the model, computed once) of the shipped-corpus text it shares most words with, plus a
  small random perturbation, re-normalised to unit length. A copy's passage therefore sits near
  the original passage it was varied from, as its real embedding would, but not on top of it, so
  the vector index has as many distinct points to search as there are passages.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

_WORD = re.compile(r"[a-z0-9]+")
_DIMS = 1 << 18


def _bag(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed word counts, each row L2-normalised: enough to find which pool text a varied copy
    came from (they share most words)."""
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        counts: dict[int, int] = {}
        for w in _WORD.findall(text.lower()):
            h = zlib.crc32(w.encode()) % _DIMS
            counts[h] = counts.get(h, 0) + 1
        norm = sum(c * c for c in counts.values()) ** 0.5 or 1.0
        for h, c in counts.items():
            rows.append(r)
            cols.append(h)
            vals.append(c / norm)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), _DIMS), dtype=np.float32)


class _Vector(np.ndarray):
    """A float32 row that iterates as Python floats: the store turns a sentence vector into a
    list with list(), and Chroma accepts floats but not numpy scalars. Kept as an array (1.5 kB)
    rather than a list of floats (about 12 kB), as ingest holds every sentence vector of a run."""

    def __iter__(self):
        return iter(self.tolist())


class PerturbedEmbedder:
    """Real vectors of a pool of texts, handed to similar texts with a small perturbation.

    `noise` is the length of the random direction added before re-normalising: 0.25 gives a
    cosine of about 0.97 between a derived vector and the real one it came from.
    """

    def __init__(self, pool_texts: Sequence[str], pool_vectors: np.ndarray, noise: float = 0.25, seed: int = 11) -> None:
        self.pool = _bag(pool_texts).T.tocsr()
        self.vectors = np.asarray(pool_vectors, dtype=np.float32)
        self.noise = noise
        self.rng = np.random.default_rng(seed)
        self.calls = 0
        self.texts = 0

    def embed_batch(self, texts: Sequence[str], progress=None) -> list[np.ndarray]:
        texts = list(texts)
        if not texts:
            return []
        self.calls += 1
        self.texts += len(texts)
        nearest = np.asarray((_bag(texts) @ self.pool).argmax(axis=1)).ravel()
        base = self.vectors[nearest]
        step = self.rng.standard_normal(base.shape).astype(np.float32)
        step *= self.noise / np.linalg.norm(step, axis=1, keepdims=True)
        out = base + step
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        if progress:
            progress(len(texts))
        return list(out.view(_Vector))


def real_pool(home: Path) -> tuple[list[str], np.ndarray]:
    """The texts and real vectors of a store ingested with the real model: each passage's
    embedding text (what ingest embeds for a passage) and each stored sentence."""
    from ofsted_rag.config import Settings
    from ofsted_rag.documents import format_date
    from ofsted_rag.store import PassageStore

    store = PassageStore(Settings(home=home))
    passages = {p.id: p for p in store.all_passages()}
    got = store.passages.get(ids=list(passages), include=["embeddings"])
    texts = []
    for pid in got["ids"]:
        p = passages[pid]
        # As bench/run.py rebuilds it: the passage with its context, as ingest embedded it.
        context = " · ".join(x for x in (p.council, p.body, format_date(p.date), p.item_title) if x)
        texts.append(f"{context}\n{p.text}" if context else p.text)
    vectors = [np.asarray(v, dtype=np.float32) for v in got["embeddings"]]
    sent = store.sentences.get(include=["documents", "embeddings"])
    texts += list(sent["documents"])
    vectors += [np.asarray(v, dtype=np.float32) for v in sent["embeddings"]]
    return texts, np.stack(vectors)
