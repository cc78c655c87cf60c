"""Emails (.eml) and mailboxes (.mbox) into Documents, with quoted replies attributed.

The rule that matters most: text a sender quotes is never counted as the sender's words.
Quoted blocks ("> ...", after "On ... wrote:", "Le ... a écrit :" or an
"-----Original Message-----" header) become parts attributed to the quoted author when the
header names one, and to nobody otherwise.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import BinaryIO, Iterator

from factcheck.text.dates import PartialDate, parse_date
from factcheck.model import Document, Part, Provenance

# "On Mon, Sep 20, 2017 at 3:52 PM, Ann Lee <ann@x.org> wrote:" and its French twin,
# possibly wrapped over two lines by the mail client.
_REPLY_HEADER = re.compile(
    r"^\s*(?:On|Le)\s+(?P<inner>.{4,400}?)\s*(?:wrote|a\s+écrit|a\s+ecrit)\s*:\s*$",
    re.IGNORECASE | re.DOTALL)
_REPLY_START = re.compile(r"^\s*(?:On|Le)\s+\S", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Message d'origine|Forwarded message|Message transféré"
    r"|Courriel original)\s*-{2,}\s*$", re.IGNORECASE)
_OUTLOOK_FIELD = re.compile(
    r"^\s*(?P<name>From|De|Sent|Envoyé|Date|To|À|A|Cc|Subject|Objet)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE)
_SIGNATURE = re.compile(r"^-- ?$")
_TIME_OR_YEAR = re.compile(r"(\d{1,2}[:h]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?|\b\d{4}\b)")


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes and where it sits in its file."""

    data: bytes
    number: int | None
    line: int


_ESCAPED_FROM = re.compile(rb">+From ")


def iter_mbox(stream: BinaryIO) -> Iterator[RawMessage]:
    """Messages of an mbox file, streamed: memory stays bounded by the largest message.

    A message starts at a line beginning with "From " at the top of the file or after a
    blank line; ">From " lines (mboxrd escaping) are unescaped.
    """
    lines: list[bytes] = []
    number = 0
    start_line = 1
    previous_blank = True
    for line_no, line in enumerate(stream, start=1):
        if line.startswith(b"From ") and previous_blank:
            if lines:
                number += 1
                yield RawMessage(b"".join(lines), number, start_line)
            lines = []
            start_line = line_no
            previous_blank = False
            continue
        if line.startswith(b">") and _ESCAPED_FROM.match(line):
            line = line[1:]
        lines.append(line)
        previous_blank = line.strip() == b""
    if any(line.strip() for line in lines):
        number += 1
        yield RawMessage(b"".join(lines), number, start_line)


# What the email package raises on broken mail, beyond its own MessageError family.
BROKEN_MAIL = (email.errors.MessageError, LookupError, UnicodeError, ValueError, TypeError,
               IndexError, AttributeError)


def parse_message(raw: RawMessage, relpath: str) -> Document:
    """A Document from one RFC 5322 message; raises ValueError if it cannot be read."""
    try:
        return _parse_message(raw, relpath)
    except ValueError:
        raise
    except BROKEN_MAIL as exc:
        # A message so broken that the email package itself fails on it: one error, named,
        # and the next message is read.
        raise ValueError(f"unreadable message ({type(exc).__name__}: {exc})") from None


def _parse_message(raw: RawMessage, relpath: str) -> Document:
    # compat32 keeps headers as raw strings, decoded below only where needed: several times
    # faster than the modern policy on large mailboxes, and more forgiving of broken headers.
    message = email.message_from_bytes(raw.data, policy=email.policy.compat32)
    if not message.keys():
        raise ValueError("not an email: no headers could be read")
    message_id = _header(message, "Message-ID").strip().strip("<>").strip()
    author = _first_address(message, "From")
    date = _message_date(message)
    recipients = tuple(a for name in ("To", "Cc") for a in _addresses(message, name))
    body = _body_text(message)
    if not body.strip():
        raise ValueError("the message has no text body")
    in_reply_to = _header(message, "In-Reply-To").strip().strip("<>").strip() or None
    text, parts = split_quotes(body, author, date, in_reply_to)
    if raw.number is None:
        doc_id = message_id or relpath
        provenance = Provenance(relpath, line=None)
    else:
        doc_id = message_id or f"{relpath}#{raw.number}"
        provenance = Provenance(relpath, line=raw.line, message=raw.number)
    return Document(
        id=doc_id, text=text, provenance=provenance, date=date, author=author,
        recipients=recipients, kind="email", title=_header(message, "Subject").strip() or None,
        parts=parts, in_reply_to=in_reply_to,
    )


# --- headers -------------------------------------------------------------------------------


def _header(message, name: str) -> str:
    """A header decoded from RFC 2047 ("=?iso-8859-1?q?D=E9cision?="), or ""."""
    raw = message.get(name)
    if raw is None:
        return ""
    if isinstance(raw, email.header.Header):
        raw = str(raw)
    if "=?" not in raw:
        return " ".join(raw.split())
    try:
        return " ".join(str(email.header.make_header(email.header.decode_header(raw))).split())
    except BROKEN_MAIL:
        return " ".join(raw.split())


def _format_address(name: str, address: str) -> str | None:
    name, address = name.strip().strip('"'), address.strip()
    if name and address:
        return f"{name} <{address}>"
    return name or address or None


def _addresses(message, name: str) -> list[str]:
    values = message.get_all(name) or []
    decoded = []
    for value in values:
        decoded += _address_list(str(value))
    return decoded


@functools.lru_cache(maxsize=65_536)
def _address_list(value: str) -> tuple[str, ...]:
    """The addresses of one header value, formatted: a pure function of the text, and
    mailboxes repeat their senders and recipients, so it is kept."""
    try:
        pairs = email.utils.getaddresses([value])
    except (TypeError, ValueError, IndexError):
        return ()
    decoded = []
    for display, address in pairs:
        if "=?" in display:
            try:
                display = str(email.header.make_header(email.header.decode_header(display)))
            except BROKEN_MAIL:
                pass
        formatted = _format_address(display, address)
        if formatted:
            decoded.append(formatted)
    return tuple(decoded)


def _first_address(message, name: str) -> str | None:
    found = _addresses(message, name)
    return found[0] if found else None


def _message_date(message) -> PartialDate | None:
    raw = _header(message, "Date").strip()
    if not raw:
        return None
    try:
        return PartialDate.from_datetime(email.utils.parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return parse_date(raw)
    except (ValueError, OverflowError):
        return None


# --- body ----------------------------------------------------------------------------------


def _body_text(message) -> str:
    """The first text/plain part that is not an attachment, else the first text/html one."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart():
            continue
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    if plain is None and html is None and not message.is_multipart():
        plain = message  # no usable Content-Type: read it as plain text
    part = plain if plain is not None else html
    if part is None:
        return ""
    text = _decoded(part)
    if part is html:
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decoded(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    try:
        charset = part.get_content_charset() or "utf-8"
    except BROKEN_MAIL:
        charset = "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        # Mail that lies about its charset is common; latin-1 never fails and keeps every
        # byte, so nothing is silently dropped.
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head", "title", "noscript", "template"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "section", "article", "header", "footer", "table", "ul", "ol", "hr", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """Readable text from HTML: scripts and styles dropped, blocks on their own lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


# --- quoted replies --------------------------------------------------------------------------


@dataclass
class _Builder:
    chunks: list[str]
    parts: list[Part]
    length: int = 0

    def add(self, text: str, role: str, author: str | None, date: PartialDate | None,
            quote_ref: str | None) -> None:
        if not text:
            return
        start = self.length
        self.chunks.append(text)
        self.length += len(text)
        last = self.parts[-1] if self.parts else None
        if last and last.end == start and (last.role, last.author, last.date, last.quote_ref) == (
                role, author, date, quote_ref):
            self.parts[-1] = Part(last.start, self.length, role, author, date, quote_ref)
        else:
            self.parts.append(Part(start, self.length, role, author, date, quote_ref))


def split_quotes(body: str, author: str | None, date: PartialDate | None,
                 in_reply_to: str | None = None) -> tuple[str, tuple[Part, ...]]:
    """The body with quote markers removed, and its parts by who wrote them."""
    builder = _Builder([], [])
    _read_block(body.splitlines(keepends=True), builder, author, date, "body", in_reply_to, 0)
    return "".join(builder.chunks), tuple(builder.parts)


def _read_block(lines: list[str], out: _Builder, author, date, role, quote_ref, depth) -> None:
    i = 0
    while i < len(lines):
        line = lines[i]
        if _SIGNATURE.match(line.rstrip("\n")) and depth == 0:
            out.add("".join(lines[i:]), "header", None, None, None)
            return
        header, used = _reply_header(lines, i)
        if header is not None:
            out.add("".join(lines[i:i + used]), "header", None, None, None)
            q_author, q_date = header
            i += used
            block, i = _take_quoted(lines, i)
            ref = quote_ref if depth == 0 else None
            _read_block(block, out, q_author, q_date, "quoted", ref, depth + 1)
            continue
        if _ORIGINAL_MESSAGE.match(line) or (_OUTLOOK_FIELD.match(line) and _is_outlook_block(lines, i)):
            fields_end, q_author, q_date = _outlook_header(lines, i)
            out.add("".join(lines[i:fields_end]), "header", None, None, None)
            ref = quote_ref if depth == 0 else None
            _read_block(lines[fields_end:], out, q_author, q_date, "quoted", ref, depth + 1)
            return
        if line.lstrip().startswith(">"):
            block, i = _take_quoted(lines, i)
            ref = quote_ref if depth == 0 else None
            _read_block(block, out, None, None, "quoted", ref, depth + 1)
            continue
        out.add(line, role, author, date, quote_ref if role == "quoted" else None)
        i += 1


def _take_quoted(lines: list[str], i: int) -> tuple[list[str], int]:
    """Consecutive '>' lines from i, with one level of '>' removed; blank lines inside
    a quote stay in it. Without markers, everything to the end is the quote (Outlook style)."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and not lines[i].lstrip().startswith(">"):
        return lines[i:], len(lines)
    block: list[str] = []
    while i < len(lines):
        stripped = lines[i].lstrip()
        if stripped.startswith(">"):
            rest = stripped[1:]
            block.append(rest[1:] if rest.startswith(" ") else rest)
            i += 1
        elif not lines[i].strip() and i + 1 < len(lines) and lines[i + 1].lstrip().startswith(">"):
            block.append(lines[i])
            i += 1
        else:
            break
    return block, i


def _reply_header(lines: list[str], i: int):
    """((author, date), lines used) if an "On ... wrote:" header starts at line i."""
    if not _REPLY_START.match(lines[i]):
        return None, 0
    for used in (1, 2, 3):
        if i + used > len(lines):
            break
        candidate = " ".join(l.strip() for l in lines[i:i + used])
        match = _REPLY_HEADER.match(candidate)
        if match:
            return _who_and_when(match["inner"]), used
    return None, 0


def _who_and_when(inner: str) -> tuple[str | None, PartialDate | None]:
    """Split "Mon, Sep 20, 2017 at 3:52 PM, Ann Lee <ann@x.org>" into author and date."""
    inner = inner.strip().rstrip(",")
    cut = 0
    for match in _TIME_OR_YEAR.finditer(inner):
        cut = match.end()
    when_text, who = (inner[:cut], inner[cut:]) if cut else ("", inner)
    who = re.sub(r"^[\s,]*(?:at\s+|à\s+)?", "", who).strip().strip(",").strip()
    who = re.sub(r"^(?:[AaPp]\.?[Mm]\.?)\s*,?\s*", "", who)
    name, address = email.utils.parseaddr(who)
    author = _format_address(name, address) if (name or "@" in address) else (who or None)
    date = None
    if when_text.strip():
        try:
            date = parse_date(re.sub(r"\s+(?:at|à)\s+", " ", when_text.strip().strip(",")))
        except ValueError:
            date = None
    return author, date


def _is_outlook_block(lines: list[str], i: int) -> bool:
    """A From:/De: line that opens a block of forwarded headers (Outlook without a rule)."""
    match = _OUTLOOK_FIELD.match(lines[i])
    if not match or match["name"].lower() not in ("from", "de"):
        return False
    following = [l for l in lines[i + 1:i + 5] if l.strip()]
    return sum(1 for l in following if _OUTLOOK_FIELD.match(l)) >= 2


def _outlook_header(lines: list[str], i: int):
    j = i + 1 if _ORIGINAL_MESSAGE.match(lines[i]) else i
    author = date = None
    while j < len(lines):
        match = _OUTLOOK_FIELD.match(lines[j])
        if not match:
            if lines[j].strip():
                break
            j += 1
            if author is not None:
                break
            continue
        name, value = match["name"].lower(), match["value"].strip()
        if name in ("from", "de"):
            n, a = email.utils.parseaddr(value)
            author = _format_address(n, a) or value or None
        elif name in ("sent", "envoyé", "date"):
            try:
                date = parse_date(re.sub(r"\s+(?:at|à)\s+", " ", value))
            except ValueError:
                date = None
        j += 1
    return j, author, date
