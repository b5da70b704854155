"""The LLM answerer against servers that misbehave (issue 11, point 7): one that accepts
connections and never replies, and a port nobody listens on. Both are real sockets on 127.0.0.1;
the answerer must fall back to the extractive answer within its timeout, retry at most once, and
say so in one line."""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import replace

import pytest

from ofsted_rag import cli
from ofsted_rag.answer import ExtractiveAnswerer
from ofsted_rag.config import Settings
from ofsted_rag.engine import Engine
from ofsted_rag.llm import LLMAnswerer

QUESTION = "How many Priority Actions did Ofsted issue after the focused visit?"


class SilentServer:
    """Accepts every connection, reads what is sent, never answers. Counts connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.open.append(conn)  # held open, never written to

    def close(self) -> None:
        self.sock.close()
        for conn in self.open:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def llm_settings(base: Settings, port: int, **overrides) -> Settings:
    return replace(base, llm="openai", llm_model="any-model", llm_base_url=f"http://127.0.0.1:{port}/v1", **overrides)


def fallback_step(answer) -> str:
    return next(s.detail for s in answer.steps if s.title == "llm fallback")


def test_defaults_are_a_5_second_connect_and_a_30_second_reply_with_one_retry():
    settings = Settings.from_env({"OFSTED_RAG_LLM": "openai", "OFSTED_RAG_LLM_MODEL": "m"})
    assert (settings.llm_connect_timeout, settings.llm_timeout) == (5.0, 30.0)
    answerer = LLMAnswerer.from_settings(settings, fallback=ExtractiveAnswerer())
    client = answerer.llm._get_client()
    assert (client.timeout.connect, client.timeout.read) == (5.0, 30.0)
    assert client.max_retries == 1 and answerer.llm.max_retries == 0
    assert answerer.timeout == 30.0
    custom = Settings.from_env({"OFSTED_RAG_LLM": "openai", "OFSTED_RAG_LLM_MODEL": "m",
                                "OFSTED_RAG_LLM_CONNECT_TIMEOUT": "2", "OFSTED_RAG_LLM_TIMEOUT": "12.5"})
    assert (custom.llm_connect_timeout, custom.llm_timeout) == (2.0, 12.5)


def test_a_server_that_never_replies_falls_back_within_the_timeout(corpus_settings, embedder, silent_server):
    engine = Engine(llm_settings(corpus_settings, silent_server.port, llm_timeout=3.0), embedder=embedder)
    started = time.perf_counter()
    answer = engine.ask(QUESTION)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0 + 10.0, f"the question took {elapsed:.0f} s"
    assert "no reply within 3 s" in fallback_step(answer)
    assert not answer.refused and answer.citations, "the extractive answer is shown"
    time.sleep(3.5)  # let the abandoned call's own read timeout and its one retry play out
    assert silent_server.connections <= 2, f"{silent_server.connections} connections: more than one retry"


def test_a_refused_port_falls_back_at_once_and_quietly(corpus_settings, embedder, caplog, capsys):
    engine = Engine(llm_settings(corpus_settings, closed_port()), embedder=embedder)
    with caplog.at_level(logging.WARNING):
        started = time.perf_counter()
        answer = engine.ask(QUESTION)
        elapsed = time.perf_counter() - started
    assert elapsed < 10.0, f"the question took {elapsed:.0f} s"
    assert "the model call failed (APIConnectionError" in fallback_step(answer)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "retry warnings were logged"
    assert capsys.readouterr().err == ""


def test_cli_says_in_one_line_that_it_fell_back(corpus_settings, silent_server, monkeypatch, capsys):
    for name, value in {"OFSTED_RAG_HOME": str(corpus_settings.home), "OFSTED_RAG_LLM": "openai",
                        "OFSTED_RAG_LLM_MODEL": "any-model", "OFSTED_RAG_LLM_TIMEOUT": "2",
                        "OFSTED_RAG_LLM_BASE_URL": f"http://127.0.0.1:{silent_server.port}/v1"}.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ofsted-rag: the LLM's answer was not used: ")
    assert "no reply within 2 s" in lines[0]
    assert "Priority Actions" in out
