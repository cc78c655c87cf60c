"""Tone: hedges ("reportedly", "may") and contrast words ("but", "although")."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("hedged", "contrast")


def tone(pair: Pair) -> Finding:
    keys = pair.analysis.keys
    return Finding({"hedged": float(bool(pair.lexicon.hedges.find(keys))),
                    "contrast": float(bool(pair.lexicon.contrast.find(keys)))})
