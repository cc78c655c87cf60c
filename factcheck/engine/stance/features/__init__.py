"""Stance features: each a small pure function `Pair -> Finding` (named values in [0, 1] and
the reasons a reader is shown), listed in the registry (`factcheck.engine.stance.registry`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    values: dict[str, float]
    reasons: tuple[str, ...] = field(default=())
