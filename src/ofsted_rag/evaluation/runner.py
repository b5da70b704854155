"""Running the eval: ask every question of the engine (and the baseline), score, check the gate.

`run_eval` returns an `EvalRun`; `run_eval_command` is `ofsted-rag eval`: it prints a table,
rewrites eval/report.md and returns the gate's exit status.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ofsted_rag.config import Settings
from ofsted_rag.documents import Answer, StoredPassage, point_display
from ofsted_rag.evaluation.dataset import EvalQuestion, EvalSetError, corpus_folders, eval_sets, in_split, load_eval_sets, map_gold
from ofsted_rag.evaluation.gate import LABELS_NAME, THRESHOLDS_NAME, GateCheck, JudgeAgreement, Thresholds, judge_agreement
from ofsted_rag.evaluation.metadata import MetadataFigures, check_metadata, load_truth, truth_files
from ofsted_rag.evaluation.metrics import RANKS, CitedText, QuestionResult, SystemRun, score_sentences, system_run
from ofsted_rag.evaluation.real import REAL_DIR, absent_reason, measure_real, real_section
from ofsted_rag.evaluation.real import heading as real_heading
from ofsted_rag.evaluation.report import print_tables, render_markdown, replace_section, run_to_json

WARM_UP_QUESTION = "What did the last inspection find?"


def _short_label(p: StoredPassage) -> str:
    bits = [p.council or p.file_name]
    if p.item:
        bits.append(f"item {p.item}")
    elif p.item_title:
        title = p.item_title if len(p.item_title) <= 40 else p.item_title[:40].rsplit(" ", 1)[0] + "…"
        bits.append(f"'{title}'")
    if p.point:
        bits.append(point_display(p.point))
    if p.part:
        bits.append(f"part {p.part}")
    return " ".join(bits)


def _answer_result(q: EvalQuestion, gold: tuple[frozenset[str], ...], ranked: Sequence[StoredPassage],
                   answer: Answer, seconds: float) -> QuestionResult:
    gold_ids = frozenset().union(*gold) if gold else frozenset()
    rank_of = {p.id: n for n, p in enumerate(ranked, start=1)}
    gold_ranks = tuple(min((rank_of[i] for i in ids if i in rank_of), default=None) for ids in gold)
    retrieved = tuple(("*" if p.id in gold_ids else "") + _short_label(p) for p in ranked[:5])
    index = {c.n: i for i, c in enumerate(answer.citations)}
    texts = [c.passage.text for c in answer.citations]
    scored = score_sentences([(s.text, [index[n] for n in s.citations if n in index]) for s in answer.sentences], texts)
    citations = tuple(
        CitedText(c.passage.id, _short_label(c.passage), c.passage.text, c.passage.id in gold_ids, scored.supports[i])
        for i, c in enumerate(answer.citations)
    )
    return QuestionResult(q.id, q.question, q.type, gold_ranks, retrieved, answer.refused, answer.text,
                          citations, scored.sentences, scored.precision, seconds, q.reason, q.source)


def evaluate_engine(engine, questions: Sequence[EvalQuestion], gold: dict[str, tuple[frozenset[str], ...]],
                    progress: Callable[[int], None] | None = None) -> SystemRun:
    """Ask every question of `engine` (warmed up first, so latency is warm), timing `ask`, then
    take the retrieval figures from `engine.retrieve(question, top_k=10)` (which reuses the
    question's vectors from the engine's cache, so costs no model call)."""
    t0 = time.perf_counter()
    engine.warm_up()
    engine.ask(WARM_UP_QUESTION)  # not one of the set: the engine keeps each question's vectors
    setup = time.perf_counter() - t0
    results = []
    t0 = time.perf_counter()
    for n, q in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = engine.ask(q.question)
        seconds = time.perf_counter() - started
        ranked = [h.passage for h in engine.retrieve(q.question, top_k=RANKS).hits]
        results.append(_answer_result(q, gold[q.id], ranked, answer, seconds))
        if progress:
            progress(n)
    llm = engine.settings.llm or "none"
    description = (f"hybrid dense + BM25 over minute points, top_k {engine.settings.top_k}, "
                   f"{'extractive answerer' if llm == 'none' else 'LLM ' + llm}")
    return system_run("ours", description, results, setup, time.perf_counter() - t0)


@dataclass(frozen=True)
class EvalRun:
    eval_sets: tuple[str, ...]
    split: str               # the questions asked: calibration, test or all
    when: str
    store: str
    documents: int
    passages: int
    corpus_chars: int
    ours: SystemRun
    baseline: SystemRun | None
    judge: JudgeAgreement | None
    gate: tuple[GateCheck, ...] = ()
    targets: tuple[GateCheck, ...] = ()
    command: str = ""
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())
    metadata: MetadataFigures | None = None

    @property
    def gate_passed(self) -> bool:
        return all(c.passed for c in self.gate)


def eval_store_settings(settings: Settings) -> Settings:
    """Settings for the eval's own store, under the data folder: the eval ingests the development
    corpus beside corpus/, which must not land in the store the app answers from."""
    return replace(settings, home=settings.home / "eval-store", chroma_url=None)


def prepare_eval_store(settings: Settings, eval_dir: Path, embedder=None, *, quiet: bool = True):
    """Ingest corpus/ and, when it exists, eval/corpus/ (no manifest) into the store of `settings`,
    incrementally and pruning files that are gone, so gold entries map to what the folders hold now.

    Returns the IngestReport.
    """
    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    folders = corpus_folders(settings.corpus, eval_dir)
    return ingest(folders, PassageStore(settings), embedder or default_embedder(), settings, prune=True)


def run_eval(settings: Settings, eval_sets: Sequence[Path] | Path, *, split: str = "all", baseline: bool = False,
             embedder=None, thresholds: Path | None = None, labels: Path | None = None,
             truth: Sequence[Path] | None = None, progress: Callable[[str], None] | None = None) -> EvalRun:
    """Evaluate an engine on `settings` (and the baseline) on the questions of `split` in
    `eval_sets`, and check the gate on the test split.

    `embedder` defaults to the process-wide model. `thresholds`, `labels` and `truth` default to
    thresholds.toml, support_labels.jsonl and the corpus truth files beside the first eval set; a
    missing labels file skips the judge agreement, missing truth the metadata figures, a missing
    thresholds file (or no test question asked) the gate.

    Raises:
        EvalSetError: an eval set is malformed or a gold entry matches no stored passage.
        EmptyStoreError: nothing is ingested.
    """
    from ofsted_rag.embedding import default_embedder
    from ofsted_rag.engine import Engine
    from ofsted_rag.errors import EmptyStoreError

    started = time.perf_counter()
    say = progress or (lambda _: None)
    sets = [eval_sets] if isinstance(eval_sets, Path) else list(eval_sets)
    if not sets:
        raise EvalSetError("no eval set found: run from the project folder or pass --set FILE")
    eval_dir = sets[0].parent
    questions = in_split(load_eval_sets(sets), split)
    if not questions:
        raise EvalSetError(f"no questions in the {split} split of {', '.join(p.name for p in sets)}")

    engine = Engine(settings, embedder=embedder or default_embedder())
    passages = engine.store.all_passages()
    if not passages:
        raise EmptyStoreError()
    gold = map_gold(questions, passages)
    say(f"asking {len(questions)} questions ({split}) of {len(passages)} stored passages")

    def done(n: int) -> None:
        if n % 20 == 0 and n < len(questions):
            say(f"{n}/{len(questions)} questions")

    ours = evaluate_engine(engine, questions, gold, progress=done)

    other = None
    if baseline:
        from ofsted_rag.baseline import evaluate_baseline

        say("building the llama-index baseline")
        other = evaluate_baseline(settings, engine.store, questions)

    labels = labels or eval_dir / LABELS_NAME
    judge = judge_agreement(labels) if labels.is_file() else None
    thresholds = thresholds or eval_dir / THRESHOLDS_NAME
    notes = list(other.notes) if other else []
    gate: list[GateCheck] = []
    targets: list[GateCheck] = []
    test = ours.figures(split="test")
    if not thresholds.is_file():
        notes.append(f"no gate: {thresholds} not found")
    elif test is None:
        notes.append("no gate: the gate is checked on the test split, and no test question was asked")
    else:
        loaded = Thresholds.load(thresholds)
        gate, targets = loaded.check(test, judge), loaded.check_targets(test, judge)
    truth = truth_files(eval_dir) if truth is None else list(truth)
    documents = engine.store.documents()
    metadata = None
    if truth:
        metadata = check_metadata(load_truth(truth), {d.file_name: d.meta for d in documents.values()}, truth)
    return EvalRun(
        eval_sets=tuple(str(p) for p in sets), split=split,
        when=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        store=settings.chroma_url or str(settings.chroma_path), documents=len(documents),
        passages=len(passages), corpus_chars=sum(len(p.text) for p in passages), ours=ours, baseline=other,
        judge=judge, gate=tuple(gate), targets=tuple(targets), seconds=time.perf_counter() - started, notes=tuple(notes), metadata=metadata,
    )


def command_line(sets: Sequence[Path] | None, split: str, as_json: bool, baseline: bool, report: Path) -> str:
    """The `ofsted-rag eval` command that reproduces a run with these options."""
    args = ["ofsted-rag", "eval"]
    for path in sets or ():
        args += ["--set", str(path)]
    if split != "all":
        args += ["--split", split]
    if baseline:
        args.append("--baseline")
    if as_json:
        args.append("--json")
    if report != Path("eval/report.md"):
        args += ["--report", str(report)]
    return shlex.join(args)


def _say(message: str) -> None:
    print(f"eval: {message}", file=sys.stderr, flush=True)


def run_eval_command(settings: Settings, sets: Sequence[Path] | None = None, *, split: str = "all",
                     as_json: bool = False, baseline: bool = False, report: Path = Path("eval/report.md"),
                     eval_dir: Path = Path("eval")) -> int:
    """`ofsted-rag eval`: ingest corpus/ and eval/corpus/ into the eval's own store, ask the
    questions of `split` from `sets` (default: every eval set in `eval_dir`), print the figures (a
    table, or one JSON object with `--json`), rewrite `report` (keeping its "Real pages" section),
    and return 0 when the gate in thresholds.toml passes on the test split, 1 when it does not."""
    if sets:
        eval_dir = sets[0].parent
    found = list(sets) if sets else eval_sets(eval_dir)
    if not found:
        raise EvalSetError(f"no eval set in {eval_dir}: run from the project folder or pass --set FILE")
    store = eval_store_settings(settings)
    _say(f"ingesting {', '.join(map(str, corpus_folders(settings.corpus, eval_dir)))} into {store.home}")
    ingested = prepare_eval_store(store, eval_dir)
    skipped = [f"skipped {o.file_name}: {o.reason}" for o in ingested.outcomes if o.status == "skipped"]
    # Libraries the baseline loads print to stdout; keep stdout for the figures alone.
    with contextlib.redirect_stdout(sys.stderr):
        run = run_eval(store, found, split=split, baseline=baseline, progress=_say)
    run = replace(run, command=command_line(sets, split, as_json, baseline, report), notes=(*run.notes, *skipped))
    previous = report.read_text("utf-8") if report.is_file() else None
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_markdown(run, previous), encoding="utf-8")
    if as_json:
        print(json.dumps(run_to_json(run), ensure_ascii=False))
    else:
        print_tables(run)
        print(f"report written to {report}")
    return 0 if run.gate_passed else 1


def run_real_command(settings: Settings, *, report: Path = Path("eval/report.md"), eval_dir: Path = Path("eval"),
                     as_json: bool = False, name: str = REAL_DIR) -> int:
    """`ofsted-rag eval --real [--real-set NAME]`: measure a set of real pages (eval/real/ by
    default) when they are here and write its section of `report`; when they are not, say so in one
    line and leave it as last measured."""
    reason = absent_reason(eval_dir, name)
    if reason:
        print(f"eval --real: real pages not measured: {reason}")
        return 0
    run = measure_real(settings, eval_dir, progress=_say, name=name)
    text = report.read_text("utf-8") if report.is_file() else "# Eval report\n"
    report.write_text(replace_section(text, real_heading(name), real_section(run)), encoding="utf-8")
    if as_json:
        print(json.dumps({"set": name, "measured": run.when.isoformat(), "pages": run.pages, "questions": len(run.results),
                          "figures": run.figures(), "missing_evidence": list(run.missing_evidence)}))
    else:
        print("\n".join(real_section(run)))
        print(f"report written to {report}")
    return 0
