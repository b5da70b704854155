"""The `ofsted-rag` command: ingest, fetch, sources, label, log, ask, eval, hash-password.

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
from ofsted_rag.errors import OfstedRagError, UsageError


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
    p.add_argument("--prune", action="store_true",
                   help="remove stored documents that came from PATHS and whose files are gone")
    p.add_argument("--yes", action="store_true",
                   help="allow --prune to remove more than half the store or more than 20 documents")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("fetch", help="fetch pages, PDFs and .docx files by web address and ingest them")
    p.add_argument("urls", nargs="+", metavar="URL", help="http:// or https:// addresses")
    p.add_argument("--council", help="the council these documents belong to (over what they say)")
    p.add_argument("--kind", choices=["minutes", "ofsted_letter", "news"],
                   help="the kind of document (default: read from each page)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_fetch)

    p = sub.add_parser("sync", help="bring in new meetings and letters listed in sources.toml")
    p.add_argument("--sources", type=Path, default=Path("sources.toml"), help="the sources file (default: ./sources.toml)")
    p.set_defaults(run=_sync)

    p = sub.add_parser("sources", help="list the documents in the store")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_sources)

    p = sub.add_parser("label", help="set a stored document's council, committee, date or kind (no re-embedding)")
    p.add_argument("document", metavar="DOC_ID_OR_FILE_NAME", help="a file name as `sources` lists it, or a doc_ id")
    # Plain strings, checked by labels.make_label: a bad date or kind is then the CLI's usual one
    # line, not argparse's usage block.
    p.add_argument("--council", help="the council (any common spelling; stored under its official name)")
    p.add_argument("--committee", help="the committee or body")
    p.add_argument("--date", help="the meeting date, YYYY-MM-DD")
    p.add_argument("--kind", help="minutes, ofsted_letter or news")
    p.set_defaults(run=_label)

    p = sub.add_parser("log", help="the audit log: every ingest, upload, prune and re-label, who and when")
    p.add_argument("--json", action="store_true", help="one JSON array of the entries")
    p.set_defaults(run=_log)

    p = sub.add_parser("hash-password", help="make OFSTED_RAG_EDITOR_PASSWORD_HASH from an editor password")
    p.set_defaults(run=_hash_password)

    p = sub.add_parser("ask", help="answer a question with citations to minute points")
    p.add_argument("question")
    p.add_argument("--council", action="append", default=[], help="only this council (repeatable)")
    p.add_argument("--kind", action="append", default=[], choices=["minutes", "ofsted_letter", "news"])
    p.add_argument("--since", type=_date, help="meetings on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="meetings on or before YYYY-MM-DD")
    p.add_argument("--exclude-undated", action="store_true",
                   help="with --since/--until, also leave out documents with no meeting date (kept by default)")
    p.add_argument("--top-k", type=_top_k, help=f"passages to retrieve ({TOP_K_RANGE[0]}-{TOP_K_RANGE[1]})")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout (same as --format json)")
    p.add_argument("--format", choices=["text", "json", "markdown", "docx"], default=None,
                   help="text (default), json, markdown, or docx (a Word document; needs --output)")
    p.add_argument("--output", type=Path, help="write the answer to this file instead of stdout")
    p.set_defaults(run=_ask)

    p = sub.add_parser("eval", help="run the eval set and report retrieval, citation and refusal figures")
    p.add_argument("--set", dest="eval_sets", type=Path, action="append", default=[],
                   help="a questions file (repeatable; default: eval/questions.jsonl and the development set)")
    p.add_argument("--split", choices=["calibration", "test", "all"], default="all",
                   help="which questions to ask (the gate reads the test split)")
    p.add_argument("--real", action="store_true",
                   help="measure the real pages in eval/real/pages/ (kept out of git) instead")
    p.add_argument("--real-set", default="real", metavar="NAME",
                   help="with --real: the set of real pages under eval/NAME/ (default real)")
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


TOP_K_RANGE = (1, 100)


def _top_k(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not TOP_K_RANGE[0] <= n <= TOP_K_RANGE[1]:
        raise argparse.ArgumentTypeError(f"{n} is outside {TOP_K_RANGE[0]}..{TOP_K_RANGE[1]}")
    return n


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
        report = ingest(paths, store, default_embedder(settings), settings, prune=args.prune, confirm=args.yes,
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
    for o in report.outcomes:
        if o.missing_note():
            out.print(o.missing_note(), soft_wrap=True, markup=False, highlight=False)
    counts = " / ".join(f"{report.count(s)} {s}" for s in STATUSES)
    out.print(f"{counts}; embedded {report.embedded} passages ({report.embedded_sentences} sentences), removed {report.removed_passages}; "
              f"{report.total_passages} passages in the store; {report.seconds:.1f} s", soft_wrap=True)
    return 1 if report.nothing_ingested else 0


def _fetch(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table

    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.fetch import fetch
    from ofsted_rag.store import PassageStore

    console = Console(stderr=True)
    if args.council is not None and not args.council.strip():
        raise UsageError("--council is empty; give the council's name, e.g. --council \"Rutland County Council\"")

    def fetched(url: str, what: str) -> None:
        if not args.quiet and what != "failed":
            console.print(f"{what} {url}", markup=False, highlight=False, soft_wrap=True)

    report = fetch(args.urls, PassageStore(settings), default_embedder(settings), settings,
                   council=args.council, kind=args.kind, on_fetched=fetched)
    for o in report.outcomes:
        if o.status in ("failed", "skipped"):
            print(f"{o.status} {o.url}: {o.reason}", file=sys.stderr)
    table = Table(title="fetch summary", show_header=True)
    for col in ("address", "status", "passages", "new", "stored as"):
        table.add_column(col, overflow="fold", justify="right" if col in ("passages", "new") else "left")
    for o in report.outcomes:
        table.add_row(o.url, o.status, str(o.passages), str(o.new_passages), o.file_name or "")
    out = _stdout_console()
    out.print(table)
    for o in report.outcomes:
        if o.missing:
            out.print(f"{o.url}: no {' and no '.join(o.missing)} found; give --council if you know it",
                      soft_wrap=True, markup=False, highlight=False)
    statuses = ("added", "updated", "unchanged", "duplicate", "skipped", "failed")
    counts = " / ".join(f"{report.count(s)} {s}" for s in statuses)
    embedded = report.ingest.embedded if report.ingest else 0
    out.print(f"{counts}; embedded {embedded} passages", soft_wrap=True)
    return 1 if report.nothing_landed else 0


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table

    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.store import PassageStore
    from ofsted_rag.sync import read_sources, sync

    sources = read_sources(args.sources)
    console = Console(stderr=True)
    lines = sync(sources, PassageStore(settings), default_embedder(settings), settings,
                 on_progress=lambda what: console.print(f"fetching {what}", markup=False, highlight=False))
    for line in lines:
        if line.status in ("failed", "skipped"):
            print(f"{line.status} {line.source} {line.what}: {line.detail}", file=sys.stderr)
    table = Table(title="sync summary", show_header=True)
    for col in ("source", "what", "status", "note"):
        table.add_column(col, overflow="fold")
    for line in lines:
        table.add_row(line.source, line.what, line.status, line.detail)
    _stdout_console().print(table)
    return 1 if lines and all(line.status == "failed" for line in lines) else 0


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from rich.table import Table

    from ofsted_rag.ingest import record_origin
    from ofsted_rag.store import PassageStore

    docs = sorted(PassageStore(settings).documents().values(), key=lambda d: d.file_name)
    rows = [
        {"file": d.file_name, "council": d.meta.council, "body": d.meta.body,
         "date": d.meta.date.isoformat() if d.meta.date else None, "kind": d.meta.kind,
         "title": d.meta.title, "url": d.meta.url, "passages": len(d.refs), "ingested_at": d.ingested_at,
         "origin": record_origin(d, settings), "path": d.path, "added_by": d.added_by or None}
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
    columns = ("file", "council", "body", "date", "kind", "passages", "origin", "added_by")
    for col in columns[1:]:
        table.add_column(col, no_wrap=col == "date")
    for r in rows:
        table.add_row(*(str(r[c]) if r[c] is not None else "-" for c in columns))
    _stdout_console().print(table)
    return 0


def _label(args: argparse.Namespace, settings: Settings) -> int:
    from ofsted_rag.labels import make_label, relabel
    from ofsted_rag.store import PassageStore

    label = make_label(args.council, args.committee, args.date, args.kind)
    result = relabel(PassageStore(settings), settings, args.document, label)
    if not result.changes:
        print(f"{result.file_name}: already recorded so; nothing changed")
        return 0
    said = "; ".join(f"{c.field} {c.before or '(none)'} -> {c.after or '(none)'}" for c in result.changes)
    print(f"{result.file_name}: {said}; {result.passages} passages re-labelled (their vectors are kept "
          "until the file is next re-read)")
    return 0


def _hash_password(args: argparse.Namespace, settings: Settings) -> int:
    """Asks twice at a terminal; reads one line from a pipe (for provisioning scripts)."""
    import getpass

    from ofsted_rag.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Editor password: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ; run `ofsted-rag hash-password` again")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 10:
        raise UsageError("the password is shorter than 10 characters; choose a longer one")
    print(hash_password(password))
    print("Set OFSTED_RAG_EDITOR_PASSWORD_HASH to the line above (in .env or the service's environment).",
          file=sys.stderr)
    return 0


def _log(args: argparse.Namespace, settings: Settings) -> int:
    from rich.table import Table

    from ofsted_rag import audit

    entries = list(audit.read(settings))
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"The audit log is empty ({audit.log_path(settings)}): nothing has been ingested or uploaded yet.")
        return 0
    table = Table(show_header=True)
    for col in ("time", "who", "action", "what", "files", "+passages", "-passages"):
        table.add_column(col, overflow="fold", justify="right" if col.endswith("passages") else "left")
    for e in entries:
        if "unreadable" in e:
            table.add_row("?", "?", f"(line {e['unreadable']} unreadable)", "", "", "", "")
            continue
        files = [(f.get("file", "?"), f.get("status", "?")) for f in e.get("files", [])]
        changed = (e.get("extra") or {}).get("changed") if e.get("action") == "relabel" else None
        # A re-label's point is which details it changed, from what to what.
        cell = ("; ".join(f"{field}: {v.get('from') or '(none)'} -> {v.get('to') or '(none)'}"
                          for field, v in changed.items()) or "no changes") if changed is not None else audit.summary(files)
        table.add_row(e.get("time", ""), e.get("who", ""), e.get("action", ""), ", ".join(e.get("what", [])),
                      cell, str(e.get("passages_added", 0)), str(e.get("passages_removed", 0)))
    _stdout_console().print(table)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from ofsted_rag.engine import Engine
    from ofsted_rag.export import answer_to_docx, answer_to_markdown
    from ofsted_rag.filters import CLI_REMEDY, explain_empty
    from ofsted_rag.output import answer_to_json, answer_to_text
    from ofsted_rag.store import PassageFilter

    if not args.question.strip():
        raise UsageError("the question is empty; ask one, e.g. ofsted-rag ask \"What did Ofsted ask the council to improve?\"")
    fmt = args.format or ("json" if args.json else "text")
    if args.json and fmt != "json":
        raise UsageError(f"--json and --format {fmt} disagree; give one of them")
    if fmt == "docx" and not args.output:
        raise UsageError("a Word document cannot go to the terminal; add --output answer.docx")
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since.isoformat()} is after --until {args.until.isoformat()}; "
                         "no meeting can match: swap them")
    if args.exclude_undated and not (args.since or args.until):
        raise UsageError("--exclude-undated works with a date range; add --since or --until")
    engine = Engine(settings)
    flt = PassageFilter(councils=tuple(args.council), kinds=tuple(args.kind), since=args.since, until=args.until,
                        keep_undated=not args.exclude_undated)
    # Filters no document passes are explained, as the app does, rather than searched and refused
    # ("the documents do not say" would be untrue: the filters left nothing to say it).
    empty_because = explain_empty(flt, engine.retriever.passages, CLI_REMEDY)
    if empty_because:
        if fmt == "json":
            print(json.dumps({"question": args.question, "answer": empty_because, "refused": False,
                              "filters_match_nothing": True, "notes": [], "citations": [], "closest": []}, ensure_ascii=False))
        else:
            print(empty_because)
        if args.output:
            print(f"ofsted-rag: nothing written to {args.output}: no document matches the filters", file=sys.stderr)
        return 0
    answer = engine.ask(args.question, flt, top_k=args.top_k)
    fell_back = next((s for s in answer.steps if s.title == "llm fallback"), None)
    if fell_back:
        print(f"ofsted-rag: the LLM's answer was not used: {fell_back.detail}", file=sys.stderr)
    if fmt == "docx":
        content: str | bytes = answer_to_docx(answer)
    elif fmt == "markdown":
        content = answer_to_markdown(answer)
    elif fmt == "json":
        content = json.dumps(answer_to_json(answer), ensure_ascii=False) + "\n"
    else:
        content = answer_to_text(answer) + "\n"
    if args.output:
        try:
            if isinstance(content, bytes):
                args.output.write_bytes(content)
            else:
                args.output.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}; choose another --output") from exc
        print(f"ofsted-rag: wrote the answer to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(content)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from ofsted_rag.evaluation.runner import run_eval_command, run_real_command

    if args.real:
        return run_real_command(settings, report=args.report, as_json=args.json, name=args.real_set)
    return run_eval_command(settings, args.eval_sets, split=args.split, as_json=args.json, baseline=args.baseline,
                            report=args.report)


if __name__ == "__main__":
    raise SystemExit(main())
