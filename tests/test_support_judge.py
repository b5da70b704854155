"""The support judge (a documented proxy for an NLI model) against its hand-labelled pairs, and each
of its rules on a crafted example."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_rag.evaluation.gate import Thresholds, judge_agreement
from ofsted_rag.support import judge_support

EVAL = Path(__file__).resolve().parents[1] / "eval"

PASSAGE = ("Focussed Visits do not result in a rating but Ofsted issued two Priority Actions which is "
           "significant. The Board is chaired by the Interim Chief Executive and Essex County Council "
           "is providing support. It is anticipated that Ofsted will visit in autumn 2020, in November.")


def test_judge_agrees_with_the_labelled_pairs_and_catches_the_unsupported_ones():
    agreement = judge_agreement(EVAL / "support_labels.jsonl")
    gate = Thresholds.load(EVAL / "thresholds.toml").minimum
    print(f"judge: {agreement.agree}/{agreement.rows} agree, catches {agreement.caught}/{agreement.unsupported} "
          f"unsupported; disagreements: {agreement.disagreements}")
    assert agreement.unsupported >= 20, "the labelled set should keep its unsupported rows"
    assert agreement.accuracy >= gate["judge_accuracy"]
    assert agreement.caught_share >= gate["judge_caught"]


@pytest.mark.parametrize(("sentence", "reason", "missing"), [
    ("Ofsted issued three Priority Actions.", "a number is not in the cited text", "3"),
    ("Ofsted issued 2 Priority Actions in 2021.", "a number is not in the cited text", "2021"),
    ("Ofsted will visit in autumn 2020, in October.", "a month is not in the cited text", "october"),
    ("The Board is chaired by the Interim Chief Executive and Kent County Council is providing support.",
     "a name is not in the cited text", "kent"),
    ("Ofsted will not visit in autumn 2020.", "a negation is not in the cited text", "not"),
    ("Ofsted praised the fostering recruitment campaign and adoption timeliness.", "only", None),
])
def test_each_rule_fires(sentence, reason, missing):
    evidence = PASSAGE if "negation" not in reason else "It is anticipated that Ofsted will visit in autumn 2020."
    verdict = judge_support(sentence, evidence)
    assert not verdict.supported
    assert verdict.reason.startswith(reason), verdict
    if missing:
        assert missing in verdict.missing


def test_supported_sentences_pass():
    assert judge_support("Ofsted issued two Priority Actions [1].", PASSAGE).supported
    assert judge_support("The Board is chaired by the Interim Chief Executive.", PASSAGE).supported
    # number words and digits are the same number; the citation marker is not a number
    assert judge_support("Ofsted issued 2 Priority Actions [3].", PASSAGE).supported
