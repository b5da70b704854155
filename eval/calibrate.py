"""Calibrate the extractive answerer's refusal thresholds on the calibration split.

Run from the project folder:  .venv/bin/python eval/calibrate.py

It reads only the calibration split of the eval sets (`evaluation.dataset.split_of`): the test
split, which the gate and the headline figures use, must never set a threshold. It builds the
eval's own store (corpus/ and eval/corpus/, as `ofsted-rag eval` does), asks every question once
through `Engine.ask`, with an answerer that records what the engine hands it (the hits after scope
and year checks, and the question's topic) before answering as usual, so the search sees exactly
the question path users get. Questions the engine refuses before answering (a council the store
does not hold, a year it says nothing about) count as refused at every setting. Then, for each
candidate (`min_similarity`, `shared_word_similarity`), it prints refusal recall on the
unanswerable questions and the false-refusal rate on the answerable ones, with the questions each
setting gets wrong. The chosen values go in `Thresholds` in src/ofsted_rag/answer.py.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ofsted_rag.answer import Thresholds
from ofsted_rag.config import Settings
from ofsted_rag.engine import Engine
from ofsted_rag.evaluation.dataset import eval_sets, in_split, load_eval_sets
from ofsted_rag.evaluation.runner import eval_store_settings, prepare_eval_store

EVAL = Path(__file__).resolve().parent
GRID = [(a, b) for a in (0.15, 0.2, 0.25, 0.3, 0.35) for b in (0.25, 0.3, 0.35, 0.4, 0.45, 1.0)]


@dataclass
class RecordingAnswerer:
    """The engine's extractive answerer, noting the hits and topic of the last question it got."""

    inner: object
    last: tuple | None = None

    def answer(self, question, hits, *, topic=None, steps=()):
        self.last = (list(hits), topic)
        return self.inner.answer(question, hits, topic=topic, steps=steps)


def main() -> int:
    settings = eval_store_settings(Settings.from_env())
    prepare_eval_store(settings, EVAL)
    engine = Engine(settings)
    recorder = RecordingAnswerer(engine.extractive)
    engine.answerer = recorder
    engine.warm_up()
    answerer = engine.extractive
    questions = in_split(load_eval_sets(eval_sets(EVAL)), "calibration")
    print(f"{len(questions)} calibration questions; the test split is not read")
    features = []
    for q in questions:
        recorder.last = None
        engine.ask(q.question)
        if recorder.last is None:  # refused by scope or year before any sentence was weighed
            features.append((q, None, []))
            continue
        hits, topic = recorder.last
        features.append((q, topic, answerer.candidates(q.question, hits, topic)))

    print(f"{'min_similarity':>14} {'shared_word':>11} {'refusal recall':>15} {'false refusals':>15}  wrong")
    for value, shared in GRID:
        answerer.thresholds = replace(Thresholds(), min_similarity=value, shared_word_similarity=shared)
        refused_ok = false_refusals = unanswerable = answerable = 0
        wrong = []
        for q, topic, candidates in features:
            answers = topic is not None and any(answerer.qualifies(q.question, c, bool(topic.places)) for c in candidates)
            if q.answerable:
                answerable += 1
                false_refusals += not answers
            else:
                unanswerable += 1
                refused_ok += not answers
            if answers != q.answerable:
                wrong.append(q.id)
        recall = refused_ok / unanswerable if unanswerable else float("nan")
        false_rate = false_refusals / answerable if answerable else float("nan")
        print(f"{value:>14.2f} {shared:>11.2f} {recall:>15.3f} {false_rate:>15.3f}  {' '.join(wrong)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
