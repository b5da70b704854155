"""Server mode: with OFSTED_RAG_CHROMA_URL set, ingest and ask go to a real Chroma server.

A session fixture starts `chroma run` from the venv on a free loopback port with its data in a
temporary folder, waits for its heartbeat and stops it afterwards. Each test uses its own
collection on that server, so tests do not see each other's passages.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, make_settings
from ofsted_rag.engine import Engine
from ofsted_rag.errors import StoreError
from ofsted_rag.ingest import ingest
from ofsted_rag.store import SEARCH_BREADTH, PassageStore

BIN = Path(sys.executable).parent
CHROMA = BIN / "chroma"
OFSTED_RAG = BIN / "ofsted-rag"
HEARTBEAT_WAIT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> str:
    """The URL of a Chroma server run from the venv for this test session."""
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "wb")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + HEARTBEAT_WAIT
        while not _heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(folder / 'server.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"no heartbeat from {url} in {HEARTBEAT_WAIT:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server_settings(chroma_server, tmp_path_factory, embedder):
    """The corpus ingested into the server (the data folder holds only the ingest lock)."""
    settings = make_settings(tmp_path_factory.mktemp("server-client") / "data", chroma_url=chroma_server,
                             collection="corpus_on_server")
    report = ingest([CORPUS], PassageStore(settings), embedder, settings)
    assert report.count("skipped") == 0, report.outcomes
    return settings


def _questions(step: int = 24) -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line.strip()]
    return [row["question"] for row in rows[::step]]


def test_server_store_holds_the_same_passages_and_registry(server_settings, corpus_settings):
    server, embedded = PassageStore(server_settings), PassageStore(corpus_settings)
    assert not server_settings.chroma_path.exists(), "server mode must not write an embedded store"
    assert server.count() == embedded.count() > 100
    # Searched as widely as an embedded store: the same exact nearest passages.
    assert server.passages.configuration_json["hnsw"]["ef_search"] == SEARCH_BREADTH
    assert {p.id: p for p in server.all_passages()} == {p.id: p for p in embedded.all_passages()}
    theirs = embedded.documents(with_text=True)
    ours = server.documents(with_text=True)
    assert ours.keys() == theirs.keys()
    for doc_id, record in ours.items():
        assert (record.refs, record.fingerprint, record.meta, record.text) == \
            (theirs[doc_id].refs, theirs[doc_id].fingerprint, theirs[doc_id].meta, theirs[doc_id].text)
    sample = sorted(server.all_ids())[:20]
    got, want = server.embeddings(sample), embedded.embeddings(sample)
    for pid in sample:
        assert max(abs(a - b) for a, b in zip(got[pid], want[pid])) < 1e-5


def test_same_questions_give_the_same_citations(server_settings, corpus_settings, embedder):
    on_server = Engine(server_settings, embedder=embedder)
    embedded = Engine(corpus_settings, embedder=embedder)
    questions = _questions()
    assert len(questions) >= 5
    answered = 0
    for question in questions:
        a, b = on_server.ask(question), embedded.ask(question)
        assert [c.passage.id for c in a.citations] == [c.passage.id for c in b.citations], question
        assert (a.refused, a.text) == (b.refused, b.text), question
        answered += not a.refused
    assert answered >= len(questions) // 2


def test_a_second_app_sees_another_machines_ingest(chroma_server, tmp_path, embedder):
    """Two app users on one server: the second's lexical index follows the first one's ingest
    (the generation number lives in the server, not on either machine)."""
    shared = {"chroma_url": chroma_server, "collection": "two_users"}
    ingest_host = make_settings(tmp_path / "ingest-host", **shared)
    app_user = make_settings(tmp_path / "app-user", **shared)
    ingest([CORPUS / "003_acc0905617071dce.txt"], PassageStore(ingest_host), embedder, ingest_host)
    reader = Engine(app_user, embedder=embedder)
    before = reader.status()
    assert before.councils == ["Royal Borough of Windsor and Maidenhead"]

    ingest([CORPUS], PassageStore(ingest_host), embedder, ingest_host)
    after = reader.status()
    assert after.passages == PassageStore(ingest_host).count() > before.passages
    answer = reader.ask("how many priority actions did nottingham get?")
    assert not answer.refused
    assert any(c.passage.council == "Nottingham City Council" for c in answer.citations)


def test_reingest_on_the_server_embeds_nothing(server_settings, embedder):
    report = ingest([CORPUS], PassageStore(server_settings), embedder, server_settings)
    assert report.embedded == 0 and report.count("unchanged") == 5


def _closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # bound then released: nothing listens there


@pytest.mark.parametrize("args", [["ingest", str(CORPUS)], ["sources"], ["ask", "how many priority actions did nottingham get?"]],
                         ids=["ingest", "sources", "ask"])
def test_unreachable_server_is_one_line_for_the_cli(tmp_path, args):
    url = _closed_port_url()
    env = dict(os.environ, OFSTED_RAG_HOME=str(tmp_path / "data"), OFSTED_RAG_CHROMA_URL=url)
    done = subprocess.run([str(OFSTED_RAG), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ofsted-rag:"), done.stderr
    assert url in lines[0] and "Traceback" not in done.stderr


def test_unreachable_server_raises_store_error(tmp_path):
    url = _closed_port_url()
    settings = make_settings(tmp_path / "data", chroma_url=url)
    with pytest.raises(StoreError, match="cannot reach the Chroma server"):
        PassageStore(settings)
    with pytest.raises(StoreError):
        Engine(settings)
