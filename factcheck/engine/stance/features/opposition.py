"""Opposed terms: a word from one side of a named opposition in the claim and from the other
in the sentence ("non-profit" / "for-profit"), each side corrected for negation."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("opposed", "polar_agree", "polar_missing")


def opposition(pair: Pair) -> Finding:
    found = pair.opposition
    against = found.opposed_groups - found.agreeing_groups
    # A sentence holding both sides of an opposition ("a commercial firm with a charitable
    # arm") takes neither.
    return Finding({
        "opposed": pair.about * pair.actorless_factor if against else 0.0,
        "polar_agree": float(bool(found.agreeing_groups - found.opposed_groups) and not against),
        # The claim's point ("a non-profit") is not what the sentence speaks of.
        "polar_missing": float(bool(found.missing_groups)),
    }, found.reasons)
