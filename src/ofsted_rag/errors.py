"""Domain errors. Each message is one line a councillor or officer can act on."""

from __future__ import annotations


class OfstedRagError(Exception):
    """Base class: anything the CLI or app shows as a one-line message instead of a traceback."""


class ConfigError(OfstedRagError):
    """A setting has a value we cannot use; the message names the variable and the value."""


class UsageError(OfstedRagError):
    """A command line that cannot be run as given; the message says what to change."""


class DocumentError(OfstedRagError):
    """A source file cannot be ingested. The message names the file and the reason."""

    def __init__(self, file_name: str, reason: str) -> None:
        self.file_name = file_name
        self.reason = reason
        super().__init__(f"{file_name}: {reason}")


class ModelError(OfstedRagError):
    """The embedding model cannot be prepared (exported to ONNX or loaded)."""


class StoreError(OfstedRagError):
    """The passage store cannot be reached or is not in a usable state."""


class EmptyStoreError(StoreError):
    """A question was asked before anything was ingested."""

    def __init__(self) -> None:
        super().__init__("Nothing has been ingested yet: run `ofsted-rag ingest` first.")


class IngestLockedError(StoreError):
    """Another ingest holds the store's write lock."""


class PruneRefused(OfstedRagError):
    """`ingest --prune` was stopped before removing anything: a named folder does not exist, or
    it would remove so much that a mistyped path is likelier than intent (needs --yes)."""
