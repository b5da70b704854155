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
from dataclasses import dataclass, field
from pathlib import Path

from ofsted_rag.config import Settings
from ofsted_rag.documents import Answer, StoredPassage, point_display
from ofsted_rag.evaluation.dataset import EvalQuestion, load_eval_set, map_gold
from ofsted_rag.evaluation.gate import LABELS_NAME, THRESHOLDS_NAME, GateCheck, JudgeAgreement, Thresholds, judge_agreement
from ofsted_rag.evaluation.metrics import RANKS, CitedText, QuestionResult, SystemRun, score_sentences, system_run
from ofsted_rag.evaluation.report import print_tables, render_markdown, run_to_json

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
                          citations, scored.sentences, scored.precision, seconds)


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
    eval_set: str
    when: str
    store: str
    documents: int
    passages: int
    corpus_chars: int
    ours: SystemRun
    baseline: SystemRun | None
    judge: JudgeAgreement | None
    gate: tuple[GateCheck, ...] = ()
    command: str = ""
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def gate_passed(self) -> bool:
        return all(c.passed for c in self.gate)


def run_eval(settings: Settings, eval_set: Path, *, baseline: bool = False, embedder=None,
             thresholds: Path | None = None, labels: Path | None = None,
             progress: Callable[[str], None] | None = None) -> EvalRun:
    """Evaluate an engine on `settings` (and the baseline) on `eval_set` and check the gate.

    `embedder` defaults to the process-wide model.

    `thresholds` and `labels` default to thresholds.toml and support_labels.jsonl beside the eval
    set; a missing labels file skips the judge agreement, a missing thresholds file the gate.

    Raises:
        EvalSetError: the eval set is malformed or a gold entry matches no stored passage.
        EmptyStoreError: nothing is ingested.
    """
    from ofsted_rag.engine import Engine
    from ofsted_rag.errors import EmptyStoreError

    started = time.perf_counter()
    say = progress or (lambda _: None)
    questions = load_eval_set(eval_set)
    from ofsted_rag.embedding import default_embedder

    engine = Engine(settings, embedder=embedder or default_embedder())
    passages = engine.store.all_passages()
    if not passages:
        raise EmptyStoreError()
    gold = map_gold(questions, passages)
    say(f"asking {len(questions)} questions of {len(passages)} stored passages")

    def done(n: int) -> None:
        if n % 20 == 0 and n < len(questions):
            say(f"{n}/{len(questions)} questions")

    ours = evaluate_engine(engine, questions, gold, progress=done)

    other = None
    if baseline:
        from ofsted_rag.baseline import evaluate_baseline

        say("building the llama-index baseline")
        other = evaluate_baseline(settings, engine.store, questions)

    labels = labels or eval_set.parent / LABELS_NAME
    judge = judge_agreement(labels) if labels.is_file() else None
    thresholds = thresholds or eval_set.parent / THRESHOLDS_NAME
    notes = list(other.notes) if other else []
    gate: list[GateCheck] = []
    if thresholds.is_file():
        gate = Thresholds.load(thresholds).check(ours.overall, judge)
    else:
        notes.append(f"no gate: {thresholds} not found")
    return EvalRun(
        eval_set=str(eval_set), when=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        store=settings.chroma_url or str(settings.chroma_path), documents=len(engine.store.documents()),
        passages=len(passages), corpus_chars=sum(len(p.text) for p in passages), ours=ours, baseline=other, judge=judge, gate=tuple(gate),
        seconds=time.perf_counter() - started, notes=tuple(notes),
    )


def command_line(eval_set: Path, as_json: bool, baseline: bool, report: Path) -> str:
    """The `ofsted-rag eval` command that reproduces a run with these options."""
    args = ["ofsted-rag", "eval"]
    if eval_set != Path("eval/questions.jsonl"):
        args += ["--set", str(eval_set)]
    if baseline:
        args.append("--baseline")
    if as_json:
        args.append("--json")
    if report != Path("eval/report.md"):
        args += ["--report", str(report)]
    return shlex.join(args)


def run_eval_command(settings: Settings, eval_set: Path, as_json: bool, baseline: bool, report: Path) -> int:
    """`ofsted-rag eval`: print the figures (a table, or one JSON object with `--json`), rewrite
    `report`, and return 0 when the gate in thresholds.toml passes, 1 when it does not."""
    from dataclasses import replace

    def say(message: str) -> None:
        print(f"eval: {message}", file=sys.stderr, flush=True)

    # Libraries the baseline loads print to stdout; keep stdout for the figures alone.
    with contextlib.redirect_stdout(sys.stderr):
        run = run_eval(settings, eval_set, baseline=baseline, progress=say)
    run = replace(run, command=command_line(eval_set, as_json, baseline, report))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_markdown(run), encoding="utf-8")
    if as_json:
        print(json.dumps(run_to_json(run), ensure_ascii=False))
    else:
        print_tables(run)
        print(f"report written to {report}")
    return 0 if run.gate_passed else 1
