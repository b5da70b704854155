"""Shared fixtures: the real packaged embedding model and real Chroma stores in temp folders.

The corpus is ingested once per test session into a read-only store (`corpus_settings`); tests
that change a store make their own under `tmp_path`.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest

from ofsted_rag.config import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def block_network(monkeypatch):
    """Fail any test that tries to reach beyond this machine: the product must work offline."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
            try:
                if not ipaddress.ip_address(host).is_loopback:
                    raise RuntimeError(f"test tried to reach the network: {address}")
            except ValueError:
                if host != "localhost":
                    raise RuntimeError(f"test tried to reach the network: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def embedder():
    from ofsted_rag.embedding import default_embedder

    model = default_embedder()
    model.warm_up()
    return model


def make_settings(home: Path, **overrides) -> Settings:
    """Settings for a store under `home`, ignoring the developer's own environment."""
    values = {"home": home, "corpus": CORPUS}
    values.update(overrides)
    return Settings(**values)


def engine_over(files: dict[str, str], folder: Path, embedder):
    """An Engine over a store holding these files (name -> text), written to `folder` and ingested
    into a store beside it: the set-up of tests that need a few invented documents."""
    from ofsted_rag.engine import Engine
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = make_settings(folder.parent / f"{folder.name}-store", corpus=folder)
    ingest([folder], PassageStore(settings), embedder, settings)
    return Engine(settings, embedder=embedder)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, embedder) -> Settings:
    """A store holding the shipped corpus, ingested once. Treat it as read-only."""
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    settings = make_settings(tmp_path_factory.mktemp("corpus-store") / "data")
    report = ingest([CORPUS], PassageStore(settings), embedder, settings)
    assert report.count("skipped") == 0, report.outcomes
    return settings


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus folder (with its manifest)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def eval_store(tmp_path_factory, embedder):
    """A store holding corpus/ and the development corpus eval/corpus/ (no manifest), as the eval
    builds its own."""
    from ofsted_rag.evaluation.runner import prepare_eval_store

    settings = make_settings(tmp_path_factory.mktemp("eval-store") / "data")
    report = prepare_eval_store(settings, ROOT / "eval", embedder)
    assert report.count("skipped") == 0, [o for o in report.outcomes if o.status == "skipped"]
    return settings
