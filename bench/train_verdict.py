"""Fit the learned verdict weighing on benchmarks' train splits, and only there.

    python -m bench.train_verdict ../shared/bench/climate-fever ../shared/bench/scifact \
        [--config run.toml] --out factcheck/data/verdict_model_learned.json

Every train claim whose pairs the stance models never fitted on (the pairs data's dev carve-out)
goes through the real engine (`Checker.weigh`: retrieval, ranking, stance);
its evidence, summed up as `factcheck.engine.verdict.CLAIM_FEATURES`, and its gold label fit a
multinomial logistic regression over the four verdicts, `mixed` included. How much the rarer
verdicts are weighted up and how strong the L2 penalty is are chosen by 5-fold cross-validation
on the train splits (the mean over benchmarks of accuracy and macro-F1); a temperature fitted on
the cross-validated predictions makes the probabilities calibrated, and is folded into the
weights. Climate-FEVER's test split and SciFact's dev carve-out are never read.
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
from factcheck.model import VERDICTS
from factcheck.engine.verdict import CLAIM_FEATURES, claim_features
from factcheck.metrics import scores

from .evaluate import CLAIM_LABELS, load_benchmark, to_claim, write_corpus
from .pairs_data import split_of
from .train_stance import expected_calibration_error, temperature

ROOT = Path(__file__).resolve().parents[1]
BALANCES = (0.0, 0.5, 1.0)
STRENGTHS = (0.0003, 0.003, 0.03)
FOLDS = 5


def _vector(weights: dict, classes: tuple[str, ...], features: tuple[str, ...]) -> np.ndarray:
    return np.array([[weights.get(c, {}).get(name, 0.0) for name in ("bias", *features)] for c in classes])


def fit(rows, labels, *, prior: dict | None = None, strength: float = 1.0,
        classes: tuple[str, ...] = VERDICTS, features: tuple[str, ...] = CLAIM_FEATURES, balance: float = 1.0) -> dict:
    """Multinomial logistic regression, L2-pulled towards `prior` (or zero). Classes are
    weighted by the inverse of their frequency to the power `balance` (1: balanced, 0: as
    they come)."""
    from scipy.optimize import minimize

    x = np.hstack([np.ones((len(rows), 1)), np.asarray(rows, dtype=float)])
    y = np.array([classes.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(classes)).astype(float)
    sample_weight = ((len(y) / (len(classes) * np.maximum(counts, 1))) ** balance)[y]
    centre = _vector(prior, classes, features) if prior else np.zeros((len(classes), x.shape[1]))
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


def unseen_by_the_stance_models(bench_name: str, claim_id: str) -> bool:
    """Whether a train claim's pairs are in the pairs data's dev carve-out: the pair and stance
    models never fitted on them (they only chose among candidates on them). Their stance on
    the claims they were fitted on is more confident than it will be on new ones, and a
    weighing fitted there would learn to trust it too much."""
    prefix = {"climate-fever": "climate_fever", "scifact": "scifact"}[bench_name]
    raw = claim_id[len("sf-"):] if bench_name == "scifact" else claim_id
    return split_of(f"{prefix}:{raw}") == "dev"


def claim_rows(bench_dir: Path, settings: Settings, split: str = "train", limit: int | None = None):
    """(features, gold verdict) for each claim of `split` that the stance models never saw."""
    bench = load_benchmark(bench_dir)
    claims = [c for c in bench.claims_in(split) if unseen_by_the_stance_models(bench_dir.name, c["id"])]
    claims = claims[:limit] if limit else claims
    work = Path(tempfile.mkdtemp(prefix="factcheck-train-verdict-"))
    rows, labels = [], []
    with Checker(write_corpus(bench, work / "corpus"), db=work / "index.db", settings=settings) as checker:
        for n, record in enumerate(claims, start=1):
            reading, items = checker.weigh(to_claim(record))
            features = claim_features(reading, items, checker.settings.verdict)
            rows.append([features[name] for name in CLAIM_FEATURES])
            labels.append(CLAIM_LABELS[record["label"]])
            if n % 100 == 0:
                print(f"read {n}/{len(claims)} claims", file=sys.stderr)
    return rows, labels


def cross_validate(rows, labels, sources, balance: float, strength: float, seed: int = 7):
    """The mean over benchmarks of (accuracy + macro-F1) / 2 on held-out folds, the figures per
    benchmark, and the out-of-fold logits (for the temperature)."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    logits = np.zeros((len(rows), len(VERDICTS)))
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        weights = _fit(rows, labels, balance, strength, keep=lambda i: i not in held)
        for i in sorted(held):
            logits[i] = _logits(weights, rows[i])
    predicted = [VERDICTS[k] for k in logits.argmax(axis=1)]
    figures = {}
    for source in sorted(set(sources)):
        inside = [i for i, s in enumerate(sources) if s == source]
        figures[source] = scores([labels[i] for i in inside], [predicted[i] for i in inside], VERDICTS)
    value = float(np.mean([(f["accuracy"] + f["macro_f1"]) / 2 for f in figures.values()]))
    return value, figures, logits


def _logits(weights: dict, row) -> np.ndarray:
    values = dict(zip(CLAIM_FEATURES, row))
    return np.array([weights.get(v, {}).get("bias", -50.0) + sum(w * values.get(k, 0.0) for k, w in
                                                                  weights.get(v, {}).items() if k != "bias")
                     for v in VERDICTS])


def _fit(rows, labels, balance, strength, keep=lambda i: True) -> dict:
    chosen = [i for i in range(len(rows)) if keep(i)]
    present = tuple(v for v in VERDICTS if any(labels[i] == v for i in chosen))
    return fit([rows[i] for i in chosen], [labels[i] for i in chosen], strength=strength,
               classes=present, features=CLAIM_FEATURES, balance=balance)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dirs", type=Path, nargs="+")
    parser.add_argument("--config", type=Path, default=None, help="the run's settings (TOML)")
    parser.add_argument("--stance-model", default=None, help="stance weights [default: the settings']")
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "verdict_model_learned.json")
    parser.add_argument("--limit", type=int, default=None, help="only the first N train claims of each")
    args = parser.parse_args(argv)
    settings = Settings.from_toml(args.config) if args.config else Settings()
    if args.stance_model:
        settings = settings.replace(stance={"model": args.stance_model})
    rows, labels, sources = [], [], []
    for bench_dir in args.bench_dirs:
        r, l = claim_rows(bench_dir, settings, "train", args.limit)
        rows += r
        labels += l
        sources += [bench_dir.name] * len(r)
    results = {(b, s): cross_validate(rows, labels, sources, b, s) for b in BALANCES for s in STRENGTHS}
    for (b, s), (value, figures, _) in sorted(results.items()):
        print(f"balance {b}, strength {s}: " + "; ".join(
            f"{name} accuracy {f['accuracy']:.3f} macro-F1 {f['macro_f1']:.3f}" for name, f in figures.items()))
    balance, strength = max(results, key=lambda k: results[k][0])
    _, figures, logits = results[(balance, strength)]
    gold = np.array([VERDICTS.index(label) for label in labels])
    t = temperature(logits, gold)
    z = logits / t
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    ece = expected_calibration_error(p, gold)
    weights = _fit(rows, labels, balance, strength)
    weights = {v: {k: round(w / t, 5) for k, w in ws.items()} for v, ws in weights.items()}
    summary = "; ".join(f"{name}: accuracy {f['accuracy']:.3f}, macro-F1 {f['macro_f1']:.3f}"
                        for name, f in figures.items())
    args.out.write_text(json.dumps({
        "description": f"Multinomial logistic regression over the claim's evidence, fitted by "
                       f"`python -m bench.train_verdict` on the train splits of "
                       f"{', '.join(d.name for d in args.bench_dirs)} ({len(rows)} claims) with the stance "
                       f"weights {settings.stance.model}; class weighting exponent {balance} and L2 strength "
                       f"{strength} chosen by {FOLDS}-fold cross-validation on the train splits ({summary}); "
                       f"temperature {t:.2f} fitted on the cross-validated predictions (ECE {ece:.3f}), "
                       f"folded into the weights.",
        "features": list(CLAIM_FEATURES), "stance_model": settings.stance.model, "balance": balance,
        "strength": strength, "temperature": t, "calibrated": True, "weights": weights}, indent=1) + "\n")
    print(f"fitted on {len(rows)} claims (balance {balance}, strength {strength}, temperature {t:.2f}, "
          f"cross-validated ECE {ece:.3f}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
