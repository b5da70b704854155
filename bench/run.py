"""Benchmark: what ingesting and asking cost as the corpus grows, against the physical limit (the
embedding model's own throughput) and the plain llama-index baseline.

    python bench/run.py                      # sizes 1x, 10x, 140x (about 20,000 passages)
    python bench/run.py --sizes 1,10 --asks 20 --out /tmp/quick.md
    python bench/run.py --synthetic-sizes 1400 --asks 40 --cold-runs 2   # derived vectors, see below

For each size (copies of the shipped corpus, each copy for another council with other dates and
wording; see bench/scaled_corpus.py):

- ingest: a fresh store, in a child process with the model already loaded; passages per second,
  split into parse+plan, embedding, Chroma writes and the final bookkeeping; its ratio to the
  raw embedding throughput of the same model on the same texts (`embed_batch` without Chroma,
  measured in the same child right after, on a random sample of at most --raw-sample texts);
- warm `Engine.ask` latency p50/p95 for the default (extractive) answerer, split into embed,
  search and fuse (Engine.retrieve's timings) and compose (everything else in `ask`);
- cold start of `ofsted-rag ask` as a subprocess (process start to answer, median of --cold-runs)
  and its peak memory;
- the app's time to its first answer: a fresh process that runs app.py through Streamlit's AppTest
  (the script the server runs for a browser's first page) and asks one question;
- embedding throughput of the ONNX path (the product's) beside the sentence-transformers path
  (torch), in the same child process, on passage texts and on single short texts (a question at a
  time), idle and again with one competing CPU-bound process started by the benchmark (with
  BENCH_INT8=1 in the environment, also the int8-quantised graph);
- peak memory of the ingest child;
- the llama-index baseline on the same files: SentenceSplitter chunks, VectorStoreIndex on
  Chroma, the same model wrapped as a llama-index BaseEmbedding, dense top-5, Settings.llm = None;
  its retrieval latency split into embed and search.

With --synthetic-sizes, only the given sizes are built, by the real ingest but with vectors derived
from the shipped corpus's real ones (bench/synthetic_store.py), and only warm asks (in a child, for
its peak memory) and cold asks are measured; the figures go to <work>/synthetic_rows.json, not
to bench/results.md.

Results are printed as a table and written to bench/results.md with the command and machine facts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent

from scaled_corpus import write_scaled_corpus  # noqa: E402


# ---------------------------------------------------------------------------------------------
# Child: ingest into a fresh store, then raw embedding throughput on the same texts

def child_ingest(home: Path, corpus: Path, raw_sample: int) -> None:
    from ofsted_rag.config import Settings
    from ofsted_rag.documents import format_date, sentences_of
    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    settings = Settings(home=home, corpus=corpus)
    model = default_embedder()
    t0 = time.perf_counter()
    model.warm_up()
    # Both sessions: one text goes to the one-thread session, a larger call to the other.
    model.embed_batch(["warm the model up"])
    model.embed_batch(["warm the model up"] * 40)
    load = time.perf_counter() - t0

    class Timed:
        """The same embedder, timing its calls, so ingest time can be split."""

        seconds = 0.0

        def embed_batch(self, texts):
            t = time.perf_counter()
            out = model.embed_batch(texts)
            Timed.seconds += time.perf_counter() - t
            return out

    marks: dict[str, float] = {}
    started = time.perf_counter()
    report = ingest([corpus], PassageStore(settings), Timed(), settings,
                    on_embed_start=lambda n: marks.setdefault("embed_start", time.perf_counter()),
                    on_embedded=lambda n: marks.__setitem__("embed_end", time.perf_counter()))
    total = time.perf_counter() - started
    embed_start = marks.get("embed_start", started)
    embed_end = marks.get("embed_end", embed_start)

    # The texts ingest embedded: each passage with its context, as Passage.embedding_text() builds it.
    store = PassageStore(settings)
    passages = store.all_passages()
    chosen = random.Random(1).sample(passages, min(raw_sample, len(passages)))
    sample = []
    for p in chosen:
        context = " · ".join(x for x in (p.council, p.body, format_date(p.date), p.item_title) if x)
        sample.append(f"{context}\n{p.text}" if context else p.text)
    t = time.perf_counter()
    model.embed_batch(sample)
    raw_seconds = time.perf_counter() - t
    # Everything ingest embeds for the same passages: each passage, then its sentences alone.
    sentences = list(dict.fromkeys(s for p in chosen for s in sentences_of(p.text)))
    t = time.perf_counter()
    model.embed_batch(sentences)
    raw_sentence_seconds = time.perf_counter() - t

    print(json.dumps({
        "model_load": load,
        "ingest_seconds": total,
        "embedded": report.embedded,
        "stored": report.total_passages,
        "documents": len(store.documents()),
        "distinct_texts": len({p.text for p in store.all_passages()}),
        "parse_plan": embed_start - started,
        "embed": Timed.seconds,
        "chroma_writes": (embed_end - embed_start) - Timed.seconds,
        "finish": total - (embed_end - started),
        "raw_n": len(sample),
        "raw_seconds": raw_seconds,
        "raw_sentences": len(sentences),
        "raw_all_seconds": raw_seconds + raw_sentence_seconds,
        "embedded_sentences": report.embedded_sentences,
        "embed_threads": model.threads,
    }))


def child_synthetic_build(home: Path, corpus: Path, pool_home: Path) -> None:
    """Ingest `corpus` with the real ingest but derived vectors (bench/synthetic_store.py): the
    pool is the real vectors of the store at `pool_home` (the shipped corpus, really embedded).
    Then one engine warm-up, which builds and saves the lexical index beside the store, as the
    first ask after a real ingest does."""
    from ofsted_rag.config import Settings
    from ofsted_rag.engine import Engine
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore
    from synthetic_store import PerturbedEmbedder, real_pool

    texts, vectors = real_pool(pool_home)
    model = PerturbedEmbedder(texts, vectors)
    settings = Settings(home=home, corpus=corpus)
    marks: dict[str, float] = {}
    started = time.perf_counter()
    report = ingest([corpus], PassageStore(settings), model, settings,
                    on_embed_start=lambda n: marks.setdefault("embed_start", time.perf_counter()))
    ingest_seconds = time.perf_counter() - started
    t = time.perf_counter()
    engine = Engine(settings)
    engine.warm_up()
    lexical = time.perf_counter() - t
    store = PassageStore(settings)
    print(json.dumps({
        "pool": len(texts), "ingest_seconds": ingest_seconds,
        "parse_plan": marks.get("embed_start", started) - started,
        "embedded": report.embedded, "stored": report.total_passages,
        "embedded_sentences": report.embedded_sentences, "sentences_stored": store.sentences.count(),
        "documents": len(store.documents()), "derived_texts": model.texts, "lexical_build": lexical,
    }))


def child_asks(home: Path, corpus: Path, n: int) -> None:
    """warm_asks in a process of its own, so that its peak memory is the ask process's."""
    print(json.dumps(warm_asks(home, corpus, n)))


def synthetic_size(copies: int, work: Path, asks: int, cold_runs: int) -> dict:
    """Build a store of `copies` copies with derived vectors, then warm asks (and their memory) and
    cold asks on it. The 1x store is ingested with the real model first: its vectors are the pool."""
    row: dict = {"copies": copies, "load_before": os.getloadavg()[0]}
    base = work / f"synthetic{copies}"
    shutil.rmtree(base, ignore_errors=True)
    pool_corpus, pool_home = base / "pool_corpus", base / "pool_data"
    write_scaled_corpus(ROOT / "corpus", pool_corpus, 1)
    out, _, _, rc = run_child([sys.executable, str(Path(__file__).resolve()), "--raw-sample", "10",
                               "--child-ingest", str(pool_home), str(pool_corpus)])
    if rc != 0:
        raise SystemExit("pool ingest failed")
    corpus, home = base / "corpus", base / "data"
    t = time.perf_counter()
    write_scaled_corpus(ROOT / "corpus", corpus, copies)
    row["corpus_seconds"] = time.perf_counter() - t
    out, wall, rss, rc = run_child([sys.executable, str(Path(__file__).resolve()),
                                    "--child-synthetic-build", str(home), str(corpus), str(pool_home)])
    if rc != 0:
        raise SystemExit(f"synthetic build failed at {copies}x")
    row.update(json.loads(out.strip().splitlines()[-1]))
    row.update({"build_wall": wall, "build_rss_mb": rss})
    print(f"{copies}x synthetic build: {json.dumps(row)}", flush=True)
    out, wall, rss, rc = run_child([sys.executable, str(Path(__file__).resolve()),
                                    "--child-asks", str(home), str(corpus), str(asks)])
    if rc != 0:
        raise SystemExit(f"ask child failed at {copies}x")
    row.update(json.loads(out.strip().splitlines()[-1]))
    row.update({"ask_child_wall": wall, "ask_rss_mb": rss})
    print(f"{copies}x warm ask p50 {ms(row['total_p50'])} ms p95 {ms(row['total_p95'])} ms; ask process {rss} MB",
          flush=True)
    if cold_runs:
        row.update(cold_start(home, corpus, cold_runs))
        print(f"{copies}x cold ask {row['cold_wall']:.2f} s, {row['cold_rss_mb']} MB", flush=True)
    row["load_after"] = os.getloadavg()[0]
    return row


def embedding_texts(home: Path, n: int) -> list[str]:
    """A random sample of n passages' embedding texts (each passage with its context)."""
    from ofsted_rag.config import Settings
    from ofsted_rag.documents import format_date
    from ofsted_rag.store import PassageStore

    passages = PassageStore(Settings(home=home)).all_passages()
    out = []
    for p in random.Random(2).sample(passages, min(n, len(passages))):
        context = " · ".join(x for x in (p.council, p.body, format_date(p.date), p.item_title) if x)
        out.append(f"{context}\n{p.text}" if context else p.text)
    return out


def child_throughput(home: Path, n: int) -> None:
    """Texts per second of each embedding path on the same texts, in this one process: passage
    texts in batches (what ingest does) and short texts one call each (what a question does)."""
    from ofsted_rag.config import Settings
    from ofsted_rag.embedding import MiniLMEmbedder, SentenceTransformerEmbedder

    passages = embedding_texts(home, n)
    short = questions()[:40]
    cache = Settings.from_env().model_cache
    paths = {"onnx": MiniLMEmbedder(cache), "st": SentenceTransformerEmbedder()}
    if os.environ.get("BENCH_INT8") == "1":
        paths["onnx_int8"] = MiniLMEmbedder(cache, int8=True)
    out: dict = {"n_passages": len(passages), "n_short": len(short)}
    for name, model in paths.items():
        t = time.perf_counter()
        model.embed_batch(passages[:40])  # loads the model and both sessions
        model.embed_batch(short[:2])
        out[f"{name}_load"] = time.perf_counter() - t
        t = time.perf_counter()
        model.embed_batch(passages)
        out[f"{name}_passages_per_s"] = len(passages) / (time.perf_counter() - t)
        t = time.perf_counter()
        for q in short:
            model.embed_batch([q])
        out[f"{name}_short_per_s"] = len(short) / (time.perf_counter() - t)
    import torch

    out["torch_threads"] = torch.get_num_threads()
    out["onnx_threads"] = paths["onnx"].threads
    print(json.dumps(out))


APP_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300).run()
assert not at.exception, at.exception
t1 = time.perf_counter()
at.chat_input[0].set_value(sys.argv[2]).run()
assert not at.exception, at.exception
assert len(at.chat_message) >= 2
t2 = time.perf_counter()
print(json.dumps({"page": t1 - t0, "answer": t2 - t1, "torch": "torch" in sys.modules}))
"""


def app_first_answer(home: Path, corpus: Path) -> dict:
    """A fresh process runs the app's script once (what the server does for the first page) and
    then one question; wall time from process start to the rendered answer."""
    env = dict(os.environ, OFSTED_RAG_HOME=str(home), OFSTED_RAG_CORPUS=str(corpus))
    env.pop("OFSTED_RAG_CHROMA_URL", None)
    out, wall, peak, rc = run_child([sys.executable, "-c", APP_CHILD, str(ROOT / "app.py"), questions()[0]], env)
    if rc != 0:
        raise SystemExit("the app run failed")
    got = json.loads(out.strip().splitlines()[-1])
    return {"app_wall": wall, "app_page": got["page"], "app_answer": got["answer"], "app_rss_mb": peak,
            "app_torch": got["torch"]}


def throughput(home: Path, n: int, competing: bool) -> dict:
    """child_throughput, idle or beside one CPU-bound process (ended by its pid afterwards)."""
    rival = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if competing else None
    try:
        out, _, _, rc = run_child([sys.executable, str(Path(__file__).resolve()), "--child-throughput",
                                   str(home), str(n)])
    finally:
        if rival is not None:
            rival.kill()
            rival.wait()
    if rc != 0:
        raise SystemExit("the throughput child failed")
    return json.loads(out.strip().splitlines()[-1])


GNU_TIME = Path("/usr/bin/time")


def run_child(args: list[str], env: dict | None = None) -> tuple[str, float, int, int]:
    """Run a command; (stdout, wall seconds, peak RSS in MB, exit status).

    The peak is the command's own. Not os.wait4's ru_maxrss on a child of this process: Linux
    counts in it the resident size of this (large, by the later sizes) process at the fork that
    started the child, so every child would seem at least as big as the benchmark itself. GNU
    time forks from a process of a few MB; without it, the child's VmHWM is sampled instead.
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rss"
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(report), *args] if GNU_TIME.exists() else args
        proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        sampled = [0]
        if not GNU_TIME.exists():
            def sample() -> None:
                while proc.poll() is None:
                    try:
                        status = Path(f"/proc/{proc.pid}/status").read_text()
                        sampled[0] = max(sampled[0], int(status.split("VmHWM:")[1].split()[0]))
                    except (OSError, IndexError, ValueError):
                        pass
                    time.sleep(0.02)
            threading.Thread(target=sample, daemon=True).start()
        out, err = proc.communicate()
        wall = time.perf_counter() - started
        rc = proc.returncode
        peak_kb = int(report.read_text().split()[-1]) if GNU_TIME.exists() and report.exists() else sampled[0]
    if rc != 0:
        print(err[-3000:], file=sys.stderr)
    return out, wall, peak_kb // 1024, rc


# ---------------------------------------------------------------------------------------------
# Parent: warm asks, cold start, baseline

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def questions() -> list[str]:
    rows = [json.loads(x) for x in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if x.strip()]
    return list(dict.fromkeys(r["question"] for r in rows))


def warm_asks(home: Path, corpus: Path, n: int) -> dict:
    from ofsted_rag.config import Settings
    from ofsted_rag.engine import Engine

    engine = Engine(Settings(home=home, corpus=corpus))
    t = time.perf_counter()
    engine.warm_up()
    warm_up = time.perf_counter() - t
    captured: list[dict] = []
    original = engine.retrieve

    def retrieve(*a, **k):
        result = original(*a, **k)
        captured.append(result.timings)
        return result

    engine.retrieve = retrieve
    qs = questions()
    # Warm up on questions that are not measured: the engine keeps each question's vectors.
    for q in qs[-3:]:
        engine.ask(q)
    qs = qs[:-3]
    parts: dict[str, list[float]] = {"total": [], "embed": [], "search": [], "fuse": [], "compose": []}
    refused = 0
    for i in range(n):
        captured.clear()
        t = time.perf_counter()
        answer = engine.ask(qs[i % len(qs)])
        total = time.perf_counter() - t
        timings = captured[-1] if captured else {"embed": 0.0, "search": 0.0, "fuse": 0.0}
        parts["total"].append(total)
        for key in ("embed", "search", "fuse"):
            parts[key].append(timings.get(key, 0.0))
        parts["compose"].append(total - sum(timings.get(k, 0.0) for k in ("embed", "search", "fuse")))
        refused += answer.refused
    out = {"warm_up": warm_up, "asks": n, "refused": refused}
    for key, values in parts.items():
        out[f"{key}_p50"] = percentile(values, 0.5)
        out[f"{key}_p95"] = percentile(values, 0.95)
    return out


def cold_start(home: Path, corpus: Path, runs: int) -> dict:
    env = dict(os.environ, OFSTED_RAG_HOME=str(home), OFSTED_RAG_CORPUS=str(corpus))
    env.pop("OFSTED_RAG_CHROMA_URL", None)
    walls, rss = [], []
    for q in questions()[:runs]:
        out, wall, peak, rc = run_child([str(BIN / "ofsted-rag"), "ask", "--json", q], env)
        if rc != 0:
            raise SystemExit(f"ofsted-rag ask failed ({rc})")
        json.loads(out)
        walls.append(wall)
        rss.append(peak)
    return {"cold_wall": statistics.median(walls), "cold_walls": walls, "cold_rss_mb": max(rss), "cold_rsses": rss}


def baseline(corpus: Path, workdir: Path, n: int) -> dict:
    """The plain llama-index pipeline over the same files, with our model as its embedding."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore
    from pydantic import PrivateAttr

    from ofsted_rag.embedding import default_embedder

    class MiniLM(BaseEmbedding):
        """ofsted-rag's embedder as a llama-index BaseEmbedding; times its query embeddings."""

        _inner = PrivateAttr()
        _last = PrivateAttr(default=0.0)

        def __init__(self, inner, **kw) -> None:
            super().__init__(model_name="all-MiniLM-L6-v2", embed_batch_size=32, **kw)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            t = time.perf_counter()
            vector = self._inner.embed_batch([query])[0]
            self._last = time.perf_counter() - t
            return vector

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._inner.embed_batch([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.embed_batch(texts)

    LlamaSettings.llm = None
    model = MiniLM(default_embedder())
    shutil.rmtree(workdir, ignore_errors=True)
    t = time.perf_counter()
    docs = SimpleDirectoryReader(input_dir=str(corpus), required_exts=[".txt"]).load_data()
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    client = chromadb.PersistentClient(path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("baseline")
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=model)
    build = time.perf_counter() - t
    retriever = index.as_retriever(similarity_top_k=5)
    qs = questions()
    for q in qs[:3]:
        retriever.retrieve(q)
    totals, embeds = [], []
    for i in range(n):
        t = time.perf_counter()
        retriever.retrieve(qs[i % len(qs)])
        totals.append(time.perf_counter() - t)
        embeds.append(model._last)
    searches = [a - b for a, b in zip(totals, embeds)]
    return {
        "bl_chunks": len(nodes), "bl_build": build,
        "bl_total_p50": percentile(totals, 0.5), "bl_total_p95": percentile(totals, 0.95),
        "bl_embed_p50": percentile(embeds, 0.5), "bl_search_p50": percentile(searches, 0.5),
        "bl_search_p95": percentile(searches, 0.95),
    }


# ---------------------------------------------------------------------------------------------
# Reporting

def machine_facts() -> dict:
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    from importlib.metadata import version

    others = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True).stdout
    busy = [line.strip() for line in others.splitlines()[1:] if line.split() and float(line.split()[0]) >= 5.0]
    return {
        "nproc": os.cpu_count(), "memory_gib": round(int(mem) / 1024 / 1024, 1), "cpu": cpu,
        "python": platform.python_version(), "torch": version("torch"), "onnxruntime": version("onnxruntime"),
        "chromadb": version("chromadb"), "platform": platform.platform(), "load_at_start": os.getloadavg(),
        "busy_at_start": busy[:8],
    }


def ms(x: float) -> str:
    return f"{x * 1000:.0f}"


def table(rows: list[dict]) -> str:
    head = ["size", "passages", "ingest p/s", "raw embed p/s", "ratio", "raw p/s with sentences", "ratio to it",
            "ask p50 ms", "ask p95 ms",
            "embed/search/fuse/compose p50 ms", "baseline p50 ms", "baseline p95 ms", "ours/baseline p50",
            "cold ask s (median)", "ask RSS MB", "app first answer s", "app RSS MB", "ingest RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ingest_rate = r["embedded"] / r["ingest_seconds"] if r["ingest_seconds"] else 0
        raw_rate = r["raw_n"] / r["raw_seconds"] if r["raw_seconds"] else 0
        all_rate = r["raw_n"] / r["raw_all_seconds"] if r["raw_all_seconds"] else 0
        lines.append("| " + " | ".join([
            f"{r['copies']}x", f"{r['stored']:,}", f"{ingest_rate:.1f}", f"{raw_rate:.1f}",
            f"{ingest_rate / raw_rate:.2f}" if raw_rate else "-",
            f"{all_rate:.1f}", f"{ingest_rate / all_rate:.2f}" if all_rate else "-",
            ms(r["total_p50"]), ms(r["total_p95"]),
            "/".join(ms(r[f"{k}_p50"]) for k in ("embed", "search", "fuse", "compose")),
            ms(r["bl_total_p50"]) if "bl_total_p50" in r else "-", ms(r["bl_total_p95"]) if "bl_total_p95" in r else "-",
            f"{r['total_p50'] / r['bl_total_p50']:.1f}" if r.get("bl_total_p50") else "-",
            f"{r['cold_wall']:.2f}", str(r["cold_rss_mb"]), f"{r['app_wall']:.1f}", str(r["app_rss_mb"]),
            str(r["ingest_rss_mb"]),
        ]) + " |")
    return "\n".join(lines)


def detail(rows: list[dict]) -> str:
    lines = ["| size | documents | distinct texts | ingest s | parse+plan s | embed s | Chroma writes s | finish s | "
             "warm-up (lexical index) s | ask p95 embed/search/fuse/compose ms | refused | baseline chunks | "
             "baseline build s | baseline embed/search p50 ms | load avg during size | cold ask runs s (MB) |",
             "|" + "---|" * 16]
    for r in rows:
        lines.append("| " + " | ".join([
            f"{r['copies']}x", str(r["documents"]), f"{r['distinct_texts']:,}", f"{r['ingest_seconds']:.1f}",
            f"{r['parse_plan']:.1f}", f"{r['embed']:.1f}", f"{r['chroma_writes']:.1f}", f"{r['finish']:.1f}",
            f"{r['warm_up']:.2f}", "/".join(ms(r[f"{k}_p95"]) for k in ("embed", "search", "fuse", "compose")),
            f"{r['refused']}/{r['asks']}", str(r.get("bl_chunks", "-")),
            f"{r['bl_build']:.1f}" if "bl_build" in r else "-",
            f"{ms(r['bl_embed_p50'])}/{ms(r['bl_search_p50'])}" if "bl_embed_p50" in r else "-",
            f"{r['load_before']:.1f} -> {r['load_after']:.1f}",
            ", ".join(f"{w:.2f} ({m})" for w, m in zip(r["cold_walls"], r.get("cold_rsses", []))),
        ]) + " |")
    return "\n".join(lines)


def targets(rows: list[dict], runs: dict[str, dict] | None = None) -> str:
    """Each target, met or missed, with the figures that say what dominates."""
    out = []
    big = rows[-1]
    first = rows[0]
    cold_ok = first["cold_wall"] < 1.5 and first["cold_rss_mb"] < 300
    out.append(f"- cold ask under 1.5 s and 300 MB at {first['copies']}x: {'met' if cold_ok else 'MISSED'} "
               f"({first['cold_wall']:.2f} s median, {first['cold_rss_mb']} MB peak).")
    out.append(f"- app first answer under 3 s at {first['copies']}x: {'met' if first['app_wall'] < 3 else 'MISSED'} "
               f"({first['app_wall']:.1f} s: first page {first['app_page']:.1f} s, then the answer "
               f"{first['app_answer']:.1f} s; torch loaded: {first['app_torch']}).")
    out.append(f"- ask memory under 600 MB at {big['stored']:,} passages: "
               f"{'met' if big['cold_rss_mb'] < 600 else 'MISSED'} ({big['cold_rss_mb']} MB peak of a one-question process).")
    if runs and "competing" in runs and "idle" in runs:
        busy, idle = runs["competing"], runs["idle"]
        ratio = busy["onnx_passages_per_s"] / busy["st_passages_per_s"]
        out.append(f"- embedding with a competing process at least twice the torch path's: "
                   f"{'met' if ratio >= 2 else 'MISSED'} ({ratio:.2f}x on passages; idle "
                   f"{idle['onnx_passages_per_s'] / idle['st_passages_per_s']:.2f}x).")
    for r in rows:
        rate = r["embedded"] / r["ingest_seconds"]
        raw = r["raw_n"] / r["raw_seconds"]
        raw_all = r["raw_n"] / r["raw_all_seconds"]
        share = {k: r[k] / r["ingest_seconds"] for k in ("parse_plan", "embed", "chroma_writes", "finish")}
        verdict = "met" if rate >= 0.8 * raw else "MISSED"
        out.append(f"- ingest >= 0.8x raw embedding at {r['copies']}x: {verdict} ({rate:.1f} vs {raw:.1f} passages/s, "
                   f"{rate / raw:.2f}x); against the model's rate on what ingest embeds (each passage and "
                   f"its sentences, {raw_all:.1f} passages/s): {rate / raw_all:.2f}x. Time shares: embedding "
                   f"{share['embed']:.0%}, Chroma writes {share['chroma_writes']:.0%}, parse+plan "
                   f"{share['parse_plan']:.0%}, final bookkeeping {share['finish']:.0%}.")
    p50_ok = big["total_p50"] < 0.150
    p95_ok = big["total_p95"] < 0.300
    comp = {k: big[f"{k}_p50"] for k in ("embed", "search", "fuse", "compose")}
    top = max(comp, key=comp.get)
    out.append(f"- warm ask p50 < 150 ms at {big['stored']:,} passages: {'met' if p50_ok else 'MISSED'} "
               f"({ms(big['total_p50'])} ms); p95 < 300 ms: {'met' if p95_ok else 'MISSED'} ({ms(big['total_p95'])} ms). "
               f"Largest part at p50: {top} ({ms(comp[top])} ms of {ms(big['total_p50'])}).")
    growth = big["stored"] / first["stored"]
    lat = big["total_p50"] / first["total_p50"]
    search = big["search_p50"] / max(first["search_p50"], 1e-9)
    out.append(f"- sub-linear growth: corpus x{growth:.0f} ({first['stored']:,} -> {big['stored']:,} passages), "
               f"ask p50 x{lat:.2f}, search p50 x{search:.2f}: {'met' if lat < growth else 'MISSED'}.")
    return "\n".join(out)


def throughput_table(runs: dict[str, dict]) -> str:
    """ONNX beside sentence-transformers, idle and with a competing process, from one run."""
    if not runs:
        return "(not measured in this run)"
    names = [n for n in ("onnx", "onnx_int8", "st") if all(f"{n}_passages_per_s" in r for r in runs.values())]
    label = {"onnx": "ONNX Runtime (product)", "onnx_int8": "ONNX Runtime, int8 weights (option, off)",
             "st": "sentence-transformers (torch)"}
    lines = ["| path | passages/s idle | passages/s competing | kept | short texts/s idle | short texts/s competing | kept | load s |",
             "|---|---|---|---|---|---|---|---|"]
    idle, busy = runs.get("idle", {}), runs.get("competing", {})
    for n in names:
        def cell(d, k):
            return f"{d[k]:.1f}" if k in d else "-"

        def kept(k):
            return f"{busy[k] / idle[k]:.2f}" if k in busy and k in idle else "-"
        lines.append(f"| {label[n]} | {cell(idle, n + '_passages_per_s')} | {cell(busy, n + '_passages_per_s')} | "
                     f"{kept(n + '_passages_per_s')} | {cell(idle, n + '_short_per_s')} | {cell(busy, n + '_short_per_s')} | "
                     f"{kept(n + '_short_per_s')} | {idle.get(n + '_load', 0):.1f} |")
    if "onnx" in names and "st" in names:
        for mode, d in runs.items():
            lines.append("")
            lines.append(f"{mode}: ONNX / sentence-transformers = {d['onnx_passages_per_s'] / d['st_passages_per_s']:.2f}x "
                         f"on passages, {d['onnx_short_per_s'] / d['st_short_per_s']:.2f}x on short texts "
                         f"({d['n_passages']} passages, {d['n_short']} questions one at a time; torch {d['torch_threads']} "
                         f"threads, ONNX {d['onnx_threads']} for batches and 1 for calls of up to 8 texts).")
    return "\n".join(lines)


def write_results(path: Path, command: str, facts: dict, rows: list[dict], started: str, finished: str | None,
                  raw_sample: int, runs: dict[str, dict] | None = None) -> None:
    text = f"""# Benchmark results

Produced by one run of:

    {command}

Started {started}{', finished ' + finished if finished else ' (still running: partial)'}.

Machine: {facts['nproc']} cores ({facts['cpu']}), {facts['memory_gib']} GiB memory, {facts['platform']};
Python {facts['python']}, onnxruntime {facts['onnxruntime']}, torch {facts['torch']} (export and
comparison only), chromadb {facts['chromadb']}.

**The figures are noisy.** Other sessions share this machine: the load average at the start was
{', '.join(f'{x:.2f}' for x in facts['load_at_start'])} (1, 5, 15 min), and the processes using 5% of a
core or more at the start were: {'; '.join(facts['busy_at_start']) or 'none'}. The load average at the
start and end of each size is in the second table. Compare figures as ratios within this one run
(ONNX beside sentence-transformers, idle beside competing), not with other runs.

## Summary

Passages are the store's records after deduplication. Ingest p/s counts passages embedded per second
of `ingest()` with the model already loaded; raw embed p/s is `embed_batch` on a random sample of the
same embedding texts (at most {raw_sample} per size) in the same process
right after. Ingest also embeds each passage's sentences alone (so that answering need not), so
"raw p/s with sentences" times the model on the sample's passages and then their sentences: the
model's rate on all the work ingest gives it per passage. Ask latency is warm `Engine.ask` (default extractive answerer) over eval questions; the
split is Engine.retrieve's embed / search (dense + BM25) / fuse timings, and compose = the rest of
`ask` (scope, answer, citations). The baseline is llama-index retrieval only (no LLM), so its latency
has no compose part. Cold ask is `ofsted-rag ask --json` as a subprocess, process start to answer
(median); RSS is the peak resident memory of that process, and of the ingest child. App first
answer is a fresh process running app.py through Streamlit's AppTest (the script the server runs
for a browser's first page: engine built, model and lexical index loaded) and then one question,
process start to the rendered answer; it leaves out the browser and the websocket.

{table(rows)}

## Embedding throughput: ONNX Runtime beside sentence-transformers

One child process per row group embeds the same texts with each path: a sample of the 1x store's
passage texts (with their context, as ingest embeds them) in batches of 32, and eval questions one
call each (as a question is embedded). "Competing" repeats it beside one CPU-bound process
(`while True: pass`) started by the benchmark; "kept" is the competing rate over the idle one.

{throughput_table(runs or {})}

## Detail

{detail(rows)}

## Targets

{targets(rows, runs) if rows else ''}
"""
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,140", help="copies of the corpus per size (1 = the shipped corpus)")
    parser.add_argument("--asks", type=int, default=60, help="warm asks per size")
    parser.add_argument("--raw-sample", type=int, default=2000, help="texts for the raw embedding throughput")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--throughput-sample", type=int, default=300, help="passage texts for ONNX vs torch")
    parser.add_argument("--baseline-max", type=int, default=10,
                        help="run the llama-index baseline only at sizes up to this many copies (it re-embeds every chunk)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ofsted-rag-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--child-ingest", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-throughput", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--synthetic-sizes", default="",
                        help="instead of --sizes: copies whose store is built with vectors derived from the "
                             "shipped corpus's real ones (bench/synthetic_store.py); warm and cold asks only")
    parser.add_argument("--child-synthetic-build", nargs=3, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-asks", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ingest:
        child_ingest(args.child_ingest[0], args.child_ingest[1], args.raw_sample)
        return
    if args.child_throughput:
        child_throughput(Path(args.child_throughput[0]), int(args.child_throughput[1]))
        return
    if args.child_synthetic_build:
        child_synthetic_build(*args.child_synthetic_build)
        return
    if args.child_asks:
        child_asks(Path(args.child_asks[0]), Path(args.child_asks[1]), int(args.child_asks[2]))
        return
    if args.synthetic_sizes:
        # Results are printed and kept in rows.json, not written over bench/results.md: these
        # sizes are appended to it by hand beside the run of the real sizes.
        print(json.dumps(machine_facts()), flush=True)
        rows = [synthetic_size(int(c), args.work, args.asks, args.cold_runs) for c in args.synthetic_sizes.split(",")]
        args.work.mkdir(parents=True, exist_ok=True)
        (args.work / "synthetic_rows.json").write_text(json.dumps(rows, indent=1, default=str))
        print(json.dumps(rows, default=str))
        return

    command = ("BENCH_INT8=1 " if os.environ.get("BENCH_INT8") == "1" else "") + "python bench/run.py " + " ".join(sys.argv[1:])
    started = dt.datetime.now().isoformat(timespec="seconds")
    facts = machine_facts()
    print(json.dumps(facts), flush=True)
    rows: list[dict] = []
    runs: dict[str, dict] = {}
    for copies in [int(x) for x in args.sizes.split(",")]:
        row: dict = {"copies": copies, "load_before": os.getloadavg()[0]}
        base = args.work / f"x{copies}"
        shutil.rmtree(base, ignore_errors=True)
        corpus, home = base / "corpus", base / "data"
        write_scaled_corpus(ROOT / "corpus", corpus, copies)
        out, _, rss, rc = run_child([sys.executable, str(Path(__file__).resolve()), "--raw-sample", str(args.raw_sample),
                                     "--child-ingest", str(home), str(corpus)])
        if rc != 0:
            raise SystemExit(f"ingest child failed at {copies}x")
        row.update(json.loads(out.strip().splitlines()[-1]))
        row["ingest_rss_mb"] = rss
        print(f"{copies}x ingest: {row['embedded']} passages in {row['ingest_seconds']:.1f} s; raw "
              f"{row['raw_n'] / row['raw_seconds']:.1f}/s", flush=True)
        row.update(warm_asks(home, corpus, args.asks))
        print(f"{copies}x ask p50 {ms(row['total_p50'])} ms p95 {ms(row['total_p95'])} ms", flush=True)
        row.update(cold_start(home, corpus, args.cold_runs))
        row.update(app_first_answer(home, corpus))
        print(f"{copies}x cold ask {row['cold_wall']:.2f} s, {row['cold_rss_mb']} MB; app first answer "
              f"{row['app_wall']:.1f} s", flush=True)
        if copies <= args.baseline_max:
            row.update(baseline(corpus, base / "baseline", args.asks))
        row["load_after"] = os.getloadavg()[0]
        rows.append(row)
        if not runs:
            for mode in ("idle", "competing"):
                runs[mode] = throughput(home, args.throughput_sample, mode == "competing")
                print(mode, json.dumps(runs[mode]), flush=True)
        print(table(rows), flush=True)
        write_results(args.out, command, facts, rows, started, None, args.raw_sample, runs)
        (args.work / "rows.json").write_text(json.dumps({"rows": rows, "throughput": runs}, indent=1, default=str))
    write_results(args.out, command, facts, rows, started, dt.datetime.now().isoformat(timespec="seconds"),
                  args.raw_sample, runs)
    print("\n" + detail(rows) + "\n\n" + targets(rows, runs))


if __name__ == "__main__":
    main()
