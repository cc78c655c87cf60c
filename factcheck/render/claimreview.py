"""schema.org ClaimReview objects, one per verdict (claimreview.json, and JSON-LD in the page)."""

from __future__ import annotations

import json

from ..models import Verdict
from .text import VERDICT_LABELS, anchor, display_name

# schema.org ClaimReview: a 1-5 scale; "not enough evidence" has no place on it and is
# given by its alternateName alone (ratingValue -1, the convention for "unrated").
RATING = {"contradicted": 1, "mixed": 3, "supported": 5, "not_enough_evidence": -1}
TOOL_NAME = "factcheck"


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


def render_claimreview(report, **options) -> str:
    return json.dumps(claim_reviews(report), ensure_ascii=False, indent=2) + "\n"
