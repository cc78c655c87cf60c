"""The library API: index a corpus, check claims, get results as values or DataFrames.

    from factcheck import Checker, load_claims
    with Checker("corpus/") as checker:
        report = checker.check(load_claims(["claims.yaml"])[0])
    report.to_dataframe()

The CLI is a thin layer over this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Callable, Iterable

from factcheck.config import Settings
from factcheck.corpus.load import load_aliases, load_overlay
from factcheck.engine import verdict
from factcheck.engine.read import read_claim
from factcheck.engine.retrieve import candidates_from_rows, fts_query, query_groups, rarest_within
from factcheck.engine.score import rank
from factcheck.engine.stance import StanceModel, entailments, judge, load_stance_model
from factcheck.model import (Candidate, Claim, ClaimReading, CorpusSummary, Evidence, Judgement, Report,
                             Scored, Verdict)
from factcheck.store.indexer import IndexStats
from factcheck.store.shards import ShardSet, settle_duplicates, update_shards
from factcheck.store.sqlite import default_db_path
from factcheck.text.aliases import Aliases
from factcheck.text.folding import fold
from factcheck.text.lexicon import Lexicons
from factcheck.text.nlp import Segmenter

# A translated sentence that cannot be aligned with one of its record's sentences is shown
# with the record's whole text only when that text is short enough to read as one quote.
ORIGINAL_MAX_CHARS = 600


# Claims read together by `Checker.check_claims` (no effect on results, only on speed and memory).
CLAIM_BATCH = 32


class Checker:
    """A corpus opened for checking: its index (brought up to date) and the NLP pipelines."""

    def __init__(self, corpus: str | Path, *, db: str | Path | None = None,
                 settings: Settings | None = None, update: bool = True,
                 progress: Callable[[str, int, int], None] | None = None,
                 model: StanceModel | None = None, wait: float = 0.0, cluster=None,
                 readonly: bool = False):
        """`cluster` (factcheck.cluster.Cluster): index the shards and check claims on a Dask
        cluster. `readonly`: open the index without writing (a cluster worker's checks)."""
        self.corpus = Path(corpus)
        self.settings = settings or Settings()
        self.db_path = Path(db) if db else default_db_path(self.corpus)
        self.aliases = Aliases(load_aliases(self.corpus))
        self.lexicons = Lexicons(self.settings.nlp.lexicons, load_overlay(self.corpus),
                                 fallback=self.settings.nlp.default_language,
                                 glossaries=self.settings.nlp.glossaries,
                                 synonyms=self.settings.nlp.synonyms,
                                 function_words=self.settings.nlp.function_words)
        self.segmenter = Segmenter(self.settings, self.aliases)
        self.model = model or load_stance_model(self.settings.stance.model)
        self.verdict_model = verdict.load_verdict_model(self.settings.verdict.model) \
            if self.settings.verdict.model else None
        self.calibration = verdict.load_calibration(self.settings.verdict.calibration) \
            if self.settings.verdict.calibration else None
        self.cluster = cluster
        # The index's shards read as one (`store` is the first: one shard is today's index.db).
        self.shards = ShardSet.open(self.db_path, self.settings.index.shards, readonly=readonly)
        self.store = self.shards.stores[0]
        self.index_report: IndexStats | None = None
        try:
            if update and cluster is not None:
                stats = cluster.index_shards(self.corpus, self.db_path, self.settings, wait=wait)
                self.index_report = settle_duplicates(self.corpus, self.shards, self.segmenter, stats,
                                                      wait=wait)
            elif update:
                self.index_report = update_shards(self.corpus, self.shards, self.segmenter,
                                                  progress=progress, wait=wait)
        except BaseException:
            self.shards.close()
            raise

    def close(self) -> None:
        self.shards.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def summary(self) -> CorpusSummary:
        return self.shards.summary()

    # --- checking ---------------------------------------------------------------------------

    def check(self, claims: Iterable[Claim], *, claim_errors: Iterable[str] = (),
              progress: Callable[[Claim], None] | None = None) -> Report:
        claims = list(claims)
        if self.cluster is not None:
            verdicts = self.cluster.check(self, claims, progress=progress)
        else:
            verdicts = self.check_claims(claims, progress=progress)
        return Report(tuple(verdicts), self.summary(), self.settings.describe(),
                      dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                      claim_errors=tuple(claim_errors), activity=self.activity())

    def check_claims(self, claims: list[Claim], *,
                     progress: Callable[[Claim], None] | None = None) -> list[Verdict]:
        """Verdicts for many claims, the same as one `check_claim` each, read in batches of
        CLAIM_BATCH: the claims of a batch go through each spaCy pipeline in one pass, and so
        do the sentences shortlisted for them (one found for several claims is read once)."""
        verdicts = []
        for start in range(0, len(claims), CLAIM_BATCH):
            batch = claims[start:start + CLAIM_BATCH]
            texts: dict[str, list[str]] = {}
            for claim in batch:
                texts.setdefault(self.segmenter.language(claim.text, claim.lang), []).append(claim.text)
            for full in (False, True):
                for lang, group in texts.items():
                    self.segmenter.analyze(group, lang, full=full, cache=self.shards)
            shortlists = [self.shortlist(claim) for claim in batch]
            sentences: dict[str, list[str]] = {}
            for _, scored in shortlists:
                for s in scored:
                    sentences.setdefault(s.candidate.lang, []).append(s.candidate.text)
            for lang, group in sentences.items():
                self.segmenter.analyze(group, lang, full=True, cache=self.shards)
            for claim, shortlisted in zip(batch, shortlists):
                verdicts.append(self.check_claim(claim, shortlisted=shortlisted))
                if progress:
                    progress(claim)
        return verdicts

    def activity(self) -> tuple[tuple[dt.datetime, str, int], ...]:
        rows = []
        for month, author, count in self.shards.activity():
            when = dt.datetime.fromisoformat(month + "-01T00:00:00+00:00")
            rows.append((when, self.aliases.canonical(author) or author, count))
        return tuple(rows)

    def check_claim(self, claim: Claim, *, shortlisted: tuple[ClaimReading, list[Scored]] | None = None) -> Verdict:
        reading, evidence = self.weigh(claim, shortlisted=shortlisted)
        outcome = verdict.decide(reading, evidence, self.settings.verdict, self.verdict_model, self.calibration)
        record = self._claimant_record(reading, {(e.doc_id, e.field, e.start) for e, _ in evidence}) \
            if claim.speaker else ()
        return Verdict(claim, outcome.verdict, outcome.confidence, outcome.rationale,
                       verdict.shown(evidence, self.settings.verdict.evidence_limit, outcome.verdict), record,
                       verdict.appearances(evidence), calibrated=outcome.calibrated)

    def read(self, claim: Claim) -> ClaimReading:
        return read_claim(claim, self.segmenter, self.lexicons, self.shards)

    def weigh(self, claim: Claim, *, shortlisted: tuple[ClaimReading, list[Scored]] | None = None
              ) -> tuple[ClaimReading, list[tuple[Evidence, Judgement]]]:
        """The claim as read, and the sentences found for it, each with its judgement: what
        the verdict is decided on. `shortlisted`: what `shortlist` gave for the claim."""
        reading, scored = shortlisted or self.shortlist(claim)
        judged = self._judge(reading, scored)
        return reading, [(self._evidence(s, j), j) for s, j in judged]

    def shortlist(self, claim: Claim) -> tuple[ClaimReading, list[Scored]]:
        """The claim as read, and the sentences to read closely for its stance, best first."""
        reading = self.read(claim)
        candidates = self.candidates(reading)
        scored = rank(reading, candidates, self.segmenter, self.settings.score,
                      score_cutoff=self.settings.score.min_relevance)
        return reading, same_language_first(scored, reading.lang)[:self.settings.stance.limit]

    def candidates(self, reading: ClaimReading, *, authors: tuple[str, ...] = ()) -> list[Candidate]:
        """The index's candidates for a claim, within this run's limits: the query goes to
        every shard, and the best rows by corpus-wide BM25 come back (see store.shards)."""
        settings = self.settings.retrieve
        groups = rarest_within(query_groups(reading), self.shards, settings.query_postings,
                               keep=settings.min_query_terms)
        query = fts_query(groups)
        if not query:
            return []
        hits = self.shards.search(groups, query, settings.limit, authors=authors)
        numbers = {h.position: n for n, h in enumerate(sorted(hits, key=lambda h: h.position))}
        return self._candidates_of([(h.shard, h.row) for h in hits], [numbers[h.position] for h in hits],
                                   [h.score for h in hits])

    def _candidates_of(self, rows: list, numbers: list[int], scores: list[float] | None = None
                       ) -> list[Candidate]:
        """Candidates for (shard, row) pairs, in that order, numbered by their place in the
        corpus (see store.shards.position): ids that are the same whatever the shards, by
        which a rank breaks ties."""
        by_shard: dict[int, list] = {}
        for shard, row in rows:
            by_shard.setdefault(shard, []).append(row)
        made = {}
        for shard, shard_rows in by_shard.items():
            for row, c in zip(shard_rows, candidates_from_rows(self.shards.stores[shard], shard_rows)):
                made[(shard, row["id"])] = c
        return [dataclasses.replace(made[(shard, row["id"])], sentence_id=number,
                                    bm25=round(score, 6))
                for (shard, row), number, score in zip(rows, numbers, scores or [0.0] * len(rows))]

    def judge_documents(self, claim: Claim, doc_ids: Iterable[str], *, with_judgements: bool = False):
        """The stance of every sentence of the given documents on a claim - the same reading,
        scoring and stance as `check_claim`, without retrieval (for evaluations). With
        `with_judgements`, (Evidence, Judgement) pairs, as the verdict stage takes them."""
        reading = self.read(claim)
        rows = self.shards.sentences_of(doc_ids)
        candidates = self._candidates_of(rows, list(range(len(rows))))
        judged = [(self._evidence(s, j), j) for s, j in
                  self._judge(reading, rank(reading, candidates, self.segmenter, self.settings.score))]
        return judged if with_judgements else [e for e, _ in judged]

    def _judge(self, reading: ClaimReading, scored: list[Scored]) -> list[tuple[Scored, Judgement]]:
        by_lang: dict[str, list[Scored]] = {}
        for s in scored:
            by_lang.setdefault(s.candidate.lang, []).append(s)
        # The entailment model reads the most relevant few (ties: the shortlist's order).
        ranked = sorted(range(len(scored)), key=lambda n: -scored[n].relevance)
        entailed_ids = {id(scored[n]) for n in ranked[:self.settings.stance.entailment_limit]}
        judged = []
        for lang, group in by_lang.items():
            texts = [s.candidate.text for s in group]
            analyses = self.segmenter.analyze(texts, lang, full=True, cache=self.shards)
            lights = self.segmenter.analyze(texts, lang, full=False) if self.model.pair_model else analyses
            chosen = [n for n, s in enumerate(group) if id(s) in entailed_ids]
            readings = entailments(self.model, reading, [group[n] for n in chosen], [analyses[n] for n in chosen])
            entailed = [None] * len(group)
            for n, found in zip(chosen, readings):
                entailed[n] = found
            for s, analysis, light, entailment in zip(group, analyses, lights, entailed):
                judgement = judge(reading, s, analysis, model=self.model, settings=self.settings.stance,
                                  aliases=self.aliases, light=light, entailment=entailment)
                judged.append((s, verdict.place(reading, judgement, self.settings.stance, self.aliases)))
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
        scored = same_language_first(rank(reading, candidates, self.segmenter, self.settings.score,
                                          score_cutoff=self.settings.score.record_min_relevance),
                                     reading.lang)
        judged = [(self._evidence(s, j), j) for s, j in self._judge(reading, scored[:self.settings.stance.limit])]
        return verdict.claimant_record(judged, seen)

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
        rows = [row for _, row in self.shards.sentences_of([c.doc_id])]
        original = [r for r in rows if r["field"] == "text"]
        translated = [r for r in rows if r["field"] == c.field]
        position = next((i for i, r in enumerate(translated) if r["start"] == c.start), None)
        if position is not None and len(original) == len(translated):
            row = original[position]
            return {"original": row["text"], "original_lang": row["lang"]}
        document = self.shards.document(c.doc_id)
        if document is None or len(document.text) > ORIGINAL_MAX_CHARS:
            return {}
        return {"original": document.text.strip(), "original_lang": document.lang}

    # --- searching --------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, lang: str | None = None) -> list[Evidence]:
        """Sentences relevant to a free-text query, best first (no stance)."""
        reading = self.read(Claim(id="query", text=query, lang=lang))
        candidates = self.candidates(reading)
        results = []
        for s in rank(reading, candidates, self.segmenter, self.settings.score, limit=limit):
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
                 wait: float = 0.0) -> tuple[IndexStats, CorpusSummary]:
    """Bring a corpus's index up to date; returns what was done and the corpus summary."""
    with Checker(corpus, db=db, settings=settings, progress=progress, wait=wait) as checker:
        return checker.index_report, checker.summary()


def check(claims: Iterable[Claim], corpus: str | Path, *, db: str | Path | None = None,
          settings: Settings | None = None) -> Report:
    """Check claims against a corpus in one call."""
    with Checker(corpus, db=db, settings=settings) as checker:
        return checker.check(claims)
