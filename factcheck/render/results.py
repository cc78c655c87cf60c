"""results.json and results.csv: the machine-readable reports."""

from __future__ import annotations

import io
import json

from ..models import Evidence, Verdict


def evidence_dict(e: Evidence) -> dict:
    return {
        "doc_id": e.doc_id, "date": e.date.iso if e.date else None, "author": e.author,
        "kind": e.kind, "source": e.source, "url": e.url, "text": e.text, "start": e.start,
        "end": e.end, "stance": e.stance, "score": e.score, "quoted": e.quoted, "field": e.field,
        "lang": e.lang, "title": e.title, "stance_confidence": e.stance_confidence,
        "reasons": list(e.reasons), "highlights": [list(h) for h in e.highlights],
        "provenance": e.provenance, "original": e.original, "original_lang": e.original_lang,
    }


def verdict_dict(v: Verdict) -> dict:
    c = v.claim
    return {
        "id": c.id, "text": c.text, "speaker": c.speaker, "date": c.date.iso if c.date else None,
        "lang": c.lang, "expect": c.expect, "tags": list(c.tags), "verdict": v.verdict,
        "confidence": v.confidence, "calibrated": v.calibrated, "rationale": v.rationale,
        "passed": v.passed,
        "evidence": [evidence_dict(e) for e in v.evidence],
        "claimant_record": [evidence_dict(e) for e in v.claimant_record],
        "appearances": [evidence_dict(e) for e in v.appearances],
    }


def results_dict(report) -> dict:
    corpus = report.corpus
    return {
        "version": report.version,
        "generated": report.generated,
        "corpus": {
            "documents": corpus.documents, "sentences": corpus.sentences,
            "languages": corpus.languages, "first_date": corpus.first_date,
            "last_date": corpus.last_date, "undated": corpus.undated,
            "unattributed": corpus.unattributed, "files": corpus.files,
            "errors": list(corpus.errors), "skipped": list(corpus.skipped),
            "hash": corpus.corpus_hash,
        },
        "settings": report.settings,
        "claim_errors": list(report.claim_errors),
        "claims": [verdict_dict(v) for v in report.verdicts],
    }


def render_json(report, **options) -> str:
    return json.dumps(results_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_csv(report, **options) -> str:
    buffer = io.StringIO()
    report.to_dataframe().to_csv(buffer, index=False)
    return buffer.getvalue()
