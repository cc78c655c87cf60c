"""The values that pass between stages. Plain frozen dataclasses: no behaviour beyond views
(and their JSON form, which is what results.json holds)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from factcheck import __version__
from factcheck.text.aliases import Aliases
from factcheck.text.dates import DateMention, PartialDate
from factcheck.text.folding import fold
from factcheck.text.lexicon import Lexicon, Lexicons, Match
from factcheck.text.quantities import Quantity

VERDICTS = ("supported", "contradicted", "mixed", "not_enough_evidence")
STANCES = ("supports", "contradicts", "neutral")
KINDS = ("email", "message", "quote", "statement", "article", "filing", "event", "other")
# Kinds whose date is the date of what they say (an article's date is only when it was
# published, not when what it reports happened).
FIRST_HAND_KINDS = frozenset({"email", "message", "quote", "statement", "event", "filing"})


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
class Neighbourhood:
    """What relevance reads of a sentence with its neighbours (`Segmenter.neighbourhoods`):
    the light reading's word keys, alias names and - only when the claim has quantities to
    cover - quantities, without Token objects, which cost more than the rest."""

    text: str
    lang: str
    keys: tuple[frozenset[str], ...]
    entities: tuple[EntitySpan, ...] = ()
    quantities: tuple[Quantity, ...] = ()


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

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "date": self.date.iso if self.date else None,
            "author": self.author, "kind": self.kind, "source": self.source, "url": self.url,
            "text": self.text, "start": self.start, "end": self.end, "stance": self.stance,
            "score": self.score, "quoted": self.quoted, "field": self.field, "lang": self.lang,
            "title": self.title, "stance_confidence": self.stance_confidence,
            "reasons": list(self.reasons), "highlights": [list(h) for h in self.highlights],
            "provenance": self.provenance, "original": self.original, "original_lang": self.original_lang,
        }


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

    def to_dict(self) -> dict:
        c = self.claim
        return {
            "id": c.id, "text": c.text, "speaker": c.speaker, "date": c.date.iso if c.date else None,
            "lang": c.lang, "expect": c.expect, "tags": list(c.tags), "verdict": self.verdict,
            "confidence": self.confidence, "calibrated": self.calibrated, "rationale": self.rationale,
            "passed": self.passed,
            "evidence": [e.to_dict() for e in self.evidence],
            "claimant_record": [e.to_dict() for e in self.claimant_record],
            "appearances": [e.to_dict() for e in self.appearances],
        }


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


# --- what the engine passes between its stages ------------------------------------------------


@dataclass(frozen=True)
class ClaimReading:
    """What the later stages need to know about a claim, read once."""

    claim: Claim
    lang: str
    light: Analysis
    full: Analysis
    lexicon: Lexicon  # the claim's language's
    lexicons: Lexicons  # every language's, for the sentences read against it
    aliases: Aliases  # the corpus's names for its entities
    # Index terms of the claim's content words, and their weights (inverse document frequency).
    terms: tuple[str, ...]
    idf: dict[str, float]
    entities: frozenset[str]  # canonical names
    speaker: str | None  # canonical
    # Who the claim reports the words or wishes of ("X wanted/said/proposed ..."), if anyone.
    attitude_holder: str | None
    qualifiers: tuple[str, ...]
    dates: tuple[DateMention, ...]
    polar: tuple[Match, ...]  # opposites-lexicon matches in the claim
    alias_terms: tuple[tuple[str, ...], ...] = ()
    opposite_terms: tuple[tuple[str, ...], ...] = ()
    # Light-token indexes inside the claim's dates and inside its quantities: the stance stage
    # compares those as dates and numbers, so relevance asks for a date or a comparable
    # quantity there, not for the same words.
    date_tokens: frozenset[int] = frozenset()
    # What the claim asserts, as groups of light-token indexes (a verb, or a polar term), and
    # which of them is the main one (-1: none).
    predicates: tuple[tuple[int, ...], ...] = ()
    main_predicate: int = -1
    quantity_tokens: dict = field(default_factory=dict)  # token index -> Quantity
    # The claim's words in other languages (nlp.glossaries) and, under its own language, their
    # synonyms (nlp.synonyms): language -> light-token index -> translations, each a tuple of
    # index keys.
    glosses: dict = field(default_factory=dict)

    def gloss_terms(self) -> tuple[tuple[str, ...], ...]:
        """Every translation and synonym of the claim's words, as query phrases."""
        return tuple(dict.fromkeys(words for by_token in self.glosses.values()
                                   for found in by_token.values() for words in found))

    @property
    def is_attitude(self) -> bool:
        return self.attitude_holder is not None

    # Kept once read: relevance asks for these of every sentence read against the claim.
    @functools.cached_property
    def weighted_words(self) -> tuple[tuple[int, Token, float], ...]:
        """(light-token index, token, weight by rarity) of the content words relevance
        counts: not those inside a date, which the stance stage compares as dates."""
        default = max(self.idf.values(), default=1.0)
        return tuple((i, t, max(0.1, max((self.idf.get(k, default) for k in t.keys), default=default)))
                     for i, t in enumerate(self.light.tokens) if t.content and i not in self.date_tokens)

    @functools.cached_property
    def entity_tokens(self) -> frozenset[int]:
        """Light-token indexes inside the claim's entities."""
        return frozenset(i for e in self.light.entities for i in range(e.start, e.end))


@dataclass(frozen=True)
class Candidate:
    """A sentence the index returned for a claim, with its document's details."""

    sentence_id: int
    doc_id: str
    field: str
    start: int
    end: int
    text: str
    lang: str
    author: str | None
    author_key: str | None
    date: PartialDate | None
    quoted: bool
    bm25: float
    kind: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    doc_date: PartialDate | None = None
    provenance: str | None = None
    recipients: tuple[str, ...] = ()
    # The sentences around this one, read for what it is about ("this proposal").
    before: str = ""
    after: str = ""

    @property
    def first_hand_date(self) -> PartialDate | None:
        """The date of what the sentence says, when its document's date is that date."""
        if self.kind not in FIRST_HAND_KINDS:
            return None
        return self.date or self.doc_date


@dataclass(frozen=True)
class Scored:
    """A candidate with its relevance to the claim (0-100), the parts that make it up, and the
    character spans of the words that matched."""

    candidate: Candidate
    relevance: float
    features: dict[str, float] = field(compare=False)
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Judgement:
    """The stance stage's reading of one candidate: its stance, the probabilities and features
    behind it, and the reasons a reader is shown."""

    stance: str
    confidence: float
    probabilities: dict[str, float]
    features: dict[str, float]
    reasons: tuple[str, ...]
    # "evidence", or "appearance" when the sentence only reports someone making the claim.
    role: str = "evidence"
    # For a claim about what X said or wanted: the sentence is in X's own words (or quotes X),
    # or reports X saying or wanting something.
    speaker_match: bool = False
    speaker_reported: bool = False
    # The claim's polar words the sentence takes the other side of (for the claimant's record).
    opposed_terms: tuple[str, ...] = ()
    # The sentence's author and the speaker it reports (canonical names), and how much of the
    # claim's main predicate it covers: what the verdict stage places it by.
    author: str | None = None
    reporter: str | None = None
    main_predicate: float = 0.0


@dataclass(frozen=True)
class Report:
    """The results of a check: what results.json holds, as values."""

    verdicts: tuple[Verdict, ...]
    corpus: CorpusSummary
    settings: dict
    generated: str
    version: str = __version__
    claim_errors: tuple[str, ...] = ()
    # (first day of the month, author, documents): the corpus timeline of the reports.
    activity: tuple[tuple[dt.datetime, str, int], ...] = ()

    def to_dict(self) -> dict:
        corpus = self.corpus
        return {
            "version": self.version,
            "generated": self.generated,
            "corpus": {
                "documents": corpus.documents, "sentences": corpus.sentences,
                "languages": corpus.languages, "first_date": corpus.first_date,
                "last_date": corpus.last_date, "undated": corpus.undated,
                "unattributed": corpus.unattributed, "files": corpus.files,
                "errors": list(corpus.errors), "skipped": list(corpus.skipped),
                "hash": corpus.corpus_hash,
            },
            "settings": self.settings,
            "claim_errors": list(self.claim_errors),
            "claims": [v.to_dict() for v in self.verdicts],
        }

    def to_dataframe(self):
        """One row per claim: id, text, speaker, date, expect, verdict, confidence, ..."""
        import pandas as pd

        rows = []
        for v in self.verdicts:
            rows.append({
                "id": v.claim.id, "text": v.claim.text, "speaker": v.claim.speaker,
                "date": v.claim.date.iso if v.claim.date else None, "lang": v.claim.lang,
                "tags": ",".join(v.claim.tags), "expect": v.claim.expect, "verdict": v.verdict,
                "confidence": v.confidence, "passed": v.passed, "rationale": v.rationale,
                "supports": sum(e.stance == "supports" for e in v.evidence),
                "contradicts": sum(e.stance == "contradicts" for e in v.evidence),
                "claimant_record": len(v.claimant_record),
            })
        return pd.DataFrame(rows)

    def evidence_dataframe(self):
        """One row per evidence item, with its claim's id."""
        import pandas as pd

        rows = []
        for v in self.verdicts:
            for section, items in (("evidence", v.evidence), ("claimant_record", v.claimant_record),
                                   ("appearance", v.appearances)):
                for e in items:
                    rows.append({"claim_id": v.claim.id, "section": section, "doc_id": e.doc_id,
                                 "date": e.date.iso if e.date else None, "author": e.author,
                                 "kind": e.kind, "stance": e.stance, "score": e.score,
                                 "quoted": e.quoted, "text": e.text})
        return pd.DataFrame(rows)
