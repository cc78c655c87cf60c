"""The library API: index a corpus, check claims, get results as values or DataFrames.

    from factcheck import Checker, load_claims
    with Checker("corpus/") as checker:
        report = checker.check(load_claims(["claims.yaml"])[0])
    report.to_dataframe()

The CLI is a thin layer over this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .config import Settings
from .index import IndexReport, Store, default_db_path, update_index
from .lexicon import Aliases, fold
from .load import load_aliases
from .models import Claim, CorpusSummary, Evidence, Verdict
from .retrieve import Candidate, ClaimReading, candidates_from_rows, read_claim, retrieve
from .score import Scored, rank
from .segment import Segmenter
from .stance import Judgement, StanceModel, judge, load_model
from .verdict import decide, load_verdict_model

# The claimant's record looks wider than the claim's own evidence: any of the speaker's
# sentences on the topic may show the position they held.
RECORD_MIN_RELEVANCE = 22.0
# A translated sentence that cannot be aligned with one of its record's sentences is shown
# with the record's whole text only when that text is short enough to read as one quote.
ORIGINAL_MAX_CHARS = 600


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
        from .render import results_dict

        return results_dict(self)

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


class Checker:
    """A corpus opened for checking: its index (brought up to date) and the NLP pipelines."""

    def __init__(self, corpus: str | Path, *, db: str | Path | None = None,
                 settings: Settings | None = None, update: bool = True,
                 progress: Callable[[str, int, int], None] | None = None,
                 model: StanceModel | None = None, wait: float = 0.0):
        self.corpus = Path(corpus)
        self.settings = settings or Settings()
        self.db_path = Path(db) if db else default_db_path(self.corpus)
        self.aliases = Aliases(load_aliases(self.corpus))
        self.segmenter = Segmenter(self.settings, self.aliases)
        self.model = model or load_model(self.settings.stance_model)
        self.verdict_model = load_verdict_model(self.settings.verdict_model) \
            if self.settings.verdict_model else None
        self.store = Store.open(self.db_path)
        self.index_report: IndexReport | None = None
        try:
            if update:
                self.index_report = update_index(self.corpus, self.store, self.segmenter,
                                                 progress=progress, wait=wait)
        except BaseException:
            self.store.close()
            raise

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def summary(self) -> CorpusSummary:
        return self.store.summary()

    # --- checking ---------------------------------------------------------------------------

    def check(self, claims: Iterable[Claim], *, claim_errors: Iterable[str] = (),
              progress: Callable[[Claim], None] | None = None) -> Report:
        verdicts = []
        for claim in claims:
            verdicts.append(self.check_claim(claim))
            if progress:
                progress(claim)
        return Report(tuple(verdicts), self.summary(), self.settings.describe(),
                      dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                      claim_errors=tuple(claim_errors), activity=self.activity())

    def activity(self) -> tuple[tuple[dt.datetime, str, int], ...]:
        rows = []
        for month, author, count in self.store.activity():
            when = dt.datetime.fromisoformat(month + "-01T00:00:00+00:00")
            rows.append((when, self.aliases.canonical(author) or author, count))
        return tuple(rows)

    def check_claim(self, claim: Claim) -> Verdict:
        reading, evidence = self.weigh(claim)
        outcome = decide(reading, evidence, self.verdict_model)
        kept = [(e, j) for e, j in evidence if j.role == "evidence"]
        kept.sort(key=lambda item: (item[1].stance == "neutral",
                                    -item[1].confidence * item[0].score))
        appearances = tuple(e for e, j in evidence if j.role == "appearance")
        shown = tuple(e for e, _ in kept[:self.settings.evidence_limit])
        record = self._claimant_record(reading, {(e.doc_id, e.field, e.start) for e, _ in evidence}) \
            if claim.speaker else ()
        return Verdict(claim, outcome.verdict, outcome.confidence, outcome.rationale, shown,
                       record, appearances)

    def weigh(self, claim: Claim) -> tuple[ClaimReading, list[tuple[Evidence, Judgement]]]:
        """The claim as read, and the sentences found for it, each with its judgement: what
        the verdict is decided on."""
        reading = read_claim(claim, self.segmenter, self.store)
        candidates = self.candidates(reading)
        scored = rank(reading, candidates, self.segmenter, score_cutoff=self.settings.min_relevance)
        judged = self._judge(reading, same_language_first(scored, reading.lang)[:self.settings.stance_limit])
        return reading, [(self._evidence(s, j), j) for s, j in judged]

    def candidates(self, reading: ClaimReading, *, authors: tuple[str, ...] = ()) -> list[Candidate]:
        """The index's candidates for a claim, within this run's limits."""
        return retrieve(reading, self.store, limit=self.settings.retrieve_limit,
                        postings=self.settings.query_postings, authors=authors)

    def judge_documents(self, claim: Claim, doc_ids: Iterable[str], *, with_judgements: bool = False):
        """The stance of every sentence of the given documents on a claim - the same reading,
        scoring and stance as `check_claim`, without retrieval (for evaluations). With
        `with_judgements`, (Evidence, Judgement) pairs, as the verdict stage takes them."""
        reading = read_claim(claim, self.segmenter, self.store)
        candidates = candidates_from_rows(self.store, self.store.sentences_of(doc_ids))
        judged = [(self._evidence(s, j), j) for s, j in
                  self._judge(reading, rank(reading, candidates, self.segmenter))]
        return judged if with_judgements else [e for e, _ in judged]

    def _judge(self, reading: ClaimReading, scored: list[Scored]) -> list[tuple[Scored, Judgement]]:
        by_lang: dict[str, list[Scored]] = {}
        for s in scored:
            by_lang.setdefault(s.candidate.lang, []).append(s)
        judged = []
        for lang, group in by_lang.items():
            analyses = self.segmenter.analyze([s.candidate.text for s in group], lang, full=True,
                                              cache=self.store)
            for s, analysis in zip(group, analyses):
                judged.append((s, judge(reading, s, analysis, model=self.model, aliases=self.aliases)))
        judged.sort(key=lambda item: -item[0].relevance)
        return judged

    def _claimant_record(self, reading: ClaimReading, seen: set) -> tuple[Evidence, ...]:
        """The speaker's own earlier words that go against the position the claim takes."""
        speaker_key = fold(reading.speaker) if reading.speaker else None
        if not speaker_key:
            return ()
        candidates = self.candidates(reading, authors=(speaker_key,))
        if reading.claim.date:
            candidates = [c for c in candidates
                          if c.date is None or c.date.start < reading.claim.date.end]
        scored = same_language_first(
            rank(reading, candidates, self.segmenter, score_cutoff=RECORD_MIN_RELEVANCE), reading.lang)
        record = []
        for s, judgement in self._judge(reading, scored[:self.settings.stance_limit]):
            key = (s.candidate.doc_id, s.candidate.field, s.candidate.start)
            if key in seen or judgement.role != "evidence":
                continue
            if judgement.stance == "contradicts" or judgement.opposed_terms:
                seen.add(key)
                record.append(self._evidence(s, judgement, stance="contradicts"))
        record.sort(key=lambda e: (e.date.sort_key() if e.date else "9999", e.doc_id))
        return tuple(record)

    def _evidence(self, scored: Scored, judgement: Judgement, *, stance: str | None = None) -> Evidence:
        c: Candidate = scored.candidate
        return Evidence(
            doc_id=c.doc_id, start=c.start, end=c.end, text=c.text,
            stance=stance or judgement.stance, score=scored.relevance, field=c.field, lang=c.lang,
            date=c.date or (c.doc_date if not c.quoted else None), author=c.author, kind=c.kind,
            source=c.source, url=c.url, title=c.title, quoted=c.quoted,
            stance_confidence=round(judgement.confidence, 3), reasons=judgement.reasons,
            highlights=scored.highlights, provenance=c.provenance,
            **(self._original_of(c) if c.field != "text" else {}))

    def _original_of(self, c: Candidate) -> dict:
        """The sentence of the record's own text that a translated sentence renders: the one
        at the same position when both have as many sentences, else the whole (short) text."""
        rows = self.store.sentences_of([c.doc_id])
        original = [r for r in rows if r["field"] == "text"]
        translated = [r for r in rows if r["field"] == c.field]
        position = next((i for i, r in enumerate(translated) if r["start"] == c.start), None)
        if position is not None and len(original) == len(translated):
            row = original[position]
            return {"original": row["text"], "original_lang": row["lang"]}
        document = self.store.document(c.doc_id)
        if document is None or len(document.text) > ORIGINAL_MAX_CHARS:
            return {}
        return {"original": document.text.strip(), "original_lang": document.lang}

    # --- searching --------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[Evidence]:
        """Sentences relevant to a free-text query, best first (no stance)."""
        claim = Claim(id="query", text=query, lang=lang)
        reading = read_claim(claim, self.segmenter, self.store)
        candidates = self.candidates(reading)
        results = []
        for s in rank(reading, candidates, self.segmenter, limit=limit):
            c = s.candidate
            results.append(Evidence(
                doc_id=c.doc_id, start=c.start, end=c.end, text=c.text, stance="neutral",
                score=s.relevance, field=c.field, lang=c.lang,
                date=c.date or (c.doc_date if not c.quoted else None), author=c.author,
                kind=c.kind, source=c.source, url=c.url, title=c.title, quoted=c.quoted,
                highlights=s.highlights, provenance=c.provenance))
        return results


def same_language_first(scored: list[Scored], lang: str) -> list[Scored]:
    """Where a document offers the claim's language (its text or a translation), read only
    that version: comparing like with like is more reliable than across languages."""
    in_language = {s.candidate.doc_id for s in scored if s.candidate.lang == lang}
    return [s for s in scored if s.candidate.lang == lang or s.candidate.doc_id not in in_language]


def index_corpus(corpus: str | Path, *, db: str | Path | None = None,
                 settings: Settings | None = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 wait: float = 0.0) -> tuple[IndexReport, CorpusSummary]:
    """Bring a corpus's index up to date; returns what was done and the corpus summary."""
    with Checker(corpus, db=db, settings=settings, progress=progress, wait=wait) as checker:
        return checker.index_report, checker.summary()


def check(claims: Iterable[Claim], corpus: str | Path, *, db: str | Path | None = None,
          settings: Settings | None = None) -> Report:
    """Check claims against a corpus in one call."""
    with Checker(corpus, db=db, settings=settings) as checker:
        return checker.check(claims)
