"""How well metadata is inferred: the development corpus's stored metadata against its truth.

eval/corpus/ is ingested with no manifest, so every council, date, kind and committee the store
holds for it was read from a URL, file name, header line or text. eval/corpus_truth.toml says what
each document really is (while the development corpus is written in parts, every
eval/corpus_truth_*.toml is read instead). Per field, the figure is the share of documents whose
stored value equals the truth; a field the truth leaves empty ("" or absent) is right only when the
store leaves it empty too, since inventing a council is worse than not knowing it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ofsted_rag import places
from ofsted_rag.documents import DocumentMeta, fold
from ofsted_rag.evaluation.dataset import EvalSetError, fold_text

FIELDS = ("council", "date", "kind", "body")
TRUTH_NAME = "corpus_truth.toml"


@dataclass(frozen=True)
class Truth:
    """What one development document really is (empty strings and None: it does not say)."""

    file: str
    council: str = ""
    body: str = ""
    date: dt.date | None = None
    kind: str = ""


@dataclass(frozen=True)
class Mismatch:
    file: str
    field: str
    stored: str
    truth: str


@dataclass(frozen=True)
class MetadataFigures:
    """Per field, how many of the documents checked have stored metadata equal to the truth."""

    documents: int
    right: dict[str, int]
    mismatches: tuple[Mismatch, ...]
    missing: tuple[str, ...]  # truth rows whose file the store does not hold
    sources: tuple[str, ...]  # the truth files read

    def share(self, field: str) -> float | None:
        return self.right[field] / self.documents if self.documents else None


def truth_files(eval_dir: Path) -> list[Path]:
    """eval/corpus_truth.toml, or while it is written in parts, eval/corpus_truth_*.toml."""
    whole = eval_dir / TRUTH_NAME
    return [whole] if whole.is_file() else sorted(eval_dir.glob("corpus_truth_*.toml"))


def load_truth(paths: Sequence[Path]) -> list[Truth]:
    """The [[document]] rows of the truth files.

    Raises:
        EvalSetError: a file is not TOML, a row has no file, or a file is described twice.
    """
    out: dict[str, Truth] = {}
    for path in paths:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise EvalSetError(f"{path}: {exc}") from None
        for n, row in enumerate(data.get("document", []), start=1):
            name = row.get("file")
            if not name:
                raise EvalSetError(f"{path}: document {n} has no file")
            if name in out:
                raise EvalSetError(f"{path}: {name} is described twice")
            date = row.get("date")
            if date is not None and not isinstance(date, dt.date):
                raise EvalSetError(f"{path}: {name}: date {date!r} is not a TOML date (YYYY-MM-DD)")
            out[name] = Truth(name, row.get("council") or "", row.get("body") or "", date, row.get("kind") or "")
    return list(out.values())


def same_council(stored: str | None, truth: str) -> bool:
    """Whether a stored council is the true one: equal when folded, or both naming one authority
    of the gazetteer ("Kirklees Council" is "Kirklees Metropolitan Borough Council")."""
    if not truth or not stored:
        return not truth and not stored
    if fold(stored) == fold(truth):
        return True
    return any(places.corpus_councils_for(a, [stored]) for a in places.mentioned(truth))


def _same(field: str, stored: DocumentMeta, truth: Truth) -> bool:
    if field == "council":
        return same_council(stored.council, truth.council)
    if field == "date":
        return stored.date == truth.date
    if field == "kind":
        return (stored.kind or "") == truth.kind
    return fold_text(stored.body or "") == fold_text(truth.body)


def _shown(value: object) -> str:
    return "(none)" if value in (None, "") else str(value)


def check_metadata(truths: Sequence[Truth], stored: Mapping[str, DocumentMeta], sources: Sequence[Path] = ()) -> MetadataFigures:
    """Compare stored metadata (by file name) with the truth, field by field."""
    right = dict.fromkeys(FIELDS, 0)
    mismatches: list[Mismatch] = []
    missing: list[str] = []
    checked = 0
    for truth in truths:
        meta = stored.get(truth.file)
        if meta is None:
            missing.append(truth.file)
            continue
        checked += 1
        for field in FIELDS:
            if _same(field, meta, truth):
                right[field] += 1
            else:
                mismatches.append(Mismatch(truth.file, field, _shown(getattr(meta, field)), _shown(getattr(truth, field))))
    return MetadataFigures(checked, right, tuple(mismatches), tuple(missing), tuple(p.name for p in sources))
