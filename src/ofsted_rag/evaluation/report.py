"""Rendering an eval run: the markdown report, the `--json` object and the terminal tables."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from ofsted_rag.evaluation.gate import LABELS_NAME
from ofsted_rag.evaluation.metrics import RANKS, Figures, QuestionResult, SystemRun

if TYPE_CHECKING:
    from ofsted_rag.evaluation.runner import EvalRun

DEFINITIONS = """\
Definitions (per type and overall):
- gold passages: the stored passages whose folded text contains a gold entry's evidence phrase and
  one of whose sources is the gold file (and item and point, when given). A gold entry that maps to
  nothing stops the eval: the eval set and the store disagree.
- recall@k: per answerable question, the share of its gold entries found in the top k of
  `engine.retrieve(question, top_k=10)`; MRR: 1 / rank of the first gold passage (0 beyond 10).
- cites gold: share of answerable questions whose answer cites at least one gold passage; all
  relevant: share of answerable questions whose answer has citations, each of them gold or judged
  to support a sentence that cites it. A refusal fails both.
- citation recall and precision (ALCE, Gao et al. 2023), with `support.judge_support` for the NLI
  model: a sentence is supported when the concatenation of its cited passages supports it; a
  citation is irrelevant when it alone does not support its sentence and the other citations do.
  Both are averaged per answer, then over answered questions.
- groundedness: share of all answer sentences supported by their citations.
- refusal precision / recall: of refusing on unanswerable questions; false refusals: share of
  answerable questions refused.
- latency: seconds per `engine.ask`, after a warm-up question.
- baseline (`--baseline`, see baseline.py): a chunk is gold when it contains a gold evidence phrase
  (folded); recall and MRR over its top 10 chunks, citations are CitationQueryEngine's source chunks
  for dense top 5, relevant only when gold (it writes no sentences to judge).
"""


ROWS: tuple[tuple[str, str, str], ...] = (
    # (label, Figures field, format: "%" share, "s" seconds, "n" count, "f" float)
    ("retrieval recall@1", "recall_at_1", "f"),
    ("retrieval recall@5", "recall_at_5", "f"),
    ("retrieval recall@10", "recall_at_10", "f"),
    ("MRR", "mrr", "f"),
    ("cites >= 1 gold passage", "cites_gold", "f"),
    ("citations all relevant", "all_relevant", "f"),
    ("ALCE citation recall", "citation_recall", "f"),
    ("ALCE citation precision", "citation_precision", "f"),
    ("groundedness (sentences supported)", "groundedness", "f"),
    ("answer sentences judged", "sentences", "n"),
    ("refusal precision", "refusal_precision", "f"),
    ("refusal recall", "refusal_recall", "f"),
    ("false refusals (answerable)", "false_refusal_rate", "f"),
    ("cited text per answer (chars)", "cited_chars", "n"),
    ("latency p50 (s)", "latency_p50", "s"),
    ("latency p95 (s)", "latency_p95", "s"),
)

def _fmt(value: float | int | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "n":
        return f"{value:.0f}"
    if kind == "s":
        return f"{value:.3f}"
    return f"{value:.3f}"


def overall_rows(run: EvalRun) -> list[list[str]]:
    """[metric, ours, baseline] rows of the side-by-side table ([metric, ours] without baseline)."""
    systems = [s for s in (run.ours, run.baseline) if s]
    return [[label, *(_fmt(getattr(s.overall, attr), kind) for s in systems)] for label, attr, kind in ROWS]


def type_table(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the by-type table: a metric per row, a type per column, each cell
    "ours / baseline" when the baseline ran."""
    names = [*run.ours.by_type, "overall"]

    def cell(system: SystemRun, name: str, attr: str, kind: str) -> str:
        figures = system.overall if name == "overall" else system.by_type.get(name)
        return _fmt(getattr(figures, attr), kind) if figures else "—"

    rows = [["questions", *(cell(run.ours, n, "questions", "n") for n in names)]]
    for label, attr, kind in ROWS:
        if attr == "sentences":
            continue
        cells = []
        for n in names:
            text = cell(run.ours, n, attr, kind)
            if run.baseline:
                text += " / " + cell(run.baseline, n, attr, kind)
            cells.append(text)
        rows.append([label, *cells])
    title = "metric (ours / baseline)" if run.baseline else "metric"
    return [title, *names], rows


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "l") -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":---"] + [(":---" if align == "l" else "---:")] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def failures(system: SystemRun) -> list[QuestionResult]:
    return [r for r in system.results if r.problems()]


def describe_failure(r: QuestionResult) -> list[str]:
    """A failing question in a few lines: what was wrong, retrieved and cited."""
    lines = [f"{r.id} [{r.type}] {r.question}", f"  problems: {'; '.join(r.problems())}"]
    if r.answerable:
        ranks = ", ".join("-" if x is None else str(x) for x in r.gold_ranks)
        lines.append(f"  gold ranks (top {RANKS}): {ranks}")
    lines.append(f"  retrieved top 5: {' | '.join(r.retrieved)}")
    answer = " ".join(r.answer.split())
    lines.append(f"  answer: {answer if len(answer) <= 400 else answer[:400] + '…'}")
    if not r.refused:
        for n, c in enumerate(r.citations, start=1):
            mark = "gold" if c.gold else ("supports" if c.supports else "IRRELEVANT")
            lines.append(f"  [{n}] {c.label} ({mark})")
        for s in r.sentences:
            if not s.supported:
                lines.append(f"  unsupported: {s.text!r} ({s.reason})")
    return lines


def render_markdown(run: EvalRun) -> str:
    ours = run.ours
    out = [
        "# Eval report",
        "",
        f"Generated {run.when} by `{run.command}` "
        f"({len(ours.results)} questions from `{run.eval_set}`; store {run.documents} documents, "
        f"{run.passages} passages; {run.seconds:.1f} s in all). Regenerated on every run: do not edit.",
        "",
        f"- **ours**: {ours.description}.",
    ]
    if run.baseline:
        out.append(f"- **baseline**: {run.baseline.description}.")
    header = ["metric", "ours", "baseline"] if run.baseline else ["metric", "ours"]
    out += ["", "## Overall", "", _markdown_table(header, overall_rows(run), align="r"), ""]
    if run.baseline:
        out += ["The baseline has no answer text of its own (its cited chunks are the answer), so the "
                "sentence-level figures (ALCE, groundedness) do not apply to it, and it never refuses. "
                "Its citations are whole chunks: \"cited text per answer\" is how much a reader must check "
                "to verify one answer (the stored passages hold "
                f"{run.corpus_chars:,} characters in all).", ""]
    header, rows = type_table(run)
    out += ["## By question type" + (" (ours / baseline)" if run.baseline else ""), "",
            _markdown_table(header, rows, align="r"), ""]
    out += ["## Timings", "",
            f"- ours: warm-up {ours.setup_seconds:.1f} s, {len(ours.results)} questions in {ours.run_seconds:.1f} s "
            f"(each asked once, timed, through `ask`, then retrieved again untimed for the retrieval figures); "
            f"wall-clock on {os.cpu_count()} CPUs, so latency moves with the machine's load."]
    if run.baseline:
        out.append(f"- baseline: import, chunk, embed and index {run.baseline.setup_seconds:.1f} s, "
                   f"{len(run.baseline.results)} questions in {run.baseline.run_seconds:.1f} s.")
    out.append("")
    if run.judge:
        j = run.judge
        out += ["## Support judge", "",
                f"`support.judge_support` agrees with {j.agree}/{j.rows} hand-labelled pairs in "
                f"`eval/{LABELS_NAME}` ({j.accuracy:.1%}) and catches {j.caught}/{j.unsupported} of the "
                "unsupported ones."]
        out += [f"- disagrees on {d}" for d in j.disagreements]
        out.append("")
    if run.gate or run.notes:
        out += ["## Gate (`eval/thresholds.toml`)", ""]
        out += [f"- {c.describe()}" for c in run.gate]
        out += [f"- {n}" for n in run.notes]
        out.append("")
    failed = failures(ours)
    out += ["## Failing questions (ours)", ""]
    if failed:
        out.append("```")
        for r in failed:
            out += describe_failure(r)
        out.append("```")
    else:
        out.append("None.")
    out += ["", "## Definitions", "", DEFINITIONS.split("\n", 1)[1].strip(), ""]
    return "\n".join(out)


def _figures_json(f: Figures) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(f).items()}


def _system_json(s: SystemRun) -> dict:
    return {
        "description": s.description,
        "overall": _figures_json(s.overall),
        "by_type": {t: _figures_json(f) for t, f in s.by_type.items()},
        "setup_seconds": round(s.setup_seconds, 2),
        "run_seconds": round(s.run_seconds, 2),
    }


def run_to_json(run: EvalRun) -> dict:
    """The `--json` object."""
    return {
        "command": run.command,
        "generated": run.when,
        "eval_set": run.eval_set,
        "store": {"location": run.store, "documents": run.documents, "passages": run.passages,
                  "characters": run.corpus_chars},
        "ours": _system_json(run.ours),
        "baseline": _system_json(run.baseline) if run.baseline else None,
        "judge": ({"rows": run.judge.rows, "agree": run.judge.agree, "accuracy": round(run.judge.accuracy, 4),
                   "unsupported": run.judge.unsupported, "caught": run.judge.caught,
                   "disagreements": list(run.judge.disagreements)} if run.judge else None),
        "gate": {"passed": run.gate_passed, "checks": [asdict(c) for c in run.gate], "notes": list(run.notes)},
        "failures": [
            {"id": r.id, "type": r.type, "question": r.question, "problems": r.problems(),
             "gold_ranks": list(r.gold_ranks), "retrieved": list(r.retrieved), "refused": r.refused,
             "answer": r.answer, "citations": [{"label": c.label, "gold": c.gold, "supports": c.supports} for c in r.citations],
             "unsupported": [s.text for s in r.sentences if not s.supported]}
            for r in failures(run.ours)
        ],
        "seconds": round(run.seconds, 2),
    }


def print_tables(run: EvalRun) -> None:
    from rich.console import Console
    from rich.table import Table

    # Wide enough for the by-type table when stdout is a file or a pipe (rich assumes 80 columns).
    console = Console(width=None if sys.stdout.isatty() else 140)
    table = Table(title=f"ofsted-rag eval: {len(run.ours.results)} questions", show_header=True)
    table.add_column("metric")
    table.add_column("ours", justify="right")
    if run.baseline:
        table.add_column("llama-index baseline", justify="right")
    for row in overall_rows(run):
        table.add_row(*row)
    console.print(table)
    header, rows = type_table(run)
    by_type = Table(title="by question type", show_header=True)
    by_type.add_column(header[0])
    for name in header[1:]:
        by_type.add_column(name, justify="right")
    for row in rows:
        by_type.add_row(*row)
    console.print(by_type)
    if run.judge:
        console.print(f"support judge: {run.judge.agree}/{run.judge.rows} labelled pairs agree "
                      f"({run.judge.accuracy:.1%}); catches {run.judge.caught}/{run.judge.unsupported} unsupported")
    failed = failures(run.ours)
    console.print(f"failing questions (ours): {len(failed)}"
                  + (": " + ", ".join(r.id for r in failed) if failed else ""))
    for c in run.gate:
        console.print(f"gate: {c.describe()}", style=None if c.passed else "bold red", highlight=False)
    for n in run.notes:
        console.print(n)

