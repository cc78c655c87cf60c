"""Text helpers shared by every format: verdict labels, anchors, names, safe links, Markdown escaping."""

from __future__ import annotations

import re
import unicodedata

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


def fold(text: str) -> str:
    """Case, accents and punctuation set aside: what two copies of one sentence share."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", "".join(c for c in text if not unicodedata.combining(c))).split())


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


def md_quote(text: str) -> str:
    """A quote for Markdown: escaped, between quote marks that are not doubled. The matched
    words are not bolded: in plain text that bolds the same names in every line."""
    return md_escape(quote(text))


# Quote marks a sentence may open or close with; a report's own marks around it would double them.
_OPEN, _CLOSE = "“«", "”»"


def quote(text: str) -> str:
    """`text` between curly quotes, without doubling the quote marks it already has."""
    text = " ".join(text.split())
    inner = text.rstrip(".!?,;")
    if text[:1] in _OPEN and inner[-1:] in _CLOSE:
        return text
    if text[:1] in _OPEN and not any(c in text[1:] for c in _CLOSE):
        text = text[1:].lstrip()
    if inner[-1:] in _CLOSE and not any(c in inner[:-1] for c in _OPEN):
        text = inner[:-1].rstrip() + text[len(inner):]
    return _CLOSE_TWICE.sub(_close_once, f"“{text}”")


_CLOSE_TWICE = re.compile(r"([.!?])?[”»]([.!?])?”")


def _close_once(match: re.Match) -> str:
    return f"{match.group(1) or match.group(2) or ''}”"


_QUOTED = re.compile(r"“(.+?)…”")


def tidy_rationale(rationale: str, quotes: list[str]) -> str:
    """The verdict's one-line reason, with its shortened quotes cut at a word boundary (the
    verdict stage cuts at a character count) and without doubled quote marks."""
    def cut(match: re.Match) -> str:
        shown = match.group(1)
        for full in quotes:
            if full.startswith(shown) and len(full) > len(shown) and full[len(shown)].isalnum() \
                    and shown[-1:].isalnum():
                shown = shown[:shown.rfind(" ")].rstrip(" ,;:") if " " in shown else shown
                break
        return f"“{shown}…”"

    text = _QUOTED.sub(cut, rationale)
    text = re.sub(r"“\s*[“«]", "“", text)
    return _CLOSE_TWICE.sub(_close_once, text)
