"""Fit how the rules' confidence becomes a probability: per verdict, a logistic map of the
rules' own score to the chance the verdict is right, on benchmarks' train claims.

    python -m bench.calibrate_rules [BENCH_DIR ...] [--config run.toml]
        [--out factcheck/data/rules_calibration.json]

The rules were never fitted on these claims (they were set by hand on the shipped case), so
every train claim may serve: Climate-FEVER's train split and SciFact's train claims outside
its dev carve-out; their test and dev claims are never read. The verdicts themselves do not
change, only the confidence said with them. The calibration error printed is of 5-fold
cross-validated maps on the train claims; bench.evaluate measures it on the held-out splits.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

from factcheck import Checker
from factcheck.config import Settings
from factcheck.engine.stance import load_stance_model
from factcheck.model import VERDICTS

from .pairs_data import part_of, split_of
from .evaluate import BENCH, CLAIM_LABELS, calibration_error, load_benchmark, to_claim, write_corpus

ROOT = Path(__file__).resolve().parents[1]
FOLDS = 5
# With fewer verdicts than this to learn from, a map is only the share right (slope 0).
MIN_PER_VERDICT = 30


def raw_outcomes(bench_dir: Path, settings: Settings, limit: int | None = None):
    """(verdict, the rules' own confidence, whether it is right) for each train claim."""
    bench = load_benchmark(bench_dir)
    claims = bench.claims_in("train")
    if load_stance_model(settings.stance.model).entailment_model is not None:
        # The entailment model was fitted on the pairs of train part a: on those claims it is
        # surer than on new ones, so only the others say how often the rules are right.
        prefix = bench_dir.name.replace("-", "_") + ":"
        claims = [c for c in claims if split_of(prefix + str(c["id"])) == "dev" or part_of(prefix + str(c["id"])) == "b"]
    claims = claims[:limit] if limit else claims
    work = Path(tempfile.mkdtemp(prefix="factcheck-calibrate-"))
    rows = []
    with Checker(write_corpus(bench, work / "corpus"), db=work / "index.db", settings=settings) as checker:
        for n, record in enumerate(claims, start=1):
            verdict = checker.check_claim(to_claim(record))
            rows.append((verdict.verdict, verdict.confidence, verdict.verdict == CLAIM_LABELS[record["label"]]))
            if n % 200 == 0:
                print(f"{bench_dir.name}: {n}/{len(claims)} claims", file=sys.stderr)
    return rows


def fit_map(scores: list[float], right: list[bool]) -> tuple[float, float]:
    """A logistic map score -> P(right), slightly regularised; a constant for few examples."""
    from sklearn.linear_model import LogisticRegression

    share = (sum(right) + 1) / (len(right) + 2)
    if len(scores) < MIN_PER_VERDICT or len(set(right)) < 2:
        return 0.0, float(np.log(share / (1 - share)))
    model = LogisticRegression(C=10.0).fit(np.array(scores).reshape(-1, 1), np.array(right, dtype=int))
    if model.coef_[0][0] < 0:
        # A higher score of the rules never means less sure: read as noise, the share right.
        return 0.0, float(np.log(share / (1 - share)))
    return float(model.coef_[0][0]), float(model.intercept_[0])


def fit(rows) -> dict[str, tuple[float, float]]:
    return {v: fit_map([c for verdict, c, _ in rows if verdict == v], [r for verdict, _, r in rows if verdict == v])
            for v in VERDICTS}


def apply(maps, verdict: str, confidence: float) -> float:
    slope, intercept = maps[verdict]
    return 1.0 / (1.0 + np.exp(-(slope * confidence + intercept)))


def cross_validated_error(rows, seed: int = 7) -> tuple[float, float]:
    """Calibration error of the rules' raw scores, and of maps fitted on the other folds."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    calibrated = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        maps = fit([rows[i] for i in order if i not in held])
        for i in held:
            calibrated[i] = apply(maps, rows[i][0], rows[i][1])
    right = [r for _, _, r in rows]
    return calibration_error([c for _, c, _ in rows], right), calibration_error(calibrated, right)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dirs", type=Path, nargs="*",
                        default=[BENCH / "climate-fever", BENCH / "scifact"])
    parser.add_argument("--config", type=Path, default=None, help="the run's settings (TOML)")
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "rules_calibration.json")
    parser.add_argument("--limit", type=int, default=None, help="only the first N train claims of each")
    args = parser.parse_args(argv)
    settings = Settings.from_toml(args.config) if args.config else Settings()
    if settings.verdict.model:
        parser.error("the settings name a verdict model: only the rules' confidence is calibrated here")
    # The rules' own score, not an earlier calibration of it.
    settings = settings.replace(verdict={"calibration": None})
    rows = []
    for bench_dir in args.bench_dirs:
        rows += raw_outcomes(bench_dir, settings, args.limit)
    raw_error, cv_error = cross_validated_error(rows)
    maps = fit(rows)
    counts = {v: sum(1 for verdict, _, _ in rows if verdict == v) for v in VERDICTS}
    args.out.write_text(json.dumps({
        "description": f"Per verdict, P(right) = sigmoid(score * the rules' confidence + bias), fitted by "
                       f"`python -m bench.calibrate_rules` on the train claims of "
                       f"{', '.join(d.name for d in args.bench_dirs)} ({len(rows)} claims: "
                       + ", ".join(f"{counts[v]} {v}" for v in VERDICTS) + f"); calibration error "
                       f"{raw_error:.3f} raw, {cv_error:.3f} with maps cross-validated on {FOLDS} folds.",
        "features": ["score"], "verdict_counts": counts, "raw_calibration_error": raw_error,
        "cross_validated_calibration_error": cv_error,
        "weights": {v: {"score": round(s, 5), "bias": round(b, 5)} for v, (s, b) in maps.items()},
    }, indent=1) + "\n")
    print(f"{len(rows)} claims; calibration error {raw_error:.3f} raw, {cv_error:.3f} cross-validated -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
