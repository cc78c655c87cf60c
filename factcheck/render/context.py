"""The one context object the Markdown and HTML templates read (`ReportContext`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from markupsafe import Markup

from ..models import VERDICTS, Evidence, Verdict
from .claimreview import claim_review
from .text import VERDICT_LABELS, anchor, display_name
from .timeline import Timeline, activity_timeline, claim_timeline


@dataclass(frozen=True)
class EvidenceView:
    """An evidence card: the evidence, its quote cut into plain and highlighted pieces."""

    evidence: Evidence
    pieces: tuple[tuple[str, bool], ...]
    who: str
    when: str
    translated: bool


@dataclass(frozen=True)
class ClaimView:
    verdict: Verdict
    anchor: str
    label: str
    supports: tuple[EvidenceView, ...]
    contradicts: tuple[EvidenceView, ...]
    neutral: tuple[EvidenceView, ...]
    record: tuple[EvidenceView, ...]
    appearances: tuple[EvidenceView, ...]
    timeline: Timeline | None
    json_ld: Markup


@dataclass(frozen=True)
class ReportContext:
    """Everything report.md.j2 and report.html.j2 read. Build it with `build_context`.

    - `claims`: one ClaimView per claim, in the claims file's order;
    - `counts`: verdict -> number of claims; `passed`/`failed`: against `expect`;
    - `corpus`: the CorpusSummary; `activity`: the corpus timeline (documents by author);
    - `speakers`, `tags`: the filter choices; `settings`: what reproduces the run.
    """

    title: str
    version: str
    generated: str
    corpus: object
    settings: dict
    settings_json: str
    counts: dict[str, int]
    passed: int
    failed: int
    claims: tuple[ClaimView, ...]
    speakers: tuple[str, ...]
    tags: tuple[str, ...]
    activity: Timeline | None
    labels: dict[str, str] = field(default_factory=lambda: dict(VERDICT_LABELS))
    claim_errors: tuple[str, ...] = ()


def _view(e: Evidence) -> EvidenceView:
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in e.highlights:
        if start < position or end > len(e.text):
            continue
        if start > position:
            pieces.append((e.text[position:start], False))
        pieces.append((e.text[start:end], True))
        position = end
    if position < len(e.text):
        pieces.append((e.text[position:], False))
    return EvidenceView(e, tuple(pieces), display_name(e.author),
                        e.date.iso[:16].replace("T", " ") if e.date else "undated",
                        e.field != "text")


def _json_ld(data) -> Markup:
    # Inside <script>, "</" would end the element: escape "<" so no quote can break out.
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return Markup(text)


def build_context(report, *, title: str = "Claim check", **options) -> ReportContext:
    claims = []
    for v in report.verdicts:
        views = [_view(e) for e in v.evidence]
        claims.append(ClaimView(
            verdict=v, anchor=anchor(v.claim.id), label=VERDICT_LABELS[v.verdict],
            supports=tuple(x for x in views if x.evidence.stance == "supports"),
            contradicts=tuple(x for x in views if x.evidence.stance == "contradicts"),
            neutral=tuple(x for x in views if x.evidence.stance == "neutral"),
            record=tuple(_view(e) for e in v.claimant_record),
            appearances=tuple(_view(e) for e in v.appearances),
            timeline=claim_timeline(v),
            json_ld=_json_ld(claim_review(v, generated=report.generated)),
        ))
    counts = {k: sum(v.verdict == k for v in report.verdicts) for k in VERDICTS}
    return ReportContext(
        title=title, version=report.version, generated=report.generated, corpus=report.corpus,
        settings=report.settings, settings_json=json.dumps(report.settings, sort_keys=True),
        counts=counts, passed=sum(v.passed is True for v in report.verdicts),
        failed=sum(v.passed is False for v in report.verdicts), claims=tuple(claims),
        speakers=tuple(sorted({v.claim.speaker for v in report.verdicts if v.claim.speaker})),
        tags=tuple(sorted({t for v in report.verdicts for t in v.claim.tags})),
        activity=activity_timeline(report.activity), claim_errors=tuple(report.claim_errors))
