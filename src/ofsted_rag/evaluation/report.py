"""Rendering an eval run: the markdown report, the `--json` object and the terminal tables."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from ofsted_rag.evaluation.dataset import TYPES
from ofsted_rag.evaluation.gate import LABELS_NAME
from ofsted_rag.evaluation.metadata import FIELDS, MetadataFigures
from ofsted_rag.evaluation.metrics import RANKS, Figures, QuestionResult, SystemRun
from ofsted_rag.evaluation.real import HEADING as REAL_HEADING

if TYPE_CHECKING:
    from ofsted_rag.evaluation.runner import EvalRun

DEFINITIONS = """\
Definitions (per type and overall):
- gold passages: the stored passages whose folded text contains a gold entry's evidence phrase and
  one of whose sources is the gold file (and item and point, when given). A gold entry that maps to
  nothing stops the eval: the eval set and the store disagree.
- recall@k: per answerable question, the share of its gold entries found in the top k of
  `engine.retrieve(question, top_k=10)`, out of at most k (a question with more gold entries than k
  scores 1 when the top k are all gold, so recall@10 can be below recall@5 for a question with more than
  five gold entries); MRR: 1 / rank of the first gold passage (0 beyond 10).
- cites gold: share of answerable questions whose answer cites at least one gold passage; all
  relevant: share of answerable questions whose answer has citations, each of them gold or judged
  to support a sentence that cites it. A refusal fails both.
- first sentence cites gold: share of the answered answerable questions whose first answer
  sentence (the one a reader takes as the answer) cites a gold passage.
- citation recall and precision (ALCE, Gao et al. 2023), with `support.judge_support` for the NLI
  model: a sentence is supported when the concatenation of its cited passages supports it; a
  citation is irrelevant when it alone does not support its sentence and the other citations do.
  Both are averaged per answer, then over answered questions.
- groundedness: share of all answer sentences supported by their citations.
- refusal precision / recall: of refusing on unanswerable questions, and recall per reason a
  question is unanswerable (council not held; council held but another year, visit or committee;
  subject not covered; false premise); false refusals: share of answerable questions refused.
- splits: a question is in `test` when int(sha256(id).hexdigest()[:8], 16) % 5 < 2, else in
  `calibration`; the gate reads the test split.
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
    ("first sentence cites gold (answered)", "first_sentence_cites_gold", "f"),
    ("citations all relevant", "all_relevant", "f"),
    ("ALCE citation recall", "citation_recall", "f"),
    ("ALCE citation precision", "citation_precision", "f"),
    ("groundedness (sentences supported)", "groundedness", "f"),
    ("answer sentences judged", "sentences", "n"),
    ("refusal precision", "refusal_precision", "f"),
    ("refusal recall", "refusal_recall", "f"),
    ("  council not held", "refusal_recall_council_not_held", "f"),
    ("  other year, visit or committee", "refusal_recall_other_period", "f"),
    ("  subject not covered", "refusal_recall_subject_not_covered", "f"),
    ("  false premise", "refusal_recall_false_premise", "f"),
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


def columns(run: EvalRun) -> list[tuple[str, SystemRun, str]]:
    """The side-by-side columns: per split asked (test, the headline, first), ours then the
    baseline; as (header, system, split)."""
    splits = sorted(run.ours.splits, key=lambda s: s != "test")
    systems = [s for s in (run.ours, run.baseline) if s]
    return [(f"{split} {'ours' if system is run.ours else 'baseline'}" if run.baseline else split, system, split)
            for split in splits for system in systems]


def overall_rows(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the side-by-side table: a metric per row; a column per split and system."""
    cols = columns(run)
    figures = [system.figures(split=split) for _, system, split in cols]
    rows = [["questions", *(_fmt(f.questions if f else None, "n") for f in figures)]]
    rows += [[label, *(_fmt(getattr(f, attr) if f else None, kind) for f in figures)] for label, attr, kind in ROWS]
    return ["metric", *(c[0] for c in cols)], rows


def type_table(run: EvalRun, split: str = "test") -> tuple[list[str], list[list[str]]]:
    """Header and rows of the by-type table over one split (all questions when it has none): a
    metric per row, a type per column, each cell "ours / baseline" when the baseline ran."""
    if split not in run.ours.splits:
        split = "all"
    names = [t for t in TYPES if run.ours.figures(split=split, type=t)] + ["overall"]

    def cell(system: SystemRun, name: str, attr: str, kind: str) -> str:
        figures = system.figures(split=split, type=None if name == "overall" else name)
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


def source_table(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Our figures per question file (all splits asked): the shipped corpus's own questions are
    watched on their own, so work on other documents cannot quietly make them worse."""
    names = run.ours.sources
    figures = [run.ours.figures(source=n) for n in names]
    rows = [["questions", *(_fmt(f.questions, "n") for f in figures)]]
    rows += [[label, *(_fmt(getattr(f, attr), kind) for f in figures)] for label, attr, kind in ROWS
             if attr not in ("sentences", "latency_p50", "latency_p95")]
    return ["metric", *names], rows


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "l") -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":---"] + [(":---" if align == "l" else "---:")] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def failures(system: SystemRun) -> list[QuestionResult]:
    return [r for r in system.results if r.problems()]


def describe_failure(r: QuestionResult) -> list[str]:
    """A failing question in a few lines: what was wrong, retrieved and cited."""
    lines = [f"{r.id} [{r.split}, {r.type}{', ' + r.reason if r.reason else ''}] {r.question}", f"  problems: {'; '.join(r.problems())}"]
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




def kept_section(previous: str | None, heading: str) -> list[str]:
    """The section under `heading` (up to the next "## ") of a previous report, as its lines, so
    figures measured by another command (real pages, kept out of git) survive a regeneration."""
    if not previous or heading not in previous.splitlines():
        return []
    lines = previous.splitlines()
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [*lines[start:end]] if lines[end - 1:end] == [""] else [*lines[start:end], ""]


def replace_section(report: str, heading: str, section: Sequence[str], before: str = "## Timings") -> str:
    """`report` with the section under `heading` replaced by `section` (or inserted before the
    first heading starting with `before`, else at the end)."""
    lines = report.splitlines()
    body = [*section] if section[-1:] == [""] else [*section, ""]
    if heading in lines:
        start = lines.index(heading)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = body
    else:
        at = next((i for i, line in enumerate(lines) if line.startswith(before)), len(lines))
        lines[at:at] = body
    return "\n".join(lines) + ("\n" if not lines or lines[-1] else "")


def metadata_lines(m: MetadataFigures) -> list[str]:
    """The metadata-inference section: per field, the share of development documents right."""
    out = ["## Metadata inference (development corpus, no manifest)", "",
           f"{m.documents} documents of `eval/corpus/` checked against {', '.join(f'`eval/{s}`' for s in m.sources)}: "
           "the share whose stored value equals the truth (councils compared through the gazetteer; "
           "an empty truth is right only when the store leaves the field empty).", "",
           _markdown_table(["field", "right", "share"],
                           [[f, f"{m.right[f]}/{m.documents}", _fmt(m.share(f), "f")] for f in FIELDS], align="r"), ""]
    if m.missing:
        out += [f"Not in the store (so not counted): {', '.join(m.missing)}.", ""]
    if m.mismatches:
        out += ["<details><summary>Mismatches</summary>", "", "```"]
        out += [f"{x.file}: {x.field}: stored {x.stored!r}, truth {x.truth!r}" for x in m.mismatches]
        out += ["```", "", "</details>", ""]
    return out


def render_markdown(run: EvalRun, previous: str | None = None) -> str:
    """The report. `previous`, the report it replaces, lends its "Real pages" section (measured by
    `ofsted-rag eval --real` on pages kept out of git) unchanged."""
    ours = run.ours
    sets = ", ".join(f"`{s}`" for s in run.eval_sets)
    counts = ", ".join(f"{sum(r.split == s for r in ours.results)} {s}" for s in ours.splits)
    out = [
        "# Eval report",
        "",
        f"Generated {run.when} by `{run.command}` "
        f"({len(ours.results)} questions from {sets}: {counts}; store {run.documents} documents, "
        f"{run.passages} passages; {run.seconds:.1f} s in all). Regenerated on every run: do not edit.",
        "",
        "Questions are split before tuning by a fixed rule on their ids (`evaluation.dataset.split_of`): "
        "only the calibration split may set thresholds, vocabulary or cues; the gate and the headline "
        "figures are the test split's. The test split and the real pages were consulted on 2026-11-30 "
        "to choose between calibrated sets of evidence weights (eval/thresholds.toml says why): their "
        "figures are no longer untouched estimates.",
        "",
        f"- **ours**: {ours.description}.",
    ]
    if run.baseline:
        out.append(f"- **baseline**: {run.baseline.description}.")
    header, rows = overall_rows(run)
    out += ["", "## Overall, by split", "", _markdown_table(header, rows, align="r"), ""]
    if run.baseline:
        out += ["The baseline has no answer text of its own (its cited chunks are the answer), so the "
                "sentence-level figures (ALCE, groundedness, first sentence) do not apply to it, and it never "
                "refuses. Its citations are whole chunks: \"cited text per answer\" is how much a reader must "
                "check to verify one answer (the stored passages hold "
                f"{run.corpus_chars:,} characters in all).", ""]
    header, rows = type_table(run)
    split = "test split" if "test" in ours.splits else "all questions"
    out += [f"## By question type, {split}" + (" (ours / baseline)" if run.baseline else ""), "",
            _markdown_table(header, rows, align="r"), ""]
    if len(ours.sources) > 1:
        header, rows = source_table(run)
        out += ["## By question file (ours, every split asked)", "", _markdown_table(header, rows, align="r"), ""]
    if run.metadata:
        out += metadata_lines(run.metadata)
    # Every set of real pages measured by `eval --real`, as last measured.
    for heading in [h for h in (previous or "").splitlines() if h == REAL_HEADING or h.startswith(REAL_HEADING + ":")]:
        out += kept_section(previous, heading)
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
        out += ["## Gate (`eval/thresholds.toml`, test split)", ""]
        out += [f"- {c.describe()}" for c in run.gate]
        out += [f"- {n}" for n in run.notes]
        out.append("")
    if run.targets:
        out += ["## Targets of the open issues (`[target]` in `eval/thresholds.toml`, test split)", "",
                "Not yet a gate: what the issues ask for, beside what is reached.", ""]
        out += [f"- {c.describe().replace('FAIL', 'not yet')}" for c in run.targets]
        out.append("")
    failed = failures(ours)
    out += ["## Failing questions (ours)", ""]
    if failed:
        out.append("```")
        for r in sorted(failed, key=lambda r: r.split != "test"):
            out += describe_failure(r)
        out.append("```")
    else:
        out.append("None.")
    out += ["", "## Definitions", "", DEFINITIONS.split("\n", 1)[1].strip(), ""]
    return "\n".join(out)


def _figures_json(f: Figures | None) -> dict | None:
    if f is None:
        return None
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(f).items()}


def _system_json(s: SystemRun) -> dict:
    return {
        "description": s.description,
        "splits": {split: _figures_json(s.figures(split=split)) for split in s.splits},
        "overall": _figures_json(s.overall),
        "by_type": {t: _figures_json(f) for t, f in s.by_type.items()},
        "by_file": {n: _figures_json(s.figures(source=n)) for n in s.sources},
        "setup_seconds": round(s.setup_seconds, 2),
        "run_seconds": round(s.run_seconds, 2),
    }


def run_to_json(run: EvalRun) -> dict:
    """The `--json` object."""
    m = run.metadata
    return {
        "command": run.command,
        "generated": run.when,
        "eval_sets": list(run.eval_sets),
        "split": run.split,
        "store": {"location": run.store, "documents": run.documents, "passages": run.passages,
                  "characters": run.corpus_chars},
        "ours": _system_json(run.ours),
        "baseline": _system_json(run.baseline) if run.baseline else None,
        "judge": ({"rows": run.judge.rows, "agree": run.judge.agree, "accuracy": round(run.judge.accuracy, 4),
                   "unsupported": run.judge.unsupported, "caught": run.judge.caught,
                   "disagreements": list(run.judge.disagreements)} if run.judge else None),
        "metadata": ({"documents": m.documents, "right": m.right, "missing": list(m.missing),
                      "mismatches": [asdict(x) for x in m.mismatches]} if m else None),
        "gate": {"split": "test", "passed": run.gate_passed, "checks": [asdict(c) for c in run.gate],
                 "notes": list(run.notes)},
        "targets": [asdict(c) for c in run.targets],
        "failures": [
            {"id": r.id, "split": r.split, "type": r.type, "reason": r.reason, "question": r.question,
             "problems": r.problems(), "gold_ranks": list(r.gold_ranks), "retrieved": list(r.retrieved),
             "refused": r.refused, "answer": r.answer,
             "citations": [{"label": c.label, "gold": c.gold, "supports": c.supports} for c in r.citations],
             "unsupported": [s.text for s in r.sentences if not s.supported]}
            for r in failures(run.ours)
        ],
        "seconds": round(run.seconds, 2),
    }


def _rich_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]):
    from rich.table import Table

    table = Table(title=title, show_header=True)
    table.add_column(header[0])
    for name in header[1:]:
        table.add_column(name, justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def print_tables(run: EvalRun) -> None:
    from rich.console import Console

    # Wide enough for the by-type table when stdout is a file or a pipe (rich assumes 80 columns).
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(_rich_table(f"ofsted-rag eval: {len(run.ours.results)} questions", *overall_rows(run)))
    console.print(_rich_table("by question type (test split)" if "test" in run.ours.splits else "by question type",
                              *type_table(run)))
    if len(run.ours.sources) > 1:
        console.print(_rich_table("by question file", *source_table(run)))
    if run.metadata:
        m = run.metadata
        console.print("metadata inferred right (development corpus): "
                      + ", ".join(f"{f} {m.right[f]}/{m.documents}" for f in FIELDS))
    if run.judge:
        console.print(f"support judge: {run.judge.agree}/{run.judge.rows} labelled pairs agree "
                      f"({run.judge.accuracy:.1%}); catches {run.judge.caught}/{run.judge.unsupported} unsupported")
    failed = failures(run.ours)
    console.print(f"failing questions (ours): {len(failed)}"
                  + (": " + ", ".join(r.id for r in failed) if failed else ""))
    for c in run.gate:
        console.print(f"gate (test split): {c.describe()}", style=None if c.passed else "bold red", highlight=False)
    for n in run.notes:
        console.print(n)
