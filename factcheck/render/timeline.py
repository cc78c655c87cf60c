"""Geometry of the inline SVG timelines, computed here so that templates only draw.

The axis runs from 1 January of the first year to 1 January after the last, so years are
evenly spaced and every year is labelled. A date known only to the year (or month) is drawn
as a bar across that year (or month), not as a dot on its first day. Marks that would
overlap are merged into one that shows how many it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from factcheck.model import Verdict

# Below this many user units apart, two dots in one lane are drawn as one with a count.
MERGE_GAP = 9.0
# Beyond this many years, only every n-th year is labelled so the labels do not collide.
MAX_LABELS = 10


@dataclass(frozen=True)
class Mark:
    """A dot (`width` 0) or a bar from `x` to `x + width`; `count` marks merged into it."""

    x: float
    y: float
    width: float
    stance: str
    count: int
    label: str


@dataclass(frozen=True)
class Timeline:
    """`ticks_path` draws every year's tick line in one SVG path."""

    width: int
    height: int
    left: int
    right: int
    marks: tuple[Mark, ...]
    ticks: tuple[tuple[float, float, str], ...]  # (x of 1 January, x of the label, year)
    marker: tuple[float, str] | None = None
    rows: tuple[tuple[float, str], ...] = ()
    stances: tuple[str, ...] = ()  # what the legend lists, in drawing order

    def ticks_path(self, top: float, bottom: float) -> str:
        return "".join(f"M{x} {top}V{bottom}" for x, _, _ in self.ticks)

    @property
    def bars(self) -> bool:
        return any(m.width for m in self.marks)


class Axis:
    def __init__(self, first: datetime, last: datetime, left: int, right: int):
        self.first_year = first.year
        self.start = datetime(first.year, 1, 1, tzinfo=timezone.utc)
        self.end = datetime(last.year + 1, 1, 1, tzinfo=timezone.utc)
        self.left, self.right = left, right

    def x(self, when: datetime) -> float:
        span = (self.end - self.start).total_seconds()
        return round(self.left + (self.right - self.left) * (when - self.start).total_seconds() / span)

    def ticks(self) -> tuple[tuple[float, float, str], ...]:
        years = list(range(self.first_year, self.end.year))
        step = -(-len(years) // MAX_LABELS)
        out = []
        for year in years[::step]:
            start = self.x(datetime(year, 1, 1, tzinfo=timezone.utc))
            end = self.x(datetime(min(year + step, self.end.year), 1, 1, tzinfo=timezone.utc))
            out.append((start, round((start + end) / 2) if step == 1 else start, str(year)))
        return tuple(out)


def _merge(marks: list[Mark]) -> tuple[Mark, ...]:
    """One mark per lane and place: dots closer than MERGE_GAP, and bars over the same span."""
    merged: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.y, m.width, m.x)):
        last = merged[-1] if merged else None
        if last and last.y == m.y and (
                (m.width == 0 and last.width == 0 and m.x - last.x < MERGE_GAP)
                or (m.width and last.x == m.x and last.width == m.width)):
            stance = last.stance if last.stance == m.stance else "many"
            label = last.label if m.label in last.label.split("; ") else f"{last.label}; {m.label}"
            merged[-1] = Mark(last.x, last.y, last.width, stance, last.count + m.count, label)
        else:
            merged.append(m)
    # Bars first, dots on top of them.
    return tuple(sorted(merged, key=lambda m: m.width == 0))


LANES = {"supports": 24, "contradicts": 48, "record": 48}
LEGEND_ORDER = ("supports", "contradicts", "record", "neutral", "many")


def claim_timeline(v: Verdict, *, width: int = 480, height: int = 78) -> Timeline | None:
    """The dated evidence that takes a side, on one axis: for above, against (and the
    claimant's own record) below. Sentences that take no side are left out, as on the page,
    where they are listed only on request."""
    items = [(e, "record") for e in v.claimant_record if e.date]
    items += [(e, e.stance) for e in v.evidence if e.date and e.stance != "neutral"]
    if not items:
        return None
    moments = [e.date.start for e, _ in items] + ([v.claim.date.start] if v.claim.date else [])
    axis = Axis(min(moments), max(moments), 20, width - 20)
    marks = []
    for e, stance in items:
        label = f"{e.date.iso[:10]} {e.author or 'unattributed'}"
        x = axis.x(e.date.start)
        bar = axis.x(e.date.end) - x if e.date.precision in ("year", "month") else 0
        marks.append(Mark(x, LANES.get(stance, 36), max(bar, 4) if bar else 0, stance, 1, label))
    marker = (axis.x(v.claim.date.start), f"claim made {v.claim.date.iso[:10]}") if v.claim.date else None
    merged = _merge(marks)
    present = {m.stance for m in merged}
    return Timeline(width, height, axis.left, axis.right, merged, axis.ticks(), marker,
                    stances=tuple(s for s in LEGEND_ORDER if s in present))


def activity_timeline(rows, *, width: int = 720, row_height: int = 22, max_authors: int = 14) -> Timeline | None:
    """Documents over time, one row per author (the most active ones)."""
    rows = [r for r in rows if r[0]]
    if not rows:
        return None
    counts: dict[str, int] = {}
    for _, author, n in rows:
        counts[author] = counts.get(author, 0) + n
    authors = sorted(counts, key=lambda a: (-counts[a], a))[:max_authors]
    moments = [when for when, author, _ in rows if author in authors]
    axis = Axis(min(moments), max(moments), 170, width - 20)
    marks = []
    for when, author, n in rows:
        if author in authors:
            marks.append(Mark(axis.x(when), 14 + authors.index(author) * row_height, 0, "doc", n,
                              f"{when.date().isoformat()[:7]} {author}: {n}"))
    height = 34 + len(authors) * row_height
    return Timeline(width, height, axis.left, axis.right, _merge(marks), axis.ticks(), None,
                    tuple((14 + i * row_height, a) for i, a in enumerate(authors)))
