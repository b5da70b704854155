"""Calibrate the extractive answerer's refusal threshold on the eval set.

Run after an ingest of corpus/ (`make ingest`):  .venv/bin/python eval/calibrate.py

For every eval question it retrieves as `ofsted-rag ask` does, scores every candidate sentence, and
then, for each candidate `min_similarity`, prints refusal recall on the unanswerable questions and
the false-refusal rate on the answerable ones, with the questions each setting gets wrong. The
categorical rules (field terms, kind of answer, figures) are applied as the answerer applies them.
The chosen value goes in `Thresholds` in src/ofsted_rag/answer.py.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from ofsted_rag.answer import Thresholds, question_topic
from ofsted_rag.config import Settings
from ofsted_rag.engine import Engine, _mentions_year


def main(eval_set: Path = Path(__file__).with_name("questions.jsonl")) -> int:
    engine = Engine(Settings.from_env())
    engine.warm_up()
    answerer = engine.extractive
    rows = [json.loads(line) for line in eval_set.read_text(encoding="utf-8").splitlines() if line.strip()]
    features = []
    for row in rows:
        scope = engine.scope(row["question"], engine_filter())
        hits = list(engine.retrieve(row["question"], scope.flt).hits)
        if scope.years:
            hits = [h for h in hits if _mentions_year(h.passage, scope.years)]
        topic = question_topic(row["question"], engine.retriever.vocabulary)
        if scope.mentioned_only:
            topic = topic.with_places([[a.name, *a.aliases] for a in scope.mentioned_only])
        candidates = [] if scope.refusal else answerer.candidates(row["question"], hits, topic)
        features.append((row, topic, candidates))

    print(f"{'min_similarity':>14} {'shared_word':>11} {'refusal recall':>15} {'false refusals':>15}  wrong")
    grid = [(a, b) for a in (0.15, 0.2, 0.25, 0.3, 0.35) for b in (0.25, 0.3, 0.35, 0.4, 0.45, 1.0)]
    for value, shared in grid:
        answerer.thresholds = replace(Thresholds(), min_similarity=value, shared_word_similarity=shared)
        refused_ok = false_refusals = unanswerable = answerable = 0
        wrong = []
        for row, topic, candidates in features:
            answers = any(answerer.qualifies(row["question"], c, bool(topic.places)) for c in candidates)
            if row["type"] == "unanswerable":
                unanswerable += 1
                refused_ok += not answers
                if answers:
                    wrong.append(row["id"])
            else:
                answerable += 1
                false_refusals += not answers
                if not answers:
                    wrong.append(row["id"])
        print(f"{value:>14.2f} {shared:>11.2f} {refused_ok / unanswerable:>15.3f} {false_refusals / answerable:>15.3f}  {' '.join(wrong)}")
    return 0


def engine_filter():
    from ofsted_rag.store import PassageFilter

    return PassageFilter()


if __name__ == "__main__":
    sys.exit(main())
