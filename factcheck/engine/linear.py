"""Linear models whose weights are data files: the stance of a sentence, the verdict of a claim.

A multinomial logistic regression, read from JSON (`{"weights": {class: {feature: w, "bias": b}}}`):
a file shipped in factcheck/data by name, or a path. `bench/train_stance.py` and
`bench/train_verdict.py` write them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import ClassVar

from factcheck.errors import InputError


@dataclass(frozen=True)
class LinearModel:
    """Per-class weights over the subclass's `features`, plus a bias; softmax over `classes`."""

    weights: dict[str, dict[str, float]]
    description: str = ""
    # The file's own order of the features (the sums follow it, to the last digit).
    order: tuple[str, ...] = ()
    # The file's other entries (what it was fitted on, and with what): read once, with the weights.
    meta: dict = field(default_factory=dict, compare=False)
    features: ClassVar[tuple[str, ...]] = ()
    classes: ClassVar[tuple[str, ...]] = ()

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        names = self.order or self.features
        scores = {label: w.get("bias", 0.0) + sum(w.get(name, 0.0) * values.get(name, 0.0)
                                                  for name in names)
                  for label, w in self.weights.items()}
        top = max(scores.values())
        exps = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exps.values())
        return {label: exps.get(label, 0.0) / total for label in self.classes}

    @classmethod
    def load(cls, name: str):
        """The weights in a file, which must name the features it was fitted on: exactly this
        model's, so a file written for other features is refused, not half-read."""
        data = load_weights(name)
        named = data.get("features")
        if not isinstance(named, list):
            raise InputError("the weights file does not name its features (a \"features\" list)",
                             path=name, hint="Refit it with bench/train_stance.py or bench/train_verdict.py, which write one.")
        missing = [f for f in cls.features if f not in named]
        extra = [f for f in named if f not in cls.features]
        if missing or extra:
            raise InputError("the weights file was fitted on other features than this version's: "
                             + "; ".join(filter(None, (missing and f"missing {', '.join(missing)}",
                                                       extra and f"unknown {', '.join(extra)}"))),
                             path=name, hint="Refit it with bench/train_stance.py or bench/train_verdict.py for this version.")
        if set(data["weights"]) != set(cls.classes):
            raise InputError(f"the weights file's classes are {sorted(data['weights'])}, "
                             f"not {list(cls.classes)}", path=name)
        for label, weights in data["weights"].items():
            unknown = set(weights) - set(named) - {"bias"}
            if unknown:
                raise InputError(f"weights for {label} name unknown features: {', '.join(sorted(unknown))}",
                                 path=name)
        return cls(data["weights"], data.get("description", ""), tuple(named),
                   {k: v for k, v in data.items() if k != "weights"})


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
