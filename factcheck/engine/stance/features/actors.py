"""Who acts: "Acme resigned" is not "Ann resigned"; "I" is the sentence's author."""

from __future__ import annotations

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair

NAMES = ("actor_mismatch", "actor_match")


def actors(pair: Pair) -> Finding:
    agree = pair.actors_agree
    return Finding({"actor_mismatch": float(agree is False), "actor_match": float(agree is True)},
                   ("not the same actor as in the claim",) if agree is False else ())
