"""The gate: eval/thresholds.toml, and the support judge's agreement with hand-labelled pairs."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ofsted_rag.evaluation.dataset import EvalSetError
from ofsted_rag.evaluation.metrics import Figures
from ofsted_rag.support import judge_support

THRESHOLDS_NAME = "thresholds.toml"
LABELS_NAME = "support_labels.jsonl"


@dataclass(frozen=True)
class JudgeAgreement:
    """How `judge_support` agrees with the hand-labelled pairs."""

    rows: int
    agree: int
    unsupported: int
    caught: int
    disagreements: tuple[str, ...]

    @property
    def accuracy(self) -> float:
        return self.agree / self.rows if self.rows else 0.0

    @property
    def caught_share(self) -> float:
        """Share of the unsupported rows the judge calls unsupported."""
        return self.caught / self.unsupported if self.unsupported else 1.0


def judge_agreement(path: Path) -> JudgeAgreement:
    """Run the support judge over labelled {sentence, passage, supported} rows."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    agree = caught = unsupported = 0
    disagreements = []
    for row in rows:
        verdict = judge_support(row["sentence"], row["passage"])
        if verdict.supported == row["supported"]:
            agree += 1
        else:
            disagreements.append(f"{row['id']} (labelled {'supported' if row['supported'] else 'unsupported'}): "
                                 f"{row['sentence']!r}")
        if not row["supported"]:
            unsupported += 1
            caught += not verdict.supported
    return JudgeAgreement(len(rows), agree, unsupported, caught, tuple(disagreements))


# ---------------------------------------------------------------- the gate

@dataclass(frozen=True)
class GateCheck:
    metric: str
    value: float | None
    op: str           # ">=" or "<="
    threshold: float
    passed: bool

    def describe(self) -> str:
        value = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.metric} {value} {self.op} {self.threshold:.3f}: {'ok' if self.passed else 'FAIL'}"


JUDGE_METRICS = ("judge_accuracy", "judge_caught")


@dataclass(frozen=True)
class Thresholds:
    """eval/thresholds.toml: `[gate.min]` / `[gate.max]` per metric (Figures field names, and
    `judge_accuracy` / `judge_caught` for the support judge on its labelled pairs): what the system
    has reached, which CI holds it to; and `[target.min]` / `[target.max]`: what the open issues
    ask for, reported beside the gate until they are met."""

    minimum: dict[str, float]
    maximum: dict[str, float]
    target_minimum: dict[str, float] = field(default_factory=dict)
    target_maximum: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Thresholds":
        """Raises EvalSetError when the file is missing or names an unknown metric."""
        if not path.is_file():
            raise EvalSetError(f"thresholds file {path} not found")
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise EvalSetError(f"{path}: {exc}") from None
        gate, target = data.get("gate", {}), data.get("target", {})
        known = {f.name for f in fields(Figures)} | set(JUDGE_METRICS)
        minimum, maximum = dict(gate.get("min", {})), dict(gate.get("max", {}))
        target_minimum, target_maximum = dict(target.get("min", {})), dict(target.get("max", {}))
        for name in [*minimum, *maximum, *target_minimum, *target_maximum]:
            if name not in known:
                raise EvalSetError(f"{path}: unknown metric {name!r}; use one of {', '.join(sorted(known))}")
        return cls(minimum, maximum, target_minimum, target_maximum)

    def check_targets(self, figures: Figures, judge: JudgeAgreement | None = None) -> list[GateCheck]:
        """One check per target, as `check` does for the gate."""
        return Thresholds(self.target_minimum, self.target_maximum).check(figures, judge)

    def check(self, figures: Figures, judge: JudgeAgreement | None = None) -> list[GateCheck]:
        """One check per threshold; a figure that is missing (None, or the judge not run) fails."""
        values = asdict(figures)
        if judge is not None:
            values.update(judge_accuracy=judge.accuracy, judge_caught=judge.caught_share)
        out = []
        for name, low in self.minimum.items():
            v = values.get(name)
            out.append(GateCheck(name, v, ">=", low, v is not None and v >= low - 1e-9))
        for name, high in self.maximum.items():
            v = values.get(name)
            out.append(GateCheck(name, v, "<=", high, v is not None and v <= high + 1e-9))
        return out

