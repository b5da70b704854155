"""Fit the evidence decision (answer.Evidence) on the eval's calibration split, never the test split.

    .venv/bin/python eval/calibrate.py [--write]

It ingests corpus/ and the development corpus eval/corpus/ (no manifest: metadata is inferred, as
for any folder a person drops in) into the eval's store (data/eval-store), then asks every calibration
question as `ofsted-rag ask` does (`Engine.gather`, the same code path) and scores every candidate
sentence's features (`ExtractiveAnswerer.candidates`).

1. Weights: a logistic regression (L2, Newton steps) of "this sentence is in a gold passage" on the
   features of every candidate sentence of every calibration question (an unanswerable question's
   sentences are all negatives).
2. Threshold: on a question's best sentence, the one making the fewest errors of both kinds (the
   share of answerable calibration questions refused plus the share of unanswerable ones
   answered), in the middle of the widest gap between scores that does so, refusing at most
   `MAX_FALSE_REFUSALS` of the answerable (the issue allows 5%; one point of margin is kept for
   questions the split has not seen); refusal recall at it is printed.
With --write the result goes to src/ofsted_rag/resources/evidence.toml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MAX_FALSE_REFUSALS = 0.04
L2 = 1.0
RELATIVES = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_known_args(argv)[1]
    write = "--write" in args
    from ofsted_rag.answer import CONFIDENCE_DEPTH, FEATURES
    from ofsted_rag.config import Settings
    from ofsted_rag.engine import Engine
    from ofsted_rag.evaluation.dataset import eval_sets, load_eval_sets, map_gold, split_of
    from ofsted_rag.evaluation.runner import eval_store_settings, prepare_eval_store

    # The eval's own store (corpus/ and eval/corpus/ with no manifest), never the app's.
    settings = eval_store_settings(Settings.from_env())
    prepare_eval_store(settings, ROOT / "eval")
    engine = Engine(settings)
    print(f"store: {engine.status().documents} documents, {engine.status().passages} passages", file=sys.stderr)

    questions = [q for q in load_eval_sets(eval_sets(ROOT / "eval")) if split_of(q.id) == "calibration"]
    gold = map_gold([q for q in questions if q.answerable], engine.retriever.passages)
    rows: list[tuple[list[float], int, str]] = []  # features, label, question id
    passages_of: dict[str, list[str]] = {}
    best_by_question: dict[str, tuple[bool, list[list[float]], list[int]]] = {}
    for q in questions:
        found = engine.gather(q.question)
        golden = set().union(*gold.get(q.id, ())) if q.answerable else set()
        if found.refusal:
            best_by_question[q.id] = (q.answerable, [], [])
            continue
        candidates = engine.extractive.candidates(found.query, found.hits)
        xs = [[c.features[k] for k in FEATURES] for c in candidates]
        ys = [int(c.passage.id in golden) for c in candidates]
        rows.extend((x, y, q.id) for x, y in zip(xs, ys))
        best_by_question[q.id] = (q.answerable, xs, ys)
        passages_of[q.id] = [c.passage.id for c in candidates]

    X = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    select, select_bias = fit_logistic(X, y)
    print(f"{len(questions)} calibration questions, {len(rows)} candidate sentences, {int(y.sum())} in gold passages")

    relative = choose_relative(select, select_bias, best_by_question, passages_of, engine.extractive.max_sentences)

    # The answer model sees each question's best sentence (by the select model): answerable or not.
    best_rows, labels, ids = [], [], []
    for qid, (answerable, xs, ys) in best_by_question.items():
        if xs:
            best_rows.append(xs[int(np.argmax([np.dot(select, x) for x in xs]))])
            labels.append(int(answerable))
            ids.append(qid)
    B = np.array(best_rows, dtype=float)
    L = np.array(labels, dtype=float)
    # Unanswerable questions are few: weigh the classes equally so they are not drowned out.
    weight = np.where(L == 1, 0.5 / max(1, L.sum()), 0.5 / max(1, len(L) - L.sum())) * len(L)
    answer, answer_bias = fit_logistic(B, L, weight)
    print(f"{'feature':>20} {'select':>8} {'answer':>8}")
    for name, a, b in zip(FEATURES, select, answer):
        print(f"{name:>20} {a:+8.3f} {b:+8.3f}")
    print(f"{'bias':>20} {select_bias:+8.3f} {answer_bias:+8.3f}")

    # The decision is on the best answer score among the CONFIDENCE_DEPTH sentences ranked first
    # (answer.Evidence.confidence): the threshold is set on that same figure.
    scores = {}
    for qid, (_, xs, _) in best_by_question.items():
        if xs:
            ranked = sorted(xs, key=lambda x: -np.dot(select, x))[:CONFIDENCE_DEPTH]
            scores[qid] = max(float(sigmoid(np.dot(answer, x) + answer_bias)) for x in ranked)
    answerable = [scores.get(qid, 0.0) for qid, (a, _, _) in best_by_question.items() if a]
    unanswerable = [scores.get(qid, 0.0) for qid, (a, _, _) in best_by_question.items() if not a]
    threshold = choose_threshold(answerable, unanswerable)
    refused_ok = sum(s < threshold for s in unanswerable) / max(1, len(unanswerable))
    false = sum(s < threshold for s in answerable) / max(1, len(answerable))
    top_gold = sum(1 for a, xs, ys in best_by_question.values() if a and xs
                   and ys[int(np.argmax([np.dot(select, x) for x in xs]))]) / max(1, len(answerable))
    print(f"threshold {threshold:.3f}: false refusals {false:.3f} ({len(answerable)} answerable), "
          f"refusal recall {refused_ok:.3f} ({len(unanswerable)} unanswerable, scope refusals included), "
          f"best sentence in gold {top_gold:.3f}")
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        print(f"  at {t:.2f}: false refusals {sum(s < t for s in answerable) / max(1, len(answerable)):.3f}, "
              f"refusal recall {sum(s < t for s in unanswerable) / max(1, len(unanswerable)):.3f}")
    wrong = [qid for qid, (a, _, _) in best_by_question.items() if (scores.get(qid, 0.0) < threshold) == a]
    print("wrong at the threshold:", " ".join(wrong))
    if write:
        path = ROOT / "src" / "ofsted_rag" / "resources" / "evidence.toml"
        path.write_text(render_toml(dict(zip(FEATURES, select)), select_bias, dict(zip(FEATURES, answer)),
                                    answer_bias, threshold, relative, len(questions)), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def fit_logistic(X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None,
                 steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method, every weight held at zero or above;
    features are used as they are (all lie in [0, 1]), so the weights read as the worth of each
    signal.

    Every feature is a signal *for* an answer (a closer sentence, more of the question covered, a
    better-ranked passage), so none may count against one. Unconstrained, two features that move
    together (a sentence's coverage and its context's) can take weights of opposite sign that fit
    the calibration split and nothing else: covering more of a question then lowers the score.
    Active set: a weight the fit drives below zero is held at zero and the rest refitted, until
    none is negative and no held weight would lower the loss by rising."""
    sw = np.ones(len(X)) if sample_weight is None else sample_weight
    A = np.hstack([X, np.ones((len(X), 1))])
    reg = np.eye(A.shape[1]) * L2
    reg[-1, -1] = 0.0
    free = np.ones(A.shape[1], dtype=bool)
    w = np.zeros(A.shape[1])
    for _ in range(4 * A.shape[1]):
        w = np.zeros(A.shape[1])
        w[free] = _newton(A[:, free], y, sw, reg[np.ix_(free, free)], steps)
        negative = free & (w < 0)
        negative[-1] = False  # the bias is free to take any sign
        if negative.any():
            free[int(np.argmin(np.where(negative, w, 0.0)))] = False
            continue
        grad = A.T @ (sw * (sigmoid(A @ w) - y)) + reg @ w
        rising = ~free & (grad < -1e-9)
        if not rising.any():
            break
        free[int(np.argmin(np.where(rising, grad, 0.0)))] = True
    return w[:-1], float(w[-1])


def _newton(A: np.ndarray, y: np.ndarray, sw: np.ndarray, reg: np.ndarray, steps: int) -> np.ndarray:
    w = np.zeros(A.shape[1])
    for _ in range(steps):
        p = sigmoid(A @ w)
        grad = A.T @ (sw * (p - y)) + reg @ w
        hess = (A * (sw * p * (1 - p))[:, None]).T @ A + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def choose_threshold(answerable_best: list[float], unanswerable_best: list[float]) -> float:
    """The threshold that makes the fewest errors of both kinds, each counted as a share of its
    own class (false refusals of the answerable questions plus answers to the unanswerable ones),
    refusing at most MAX_FALSE_REFUSALS of the answerable; where several do equally well, the
    middle of the widest such gap between scores, as far as can be from the questions on either
    side (questions the split has not seen score a little off its own)."""
    if not answerable_best:
        return 0.5
    scores = sorted(set(answerable_best) | set(unanswerable_best) | {0.0, 1.0})
    best: tuple[float, float, float] | None = None  # (errors, -gap, threshold)
    for low, high in zip(scores, scores[1:]):
        t = (low + high) / 2
        false = sum(s < t for s in answerable_best) / len(answerable_best)
        if false > MAX_FALSE_REFUSALS:
            continue
        missed = sum(s >= t for s in unanswerable_best) / max(1, len(unanswerable_best))
        key = (round(false + missed, 9), -(high - low), t)
        if best is None or key < best:
            best = key
    return best[2] if best else min(answerable_best)


def choose_relative(select, bias, by_question, passages_of, max_sentences: int) -> float:
    """How close to the best sentence's score another passage's best sentence must come to join
    the answer: the largest setting (the shortest answers) among those citing a gold passage for
    the most questions, one sentence a passage as the answerer takes them. Brevity never buys
    a miss: a shorter answer that leaves out the passage holding the evidence sends the reader
    back to the documents."""
    def cites_gold(relative: float) -> float:
        hit = total = 0
        for qid, (answerable, xs, ys) in by_question.items():
            if not answerable:
                continue
            total += 1
            if not xs:
                continue
            scored = sorted(zip((sigmoid(bias + np.dot(select, x)) for x in xs), ys, passages_of[qid]),
                            key=lambda t: -t[0])
            floor, seen, good = scored[0][0] * relative, set(), False
            for score, y, pid in scored:
                if score < floor or len(seen) >= max_sentences:
                    break
                if pid not in seen:
                    seen.add(pid)
                    good = good or bool(y)
            hit += good
        return hit / max(1, total)

    figures = {r: cites_gold(r) for r in RELATIVES}
    best = max(figures.values())
    chosen = max(r for r, f in figures.items() if f >= best)
    print("relative: " + ", ".join(f"{r}: cites gold {f:.3f}" for r, f in figures.items()) + f" -> {chosen}")
    return chosen


def render_toml(select: dict[str, float], select_bias: float, answer: dict[str, float], answer_bias: float,
                threshold: float, relative: float, n: int) -> str:
    lines = [
        "# The evidence decision (answer.Evidence): two logistic scores over a candidate sentence's features.",
        "# [select] ranks sentences; [answer] decides on the best one: answered when it reaches `threshold`.",
        f"# Written by eval/calibrate.py --write from the calibration split ({n} questions); do not edit by hand.",
        f"threshold = {threshold:.4f}",
        f"relative = {relative}",
        "",
        "[select]",
        f"bias = {select_bias:.4f}",
        *(f"{k} = {v:.4f}" for k, v in select.items()),
        "",
        "[answer]",
        f"bias = {answer_bias:.4f}",
        *(f"{k} = {v:.4f}" for k, v in answer.items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
