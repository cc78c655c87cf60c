"""Fit the stance model's weights on a benchmark's train split, and only there.

    python -m bench.train ../shared/bench/climate-fever [--strength auto] [--out factcheck/data/stance_model.json]

Every (claim, evidence sentence) pair of the train split is read by the real engine; its
stance features (factcheck.engine.stance.FEATURES) and the gold pair label fit a multinomial logistic
regression (classes balanced). The fit is pulled towards the hand-set weights of
`factcheck/data/stance_model.json` (an L2 penalty on the distance to them, of weight
`strength`): with `--strength auto`, the weakest pull under which every claim of the shipped
claims files still gets its expected verdict. The test split is never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from factcheck import Checker, load_claims
from factcheck.config import Settings
from factcheck.model import STANCES
from factcheck.engine.stance import FEATURES

from .evaluate import PAIR_LABELS, load_benchmark, to_claim, write_corpus

ROOT = Path(__file__).resolve().parents[1]
STRENGTHS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


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


def _vector(weights: dict) -> np.ndarray:
    return np.array([[weights.get(s, {}).get(name, 0.0) for name in ("bias", *FEATURES)] for s in STANCES])


def fit(rows, labels, *, prior: dict | None = None, strength: float = 1.0,
        classes: tuple[str, ...] = STANCES, features: tuple[str, ...] = FEATURES, balance: float = 1.0) -> dict:
    """Multinomial logistic regression, L2-pulled towards `prior` (or zero). Classes are
    weighted by the inverse of their frequency to the power `balance` (1: balanced, 0: as
    they come)."""
    from scipy.optimize import minimize

    x = np.hstack([np.ones((len(rows), 1)), np.asarray(rows, dtype=float)])
    y = np.array([classes.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(classes)).astype(float)
    sample_weight = ((len(y) / (len(classes) * np.maximum(counts, 1))) ** balance)[y]
    centre = _vector(prior) if prior else np.zeros((len(classes), x.shape[1]))
    # The neutral class is the reference: its scores stay where the prior has them.
    free = np.ones_like(centre, dtype=bool)

    def loss(theta):
        w = theta.reshape(centre.shape)
        scores = x @ w.T
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        nll = -(sample_weight * log_p[np.arange(len(y)), y]).sum() / sample_weight.sum()
        diff = (w - centre) * free
        p = np.exp(log_p)
        grad_scores = p.copy()
        grad_scores[np.arange(len(y)), y] -= 1
        grad = (grad_scores * sample_weight[:, None]).T @ x / sample_weight.sum()
        return nll + strength * (diff ** 2).sum(), (grad + 2 * strength * diff).ravel()

    result = minimize(loss, centre.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    w = result.x.reshape(centre.shape)
    return {label: {name: round(float(value), 4) for name, value in zip(("bias", *features), w[i])
                    if abs(value) > 1e-6 or name == "bias"}
            for i, label in enumerate(classes)}


def shipped_claims_pass(model_path: Path) -> bool:
    """Whether every claim of the shipped claims files gets its expected verdict with a model."""
    settings = Settings().replace(stance={"model": str(model_path)})
    cases = [(ROOT / "claims" / "openai-musk.yaml", ROOT / "corpus" / "openai-musk"),
             (ROOT / "tests" / "fixtures" / "claims.yaml", ROOT / "tests" / "fixtures" / "corpus")]
    for claims_file, corpus in cases:
        claims, _ = load_claims([claims_file])
        with Checker(corpus, db=Path(tempfile.mkdtemp()) / "i.db", settings=settings) as checker:
            if not all(checker.check_claim(c).verdict == c.expect for c in claims):
                return False
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "stance_model.json")
    parser.add_argument("--strength", default="auto", help="pull towards the prior, or 'auto'")
    parser.add_argument("--limit", type=int, default=None, help="only the first N train claims")
    args = parser.parse_args(argv)
    prior = json.loads((ROOT / "factcheck" / "data" / "stance_model.json").read_text())["weights"]
    rows, labels = pair_features(args.bench_dir, "train", args.limit)
    strengths = STRENGTHS if args.strength == "auto" else (float(args.strength),)
    for strength in strengths:
        weights = fit(rows, labels, prior=prior, strength=strength)
        candidate = Path(tempfile.mkdtemp()) / "model.json"
        candidate.write_text(json.dumps({"features": list(FEATURES), "weights": weights}))
        if args.strength != "auto" or shipped_claims_pass(candidate):
            break
        print(f"strength {strength}: a shipped claim changes verdict; pulling harder")
    else:
        print("no strength keeps the shipped claims: nothing written")
        return 1
    args.out.write_text(json.dumps({
        "description": f"Multinomial logistic regression fitted by `python -m bench.train` on the train "
                       f"split of {args.bench_dir.name} ({len(rows)} claim-evidence pairs, classes "
                       f"balanced), pulled towards the hand-set prior (stance_model.json) with strength "
                       f"{strength}.",
        "features": list(FEATURES), "strength": strength, "weights": weights}, indent=1) + "\n")
    print(f"fitted on {len(rows)} pairs, strength {strength} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
