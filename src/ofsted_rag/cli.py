"""The `ofsted-rag` command: ingest, sources, ask, eval.

User mistakes end in one line on stderr and exit status 2 (1 when an ingest stored nothing);
never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from ofsted_rag.config import Settings
from ofsted_rag.errors import OfstedRagError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        return args.run(args, settings)
    except OfstedRagError as exc:
        print(f"ofsted-rag: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("ofsted-rag: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ofsted-rag", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("ingest", help="parse, embed and store documents (default: the corpus folder)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: OFSTED_RAG_CORPUS, ./corpus)")
    p.add_argument("--prune", action="store_true", help="remove stored documents whose files are not under PATHS")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("sources", help="list the documents in the store")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_sources)

    p = sub.add_parser("ask", help="answer a question with citations to minute points")
    p.add_argument("question")
    p.add_argument("--council", action="append", default=[], help="only this council (repeatable)")
    p.add_argument("--kind", action="append", default=[], choices=["minutes", "ofsted_letter", "news"])
    p.add_argument("--since", type=_date, help="meetings on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="meetings on or before YYYY-MM-DD")
    p.add_argument("--top-k", type=int, help="passages to retrieve")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(run=_ask)

    p = sub.add_parser("eval", help="run the eval set and report retrieval, citation and refusal figures")
    p.add_argument("--set", dest="eval_set", type=Path, default=Path("eval/questions.jsonl"))
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--baseline", action="store_true", help="also run the plain llama-index baseline")
    p.add_argument("--report", type=Path, default=Path("eval/report.md"))
    p.set_defaults(run=_eval)
    return parser


def _stdout_console():
    """A rich console for stdout. Piped into a file or another program, tables are laid out wide
    rather than at 80 columns, so file names and dates are never cut or folded."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=200)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.ingest import STATUSES, ingest
    from ofsted_rag.store import PassageStore

    console = Console(stderr=True)
    paths = args.paths or [settings.corpus]
    store = PassageStore(settings)
    progress = Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=console, disable=args.quiet or not console.is_terminal)
    task = None

    def start(total: int) -> None:
        nonlocal task
        task = progress.add_task("embed", total=total)
        if total and not progress.disable:
            progress.start()
        elif total and not args.quiet:
            console.print(f"embedding {total} passages ...")

    def advance(n: int) -> None:
        progress.update(task, advance=n)

    try:
        report = ingest(paths, store, default_embedder(settings), settings, prune=args.prune,
                        on_embed_start=start, on_embedded=advance)
    finally:
        progress.stop()

    for o in report.outcomes:
        if o.status == "skipped":
            print(f"skipped {o.file_name}: {o.reason}", file=sys.stderr)
    table = Table(title="ingest summary", show_header=True)
    table.add_column("file", overflow="fold")
    table.add_column("status")
    table.add_column("passages", justify="right")
    table.add_column("new", justify="right")
    table.add_column("note")
    for o in report.outcomes:
        table.add_row(o.file_name, o.status, str(o.passages), str(o.new_passages), o.reason or "")
    out = _stdout_console()
    out.print(table)
    counts = " / ".join(f"{report.count(s)} {s}" for s in STATUSES)
    out.print(f"{counts}; embedded {report.embedded} passages ({report.embedded_sentences} sentences), removed {report.removed_passages}; "
              f"{report.total_passages} passages in the store; {report.seconds:.1f} s", soft_wrap=True)
    return 1 if report.nothing_ingested else 0


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from rich.table import Table

    from ofsted_rag.store import PassageStore

    docs = sorted(PassageStore(settings).documents().values(), key=lambda d: d.file_name)
    rows = [
        {"file": d.file_name, "council": d.meta.council, "body": d.meta.body,
         "date": d.meta.date.isoformat() if d.meta.date else None, "kind": d.meta.kind,
         "title": d.meta.title, "url": d.meta.url, "passages": len(d.refs), "ingested_at": d.ingested_at}
        for d in docs
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No documents yet: run `ofsted-rag ingest`.")
        return 0
    table = Table(show_header=True)
    table.add_column("file", overflow="fold")
    for col in ("council", "body", "date", "kind", "passages"):
        table.add_column(col, no_wrap=col == "date")
    for r in rows:
        table.add_row(*(str(r[c]) if r[c] is not None else "-" for c in ("file", "council", "body", "date", "kind", "passages")))
    _stdout_console().print(table)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from ofsted_rag.engine import Engine
    from ofsted_rag.output import answer_to_json, answer_to_text
    from ofsted_rag.store import PassageFilter

    engine = Engine(settings)
    flt = PassageFilter(councils=tuple(args.council), kinds=tuple(args.kind), since=args.since, until=args.until)
    answer = engine.ask(args.question, flt, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer_to_json(answer), ensure_ascii=False))
    else:
        print(answer_to_text(answer))
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from ofsted_rag.evaluation import run_eval_command

    return run_eval_command(settings, args.eval_set, as_json=args.json, baseline=args.baseline, report=args.report)


if __name__ == "__main__":
    raise SystemExit(main())
