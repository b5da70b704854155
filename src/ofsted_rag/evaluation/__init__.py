"""The eval: retrieval, citation, groundedness and refusal figures over the eval sets.

One module per job: `dataset` (the questions, their gold passages, the split), `metrics` (scoring
one answer, summarising figures), `gate` (eval/thresholds.toml and the support judge's agreement),
`report` (markdown, JSON, terminal tables), `metadata` (inferred metadata against its truth),
`real` (real pages, measured locally) and `runner` (`run_eval`, `ofsted-rag eval`).
`baseline.py` builds on `dataset` and `metrics` only, so the runner can import it without a cycle.

This package imports only `dataset` itself: importing `ofsted_rag.evaluation.dataset` must not load the
runner (and with it the engine).
"""

# Scripts written against the single-module eval import this from the package.
from ofsted_rag.evaluation.dataset import fold_text  # noqa: E402

__all__ = ["fold_text"]
