"""Primary-source cases as labelled claim-sentence pairs: each claim against the sentences its
gold passages name, with the sentence's writer, date and readers as the index holds them.

    python -m bench.primary_pairs --cases harbor --out bench/data/pairs_harbor.jsonl [--neutral 4]

A supported claim's gold sentences are labelled `supports`, a contradicted claim's `refutes`;
mixed claims are left out (their gold sentences go both ways, and which way each goes is not
written down). With `--neutral N`, the N sentences the default engine ranks most relevant to each
`not_enough_evidence` claim are added as `neutral`: the record settles none of that claim, so
its nearest sentences are hard negatives with a sure label. (Not for the other claims: the
sentences near a supported claim that its gold does not name may say the same in other words.)
Lines are in the `factcheck pairs` input format, labelled (`label`; `meta` holds `case`,
`claim_id` and `gold`): `factcheck pairs FILE` scores them and prints how they agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.primary import ROOT, load_case, norm
from factcheck import Checker
from factcheck.config import Settings
from factcheck.engine.score import rank

LABELS = {"supported": "supports", "contradicted": "refutes"}


def _sentences(db: Path) -> list[sqlite3.Row]:
    connection = sqlite3.connect(str(db))
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(
            "SELECT s.text, s.author, s.date, s.lang, d.recipients, d.id AS doc_id FROM sentences s "
            "JOIN documents d ON d.rowid = s.doc_rowid ORDER BY s.id").fetchall()
    finally:
        connection.close()


def _pair(claim, sentence_text: str, author, date, to, lang, label: str, case: str, gold: bool) -> dict:
    digest = hashlib.sha256(sentence_text.encode()).hexdigest()[:10]
    return {"id": f"{claim.id}|{digest}", "claim": claim.text,
            "evidence": sentence_text, "lang": lang if lang == claim.lang else None, "author": author,
            "date": date[:10] if date else None, "to": list(to), "label": label,
            "meta": {"case": case, "claim_id": claim.id, "gold": gold}}


def case_pairs(case: str, settings: Settings, neutral: int = 0) -> list[dict]:
    claims, gold = load_case(case)
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-primary-pairs-") as tmp:
        db = Path(tmp) / "index.db"
        with Checker(ROOT / case / "corpus", db=db, settings=settings) as checker:
            sentences = _sentences(db)
            nearest = {}
            for claim in claims:
                if neutral and claim.expect == "not_enough_evidence":
                    reading = checker.read(claim)
                    ranked = rank(reading, checker.candidates(reading), checker.segmenter, checker.settings.score)
                    nearest[claim.id] = [s.candidate for s in ranked[:neutral]]
    readers = {row["doc_id"]: json.loads(row["recipients"] or "[]") for row in sentences}
    for claim in claims:
        label = LABELS.get(claim.expect)
        passages = [norm(p) for p in gold.get(claim.id, [])]
        seen = set()
        if label:
            for row in sentences:
                text = norm(row["text"])
                if text in seen or not any(p in text or (len(text) >= 20 and text in p) for p in passages):
                    continue
                seen.add(text)
                out.append(_pair(claim, row["text"], row["author"], row["date"],
                                 json.loads(row["recipients"] or "[]"), row["lang"], label, case, True))
        for c in nearest.get(claim.id, ()):
            text = norm(c.text)
            if text not in seen:
                seen.add(text)
                out.append(_pair(claim, c.text, c.author, c.date.iso if c.date else None,
                                 readers.get(c.doc_id, ()), c.lang, "neutral", case, False))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", required=True, help="comma-separated cases")
    parser.add_argument("--neutral", type=int, default=0, help="top non-gold sentences per claim, as neutral")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = []
    for case in filter(None, (c.strip() for c in args.cases.split(","))):
        rows += case_pairs(case, Settings(), args.neutral)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print(f"wrote {len(rows)} pairs to {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
