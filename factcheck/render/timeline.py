"""Geometry of the inline SVG timelines, computed here so that templates only draw."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Verdict
from .text import display_name


@dataclass(frozen=True)
class TimelinePoint:
    x: float
    y: float
    stance: str
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    points: tuple[TimelinePoint, ...]
    ticks: tuple[tuple[float, str], ...]
    marker: tuple[float, str] | None = None
    rows: tuple[tuple[float, str], ...] = ()


def _fraction(dates: list, when) -> float:
    first, last = dates[0], dates[-1]
    span = (last - first).total_seconds() or 1.0
    return (when - first).total_seconds() / span


# Pixels between two year labels, below which the earlier one is left out.
MIN_TICK_GAP = 45


def _ticks(first, last, left: float, width: float) -> tuple[tuple[float, str], ...]:
    years = list(range(first.year, last.year + 1))
    step = max(1, len(years) // 8)
    ticks = []
    for year in years[::step]:
        when = first.replace(year=year, month=1, day=1, hour=0, minute=0, second=0)
        if when < first:
            continue  # a partial first year is labelled at the start, below, if there is room
        x = left + width * _fraction([first, last], when)
        ticks.append((round(x, 1), str(year)))
    if first.month != 1 or first.day != 1:
        if not ticks or ticks[0][0] - left >= MIN_TICK_GAP:
            ticks.insert(0, (round(left, 1), str(first.year)))
    return tuple(ticks)


def claim_timeline(v: Verdict, *, width: int = 640, height: int = 70) -> Timeline | None:
    dated = [e for e in (*v.evidence, *v.claimant_record) if e.date]
    if not dated:
        return None
    moments = sorted({e.date.start for e in dated} | ({v.claim.date.start} if v.claim.date else set()))
    first, last = moments[0], moments[-1]
    if first == last:
        first = first.replace(year=first.year - 1)
        last = last.replace(year=last.year + 1)
    left, usable = 20.0, width - 40.0
    lanes = {"supports": 22, "contradicts": 46, "neutral": 34}
    points = []
    for e in dated:
        stance = "record" if e in v.claimant_record else e.stance
        y = lanes.get(e.stance, 34)
        x = left + usable * _fraction([first, last], e.date.start)
        points.append(TimelinePoint(round(x, 1), y, stance,
                                    f"{e.date.iso[:10]} · {display_name(e.author)} · {e.stance}"))
    marker = None
    if v.claim.date:
        marker = (round(left + usable * _fraction([first, last], v.claim.date.start), 1),
                  f"claim {v.claim.date.iso[:10]}")
    return Timeline(width, height, tuple(points), _ticks(first, last, left, usable), marker)


def activity_timeline(rows, *, width: int = 720, row_height: int = 22, max_authors: int = 14) -> Timeline | None:
    """Documents over time, one row per author (the most active ones)."""
    rows = [r for r in rows if r[0]]
    if not rows:
        return None
    counts: dict[str, int] = {}
    for _, author, n in rows:
        counts[author] = counts.get(author, 0) + n
    authors = sorted(counts, key=lambda a: (-counts[a], a))[:max_authors]
    moments = sorted({when for when, author, _ in rows if author in authors})
    first, last = moments[0], moments[-1]
    if first == last:
        first = first.replace(year=first.year - 1)
        last = last.replace(year=last.year + 1)
    left, usable = 170.0, width - 190.0
    points = []
    for when, author, n in rows:
        if author not in authors:
            continue
        y = 14 + authors.index(author) * row_height
        x = left + usable * _fraction([first, last], when)
        points.append(TimelinePoint(round(x, 1), y, "doc",
                                    f"{when.date().isoformat()} · {author} · {n} document{'s' if n > 1 else ''}"))
    height = 30 + len(authors) * row_height
    return Timeline(width, height, tuple(points), _ticks(first, last, left, usable), None,
                    tuple((14 + i * row_height, a) for i, a in enumerate(authors)))
