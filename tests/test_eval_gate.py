"""The CI gate: the test split of the eval sets, over corpus/ and the development corpus
eval/corpus/, must meet eval/thresholds.toml. Also the split rule and the scoring rules the eval
relies on, on crafted inputs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from ofsted_rag.documents import SourceRef, StoredPassage
from ofsted_rag.documents import DocumentMeta
from ofsted_rag.evaluation.dataset import (
    EvalQuestion, EvalSetError, GoldRef, eval_sets, load_eval_set, load_eval_sets, map_gold, split_of,
)
from ofsted_rag.evaluation.gate import Thresholds
from ofsted_rag.evaluation.metadata import Truth, check_metadata, same_council
from ofsted_rag.evaluation.metrics import CitedText, QuestionResult, SentenceCheck, score_sentences, summarise
from ofsted_rag.evaluation.report import describe_failure, failures, kept_section, overall_rows, replace_section, type_table
from ofsted_rag.evaluation.runner import prepare_eval_store, run_eval

EVAL = Path(__file__).resolve().parents[1] / "eval"


@pytest.fixture(scope="module")
def gate_run(eval_store, embedder):
    """One eval of the test split, shared by the gate and the targets."""
    started = time.perf_counter()
    run = run_eval(eval_store, eval_sets(EVAL), split="test", embedder=embedder)
    print(f"\neval gate: {len(run.ours.results)} test-split questions in {time.perf_counter() - started:.1f} s")
    _, rows = overall_rows(run)
    for label, ours in rows:
        print(f"  {label:<40} {ours}")
    header, rows = type_table(run)
    print("  " + " | ".join(header))
    for row in rows:
        print("  " + " | ".join(row))
    for check in run.gate:
        print(f"  gate: {check.describe()}")
    for check in run.targets:
        print(f"  target: {check.describe()}")
    print(f"  failing questions: {', '.join(r.id for r in failures(run.ours)) or 'none'}")
    return run


def test_eval_gate(gate_run):
    assert gate_run.gate, "eval/thresholds.toml holds no thresholds"
    failed = [c for c in gate_run.gate if not c.passed]
    detail = "\n".join(line for r in failures(gate_run.ours) for line in describe_failure(r))
    assert not failed, "below the gate: " + "; ".join(c.describe() for c in failed) + "\n" + detail


@pytest.mark.xfail(strict=True, reason=(
    "the targets on the test split (issue 10's cites gold >= 0.90, refusal recall >= 0.90, false refusals "
    "<= 0.05, groundedness 1.0, and issue 4's recall@5 >= 0.90) are not all met; eval/report.md has the "
    "figures. Strict: when they are met this fails, and [target] becomes the gate."))
def test_issue_targets_are_met(gate_run):
    assert gate_run.targets
    missed = [c.describe() for c in gate_run.targets if not c.passed]
    assert not missed, "; ".join(missed)


def test_the_test_split_holds_35_to_45_percent_of_the_shipped_questions():
    questions = load_eval_sets(eval_sets(EVAL))
    share = sum(q.split == "test" for q in questions) / len(questions)
    assert 0.35 <= share <= 0.45, share


def test_the_split_depends_on_the_id_alone():
    assert split_of("q001") == split_of("q001")
    ids = [f"x{n}" for n in range(2000)]
    share = sum(split_of(i) == "test" for i in ids) / len(ids)
    assert 0.37 <= share <= 0.43
    assert EvalQuestion("q001", "a?", "single", ()).split == split_of("q001")


def test_only_unanswerable_questions_carry_a_reason(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "u1", "question": "what about leeds?", "type": "unanswerable", "gold": [], '
                    '"reason": "council_not_held"}\n')
    assert load_eval_set(path)[0].reason == "council_not_held"
    path.write_text('{"id": "a1", "question": "how many?", "type": "single", "reason": "other_period", '
                    '"gold": [{"file": "a.txt", "evidence": "two actions"}]}\n')
    with pytest.raises(EvalSetError, match="only unanswerable questions have a reason"):
        load_eval_set(path)
    path.write_text('{"id": "u1", "question": "what about leeds?", "type": "unanswerable", "gold": [], '
                    '"reason": "no idea"}\n')
    with pytest.raises(EvalSetError, match="reason"):
        load_eval_set(path)


def test_an_id_used_in_two_eval_sets_is_an_error(tmp_path):
    row = '{"id": "u1", "question": "what about leeds?", "type": "unanswerable", "gold": []}\n'
    (tmp_path / "a.jsonl").write_text(row)
    (tmp_path / "b.jsonl").write_text(row)
    with pytest.raises(EvalSetError, match="used in both a.jsonl and b.jsonl"):
        load_eval_sets([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])


def test_the_targets_are_what_issue_10_asks_for_and_the_gate_keeps_groundedness(tmp_path):
    thresholds = Thresholds.load(EVAL / "thresholds.toml")
    assert thresholds.target_minimum["cites_gold"] >= 0.90 and thresholds.target_minimum["refusal_recall"] >= 0.90
    assert thresholds.target_minimum["groundedness"] >= 1.0 and thresholds.target_maximum["false_refusal_rate"] <= 0.05
    assert thresholds.minimum["groundedness"] >= 1.0

    loose = tmp_path / "thresholds.toml"
    loose.write_text("[gate.min]\nrecal_at_5 = 0.95\n")
    with pytest.raises(EvalSetError, match="unknown metric 'recal_at_5'"):
        Thresholds.load(loose)
    loose.write_text("[target.max]\nfalse_refusals = 0.05\n")
    with pytest.raises(EvalSetError, match="unknown metric 'false_refusals'"):
        Thresholds.load(loose)


def test_the_eval_sets_are_as_large_as_issue_10_asks():
    questions = load_eval_sets(eval_sets(EVAL))
    assert len(questions) >= 250
    assert sum(not q.answerable for q in questions) >= 60
    assert sum(q.split == "test" for q in questions) >= 0.4 * len(questions) - 5


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


def _result(qid: str, sentences: tuple[SentenceCheck, ...], gold: tuple[bool, ...], *, refused: bool = False,
            type: str = "single", reason: str | None = None) -> QuestionResult:
    citations = tuple(CitedText(f"p{n}", f"p{n}", "text", g, True) for n, g in enumerate(gold))
    return QuestionResult(qid, "q?", type, (1,) if type != "unanswerable" else (), (), refused, "answer",
                          citations, sentences, 1.0, 0.1, reason)


def test_first_sentence_cites_gold_reads_only_the_first_sentence():
    gold_first = _result("a", (SentenceCheck("s1", (1,), True, ""), SentenceCheck("s2", (0,), True, "")), (False, True))
    gold_later = _result("b", (SentenceCheck("s1", (0,), True, ""), SentenceCheck("s2", (1,), True, "")), (False, True))
    refused = _result("c", (), (), refused=True)
    assert gold_first.first_sentence_cites_gold and not gold_later.first_sentence_cites_gold
    figures = summarise([gold_first, gold_later, refused])
    assert figures.first_sentence_cites_gold == 0.5  # over the two answered, not the refusal
    assert figures.cites_gold == 2 / 3


def test_refusal_recall_is_reported_per_reason():
    rows = [_result("u1", (), (), refused=True, type="unanswerable", reason="council_not_held"),
            _result("u2", (), (), refused=False, type="unanswerable", reason="false_premise"),
            _result("u3", (), (), refused=True, type="unanswerable", reason="false_premise")]
    figures = summarise(rows)
    assert figures.refusal_recall_council_not_held == 1.0 and figures.refusal_recall_false_premise == 0.5
    assert figures.refusal_recall_other_period is None


def test_a_council_is_matched_through_the_gazetteer_and_an_empty_truth_needs_an_empty_store():
    assert same_council("City of Bradford Metropolitan District Council", "Bradford Council")
    assert not same_council("Leeds City Council", "Bradford Council")
    assert same_council(None, "") and not same_council("Leeds City Council", "")
    assert not same_council(None, "Leeds City Council")


def test_metadata_figures_count_each_field_and_name_the_mismatches():
    truths = [Truth("a.html", "Kirklees Council", "Children's Scrutiny Panel", dt.date(2021, 3, 9), "minutes"),
              Truth("b.txt", "", "", None, "news"), Truth("gone.pdf", "Leeds City Council")]
    stored = {"a.html": DocumentMeta(council="Kirklees Council", body="Children\u2019s Scrutiny Panel",
                                     date=dt.date(2021, 3, 9), kind="ofsted_letter"),
              "b.txt": DocumentMeta(council="Kirklees Council", kind="news")}
    m = check_metadata(truths, stored)
    assert m.documents == 2 and m.missing == ("gone.pdf",)
    assert m.right == {"council": 1, "date": 2, "kind": 1, "body": 2}
    assert {(x.file, x.field) for x in m.mismatches} == {("a.html", "kind"), ("b.txt", "council")}


def test_a_regenerated_report_keeps_the_real_pages_section_as_last_measured():
    old = "# Eval report\n\n## Overall\n\nx\n\n## Real pages\n\nMeasured 2026-11-30: 0.9\n\n## Timings\n\n- ok\n"
    assert kept_section(old, "## Real pages") == ["## Real pages", "", "Measured 2026-11-30: 0.9", ""]
    assert kept_section("# Eval report\n", "## Real pages") == []
    new = replace_section(old, "## Real pages", ["## Real pages", "", "Measured 2026-12-01: 0.95"])
    assert "2026-12-01" in new and "2026-11-30" not in new and new.index("## Real pages") < new.index("## Timings")
    inserted = replace_section("# Eval report\n\n## Timings\n\n- ok\n", "## Real pages", ["## Real pages", "", "m"])
    assert inserted.index("## Real pages") < inserted.index("## Timings")


def test_a_second_set_of_real_pages_has_its_own_section_beside_the_first():
    from ofsted_rag.evaluation.real import RealResult, RealRun, heading, real_section

    run = RealRun("real2", dt.date(2026, 12, 1), 2, (RealResult("s1", "a.txt", True, False, True, True),), (), 1.0)
    section = real_section(run)
    assert section[0] == heading("real2") == "## Real pages: real2" and heading() == "## Real pages"
    assert "--real-set real2" in section[2] and "eval/real2/README.md" in section[2]
    old = "# Eval report\n\n## Real pages\n\nfirst set\n\n## Timings\n\n- ok\n"
    both = replace_section(old, heading("real2"), section)
    assert "first set" in both and both.index("## Real pages: real2") < both.index("## Timings")
    assert kept_section(both, "## Real pages") == ["## Real pages", "", "first set", ""]
