"""The engine on primary sources: seven small fictional cases, three of them held out.

    python -m bench.primary [--cases harbor,conseil,grant] [--config FILE] [--json] [--blank]

Each case (bench/primary/<case>/, described in bench/primary/README.md) has a corpus of
emails, statements and quotes, a claims.yaml with an `expect` per claim and a gold.yaml of the
verbatim passages that decide the supported, contradicted and mixed claims. `harbor` is the
development case, `ferry`, `clinique` and `mairie` are for fitting and choosing; `conseil`,
`grant` and `recall` are held out. Per case, over the dev and train cases, over the held-out
ones and overall: verdict accuracy,
macro-F1 over the four verdicts, the confusion counts, the share of claims with gold whose
gold passage is among the first three evidence items, and the mean confidence when the
verdicts carry a calibrated one. The index is built in a temporary folder, never in the case.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import yaml

from bench.evaluate import calibration_error
from factcheck import Checker, load_claims
from factcheck.config import Settings
from factcheck.metrics import scores
from factcheck.model import VERDICTS

ROOT = Path(__file__).parent / "primary"
SPLITS = {"harbor": "dev", "ferry": "train", "clinique": "train", "mairie": "train",
          "conseil": "held out", "grant": "held out", "recall": "held out"}
SHORT = {"supported": "sup", "contradicted": "con", "mixed": "mix", "not_enough_evidence": "nee"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_case(case: str) -> tuple[list, dict[str, list[str]]]:
    """The case's claims and gold passages (claim id -> verbatim substrings)."""
    claims, errors = load_claims([ROOT / case / "claims.yaml"])
    if errors:
        raise SystemExit("\n".join(str(e) for e in errors))
    gold = yaml.safe_load((ROOT / case / "gold.yaml").read_text(encoding="utf-8")) or {}
    return claims, gold


def gold_found(passages: list[str], evidence) -> bool:
    """Whether one of the first three evidence items is (part of) a gold passage's sentence."""
    for item in list(evidence)[:3]:
        text = norm(item.text)
        for passage in map(norm, passages):
            if passage in text or (len(text) >= 20 and text in passage):
                return True
    return False


def run_case(case: str, settings: Settings) -> list[dict]:
    """One row per claim: expected and given verdict, confidence, gold found in the top 3."""
    claims, gold = load_case(case)
    with tempfile.TemporaryDirectory(prefix="bench-primary-") as tmp:
        with Checker(ROOT / case / "corpus", db=Path(tmp) / "index.db", settings=settings) as checker:
            verdicts = checker.check_claims(claims)
    return [{"id": v.claim.id, "expect": v.claim.expect, "verdict": v.verdict,
             "confidence": v.confidence if v.calibrated else None,
             "gold": gold_found(gold[v.claim.id], v.evidence) if v.claim.id in gold else None}
            for v in verdicts]


def figures(rows: list[dict]) -> dict:
    s = scores([r["expect"] for r in rows], [r["verdict"] for r in rows], VERDICTS)
    with_gold = [r["gold"] for r in rows if r["gold"] is not None]
    confidences = [r["confidence"] for r in rows if r["confidence"] is not None]
    return {"n": s["n"], "accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "confusion": s["confusion"],
            "gold_top3": round(sum(with_gold) / len(with_gold), 4) if with_gold else None,
            "with_gold": len(with_gold),
            "mean_confidence": round(sum(confidences) / len(confidences), 4) if confidences else None,
            "calibration_error": calibration_error(
                confidences, [r["expect"] == r["verdict"] for r in rows if r["confidence"] is not None])
            if confidences else None,
            "wrong": [f"{r['id']}:{SHORT[r['expect']]}>{SHORT[r['verdict']]}" for r in rows
                      if r["expect"] != r["verdict"]]}


def evaluate(cases: list[str], settings: Settings) -> dict:
    rows = {case: run_case(case, settings) for case in cases}
    result = {"settings": settings.describe(), "cases": {}}
    for case, case_rows in rows.items():
        result["cases"][case] = {"split": SPLITS.get(case, "held out"), **figures(case_rows)}
    held_out = [r for case in cases if SPLITS.get(case, "held out") == "held out" for r in rows[case]]
    tuning = [r for case in cases if SPLITS.get(case, "held out") != "held out" for r in rows[case]]
    if held_out and tuning:
        # What fitting and choosing may read (dev and train cases), and what they may not.
        result["tuning"] = {"split": "dev+train", **figures(tuning)}
        result["held_out"] = {"split": "held out", **figures(held_out)}
    result["overall"] = {"split": "all", **figures([r for case in cases for r in rows[case]])}
    return result


def fmt(value, pct=True) -> str:
    return "-" if value is None else f"{100 * value:.1f}%" if pct else f"{value:.3f}"


def table(result: dict) -> str:
    groups = {**result["cases"], **{k: result[k] for k in ("tuning", "held_out", "overall") if k in result}}
    lines = [f"{'case':<10} {'split':<9} {'n':>4} {'accuracy':>9} {'macro-F1':>9} {'gold@3':>14} {'mean conf':>9} {'ECE':>6}"]
    for name, g in groups.items():
        gold = f"{fmt(g['gold_top3'])} of {g['with_gold']}" if g["with_gold"] else "-"
        lines.append(f"{name:<10} {g['split']:<9} {g['n']:>4} {fmt(g['accuracy']):>9} "
                     f"{fmt(g['macro_f1'], False):>9} {gold:>14} {fmt(g['mean_confidence'], False):>9} {fmt(g['calibration_error'], False):>6}")
    for name, g in groups.items():
        lines += ["", f"{name} ({g['split']}): expected (rows) x given (columns)",
                  "           " + " ".join(f"{SHORT[v]:>5}" for v in VERDICTS)]
        for expect in VERDICTS:
            lines.append(f"  {SHORT[expect]:<8} " + " ".join(f"{g['confusion'][expect][v]:>5}" for v in VERDICTS))
        if name in result["cases"] and g["wrong"]:
            lines.append("  wrong: " + ", ".join(g["wrong"]))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(SPLITS), help="comma-separated cases [all]")
    parser.add_argument("--config", type=Path, default=None, help="the run's settings (TOML)")
    parser.add_argument("--blank", action="store_true", help="blank spaCy pipelines (fast, for tests)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if not (ROOT / c / "claims.yaml").exists()]
    if unknown:
        parser.error(f"no such case: {', '.join(unknown)}")
    settings = Settings.from_toml(args.config) if args.config else Settings()
    if args.blank:
        settings = settings.replace(nlp={"trained": False})
    result = evaluate(cases, settings)
    print(json.dumps(result, indent=1) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
