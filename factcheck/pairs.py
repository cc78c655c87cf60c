"""Pairs: the stance of given claim-evidence pairs, for people who already hold the sentence and
for evaluation. The same reading, scoring, stance and placement as a check, without a corpus:
each evidence sentence is a one-sentence record with its author, date and recipients.

Input lines (JSONL): `id`, `claim`, `evidence`, optional `lang`, `author`, `date`, `to`,
`claim_date`, `speaker`; for evaluation, optional `label` (the gold stance) and `meta` (an object
of the user's own, carried through). Output: one result per input line, in the same order, with
its `label` and `meta` if it had them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from factcheck.config import Settings
from factcheck.engine import verdict
from factcheck.engine.read import read_claim
from factcheck.engine.score import rank
from factcheck.engine.stance import entailments_of, judge, load_stance_model
from factcheck.errors import InputError
from factcheck.metrics import scores
from factcheck.model import Candidate, Claim, Judgement
from factcheck.text.aliases import Aliases
from factcheck.text.dates import parse_date
from factcheck.text.lexicon import Lexicons
from factcheck.text.nlp import Segmenter

# The engine says "contradicts"; pair data sets and this command's users say "refutes".
STANCE_NAMES = {"supports": "supports", "contradicts": "refutes", "neutral": "neutral"}
FIELDS = ("id", "claim", "evidence", "lang", "author", "date", "to", "claim_date", "speaker", "label", "meta")
LABELS = tuple(STANCE_NAMES.values())


@dataclass(frozen=True)
class PairInput:
    id: str
    claim: str
    evidence: str
    lang: str | None = None
    author: str | None = None
    date: str | None = None
    to: tuple[str, ...] = ()
    claim_date: str | None = None
    speaker: str | None = None
    label: str | None = None  # the gold stance, for evaluation
    meta: dict | None = None  # the user's own fields, carried through to the output


@dataclass(frozen=True)
class PairStance:
    id: str
    stance: str  # supports | refutes | neutral
    p: dict[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    label: str | None = None
    meta: dict | None = None

    def to_dict(self) -> dict:
        found = {"id": self.id, "stance": self.stance, "p": self.p, "reasons": list(self.reasons)}
        if self.label is not None:
            found["label"] = self.label
        if self.meta is not None:
            found["meta"] = self.meta
        return found


def agreement(results: Iterable[PairStance]) -> dict | None:
    """How the stances of the labelled pairs agree with their labels (accuracy, macro-F1,
    per-class recall, confusion), or None when no pair has a label."""
    labelled = [r for r in results if r.label is not None]
    if not labelled:
        return None
    return scores([r.label for r in labelled], [r.stance for r in labelled], LABELS)


def read_pairs(path: Path) -> Iterator[PairInput | InputError]:
    """The pairs of a JSONL file, and an InputError naming the line in place of each bad one."""
    try:
        lines = Path(path).read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield pair_from_record(json.loads(line))
        except json.JSONDecodeError as exc:
            yield InputError(f"not JSON: {exc.msg}", path=str(path), line=number)
        except ValueError as exc:
            yield InputError(str(exc), path=str(path), line=number)


def pair_from_record(record) -> PairInput:
    if not isinstance(record, dict):
        raise ValueError("a pair is a JSON object")
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    for name in ("id", "claim", "evidence"):
        if not isinstance(record.get(name), (str, int)) or not str(record[name]).strip():
            raise ValueError(f"missing {name!r}")
    for name in ("date", "claim_date"):
        if record.get(name) is not None:
            parse_date(record[name])  # a date that cannot be read is this line's error
    label = record.get("label")
    if label is not None and label not in LABELS:
        raise ValueError(f"label {label!r} is not one of {', '.join(LABELS)}")
    meta = record.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise ValueError("meta must be an object")
    to = record.get("to") or ()
    if isinstance(to, str):
        to = (to,)
    return PairInput(id=str(record["id"]), claim=str(record["claim"]), evidence=str(record["evidence"]),
                     lang=record.get("lang"), author=record.get("author"), date=record.get("date"),
                     to=tuple(str(t) for t in to), claim_date=record.get("claim_date"),
                     speaker=record.get("speaker"), label=label, meta=meta)


class PairJudge:
    """The engine's stages for pairs, loaded once: pipelines, lexicons, the stance model."""

    def __init__(self, settings: Settings | None = None, aliases: Aliases | None = None):
        self.settings = settings or Settings()
        self.aliases = aliases or Aliases()
        self.segmenter = Segmenter(self.settings, self.aliases)
        self.lexicons = Lexicons(self.settings.nlp.lexicons, fallback=self.settings.nlp.default_language,
                                 glossaries=self.settings.nlp.glossaries, synonyms=self.settings.nlp.synonyms,
                                 function_words=self.settings.nlp.function_words)
        self.model = load_stance_model(self.settings.stance.model)

    def judge(self, pairs: Iterable[PairInput]) -> Iterator[PairStance]:
        for pair, judgement in zip(pairs := list(pairs), self.judgements(pairs)):
            stance = judgement.stance
            if judgement.role == "appearance":
                # The sentence reports the claim being made: it shows the claim was said.
                stance = "supports"
            yield PairStance(pair.id, STANCE_NAMES[stance],
                             {STANCE_NAMES[k]: round(v, 4) for k, v in judgement.probabilities.items()},
                             judgement.reasons, pair.label, pair.meta)

    def judgements(self, pairs: Iterable[PairInput]) -> Iterator[Judgement]:
        """The engine's judgement of each pair, features and all, in order."""
        pairs = list(pairs)
        # Sentences of one language are parsed together (spaCy's nlp.pipe), once each.
        by_lang: dict[str, list[int]] = {}
        for n, pair in enumerate(pairs):
            by_lang.setdefault(self.segmenter.language(pair.evidence, pair.lang), []).append(n)
        full = {}
        for lang, indexes in by_lang.items():
            texts = [pairs[n].evidence for n in indexes]
            light = self.segmenter.analyze(texts, lang, full=False)
            parsed = self.segmenter.analyze(texts, lang, full=True)
            full.update({n: (lang, a, b) for n, a, b in zip(indexes, light, parsed)})
        # The claims too, before each is read on its own (from the memo, then).
        claims_by_lang: dict[str, list[str]] = {}
        for pair in pairs:
            claims_by_lang.setdefault(self.segmenter.language(pair.claim, pair.lang), []).append(pair.claim)
        for lang, texts in claims_by_lang.items():
            self.segmenter.analyze(texts, lang, full=False)
            self.segmenter.analyze(texts, lang, full=True)
        readings, read = {}, []
        for n, pair in enumerate(pairs):
            key = (pair.claim, pair.lang, pair.speaker, pair.claim_date)
            if key not in readings:
                claim = Claim(id=pair.id, text=pair.claim, lang=pair.lang, speaker=pair.speaker,
                              date=parse_date(pair.claim_date) if pair.claim_date else None)
                readings[key] = read_claim(claim, self.segmenter, self.lexicons)
            read.append((readings[key], self._scored(readings[key], pair, full[n][0], n)))
        # The entailment model reads all the pairs in one call.
        entailed = entailments_of(self.model, read, [full[n][2] for n in range(len(read))])
        for n, (reading, scored) in enumerate(read):
            _, light, analysis = full[n]
            judgement = judge(reading, scored, analysis, model=self.model, settings=self.settings.stance,
                              aliases=self.aliases, light=light, entailment=entailed[n])
            yield verdict.place(reading, judgement, self.settings.stance, self.aliases)

    def _scored(self, reading, pair: PairInput, lang: str, n: int):
        date = parse_date(pair.date) if pair.date else None
        # An email's or a statement's date is the date of what it says (see FIRST_HAND_KINDS).
        kind = "email" if pair.to else ("statement" if pair.author or date else "other")
        candidate = Candidate(sentence_id=n, doc_id=pair.id, field="text", start=0, end=len(pair.evidence),
                              text=pair.evidence, lang=lang, author=pair.author,
                              author_key=None, date=date, quoted=False, bm25=0.0, kind=kind,
                              doc_date=date, recipients=pair.to)
        return rank(reading, [candidate], self.segmenter, self.settings.score)[0]
