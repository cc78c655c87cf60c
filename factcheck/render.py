"""Render: results.json, report.md, report.html, ClaimReview JSON-LD and CSV.

Reports are rendered from one context object (`ReportContext`, below) through Jinja2
templates with autoescape on; user templates in a folder given to `environment()` are tried
before the built-in ones. Every file is written to a temporary name and renamed, so a
report is never half-overwritten.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from factcheck.atomic import atomic_write
from factcheck.model import VERDICTS, Evidence, Verdict

VERDICT_LABELS = {"supported": "Supported", "contradicted": "Contradicted", "mixed": "Mixed",
                  "not_enough_evidence": "Not enough evidence"}
STANCE_LABELS = {"supports": "supports", "contradicts": "contradicts", "neutral": "neutral"}
# schema.org ClaimReview: a 1-5 scale; "not enough evidence" has no place on it and is
# given by its alternateName alone (ratingValue -1, the convention for "unrated").
RATING = {"contradicted": 1, "mixed": 3, "supported": 5, "not_enough_evidence": -1}
FORMATS = ("json", "md", "html", "claimreview", "csv")
DEFAULT_FORMATS = ("json", "md", "html")
TOOL_NAME = "factcheck"


# --- results.json ------------------------------------------------------------------------


def results_dict(report) -> dict:
    return report.to_dict()


# --- ClaimReview ---------------------------------------------------------------------------


def claim_review(v: Verdict, *, generated: str, page: str = "report.html") -> dict:
    """schema.org ClaimReview for one verdict."""
    claim = v.claim
    item: dict = {"@type": "Claim"}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    if claim.date:
        item["datePublished"] = claim.date.iso
    appearances = [{"@type": "CreativeWork", **({"url": e.url} if e.url else {}),
                    "name": e.title or e.doc_id,
                    **({"datePublished": e.date.iso} if e.date else {}),
                    **({"author": {"@type": "Person", "name": display_name(e.author)}}
                       if e.author else {})}
                   for e in v.appearances]
    if appearances:
        item["appearance"] = appearances
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{page}#{anchor(claim.id)}",
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": TOOL_NAME},
        "datePublished": generated[:10],
        "reviewRating": {
            "@type": "Rating", "ratingValue": RATING[v.verdict], "bestRating": 5, "worstRating": 1,
            "alternateName": VERDICT_LABELS[v.verdict],
            "ratingExplanation": v.rationale,
        },
    }


def claim_reviews(report) -> list[dict]:
    return [claim_review(v, generated=report.generated) for v in report.verdicts]


# --- the context the templates read ------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceView:
    """An evidence card: the evidence, its quote cut into plain and highlighted pieces."""

    evidence: Evidence
    pieces: tuple[tuple[str, bool], ...]
    who: str
    when: str
    translated: bool


@dataclass(frozen=True)
class TimelinePoint:
    x: float
    y: float
    stance: str
    label: str


@dataclass(frozen=True)
class Timeline:
    """Geometry of an inline SVG timeline, computed here so templates only draw."""

    width: int
    height: int
    points: tuple[TimelinePoint, ...]
    ticks: tuple[tuple[float, str], ...]
    marker: tuple[float, str] | None = None
    rows: tuple[tuple[float, str], ...] = ()


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


def anchor(claim_id: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", claim_id).strip("-") or "claim"
    return f"claim-{slug}"


def display_name(author: str | None) -> str:
    if not author:
        return "unattributed"
    name = author.split("<")[0].strip().strip('"')
    return name or author.strip("<>")


def safe_url(url: str | None) -> str | None:
    """Only web links leave the report: a `javascript:` or `data:` URL from a corpus is dropped."""
    if url and re.match(r"(?i)^https?://[^\s\"'<>]+$", url.strip()):
        return url.strip()
    return None


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


def build_context(report, *, title: str = "Claim check") -> ReportContext:
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


# --- timelines ----------------------------------------------------------------------------------


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


# --- Markdown -------------------------------------------------------------------------------

# Everything GitHub could read as inline markup; block markup cannot start mid-line and we
# fold every text onto one line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: object) -> str:
    """Text that GitHub renders as itself: no links, no HTML, no emphasis, no table breaks."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Break what GitHub would turn into links by itself (URLs, www., e-mail addresses).
    text = re.sub(r"(?i)(https?|ftp|www)", lambda m: m.group(1)[0] + "\u200b" + m.group(1)[1:], text)
    return text.replace("@", "\u200b@")


def md_quote(view: EvidenceView) -> str:
    """The quote with the matched words in bold."""
    out = []
    for text, marked in view.pieces:
        escaped = md_escape(text)
        if marked and escaped:
            lead = " " if text[:1].isspace() else ""
            tail = " " if text[-1:].isspace() else ""
            out.append(f"{lead}**{escaped}**{tail}")
        else:
            lead = " " if text[:1].isspace() and escaped else ""
            tail = " " if text[-1:].isspace() and escaped else ""
            out.append(lead + escaped + tail)
    return re.sub(r" {2,}", " ", "".join(out)).strip()


# --- Jinja -----------------------------------------------------------------------------------


def environment(user_templates: Path | None = None) -> jinja2.Environment:
    loaders = []
    if user_templates:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.PackageLoader("factcheck", "templates"))
    # HTML, CSS and JS templates are autoescaped, and so is anything unnamed; Markdown is not
    # HTML, so its templates escape with the `md` filter instead.
    autoescape = jinja2.select_autoescape(enabled_extensions=("html.j2", "css.j2", "js.j2"),
                                          disabled_extensions=("md.j2",), default=True,
                                          default_for_string=True)
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=autoescape,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md_escape
    env.filters["md_quote"] = md_quote
    env.filters["name"] = display_name
    env.filters["pct"] = lambda x: f"{round(float(x) * 100)} %"
    env.filters["safe_url"] = safe_url
    return env


def render_markdown(context: ReportContext, env: jinja2.Environment | None = None) -> str:
    # Markdown templates are not autoescaped (see `environment`): the `md` filter escapes.
    return (env or environment()).get_template("report.md.j2").render(ctx=context)


def render_html(context: ReportContext, env: jinja2.Environment | None = None) -> str:
    env = env or environment()
    style = env.get_template("report.css.j2").render()
    script = env.get_template("report.js.j2").render()
    csp = ("default-src 'none'; img-src data:; "
           f"style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
           "base-uri 'none'; form-action 'none'")
    return env.get_template("report.html.j2").render(
        ctx=context, style=Markup(style), script=Markup(script), csp=csp)


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


# --- CSV -----------------------------------------------------------------------------------------


def render_csv(report) -> str:
    frame = report.to_dataframe()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


# --- writing ---------------------------------------------------------------------------------------


OUTPUT_NAMES = {"json": "results.json", "md": "report.md", "html": "report.html",
                "claimreview": "claimreview.json", "csv": "results.csv"}


def write_reports(report, out_dir: Path, *, formats=DEFAULT_FORMATS, title: str = "Claim check",
                  templates: Path | None = None) -> list[Path]:
    """Write the chosen formats into `out_dir`; returns the paths written."""
    out_dir = Path(out_dir)
    env = environment(templates)
    context = build_context(report, title=title) if {"md", "html"} & set(formats) else None
    rendered: dict[Path, str] = {}
    for fmt in formats:
        if fmt == "json":
            data = json.dumps(results_dict(report), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "claimreview":
            data = json.dumps(claim_reviews(report), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "md":
            data = render_markdown(context, env)
        elif fmt == "html":
            data = render_html(context, env)
        elif fmt == "csv":
            data = render_csv(report)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        rendered[out_dir / OUTPUT_NAMES[fmt]] = data
    # Rendered first, written after: a failure while rendering leaves the old reports whole.
    for path, data in rendered.items():
        atomic_write(path, data)
    return list(rendered)
