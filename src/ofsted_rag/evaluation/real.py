"""Real public pages, measured locally and never tuned on.

eval/real/questions.jsonl holds questions ({"id", "question", "file", "type", "answer"}) about
pages kept out of git (other people's text): eval/real/pages/*.txt, with the evidence for each
answerable question in eval/real/pages/gold.jsonl ({"id", "evidence": [phrases]}). The pages are
ingested beside corpus/ with no manifest into a temporary store, as a new user's folder would be,
and each question is asked once. Figures:

- answered citing evidence: share of answerable questions whose answer cites a passage of the
  named file holding one of the evidence phrases (folded);
- refused: share of answerable questions refused;
- refusal recall: share of unanswerable questions refused;
- retrieval recall@5: share of answerable questions with such a passage in the top 5 retrieved.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ofsted_rag.config import Settings
from ofsted_rag.documents import StoredPassage
from ofsted_rag.evaluation.dataset import EvalSetError, fold_text

REAL_DIR = "real"
HEADING = "## Real pages"


def heading(name: str = REAL_DIR) -> str:
    """The report heading of a set of real pages: "## Real pages" for eval/real/, "## Real pages:
    real2" for another set (gathered later, each measured apart)."""
    return HEADING if name == REAL_DIR else f"{HEADING}: {name}"


class RealRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    question: str = Field(min_length=3)
    file: str | None = None
    type: str
    answer: str | None = None


@dataclass(frozen=True)
class RealResult:
    id: str
    file: str | None
    answerable: bool
    refused: bool
    cites_evidence: bool
    evidence_in_top5: bool


@dataclass(frozen=True)
class RealRun:
    name: str  # the set's folder under eval/
    when: dt.date
    pages: int
    results: tuple[RealResult, ...]
    missing_evidence: tuple[str, ...]   # answerable questions gold.jsonl gives no evidence for
    seconds: float

    def _share(self, rows: Sequence[RealResult], test: Callable[[RealResult], bool]) -> float | None:
        return sum(map(test, rows)) / len(rows) if rows else None

    @property
    def answerable(self) -> list[RealResult]:
        return [r for r in self.results if r.answerable]

    @property
    def unanswerable(self) -> list[RealResult]:
        return [r for r in self.results if not r.answerable]

    def figures(self) -> dict[str, float | None]:
        return {
            "answered citing evidence": self._share(self.answerable, lambda r: r.cites_evidence),
            "refused (answerable)": self._share(self.answerable, lambda r: r.refused),
            "refusal recall (unanswerable)": self._share(self.unanswerable, lambda r: r.refused),
            "retrieval recall@5": self._share(self.answerable, lambda r: r.evidence_in_top5),
        }


def real_paths(eval_dir: Path, name: str = REAL_DIR) -> tuple[Path, Path, Path]:
    """questions.jsonl, pages/ and pages/gold.jsonl of a set of real pages (eval/real/ by default)."""
    base = eval_dir / name
    return base / "questions.jsonl", base / "pages", base / "pages" / "gold.jsonl"


def absent_reason(eval_dir: Path, name: str = REAL_DIR) -> str | None:
    """Why the real pages cannot be measured here (None when they can)."""
    questions, pages, gold = real_paths(eval_dir, name)
    if not questions.is_file():
        return f"{questions} not found"
    if not pages.is_dir() or not any(pages.glob("*.txt")):
        return f"no pages in {pages} (they are kept out of git: see eval/{name}/README.md for how to gather them)"
    if not gold.is_file():
        return f"{gold} not found"
    return None


def _rows(path: Path) -> list[RealRow]:
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(RealRow.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise EvalSetError(f"{path} line {n}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return out


def _evidence(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["id"]] = [fold_text(e) for e in row.get("evidence", []) if e.strip()]
    return out


def _holds(p: StoredPassage, file: str | None, phrases: Sequence[str]) -> bool:
    """A passage of the named file (any file when none is named) holding an evidence phrase."""
    in_file = file is None or any(s.file_name == file for s in p.sources)
    text = fold_text(p.text)
    return in_file and any(phrase in text for phrase in phrases)


def measure_real(settings: Settings, eval_dir: Path, embedder=None,
                 progress: Callable[[str], None] | None = None, name: str = REAL_DIR) -> RealRun:
    """Ingest corpus/ and the real pages (no manifest) into a temporary store and ask each question.

    Raises:
        EvalSetError: the pages are absent (see `absent_reason`) or a file is malformed.
    """
    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.engine import Engine
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    reason = absent_reason(eval_dir, name)
    if reason:
        raise EvalSetError(reason)
    say = progress or (lambda _: None)
    started = time.perf_counter()
    questions_path, pages, gold_path = real_paths(eval_dir, name)
    rows = _rows(questions_path)
    evidence = _evidence(gold_path)
    embedder = embedder or default_embedder()
    page_files = sorted(pages.glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="ofsted-rag-real-") as home:
        store_settings = replace(settings, home=Path(home), chroma_url=None)
        say(f"ingesting {settings.corpus} and {len(page_files)} real pages (no manifest)")
        ingest([settings.corpus, *page_files], PassageStore(store_settings), embedder, store_settings)
        engine = Engine(store_settings, embedder=embedder)
        engine.warm_up()
        results = []
        missing = []
        for n, row in enumerate(rows, start=1):
            answerable = row.type != "unanswerable"
            phrases = evidence.get(row.id, [])
            if answerable and not phrases:
                missing.append(row.id)
            answer = engine.ask(row.question)
            ranked = [h.passage for h in engine.retrieve(row.question, top_k=5).hits]
            results.append(RealResult(
                row.id, row.file, answerable, answer.refused,
                answerable and not answer.refused and any(_holds(c.passage, row.file, phrases) for c in answer.citations),
                answerable and any(_holds(p, row.file, phrases) for p in ranked[:5]),
            ))
            if n % 20 == 0:
                say(f"{n}/{len(rows)} real-page questions")
    return RealRun(name, dt.date.today(), len(page_files), tuple(results), tuple(missing), time.perf_counter() - started)


def real_section(run: RealRun) -> list[str]:
    """The section of eval/report.md for one set of real pages."""
    answerable, unanswerable = len(run.answerable), len(run.unanswerable)
    flag = "" if run.name == REAL_DIR else f" --real-set {run.name}"
    out = [heading(run.name), "",
           f"Measured {run.when.isoformat()} by `ofsted-rag eval --real{flag}`: {len(run.results)} questions "
           f"({answerable} answerable, {unanswerable} unanswerable) about {run.pages} real public pages in "
           f"`eval/{run.name}/pages/` (kept out of git), ingested beside corpus/ with no manifest. "
           f"How the set was gathered, and what it has been used for, is in `eval/{run.name}/README.md`.", "",
           "| figure | value |", "|:---|---:|"]
    for name, value in run.figures().items():
        out.append(f"| {name} | {'—' if value is None else f'{value:.3f}'} |")
    out.append("")
    if run.missing_evidence:
        out += [f"No evidence in gold.jsonl for {len(run.missing_evidence)} answerable question(s), counted as "
                f"misses: {', '.join(run.missing_evidence)}.", ""]
    return out
