"""Linear models whose weights are data files: the stance of a sentence, the verdict of a claim.

A multinomial logistic regression, read from JSON (`{"weights": {class: {feature: w, "bias": b}}}`):
a file shipped in factcheck/data by name, or a path. `bench/train.py` and
`bench/train_verdict.py` write them.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ClassVar

from factcheck.errors import InputError


@dataclass(frozen=True)
class LinearModel:
    """Per-class weights over the subclass's `features`, plus a bias; softmax over `classes`."""

    weights: dict[str, dict[str, float]]
    description: str = ""
    features: ClassVar[tuple[str, ...]] = ()
    classes: ClassVar[tuple[str, ...]] = ()

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        scores = {label: w.get("bias", 0.0) + sum(w.get(name, 0.0) * values.get(name, 0.0)
                                                  for name in self.features)
                  for label, w in self.weights.items()}
        top = max(scores.values())
        exps = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exps.values())
        return {label: exps.get(label, 0.0) / total for label in self.classes}

    @classmethod
    def load(cls, name: str):
        data = load_weights(name)
        return cls(data["weights"], data.get("description", ""))


@functools.cache
def load_weights(name: str) -> dict:
    """A model's weights: a file shipped in factcheck/data by name, or a path."""
    path = Path(name)
    try:
        if path.is_file():
            text = path.read_text("utf-8")
        else:
            text = resources.files("factcheck.data").joinpath(name).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read these weights: {exc}", path=name,
                         hint="Name a file of factcheck/data (e.g. stance_model_learned.json) or a path.") from None
    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict):
        raise InputError("not a weights file: no \"weights\" table", path=name)
    return data
