"""One settings object, read once from the environment (prefix OFSTED_RAG_).

Every variable is listed in `.env.example`. Secrets are referred to by the name of the variable
that holds them, never stored here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ofsted_rag.errors import ConfigError

PREFIX = "OFSTED_RAG_"


def default_model_cache() -> Path:
    """The user's cache folder (XDG_CACHE_HOME, else ~/.cache), shared by every data folder:
    the exported graph depends on the model, not on the documents."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ofsted-rag"


@dataclass(frozen=True)
class Settings:
    """Where data lives and how retrieval and answering behave.

    Attributes:
        home: the data folder (Chroma store, uploads, lock file).
        corpus: the folder `ingest` reads by default.
        chroma_url: a Chroma server (http://host:port) instead of the embedded store under `home`.
        collection: the Chroma collection name for passages.
        top_k: passages retrieved per question.
        answer_sentences: the most sentences an extractive answer has.
        max_file_mb: files over this size are rejected.
        llm: "" (none: extractive answers), "openai" (an OpenAI-compatible server) or "ollama".
        llm_model, llm_base_url: which model and where.
        llm_api_key_var: the name of the environment variable that holds the API key.
        llm_connect_timeout: seconds to wait for the model server to accept a connection.
        llm_timeout: seconds the whole reply may take (a retry included); past that, the
            extractive answer is shown.
        editor_password_hash: the scrypt hash of the editors' password (`ofsted-rag
            hash-password`); unset = no password sign-in (see auth.py for what then applies).
        model_cache: where the embedding model's ONNX graph is exported to, once.
        embed_int8: embed with int8-quantised weights (off: it moves vectors, see README).
        fetch_rate: the most requests `fetch` and `sync` send per second to any one host.
        fetch_timeout: seconds one request may take before it is tried again.
        fetch_retries: how many times a request that timed out or got a 5xx answer is tried again.
    """

    home: Path = Path("data")
    corpus: Path = Path("corpus")
    chroma_url: str | None = None
    collection: str = "ofsted_passages"
    top_k: int = 8
    answer_sentences: int = 5
    max_file_mb: float = 25.0
    llm: str = ""
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key_var: str = "OPENAI_API_KEY"
    llm_connect_timeout: float = 5.0
    llm_timeout: float = 30.0
    editor_password_hash: str | None = None
    model_cache: Path = field(default_factory=default_model_cache)
    embed_int8: bool = False
    fetch_rate: float = 1.0
    fetch_timeout: float = 20.0
    fetch_retries: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Settings from OFSTED_RAG_* variables; unset ones keep their defaults.

        Raises:
            ConfigError: a value cannot be used; the message names the variable and the value.
        """
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name)
            return value.strip() if value and value.strip() else None

        base = cls()
        settings = replace(
            base,
            home=Path(get("HOME") or base.home),
            corpus=Path(get("CORPUS") or base.corpus),
            chroma_url=get("CHROMA_URL"),
            collection=get("COLLECTION") or base.collection,
            top_k=_int(get("TOP_K"), "TOP_K", base.top_k, 1, 100),
            answer_sentences=_int(get("ANSWER_SENTENCES"), "ANSWER_SENTENCES", base.answer_sentences, 1, 20),
            max_file_mb=_float(get("MAX_FILE_MB"), "MAX_FILE_MB", base.max_file_mb),
            llm=(get("LLM") or "").lower(),
            llm_model=get("LLM_MODEL"),
            llm_base_url=get("LLM_BASE_URL"),
            llm_api_key_var=get("LLM_API_KEY_VAR") or base.llm_api_key_var,
            llm_connect_timeout=_float(get("LLM_CONNECT_TIMEOUT"), "LLM_CONNECT_TIMEOUT", base.llm_connect_timeout),
            llm_timeout=_float(get("LLM_TIMEOUT"), "LLM_TIMEOUT", base.llm_timeout),
            editor_password_hash=get("EDITOR_PASSWORD_HASH"),
            model_cache=Path(get("MODEL_CACHE") or base.model_cache),
            embed_int8=_flag(get("EMBED_INT8"), "EMBED_INT8"),
            fetch_rate=_float(get("FETCH_RATE"), "FETCH_RATE", base.fetch_rate),
            fetch_timeout=_float(get("FETCH_TIMEOUT"), "FETCH_TIMEOUT", base.fetch_timeout),
            fetch_retries=_int(get("FETCH_RETRIES"), "FETCH_RETRIES", base.fetch_retries, 0, 10),
        )
        if settings.editor_password_hash:
            from ofsted_rag.auth import check_hash_format

            check_hash_format(settings.editor_password_hash)
        if settings.llm not in ("", "none", "openai", "ollama"):
            raise ConfigError(f"{PREFIX}LLM={settings.llm!r}: use 'openai' (any OpenAI-compatible server), 'ollama', or leave it unset")
        if settings.llm == "none":
            settings = replace(settings, llm="")
        if settings.llm and not settings.llm_model:
            raise ConfigError(f"{PREFIX}LLM={settings.llm!r} needs {PREFIX}LLM_MODEL (the model name)")
        if settings.chroma_url and not settings.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(f"{PREFIX}CHROMA_URL={settings.chroma_url!r}: use http://host:port")
        return settings

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def uploads(self) -> Path:
        return self.home / "uploads"

    @property
    def fetched(self) -> Path:
        """Raw bytes of fetched pages, named by content hash, and what each address last gave."""
        return self.home / "fetched"


def _int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{PREFIX}{name}={value} is outside {low}..{high}")
    return value


def _float(raw: str | None, name: str, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigError(f"{PREFIX}{name}={value} must be above 0")
    return value


def _flag(raw: str | None, name: str) -> bool:
    if raw is None:
        return False
    value = raw.lower()
    if value not in ("1", "0", "true", "false", "yes", "no"):
        raise ConfigError(f"{PREFIX}{name}={raw!r}: use 1 or 0")
    return value in ("1", "true", "yes")
