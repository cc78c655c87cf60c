"""The values that pass between stages. Plain frozen dataclasses: no behaviour beyond views."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .dates import DateMention, PartialDate
from .lexicon import fold
from .quantities import Quantity

VERDICTS = ("supported", "contradicted", "mixed", "not_enough_evidence")
STANCES = ("supports", "contradicts", "neutral")
KINDS = ("email", "message", "quote", "statement", "article", "filing", "event", "other")


@dataclass(frozen=True)
class Provenance:
    """Where an item came from: the file, and the line or the message number within it."""

    file: str
    line: int | None = None
    message: int | None = None

    def __str__(self) -> str:
        if self.message is not None:
            return f"{self.file}#{self.message}" + (f" (line {self.line})" if self.line else "")
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Part:
    """A span of a document's text with its own attribution.

    Email bodies carry quoted replies: their text was written by the quoted author,
    not by the sender. `role` is "body", "quoted" or "header" (never evidence).
    """

    start: int
    end: int
    role: str = "body"
    author: str | None = None
    date: PartialDate | None = None
    # Message-ID the quoted text answers, when the header says which message it was.
    quote_ref: str | None = None


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    provenance: Provenance
    date: PartialDate | None = None
    author: str | None = None
    recipients: tuple[str, ...] = ()
    kind: str = "other"
    source: str | None = None
    url: str | None = None
    lang: str | None = None
    title: str | None = None
    translations: tuple[tuple[str, str], ...] = ()
    parts: tuple[Part, ...] = ()
    in_reply_to: str | None = None
    note: str | None = None

    def body_parts(self) -> tuple[Part, ...]:
        """The parts to read, defaulting to the whole text written by the author."""
        return self.parts or (Part(0, len(self.text), "body", self.author, self.date),)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document (or of one of its translations), by character offsets."""

    doc_id: str
    start: int
    end: int
    text: str
    lang: str
    # "text", or "translations.<lang>" when the sentence comes from a translation.
    field: str = "text"
    author: str | None = None
    date: PartialDate | None = None
    quoted: bool = False
    quote_ref: str | None = None
    lemmas: tuple[str, ...] = ()
    entities: tuple[tuple[str, str], ...] = ()  # (canonical name, surface text)
    dates: tuple[str, ...] = ()  # ISO forms of the dates written in the sentence


@dataclass(frozen=True)
class Token:
    """A word of an analysed text; `head` indexes the sentence's tokens (itself at the root)."""

    text: str
    lemma: str
    start: int
    pos: str = ""
    dep: str = ""
    head: int = -1
    ent: str = ""
    stop: bool = False
    punct: bool = False
    # The dictionary (lookup) lemma: a second opinion when the trained lemmatizer, misled by
    # a wrong part of speech, gets it wrong ("accuse" -> "accus").
    base: str = ""

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """The forms lexicons and other texts are matched on."""
        return frozenset(fold(k) for k in (self.text, self.lemma, self.base) if k)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def content(self) -> bool:
        """A word that carries meaning for matching: not a stop word, not punctuation."""
        return not (self.stop or self.punct) and any(c.isalnum() for c in self.text)


@dataclass(frozen=True)
class EntitySpan:
    start: int  # token indexes
    end: int
    label: str
    text: str
    canonical: str | None = None


@dataclass(frozen=True)
class Analysis:
    """What the NLP stage read in one text: its words, names, dates and quantities.

    `parsed` says whether a trained parser produced `dep`/`head`; without it the stance
    stage falls back to word-window rules.
    """

    text: str
    lang: str
    tokens: tuple[Token, ...]
    entities: tuple[EntitySpan, ...] = ()
    dates: tuple[DateMention, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    parsed: bool = False

    @functools.cached_property
    def keys(self) -> tuple[frozenset[str], ...]:
        return tuple(t.keys for t in self.tokens)

    def content_lemmas(self) -> list[str]:
        return [fold(t.lemma) for t in self.tokens if t.content]


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    speaker: str | None = None
    date: PartialDate | None = None
    lang: str | None = None
    expect: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    provenance: Provenance | None = None


@dataclass(frozen=True)
class Evidence:
    """A sentence judged against a claim. `text` is `document[field][start:end]`, verbatim."""

    doc_id: str
    start: int
    end: int
    text: str
    stance: str
    score: float  # relevance to the claim, 0-100
    field: str = "text"
    lang: str | None = None
    date: PartialDate | None = None
    author: str | None = None
    kind: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    quoted: bool = False
    stance_confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    # Character spans, relative to `text`, of the words that matched the claim.
    highlights: tuple[tuple[int, int], ...] = ()
    provenance: str | None = None
    # When `text` comes from a translation: the same sentence in the record's own language
    # (aligned by sentence order), so reports can show what the source actually says.
    original: str | None = None
    original_lang: str | None = None


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    verdict: str
    confidence: float
    rationale: str
    evidence: tuple[Evidence, ...] = ()
    # The claim's speaker's own earlier words that go against the position the claim takes.
    claimant_record: tuple[Evidence, ...] = ()
    # Where the claim itself was made in the corpus: shown as its source, never as support.
    appearances: tuple[Evidence, ...] = ()
    # True only when `confidence` is a calibrated probability (a learned verdict model checked
    # on held-out data); otherwise reports show the verdict without a number.
    calibrated: bool = False

    @property
    def passed(self) -> bool | None:
        """Whether the verdict meets the claim's `expect`; None when nothing is expected."""
        if self.claim.expect is None:
            return None
        return self.claim.expect == self.verdict


@dataclass(frozen=True)
class CorpusSummary:
    documents: int
    sentences: int
    languages: dict[str, int] = field(default_factory=dict)
    first_date: str | None = None
    last_date: str | None = None
    undated: int = 0
    unattributed: int = 0
    files: int = 0
    errors: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    corpus_hash: str | None = None
