"""The CI gate: the eval set on the shipped corpus must meet eval/thresholds.toml. Also the
scoring rules the eval relies on, on crafted inputs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from ofsted_rag.documents import SourceRef, StoredPassage
from ofsted_rag.evaluation.dataset import EvalQuestion, EvalSetError, GoldRef, load_eval_set, map_gold
from ofsted_rag.evaluation.gate import Thresholds
from ofsted_rag.evaluation.metrics import score_sentences
from ofsted_rag.evaluation.report import describe_failure, failures, overall_rows, type_table
from ofsted_rag.evaluation.runner import run_eval

EVAL = Path(__file__).resolve().parents[1] / "eval"


def test_eval_gate(corpus_settings, embedder):
    started = time.perf_counter()
    run = run_eval(corpus_settings, EVAL / "questions.jsonl", embedder=embedder)
    print(f"\neval gate: {len(run.ours.results)} questions in {time.perf_counter() - started:.1f} s")
    for label, ours in overall_rows(run):
        print(f"  {label:<36} {ours}")
    header, rows = type_table(run)
    print("  " + " | ".join(header))
    for row in rows:
        print("  " + " | ".join(row))
    for check in run.gate:
        print(f"  gate: {check.describe()}")
    failed_questions = failures(run.ours)
    print(f"  failing questions: {', '.join(r.id for r in failed_questions) or 'none'}")

    assert run.gate, "eval/thresholds.toml holds no thresholds"
    failed = [c for c in run.gate if not c.passed]
    detail = "\n".join(line for r in failed_questions for line in describe_failure(r))
    assert not failed, "below the gate: " + "; ".join(c.describe() for c in failed) + "\n" + detail


def test_citation_correctness_gate_meets_issue_floor():
    assert Thresholds.load(EVAL / "thresholds.toml").minimum["cites_gold"] >= 0.90


def test_thresholds_are_never_looser_than_the_floor(tmp_path):
    gate = Thresholds.load(EVAL / "thresholds.toml")
    assert gate.minimum["recall_at_5"] >= 0.90 and gate.minimum["cites_gold"] >= 0.90
    assert gate.minimum["groundedness"] >= 1.0 and gate.minimum["refusal_recall"] >= 0.90
    assert gate.maximum["false_refusal_rate"] <= 0.05

    loose = tmp_path / "thresholds.toml"
    loose.write_text("[gate.min]\nrecall_at_5 = 0.8\n[floor.min]\nrecall_at_5 = 0.9\n")
    with pytest.raises(EvalSetError, match="below its floor"):
        Thresholds.load(loose)
    loose.write_text("[gate.min]\nrecal_at_5 = 0.95\n")
    with pytest.raises(EvalSetError, match="unknown metric 'recal_at_5'"):
        Thresholds.load(loose)


def test_eval_set_has_the_types_the_issue_asks_for():
    questions = load_eval_set(EVAL / "questions.jsonl")
    count = {t: sum(q.type == t for q in questions) for t in ("single", "paraphrase", "precedent", "unanswerable")}
    assert len(questions) >= 80
    assert count["single"] >= 45 and count["paraphrase"] >= 10
    assert count["precedent"] >= 10 and count["unanswerable"] >= 15
    for q in questions:
        if q.type == "precedent":
            assert len({g.file for g in q.gold}) >= 2, q.id


def _passage(pid: str, text: str, file_name: str = "a.txt", item: str | None = "5", point: str | None = "b") -> StoredPassage:
    ref = SourceRef("doc_a", file_name, item, "Title", point, None, 0, len(text))
    return StoredPassage(pid, text, file_name, "doc_a", "Nottingham City Council", None, dt.date(2020, 7, 30),
                         "minutes", item, "Title", point, None, 0, len(text), sources=(ref,))


def test_gold_maps_by_folded_phrase_file_item_and_point():
    passages = [
        _passage("p1", "Ofsted issued two\n Priority  Actions which is ‘significant’."),
        _passage("p2", "Ofsted issued two Priority Actions which is 'significant'.", item="4"),
    ]
    q = EvalQuestion("q1", "how many?", "single", (GoldRef("a.txt", "two priority actions which is 'significant'", "5", "b"),))
    assert map_gold([q], passages) == {"q1": (frozenset({"p1"}),)}

    wrong = EvalQuestion("q2", "how many?", "single", (GoldRef("a.txt", "three Priority Actions", "5"),
                                                       GoldRef("b.txt", "two Priority Actions")))
    with pytest.raises(EvalSetError) as err:
        map_gold([q, wrong], passages)
    assert "2 gold entries" in str(err.value) and "q2: a.txt item 5: 'three Priority Actions'" in str(err.value)


def test_alce_recall_and_precision():
    number = "Ofsted issued two Priority Actions to the council."
    name = "The improvement board is chaired by the Interim Chief Executive."
    unrelated = "Pupil Premium funding bought laptops for children without devices."
    # A sentence needing both passages: both citations are needed, so both count.
    both = score_sentences([("The council got two Priority Actions and the board is chaired by the Interim Chief Executive.",
                             [0, 1])], [number, name])
    assert [s.supported for s in both.sentences] == [True]
    assert both.precision == 1.0
    # An extra citation that supports nothing while the other suffices is irrelevant.
    extra = score_sentences([("Ofsted issued two Priority Actions.", [0, 1])], [number, unrelated])
    assert extra.sentences[0].supported and extra.precision == 0.5
    assert extra.supports == (True, False)
    # An unsupported sentence and an uncited one.
    bad = score_sentences([("Ofsted issued three Priority Actions.", [0]), ("No citation here.", [])], [number])
    assert [s.supported for s in bad.sentences] == [False, False]
    assert bad.precision == 0.0
