"""Text helpers shared by every format: verdict labels, anchors, names, safe links, Markdown escaping."""

from __future__ import annotations

import re

VERDICT_LABELS = {"supported": "Supported", "contradicted": "Contradicted", "mixed": "Mixed",
                  "not_enough_evidence": "Not enough evidence"}


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


def md_quote(view) -> str:
    """The quote of an EvidenceView with the matched words in bold."""
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
