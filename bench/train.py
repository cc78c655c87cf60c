"""Fit the stance model's weights on a benchmark's train split, and only there.

    python -m bench.train ../shared/bench/climate-fever [--out factcheck/data/stance_model_learned.json]

Every (claim, evidence sentence) pair of the train split is read by the real engine; its
stance features (factcheck.stance.FEATURES) and the gold pair label train a multinomial
logistic regression (scikit-learn, classes balanced). The weights are written as a small JSON
file in the format of `factcheck/data/stance_model.json`; the test split is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from factcheck import Checker
from factcheck.config import Settings
from factcheck.stance import FEATURES

from .evaluate import PAIR_LABELS, load_benchmark, to_claim, write_corpus


def pair_features(bench_dir: Path, split: str = "train", limit: int | None = None):
    bench = load_benchmark(bench_dir)
    claims = {c["id"]: c for c in bench.claims_in(split)}
    pairs: dict[str, list[dict]] = {}
    for pair in bench.evidence:
        if pair.get("label") in PAIR_LABELS and pair["claim_id"] in claims:
            pairs.setdefault(pair["claim_id"], []).append(pair)
    work = Path(tempfile.mkdtemp(prefix="factcheck-train-"))
    rows, labels = [], []
    with Checker(write_corpus(bench, work / "corpus"), db=work / "index.db", settings=Settings()) as checker:
        for n, (claim_id, claim_pairs) in enumerate(pairs.items()):
            if limit and n >= limit:
                break
            judged = {e.doc_id: j for e, j in checker.judge_documents(
                to_claim(claims[claim_id]), [p["evidence_id"] for p in claim_pairs], with_judgements=True)}
            for pair in claim_pairs:
                judgement = judged.get(pair["evidence_id"])
                features = judgement.features if judgement else {}
                rows.append([float(features.get(name, 0.0)) for name in FEATURES])
                labels.append(PAIR_LABELS[pair["label"]])
    return rows, labels


def fit(rows, labels, *, regularisation: float = 1.0) -> dict:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=2000)
    model.fit(rows, labels)
    weights = {}
    for index, stance in enumerate(model.classes_):
        weights[stance] = {"bias": round(float(model.intercept_[index]), 4)}
        weights[stance].update({name: round(float(value), 4)
                                for name, value in zip(FEATURES, model.coef_[index]) if abs(value) > 1e-6})
    return weights


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("factcheck/data/stance_model_learned.json"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N train claims")
    args = parser.parse_args(argv)
    rows, labels = pair_features(args.bench_dir, "train", args.limit)
    weights = fit(rows, labels)
    args.out.write_text(json.dumps({
        "description": f"Multinomial logistic regression fitted by `python -m bench.train` on the train "
                       f"split of {args.bench_dir.name} ({len(rows)} claim-evidence pairs, classes balanced).",
        "weights": weights}, indent=1) + "\n")
    print(f"fitted on {len(rows)} pairs -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
