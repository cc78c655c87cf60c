"""The one context object the Markdown and HTML templates read: `ReportContext`.

`build_context` turns a Report into what a reader needs, so the templates only lay it out:

- every cited document once, numbered (`sources`): cards point at it by number instead of
  repeating its source line;
- every sentence that takes no side once (`related`), however many claims it relates to;
  the claims refer to it by number and the page loads it on demand;
- the same sentence found in a record and in its translation, or in two copies, is one card
  that says where else it is;
- a card prints only the reasons that are reasons for its own stance (`reasons.reasons_for`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from factcheck.model import VERDICTS, Evidence, Verdict
from .claimreview import claim_review
from .reasons import reasons_for
from .text import VERDICT_LABELS, anchor, display_name, fold, safe_url, tidy_rationale
from .timeline import Timeline, activity_timeline, claim_timeline

CONFIDENCE_NOTE = ("how often verdicts given with this confidence were right on held-out "
                   "benchmarks")
NO_CONFIDENCE_NOTE = ("These verdicts come from rules whose confidence is not a calibrated "
                      "probability, so no percentage is shown: weigh the quoted evidence.")


@dataclass(frozen=True)
class Source:
    """A cited document, listed once at the end of a report; cards cite it by `number`."""

    number: int
    doc_id: str
    title: str | None
    outlet: str | None  # the record's `source`: where it was published or found
    url: str | None  # only http(s) links
    when: str
    writer: str | None
    subject: str | None
    kind: str | None
    provenance: str | None


@dataclass(frozen=True)
class Related:
    """A sentence that takes no side on the claims it was found for, stored once."""

    number: int
    text: str
    lang: str | None
    original: str | None
    original_lang: str | None
    source: int
    writer: str | None
    subject: str | None
    when: str
    claims: tuple[tuple[str, int], ...]  # (anchor, number in the claims file) it relates to


@dataclass(frozen=True)
class EvidenceView:
    """An evidence card: the quote cut into plain and highlighted pieces, its original-language
    text when it was matched on a translation, who wrote it (none for an event: the record's
    author is what it is about), the reasons for its stance, and the source it cites."""

    evidence: Evidence
    pieces: tuple[tuple[str, bool], ...]
    writer: str | None
    subject: str | None
    when: str
    translated: bool
    original: str | None
    original_lang: str | None
    reasons: tuple[str, ...]
    source: Source
    also: tuple[Source, ...] = ()  # other documents holding the same sentence


@dataclass(frozen=True)
class ClaimView:
    verdict: Verdict
    anchor: str
    label: str
    rationale: str
    supports: tuple[EvidenceView, ...]
    contradicts: tuple[EvidenceView, ...]
    neutral: tuple[Related, ...]
    record: tuple[EvidenceView, ...]
    appearances: tuple[EvidenceView, ...]
    timeline: Timeline | None
    json_ld: Markup

    @property
    def confidence(self) -> float | None:
        """The verdict's probability of being right, or None when it has no calibrated one."""
        return self.verdict.confidence if self.verdict.calibrated else None


@dataclass(frozen=True)
class ReportContext:
    """Everything report.md.j2 and report.html.j2 read. Build it with `build_context`.

    - `claims`: one ClaimView per claim, in the claims file's order;
    - `counts`: verdict -> number of claims; `passed`/`failed`: against `expect` (regression
      checks, shown only on request);
    - `sources`: the cited documents, numbered; `related`: the sentences that take no side;
    - `calibrated`: whether any verdict carries a calibrated probability (else no numbers);
    - `corpus`: the CorpusSummary; `activity`: the corpus timeline (documents by author);
    - `speakers`, `tags`: the filter choices; `settings` and `command`: what reproduces the run.
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
    sources: tuple[Source, ...] = ()
    related: tuple[Related, ...] = ()
    calibrated: bool = False
    command: str | None = None
    labels: dict[str, str] = field(default_factory=lambda: dict(VERDICT_LABELS))
    claim_errors: tuple[str, ...] = ()
    confidence_note: str = CONFIDENCE_NOTE
    no_confidence_note: str = NO_CONFIDENCE_NOTE


# --- cards -------------------------------------------------------------------------------------


def _when(e: Evidence) -> str:
    return e.date.iso[:16].replace("T", " ") if e.date else "undated"


def _writer_subject(e: Evidence) -> tuple[str | None, str | None]:
    if e.kind == "event":
        # An event record has no writer: its `author` is who the event is about.
        return None, display_name(e.author) if e.author else None
    return (display_name(e.author) if e.author else None), None


def _pieces(e: Evidence) -> tuple[tuple[str, bool], ...]:
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
    return tuple(pieces)


class _Sources:
    """Numbers the cited documents in order of first citation."""

    def __init__(self):
        self.by_doc: dict[str, Source] = {}

    def of(self, e: Evidence) -> Source:
        if e.doc_id not in self.by_doc:
            writer, subject = _writer_subject(e)
            self.by_doc[e.doc_id] = Source(
                len(self.by_doc) + 1, e.doc_id, e.title, e.source, safe_url(e.url),
                e.date.iso[:10] if e.date else "undated", writer, subject, e.kind, e.provenance)
        return self.by_doc[e.doc_id]


def _key(e: Evidence) -> str:
    # A translated sentence and its original, or two copies of one sentence, share this key.
    return fold(e.original if e.original else e.text)


def _cards(items, sources: _Sources, speaker: str | None, taken: set[str]) -> tuple[EvidenceView, ...]:
    """Cards for (evidence, stance) pairs, best first, one per sentence: a later copy of a
    sentence already shown becomes an "also in" of the first card."""
    cards: dict[str, EvidenceView] = {}
    for e, stance in items:
        key = _key(e)
        source = sources.of(e)
        if key in cards:
            first = cards[key]
            if source is not first.source and source not in first.also:
                cards[key] = replace(first, also=first.also + (source,))
            continue
        if key in taken:
            continue
        writer, subject = _writer_subject(e)
        translated = e.field != "text"
        cards[key] = EvidenceView(
            e, _pieces(e), writer, subject, _when(e), translated,
            e.original if translated else None, e.original_lang if translated else None,
            reasons_for(e, stance, speaker), source)
    taken.update(cards)
    return tuple(cards.values())


def _json_ld(data) -> Markup:
    # Inside <script>, "</" would end the element: escape "<" so no quote can break out.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return Markup(text)


def _without_explanation(review: dict) -> dict:
    # In the page the explanation is the rationale printed just above: not twice.
    rating = {k: v for k, v in review["reviewRating"].items() if k != "ratingExplanation"}
    return {**review, "reviewRating": rating}


def build_context(report, *, title: str = "Claim check", command: str | None = None,
                  base_url: str | None = None, publisher: str | None = None,
                  publisher_url: str | None = None, **options) -> ReportContext:
    sources = _Sources()
    related: dict[str, Related] = {}
    claims = []
    for number, v in enumerate(report.verdicts, start=1):
        speaker = v.claim.speaker
        taken: set[str] = set()
        # The claim's own appearances and its sides first: a sentence shown there is not
        # repeated among the sentences that take no side.
        appearances = _cards(((e, "appearance") for e in v.appearances), sources, speaker, taken)
        supports = _cards(((e, e.stance) for e in v.evidence if e.stance == "supports"), sources, speaker, taken)
        contradicts = _cards(((e, e.stance) for e in v.evidence if e.stance == "contradicts"),
                             sources, speaker, taken)
        record = _cards(((e, "contradicts") for e in v.claimant_record), sources, speaker, taken)
        neutral = []
        for e in v.evidence:
            key = _key(e)
            if e.stance != "neutral" or key in taken:
                continue
            taken.add(key)
            if key not in related:
                writer, subject = _writer_subject(e)
                translated = e.field != "text"
                related[key] = Related(len(related) + 1, e.text, e.lang,
                                       e.original if translated else None,
                                       e.original_lang if translated else None,
                                       sources.of(e).number, writer, subject, _when(e), ())
            item = related[key]
            related[key] = replace(item, claims=item.claims + ((anchor(v.claim.id), number),))
            neutral.append(related[key].number)
        claims.append(dict(
            verdict=v, anchor=anchor(v.claim.id), label=VERDICT_LABELS[v.verdict],
            rationale=tidy_rationale(v.rationale, [e.text for e in (*v.evidence, *v.claimant_record)]),
            supports=supports, contradicts=contradicts, neutral=tuple(neutral), record=record,
            appearances=appearances, timeline=claim_timeline(v),
            json_ld=_json_ld(_without_explanation(claim_review(
                v, generated=report.generated, base_url=base_url, publisher=publisher,
                publisher_url=publisher_url)))))
    by_number = {r.number: r for r in related.values()}
    views = tuple(ClaimView(**{**c, "neutral": tuple(by_number[n] for n in c["neutral"])}) for c in claims)
    counts = {k: sum(v.verdict == k for v in report.verdicts) for k in VERDICTS}
    return ReportContext(
        title=title, version=report.version, generated=report.generated, corpus=report.corpus,
        settings=report.settings, settings_json=json.dumps(report.settings, sort_keys=True, indent=1),
        counts=counts, passed=sum(v.passed is True for v in report.verdicts),
        failed=sum(v.passed is False for v in report.verdicts), claims=views,
        speakers=tuple(sorted({v.claim.speaker for v in report.verdicts if v.claim.speaker})),
        tags=tuple(sorted({t for v in report.verdicts for t in v.claim.tags})),
        activity=activity_timeline(report.activity), sources=tuple(sources.by_doc.values()),
        related=tuple(by_number[n] for n in sorted(by_number)),
        calibrated=any(v.calibrated for v in report.verdicts), command=command,
        claim_errors=tuple(report.claim_errors))
