"""schema.org ClaimReview objects, one per verdict (claimreview.json, and JSON-LD in the page).

Following schema.org and the search engines' fact-check documentation: `claimReviewed`, a `reviewRating`
whose textual `alternateName` is the verdict and whose `ratingValue`, when there is one, lies
within [`worstRating`, `bestRating`]; "not enough evidence" has no place on a true-false scale,
so it carries the text alone. `url` is absolute when a base URL is given; `author` is the
publisher named by the user (the tool is not one); `itemReviewed` is the Claim with its author,
date and appearances where known.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from factcheck.model import Verdict
from .text import VERDICT_LABELS, anchor, display_name, safe_url, tidy_rationale

# 1 = false ... 5 = true; "not enough evidence" is not on the scale (no ratingValue).
RATING = {"contradicted": 1, "mixed": 3, "supported": 5}
WORST, BEST = 1, 5
PAGE = "report.html"
# The language of the review: its labels and explanations are written in English.
REVIEW_LANGUAGE = "en"


def claim_review(v: Verdict, *, generated: str, base_url: str | None = None,
                 publisher: str | None = None, publisher_url: str | None = None) -> dict:
    """schema.org ClaimReview for one verdict."""
    claim = v.claim
    item: dict = {"@type": "Claim"}
    if claim.speaker:
        item["author"] = {"@type": "Person", "name": claim.speaker}
    if claim.date:
        item["datePublished"] = claim.date.iso
    if claim.lang:
        item["inLanguage"] = claim.lang
    appearances = []
    for e in v.appearances:
        work: dict = {"@type": "CreativeWork", "name": e.title or e.source or e.doc_id}
        if safe_url(e.url):
            work["url"] = safe_url(e.url)
        if e.date:
            work["datePublished"] = e.date.iso
        if e.author and e.kind != "event":  # an event's `author` is its subject, not a writer
            work["author"] = {"@type": "Person", "name": display_name(e.author)}
        appearances.append(work)
    if appearances:
        item["appearance"] = appearances
        item.setdefault("datePublished", appearances[0].get("datePublished"))
        if item["datePublished"] is None:
            del item["datePublished"]
    rating: dict = {"@type": "Rating", "alternateName": VERDICT_LABELS[v.verdict]}
    if v.verdict in RATING:
        rating.update(ratingValue=RATING[v.verdict], worstRating=WORST, bestRating=BEST)
    rating["ratingExplanation"] = tidy_rationale(v.rationale, [e.text for e in v.evidence])
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(claim.id, base_url),
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "datePublished": generated[:10],
        "inLanguage": REVIEW_LANGUAGE,
        "reviewRating": rating,
    }
    if publisher:
        review["author"] = {"@type": "Organization", "name": publisher,
                            **({"url": publisher_url} if publisher_url else {})}
    return review


def review_url(claim_id: str, base_url: str | None) -> str:
    """The claim's section of report.html: absolute under `base_url`, else relative."""
    page = urljoin(base_url.rstrip("/") + "/", PAGE) if base_url else PAGE
    return f"{page}#{anchor(claim_id)}"


def claim_reviews(report, **options) -> list[dict]:
    return [claim_review(v, generated=report.generated, **options) for v in report.verdicts]


def render_claimreview(report, *, base_url=None, publisher=None, publisher_url=None, **options) -> str:
    reviews = claim_reviews(report, base_url=base_url, publisher=publisher, publisher_url=publisher_url)
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
