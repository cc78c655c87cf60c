"""Fit the learned verdict weighing on a benchmark's train split, and only there.

    python -m bench.train_verdict ../shared/bench/climate-fever \
        --stance-model stance_model_learned.json --out factcheck/data/verdict_model_learned.json

Every train claim goes through the real engine (`Checker.weigh`: retrieval, ranking, stance);
its evidence, summed up as `factcheck.engine.verdict.CLAIM_FEATURES`, and its gold label fit a
multinomial logistic regression over the four verdicts. How much the rarer verdicts are
weighted up and how strong the L2 penalty is are chosen by 5-fold cross-validation on the train
split (the mean of accuracy and macro-F1). The test split is never read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from factcheck import Checker
from factcheck.config import Settings
from factcheck.model import VERDICTS
from factcheck.engine.verdict import CLAIM_FEATURES, VerdictModel, claim_features

from .evaluate import CLAIM_LABELS, load_benchmark, scores, to_claim, write_corpus
from .train import ROOT, fit

BALANCES = (0.0, 0.5, 1.0)
STRENGTHS = (0.0003, 0.003, 0.03)
FOLDS = 5


def claim_rows(bench_dir: Path, stance_model: str, split: str = "train", limit: int | None = None):
    """(features, gold verdict) for each claim of `split`."""
    bench = load_benchmark(bench_dir)
    claims = bench.claims_in(split)[:limit] if limit else bench.claims_in(split)
    work = Path(tempfile.mkdtemp(prefix="factcheck-train-verdict-"))
    rows, labels = [], []
    settings = Settings().replace(stance={"model": stance_model})
    with Checker(write_corpus(bench, work / "corpus"), db=work / "index.db", settings=settings) as checker:
        for n, record in enumerate(claims, start=1):
            reading, items = checker.weigh(to_claim(record))
            features = claim_features(reading, items, checker.settings.verdict)
            rows.append([features[name] for name in CLAIM_FEATURES])
            labels.append(CLAIM_LABELS[record["label"]])
            if n % 100 == 0:
                print(f"read {n}/{len(claims)} claims", file=sys.stderr)
    return rows, labels


def cross_validate(rows, labels, balance: float, strength: float, seed: int = 7) -> float:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    gold, predicted = [], []
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        weights = _fit(rows, labels, balance, strength, keep=lambda i: i not in held)
        model = VerdictModel(weights)
        for i in sorted(held):
            probabilities = model.probabilities(dict(zip(CLAIM_FEATURES, rows[i])))
            predicted.append(max(VERDICTS, key=lambda v: probabilities[v]))
            gold.append(labels[i])
    result = scores(gold, predicted, VERDICTS)
    return (result["accuracy"] + result["macro_f1"]) / 2, result["accuracy"], result["macro_f1"]


def _fit(rows, labels, balance, strength, keep=lambda i: True) -> dict:
    chosen = [i for i in range(len(rows)) if keep(i)]
    present = tuple(v for v in VERDICTS if any(labels[i] == v for i in chosen))
    return fit([rows[i] for i in chosen], [labels[i] for i in chosen], strength=strength,
               classes=present, features=CLAIM_FEATURES, balance=balance)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", type=Path)
    parser.add_argument("--stance-model", default="stance_model_learned.json")
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "verdict_model_learned.json")
    parser.add_argument("--limit", type=int, default=None, help="only the first N train claims")
    args = parser.parse_args(argv)
    rows, labels = claim_rows(args.bench_dir, args.stance_model, "train", args.limit)
    results = {(b, s): cross_validate(rows, labels, b, s) for b in BALANCES for s in STRENGTHS}
    for (b, s), (value, accuracy, macro) in sorted(results.items()):
        print(f"balance {b}, strength {s}: cross-validated accuracy {accuracy:.3f}, macro-F1 {macro:.3f}")
    balance, strength = max(results, key=lambda k: results[k][0])
    weights = _fit(rows, labels, balance, strength)
    args.out.write_text(json.dumps({
        "description": f"Multinomial logistic regression over the claim's evidence, fitted by "
                       f"`python -m bench.train_verdict` on the train split of {args.bench_dir.name} "
                       f"({len(rows)} claims) with the stance weights {args.stance_model}; class "
                       f"weighting exponent {balance} and L2 strength {strength} chosen by {FOLDS}-fold "
                       f"cross-validation on the train split (accuracy {results[(balance, strength)][1]:.3f}, macro-F1 "
                       f"{results[(balance, strength)][2]:.3f}).",
        "features": list(CLAIM_FEATURES), "stance_model": args.stance_model, "balance": balance, "strength": strength,
        "weights": weights}, indent=1) + "\n")
    print(f"fitted on {len(rows)} claims (balance {balance}, strength {strength}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
