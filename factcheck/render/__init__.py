"""Render a Report: results.json, report.md, report.html, ClaimReview JSON-LD and CSV.

Output formats come from one registry, `FORMATS`: a name -> `Format(file name, render)`,
where `render(report, **options) -> str`. A new format is one function given to `register`.
Options the CLI passes (`title`, `templates`, `base_url`, `publisher`, `publisher_url`,
`command`) reach every renderer, which takes what it needs and ignores the rest.

The Markdown and HTML pages are rendered from one context object (`context.ReportContext`)
through Jinja2 templates with autoescape on. Every file is written to a temporary name and
renamed, so a report is never half-overwritten.

This package reads only `factcheck.models` and `factcheck.atomic`: never the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from factcheck.atomic import atomic_write
from .claimreview import claim_review, claim_reviews, render_claimreview
from .context import ReportContext, build_context
from .html import render_html
from .markdown import render_markdown
from .results import render_csv, render_json, results_dict
from .text import VERDICT_LABELS, md_escape, safe_url


@dataclass(frozen=True)
class Format:
    filename: str
    render: Callable[..., str]


FORMATS: dict[str, Format] = {}
DEFAULT_FORMATS = ("json", "md", "html")


def register(name: str, filename: str, render: Callable[..., str]) -> None:
    FORMATS[name] = Format(filename, render)


register("json", "results.json", render_json)
register("md", "report.md", render_markdown)
register("html", "report.html", render_html)
register("claimreview", "claimreview.json", render_claimreview)
register("csv", "results.csv", render_csv)


def write_reports(report, out_dir: Path, *, formats=DEFAULT_FORMATS, title: str = "Claim check",
                  **options) -> list[Path]:
    """Write the chosen formats into `out_dir`; returns the paths written."""
    out_dir = Path(out_dir)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}")
    # Rendered first, written after: a failure while rendering leaves the old reports whole.
    rendered = {out_dir / FORMATS[f].filename: FORMATS[f].render(report, title=title, **options)
                for f in formats}
    for path, data in rendered.items():
        atomic_write(path, data)
    return list(rendered)


__all__ = ["FORMATS", "DEFAULT_FORMATS", "Format", "ReportContext", "VERDICT_LABELS", "build_context",
           "claim_review", "claim_reviews", "md_escape", "register", "render_html", "render_markdown",
           "results_dict", "safe_url", "write_reports"]
