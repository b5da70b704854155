"""Embeddings through ONNX Runtime: the same vectors as sentence-transformers, without torch.

The product embeds with the packaged all-MiniLM-L6-v2 exported once to ONNX. These tests hold
it to the vectors sentence-transformers gives for the same weights, on the corpus's own
passages, and check that asking, ingesting and importing the CLI never load torch.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading

import numpy as np
import pytest

from conftest import CORPUS, ROOT
from ofsted_rag.documents import format_date, sentences_of
from ofsted_rag.embedding import MiniLMEmbedder, SentenceTransformerEmbedder, onnx_model
from ofsted_rag.store import PassageStore

HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn", "llama_index.core")


@pytest.fixture(scope="session")
def reference():
    return SentenceTransformerEmbedder()


def corpus_texts(settings, n: int) -> list[str]:
    """A random sample of what ingest embeds: passages with their context, and their sentences."""
    passages = random.Random(7).sample(PassageStore(settings).all_passages(), n)
    texts = []
    for p in passages:
        context = " · ".join(x for x in (p.council, p.body, format_date(p.date), p.item_title) if x)
        texts.append(f"{context}\n{p.text}")
        texts.extend(sentences_of(p.text))
    return texts


def test_vectors_equal_sentence_transformers_on_the_corpus(corpus_settings, embedder, reference):
    texts = corpus_texts(corpus_settings, 40)
    # Edge cases of tokenisation: longer than the 256-token limit (truncated the same way),
    # padding beside a long text, surrounding space, no words at all.
    longest = max((p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")), key=len)
    texts += [longest[:6000], "  CP plans  ", "a", "", "£ – ’ é"]
    ours = np.asarray(embedder.embed_batch(texts))
    theirs = np.asarray(reference.embed_batch(texts))
    cosine = np.sum(ours * theirs, axis=1)
    assert len(texts) > 100
    assert float(1 - cosine.min()) < 1e-4, texts[int(cosine.argmin())][:80]
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_one_text_or_many_give_the_same_vector(embedder):
    """A question alone (the one-thread session) and inside a batch (the many-thread one, padded
    beside longer texts) is the same vector."""
    texts = [p.read_text(encoding="utf-8")[:1500] for p in sorted(CORPUS.glob("*.txt"))] * 3
    texts.append("How many children were on child protection plans?")
    batch = np.asarray(embedder.embed_batch(texts))
    alone = np.asarray(embedder.embed_batch([texts[-1]]))[0]
    assert float(np.dot(batch[-1], alone)) > 1 - 1e-5


def test_the_export_is_made_once_whoever_asks_for_it_at_the_same_time(tmp_path, embedder):
    """Two threads on an empty cache: one exports, the other waits; the graph is moved into
    place whole, and gives the same vectors as the shared one."""
    cache = tmp_path / "cache"
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(onnx_model(cache))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] == got[1] and got[0].exists()
    assert sorted(p.name for p in cache.glob("*.onnx")) == [got[0].name]
    assert not list(cache.glob(".export-*")), "a temporary file was left behind"
    fresh = MiniLMEmbedder(cache).embed_batch(["The committee noted the report."])[0]
    assert float(np.dot(fresh, embedder.embed_batch(["The committee noted the report."])[0])) > 1 - 1e-6


def run_python(code: str, home, cache) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OFSTED_RAG_HOME=str(home), OFSTED_RAG_CORPUS=str(CORPUS),
               OFSTED_RAG_MODEL_CACHE=str(cache))
    env.pop("OFSTED_RAG_CHROMA_URL", None)
    env.pop("OFSTED_RAG_LLM", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


REPORT = f"import json, sys; print(json.dumps({{'rc': rc, 'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))"


def test_asking_does_not_load_torch(corpus_settings, embedder):
    code = ("import contextlib, io\nfrom ofsted_rag.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    rc = main(['ask', '--json', 'When was the last Ofsted inspection of children services?'])\n"
            "assert 'citations' in json.loads(out.getvalue())\n" + REPORT)
    got = run_python("import json\n" + code, corpus_settings.home, embedder.cache)
    assert got == {"rc": 0, "heavy": []}


def test_ingesting_does_not_load_torch(tmp_path, embedder):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.txt").write_text((ROOT / "tests" / "fixtures" / "invented_monitoring_letter.txt").read_text())
    code = f"from ofsted_rag.cli import main\nrc = main(['ingest', '--quiet', {str(folder)!r}])\n" + REPORT
    got = run_python(code, tmp_path / "data", embedder.cache)
    assert got == {"rc": 0, "heavy": []}


def test_importing_the_cli_loads_nothing_heavy(tmp_path, embedder):
    code = ("import sys\nimport ofsted_rag.cli\nrc = 0\n"
            "heavy = [m for m in ('chromadb', 'onnxruntime', 'bm25s', 'streamlit', 'numpy', 'rich') if m in sys.modules]\n"
            "import json\nprint(json.dumps({'rc': rc, 'heavy': heavy}))")
    assert run_python(code, tmp_path, embedder.cache) == {"rc": 0, "heavy": []}


def test_the_app_answers_without_loading_torch_or_llama_index(corpus_settings, embedder):
    """The app's first page builds the engine and warms it up; then one question."""
    code = ("from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=300).run()\n"
            "assert not at.exception, at.exception\n"
            "at.chat_input[0].set_value('What did Ofsted find about children in care?').run()\n"
            "assert not at.exception and len(at.chat_message) >= 2\n"
            "rc = 0\n" + REPORT)
    assert run_python(code, corpus_settings.home, embedder.cache) == {"rc": 0, "heavy": []}


def test_a_model_cache_that_cannot_be_written_says_which_setting_to_change(tmp_path):
    from ofsted_rag.errors import ModelError

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelError, match="OFSTED_RAG_MODEL_CACHE"):
        MiniLMEmbedder(blocker / "cache").embed_batch(["The committee noted the report."])
