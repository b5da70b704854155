"""How eval/calibrate.py fits the evidence decision: weights that never count a signal against an
answer, a threshold with room on both sides, and answers never shortened at the cost of a miss."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def calibrate():
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "eval" / "calibrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _two_signals_moving_together(n: int = 1000, seed: int = 7):
    """A sentence's own coverage and its context's, nearly equal; in this sample the answers happen
    to sit where the context covers more than the sentence, which an unconstrained fit reads as
    the sentence's own coverage counting against an answer."""
    rng = np.random.default_rng(seed)
    context = rng.uniform(0, 1, n)
    own = np.clip(context - rng.uniform(0, 0.3, n), 0, 1)
    y = (rng.uniform(0, 1, n) < 1 / (1 + np.exp(-(12 * context - 6 * own - 3)))).astype(float)
    return np.column_stack([own, context]), y


def test_no_weight_is_negative_even_where_an_unconstrained_fit_would_make_one(calibrate):
    X, y = _two_signals_moving_together()
    weights, _ = calibrate.fit_logistic(X, y)
    assert (weights >= 0).all()
    assert weights[1] > 1.0  # the stronger signal still carries the decision


def test_the_fit_still_learns_a_signal_that_counts(calibrate):
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, 300)
    y = (x > 0.5).astype(float)
    weights, bias = calibrate.fit_logistic(x[:, None], y)
    assert weights[0] > 3 and bias < 0


def test_the_threshold_sits_in_the_middle_of_the_gap_between_the_two_kinds_of_question(calibrate):
    answerable = [0.62, 0.7, 0.8, 0.9, 0.95]
    unanswerable = [0.1, 0.2, 0.3]
    assert calibrate.choose_threshold(answerable, unanswerable) == pytest.approx((0.3 + 0.62) / 2)


def test_the_threshold_makes_the_fewest_errors_counted_as_shares_of_each_kind(calibrate):
    # Raising the threshold past 0.5 refuses one answerable question in thirty and answers one
    # unanswerable question in two fewer: a share of 0.033 against one of 0.5.
    answerable = [0.45] + [0.6 + i * 0.01 for i in range(29)]
    unanswerable = [0.2, 0.5]
    t = calibrate.choose_threshold(answerable, unanswerable)
    assert 0.5 < t < 0.6


def test_the_threshold_never_refuses_more_answerable_questions_than_allowed(calibrate):
    answerable = [0.3 + i * 0.01 for i in range(50)]
    unanswerable = [0.5 + i * 0.01 for i in range(10)]
    t = calibrate.choose_threshold(answerable, unanswerable)
    assert sum(s < t for s in answerable) / len(answerable) <= calibrate.MAX_FALSE_REFUSALS


def test_answers_are_shortened_only_where_no_question_loses_its_evidence(calibrate):
    # 150 questions. In 149 the best sentence is gold, whatever the setting; in one, the gold
    # sentence scores a third of the best. Settings letting it join (relative <= 1/3) cite gold
    # for all 150; the shortest of those is chosen, not a shorter one that misses one question.
    select, bias = np.array([1.0]), 0.0
    logit = lambda p: float(np.log(p / (1 - p)))
    by_question = {f"q{i}": (True, [[logit(0.9)], [logit(0.2)]], [1, 0]) for i in range(149)}
    by_question["hard"] = (True, [[logit(0.9)], [logit(0.3)]], [0, 1])
    passages = {q: [f"{q}-best", f"{q}-other"] for q in by_question}
    chosen = calibrate.choose_relative(select, bias, by_question, passages, max_sentences=5)
    assert chosen == max(r for r in calibrate.RELATIVES if r <= 1 / 3)
