"""Fit the learned pair scorer (factcheck/pairmodel.py) on the benchmark pairs' train carve-outs.

    python -m bench.train_pairs [--generated bench/data/generated_pairs.jsonl] [--out PATH]

What is what:
- train: every pair whose group hashes outside the dev 15 % (bench.pairs_data), of VitaminC
  real and synthetic, Factcheck-Bench (its released 70 %), DACCORD (its released 70 %),
  Climate-FEVER's train split and SciFact's train claims. Candidates are fitted on train only.
- dev: the 15 % carve-outs of the same files. The learner, its regularisation, the source
  weights and the temperature are chosen on dev, so dev figures are those of the selected
  model and slightly optimistic; none of the acceptance sets (the held-out 30 % of
  Factcheck-Bench and DACCORD, Climate-FEVER test, SciFact dev) is read here.

Candidates: multinomial logistic regression on the dense features alone, on dense + hashed
features, and histogram gradient boosting on the dense features. Selection: the mean over dev
sources of macro-F1 (DACCORD: contradiction vs not). Calibration: one temperature fitted on the
pooled dev set (negative log-likelihood); expected calibration error over 10 bins of the top
probability is reported per source.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse as sp

from bench.pairs_data import ALLOWED, load_all
from factcheck.config import NlpSettings, Settings
from factcheck.engine.stance.pairmodel import (CLASSES, DENSE, PairFeaturizer, PairModel, PairWords, _softmax,
                                 featurize_many, tree_scores)
from factcheck.text.nlp import Segmenter

CACHE = Path(__file__).resolve().parent / "data"
HASH_SIZE = 2 ** 18
OUT = Path(__file__).resolve().parents[1] / "factcheck" / "data" / "pair_model.npz"
K = {c: i for i, c in enumerate(CLASSES)}
NAMES = {"vitaminc_real": "VitaminC real", "vitaminc_synthetic": "VitaminC synthetic",
         "factcheck_bench": "Factcheck-Bench", "daccord": "DACCORD (fr, binary)",
         "climate_fever": "Climate-FEVER train-dev", "scifact": "SciFact train-dev",
         "generated": "generated primary-source"}


def log(*args) -> None:
    print(*args, flush=True)


def analyses(rows: list[dict], segmenter: Segmenter) -> dict[tuple[str, str], object]:
    """Light analyses of every distinct text, by (lang, text)."""
    by_lang: dict[str, list[str]] = collections.defaultdict(list)
    for r in rows:
        by_lang[r["lang"]] += [r["claim"], r["evidence"]]
    found = {}
    for lang, texts in by_lang.items():
        texts = list(dict.fromkeys(texts))
        for start in range(0, len(texts), 4000):
            chunk = texts[start:start + 4000]
            for text, analysis in zip(chunk, segmenter.analyze(chunk, lang, full=False)):
                found[(lang, text)] = analysis
    return found


def featurize(rows: list[dict], featurizer: PairFeaturizer, tag: str):
    """Dense matrix and hashed CSR matrix of `rows`, cached under bench/data by content."""
    digest = hashlib.sha256(json.dumps([featurizer.words.digest, HASH_SIZE,
                                        Path(sys.modules[PairModel.__module__].__file__).read_text(),
                                        [(r["id"], r["claim"], r["evidence"]) for r in rows]]).encode()).hexdigest()[:16]
    path = CACHE / f"pair_features_{tag}_{digest}.npz"
    if path.exists():
        data = np.load(path)
        return data["dense"], data["rows"], data["cols"], data["vals"], data["lexical"]
    t = time.time()
    found = analyses(rows, Segmenter(Settings(nlp=NlpSettings(trained=False))))
    log(f"  analysed {len(found)} texts in {time.time() - t:.0f}s")
    t = time.time()
    dense, r_, c_, v_, lex = featurize_many(featurizer, ((found[(r["lang"], r["claim"])], found[(r["lang"], r["evidence"])])
                                                    for r in rows), HASH_SIZE)
    log(f"  featurised {len(rows)} pairs in {time.time() - t:.0f}s")
    CACHE.mkdir(exist_ok=True)
    parts = {"rows": np.array(r_, dtype=np.int64), "cols": np.array(c_, dtype=np.int64),
             "vals": np.array(v_, dtype=float), "lexical": np.array(lex, dtype=bool)}
    np.savez_compressed(path, dense=dense, **parts)
    return dense, parts["rows"], parts["cols"], parts["vals"], parts["lexical"]


def hashed_matrix(n: int, rows, cols, vals, keep=None) -> sp.csr_matrix:
    if keep is not None:
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, HASH_SIZE))


def expand(rows: list[dict], weights: dict[str, float]):
    """Row indices, targets and sample weights: a not_refutes pair counts half as supports and
    half as neutral (what it allows, with nothing to choose between them)."""
    index, y, w = [], [], []
    for i, r in enumerate(rows):
        allowed = ALLOWED[r["label"]]
        for label in allowed:
            index.append(i)
            y.append(K[label])
            w.append(weights[r["source"]] / len(allowed))
    return np.array(index), np.array(y), np.array(w)


def source_weights(rows: list[dict], power: float) -> dict[str, float]:
    """Per-pair weight by source: n ** -power scaled so the total stays the number of pairs
    (power 0: every pair alike; 1: every source alike)."""
    counts = collections.Counter(r["source"] for r in rows)
    raw = {s: n ** -power for s, n in counts.items()}
    total = sum(raw[s] * n for s, n in counts.items())
    return {s: raw[s] * len(rows) / total for s in counts}


# --- metrics -------------------------------------------------------------------------------------


def macro_f1(y: np.ndarray, pred: np.ndarray, labels) -> float:
    scores = []
    for k in labels:
        tp = np.sum((pred == k) & (y == k))
        fp = np.sum((pred == k) & (y != k))
        fn = np.sum((pred != k) & (y == k))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores))


def ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)


def evaluate_source(source: str, labels: list[str], probs: np.ndarray, train_labels: list[str]) -> dict:
    """Accuracy, macro-F1 and ECE of `probs` on one source's dev pairs, and the majority
    baseline (the commonest train label of the source)."""
    if source == "daccord":
        # Contradiction or not: the model's "supports" and "neutral" both mean "not refutes".
        y = np.array([1 if l == "refutes" else 0 for l in labels])
        p_ref = probs[:, K["refutes"]]
        pred = (p_ref > 0.5).astype(int)
        confidence = np.maximum(p_ref, 1 - p_ref)
        majority = 1 if sum(l == "refutes" for l in train_labels) * 2 > len(train_labels) else 0
        base = np.full_like(y, majority)
        return {"n": len(y), "acc": float((pred == y).mean()), "f1": macro_f1(y, pred, (0, 1)),
                "ece": ece(confidence, pred == y), "base_acc": float((base == y).mean()),
                "base_f1": macro_f1(y, base, (0, 1))}
    y = np.array([K[l] for l in labels])
    present = sorted(set(y.tolist()) | set(K[l] for l in train_labels))
    pred = probs.argmax(1)
    majority = K[collections.Counter(train_labels).most_common(1)[0][0]]
    base = np.full_like(y, majority)
    return {"n": len(y), "acc": float((pred == y).mean()), "f1": macro_f1(y, pred, present),
            "ece": ece(probs.max(1), pred == y), "base_acc": float((base == y).mean()),
            "base_f1": macro_f1(y, base, present)}


def table(results: dict[str, dict], title: str) -> str:
    lines = [title, f'{"dev source":<26}{"n":>6}{"acc":>7}{"macroF1":>9}{"ECE":>7}  |{"majority acc":>13}{"maj. F1":>9}']
    for source, m in results.items():
        lines.append(f'{NAMES.get(source, source):<26}{m["n"]:>6}{m["acc"]:>7.3f}{m["f1"]:>9.3f}{m["ece"]:>7.3f}  |'
                     f'{m["base_acc"]:>13.3f}{m["base_f1"]:>9.3f}')
    return "\n".join(lines)


def score(results: dict[str, dict]) -> float:
    """What selection maximises: macro-F1 averaged over the dev sources (each source alike)."""
    return float(np.mean([m["f1"] for s, m in results.items() if s != "generated"]))


# --- fitting -------------------------------------------------------------------------------------


def export_trees(booster) -> dict[str, np.ndarray]:
    """A fitted HistGradientBoostingClassifier as the padded arrays PairModel walks."""
    trees = [(k, p.nodes) for per_class in booster._predictors for k, p in enumerate(per_class)]
    n, m = len(trees), max(len(nodes) for _, nodes in trees)
    out = {"feature": np.zeros((n, m), np.int16), "threshold": np.zeros((n, m), np.float64),
           "left": np.zeros((n, m), np.int16), "right": np.zeros((n, m), np.int16),
           "leaf": np.ones((n, m), bool), "value": np.zeros((n, m), np.float32),
           "klass": np.array([k for k, _ in trees], np.int8),
           "baseline": np.asarray(booster._baseline_prediction, float).ravel()}
    for t, (_, nodes) in enumerate(trees):
        size = len(nodes)
        out["feature"][t, :size] = nodes["feature_idx"]
        out["threshold"][t, :size] = nodes["num_threshold"]
        out["left"][t, :size] = nodes["left"]
        out["right"][t, :size] = nodes["right"]
        out["leaf"][t, :size] = nodes["is_leaf"].astype(bool)
        out["value"][t, :size] = nodes["value"]
    return out


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(5), 60)):
        p = _softmax(logits / t)
        nll = -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def dev_targets(rows: list[dict], dev_index: np.ndarray):
    """Dev pairs with one label (not_refutes pairs are left out of the temperature fit)."""
    keep = [i for i in dev_index if len(ALLOWED[rows[i]["label"]]) == 1]
    return np.array(keep), np.array([K[rows[i]["label"]] for i in keep])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generated", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--external", type=Path, nargs="*", default=[],
                        help="generated pairs scored only (never fitted or selected on)")
    parser.add_argument("--quick", action="store_true", help="fewer candidates")
    parser.add_argument("--speed", type=int, default=1000, help="pairs to time inference on")
    parser.add_argument("--powers", type=float, nargs="*", help="source-weight powers to try")
    parser.add_argument("--cs", type=float, nargs="*", help="inverse regularisation strengths to try")
    parser.add_argument("--kinds", nargs="*", help="candidate learners to try")
    parser.add_argument("--speed-only", action="store_true", help="time the model at --out on dev pairs and stop")
    args = parser.parse_args(argv)
    if args.speed_only:
        rows = [r for r in load_all() if r["split"] == "dev"]
        speed(PairModel.load(args.out), rows[:: max(1, len(rows) // args.speed)][:args.speed])
        return
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    rows = load_all(generated=args.generated)
    log(f"{len(rows)} pairs; train = {sum(r['split'] == 'train' for r in rows)}, "
        f"dev = {sum(r['split'] == 'dev' for r in rows)} (15 % of claim-evidence groups by hash)")
    featurizer = PairFeaturizer(PairWords.load())
    dense, h_rows, h_cols, h_vals, h_lexical = featurize(rows, featurizer, "all")
    hashed = hashed_matrix(len(rows), h_rows, h_cols, h_vals)
    is_fr = np.array([r["lang"] == "fr" for r in rows])
    # The same without word features on French pairs (what PairFeaturizer(lexical_languages=("en",)) gives).
    hashed_en_lex = hashed_matrix(len(rows), h_rows, h_cols, h_vals, ~(h_lexical & is_fr[h_rows]))
    train = np.array([i for i, r in enumerate(rows) if r["split"] == "train"])
    dev = np.array([i for i, r in enumerate(rows) if r["split"] == "dev"])
    mean = dense[train].mean(0)
    scale = dense[train].std(0) + 1e-6
    z = (dense - mean) / scale
    fr = dense[:, DENSE.index("lang_fr")][:, None]
    z2 = np.hstack([z, z * fr])
    sources = list(dict.fromkeys(r["source"] for r in rows))
    dev_by_source = {s: np.array([i for i in dev if rows[i]["source"] == s]) for s in sources}
    train_labels = {s: [rows[i]["label"] if rows[i]["label"] != "not_refutes" else "neutral"
                        for i in train if rows[i]["source"] == s] for s in sources}

    def report(probs_all: np.ndarray) -> dict[str, dict]:
        return {s: evaluate_source(s, [rows[i]["label"] for i in idx], probs_all[idx], train_labels[s])
                for s, idx in dev_by_source.items() if len(idx)}

    candidates = []
    powers = args.powers or ((0.5,) if args.quick else (0.3, 0.6))
    cs = args.cs or ((1.0,) if args.quick else (0.3,))
    x_both = sp.hstack([sp.csr_matrix(z), hashed]).tocsr()
    x_fr = sp.hstack([sp.csr_matrix(z2), hashed]).tocsr()
    x_fr_en_lex = sp.hstack([sp.csr_matrix(z2), hashed_en_lex]).tocsr()
    for power in powers:
        weights = source_weights([rows[i] for i in train], power)
        index, y, w = expand([rows[i] for i in train], weights)
        index = train[index]
        for kind in args.kinds or (("lr-dense", "lr-dense+hashed", "lr-dense+fr+hashed", "hgb-dense") if args.quick
                                   else ("lr-dense", "lr-dense+fr+hashed", "lr-dense+fr+hashed-en-words", "hgb-dense")):
            for c in (cs if "hashed" in kind else (1.0,)):
                t = time.time()
                if kind == "lr-dense":
                    m = LogisticRegression(C=c, max_iter=500).fit(z[index], y, sample_weight=w)
                    logits = m.decision_function(z)
                elif kind == "lr-dense+hashed":
                    m = LogisticRegression(C=c, max_iter=300, tol=1e-3).fit(x_both[index], y, sample_weight=w)
                    logits = m.decision_function(x_both)
                elif kind == "lr-dense+fr+hashed":
                    m = LogisticRegression(C=c, max_iter=300, tol=1e-3).fit(x_fr[index], y, sample_weight=w)
                    logits = m.decision_function(x_fr)
                elif kind == "lr-dense+fr+hashed-en-words":
                    m = LogisticRegression(C=c, max_iter=300, tol=1e-3).fit(x_fr_en_lex[index], y, sample_weight=w)
                    logits = m.decision_function(x_fr_en_lex)
                else:
                    m = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, max_leaf_nodes=31,
                                                       early_stopping=False, random_state=0)
                    m.fit(dense[index], y, sample_weight=w)
                    logits = m._raw_predict(dense)
                results = report(_softmax(logits))
                log(f"  {kind:<16} C={c:<4} source-weight power={power:<4} dev mean macro-F1 "
                    f"{score(results):.3f}  ({time.time() - t:.0f}s)  " +
                    " ".join(f"{s[:6]}={m_['f1']:.2f}" for s, m_ in results.items()))
                candidates.append((score(results), kind, c, power, m, logits))
    # Blends: the best linear model's logits plus the boosted trees' raw scores (fitted with the
    # same source weights), the trees' weight chosen on dev like everything else.
    linear = sorted((x for x in candidates if x[1].startswith("lr-")), key=lambda x: -x[0])
    for lin in linear[:1]:
        for tree in (x for x in candidates if x[1] == "hgb-dense" and x[3] == lin[3]):
            for weight in (0.25, 0.5, 1.0):
                blended = lin[5] + weight * tree[5]
                results = report(_softmax(blended))
                log(f"  blend {lin[1]} C={lin[2]} + {weight} x hgb (power={lin[3]}) dev mean macro-F1 "
                    f"{score(results):.3f}  " + " ".join(f"{s[:6]}={m_['f1']:.2f}" for s, m_ in results.items()))
                candidates.append((score(results), f"blend:{lin[1]}", lin[2], lin[3], (lin[4], tree[4], weight),
                                   blended))
    candidates.sort(key=lambda x: -x[0])
    best_score, kind, c, power, model, logits = candidates[0]
    log(f"\nselected on dev: {kind} C={c} source-weight power={power} (dev mean macro-F1 {best_score:.3f})")
    if kind == "hgb-dense":
        ship = linear[0]
        log("trees alone are not shipped (the scorer keeps the linear part's named weights); shipping "
            f"the best linear candidate instead ({ship[1]}, dev mean macro-F1 {ship[0]:.3f})")
        _, kind, c, power, model, logits = ship
    trees, tree_weight = None, 0.0
    if kind.startswith("blend:"):
        model, booster, tree_weight = model
        trees = export_trees(booster)
        kind = kind.removeprefix("blend:")
        check = booster._raw_predict(dense[:50])
        mine = np.array([tree_scores(trees, row) for row in dense[:50]])
        assert np.allclose(check, mine, atol=1e-6), "exported trees disagree with scikit-learn"

    keep, y_dev = dev_targets(rows, dev)
    temperature = fit_temperature(logits[keep], y_dev)
    probs = _softmax(logits / temperature)
    log(f"temperature fitted on pooled dev (NLL): {temperature:.2f}")
    before = report(_softmax(logits))
    log(table(before, f"\nDEV (15 % carve-outs, never fitted on; used to select) - {kind}, C={c}, power={power}, uncalibrated"))
    # ECE without fitting the temperature on the pairs it is measured on: each half of dev (by
    # group) is scaled with the temperature fitted on the other half.
    half = np.array([int(hashlib.sha256(rows[i]["group"].encode()).hexdigest(), 16) % 2 for i in range(len(rows))])
    crossed = np.zeros_like(logits)
    for h in (0, 1):
        fit_on = keep[half[keep] != h]
        t_h = fit_temperature(logits[fit_on], np.array([K[rows[i]["label"]] for i in fit_on]))
        crossed[half == h] = logits[half == h] / t_h
    results = report(_softmax(crossed))
    log(table(results, "\nDEV - same model, calibrated: temperature fitted on one half of dev (by group), "
                       "ECE measured on the other half"))

    n_dense = len(DENSE)
    coef = model.coef_
    n_fr = n_dense if kind.startswith("lr-dense+fr+hashed") else 0
    if kind == "lr-dense+fr+hashed-en-words":
        featurizer = dataclasses.replace(featurizer, lexical_languages=("en",))
    dense_w = np.hstack([coef[:, :n_dense], coef[:, n_dense:n_dense + n_fr] if n_fr else np.zeros((3, n_dense))])
    hashed_w = coef[:, n_dense + n_fr:] if coef.shape[1] > n_dense + n_fr else np.zeros((3, HASH_SIZE))
    counts = collections.Counter((r["source"], r["split"]) for r in rows)
    pm = PairModel(featurizer, mean, scale, dense_w, hashed_w.astype(np.float32), model.intercept_, temperature,
                   {"learner": f"sklearn LogisticRegression (multinomial, L2, C={c}, {kind})" +
                               (f" + {tree_weight} x HistGradientBoosting on the dense features" if trees else ""),
                    "features": f"{n_dense} dense + hashed sparse ({HASH_SIZE} slots)",
                    "source_weight_power": power,
                    "training_data": {s: counts[(s, "train")] for s in sources},
                    "dev_data": {s: counts[(s, "dev")] for s in sources},
                    "splits": "bench.pairs_data: dev = 15% of claim-evidence groups by sha256; "
                              "Climate-FEVER train split only; SciFact train only",
                    "dev_results": results, "trained": time.strftime("%Y-%m-%d")},
                   trees, tree_weight)
    pm.save(args.out)
    log(f"\nwrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    loaded = PairModel.load(args.out)
    # The shipped file (float16 weights) must score like the fitted model.
    check = dev[:200]
    seg = Segmenter(Settings(nlp=NlpSettings(trained=False)))
    agree = 0
    for i in check:
        r = rows[i]
        a, b = seg.analyze([r["claim"], r["evidence"]], r["lang"], full=False)
        p = loaded.probabilities(a, b)
        agree += CLASSES[int(np.argmax(list(p.values())))] == CLASSES[int(np.argmax(probs[i]))]
    log(f"shipped file agrees with the fitted model on {agree}/{len(check)} dev pairs")
    for path in args.external:
        external(loaded, path)
    speed(loaded, [rows[i] for i in dev[:: max(1, len(dev) // args.speed)]][:args.speed])


def external(model: PairModel, path: Path) -> None:
    """Accuracy per rewrite kind on generated pairs the model never saw (text-only kinds)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r.get("text_only", True)]
    seg = Segmenter(Settings(nlp=NlpSettings(trained=False)))
    right: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    for r in rows:
        a, b = seg.analyze([r["claim"], r["evidence"]], r["lang"], full=False)
        p = model.probabilities(a, b)
        total[(r["kind"], r["label"])] += 1
        right[(r["kind"], r["label"])] += max(p, key=p.get) == r["label"]
    log(f"\nNEVER FITTED OR SELECTED ON - {path.name}: accuracy by rewrite kind")
    for key in sorted(total):
        log(f"  {key[0]:<12}{key[1]:<10}{total[key]:>5}{right[key] / total[key]:>7.2f}")
    log(f"  all: {sum(right.values()) / max(1, sum(total.values())):.3f} over {sum(total.values())} pairs")


def speed(model: PairModel, rows: list[dict]) -> None:
    """Pairs per second on one core, text analysis included (a fresh segmenter: nothing cached)."""
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    seg = Segmenter(Settings(nlp=NlpSettings(trained=False)))
    seg.analyze(["warm up"], "en", full=False)
    seg.analyze(["échauffement"], "fr", full=False)
    t, cpu = time.perf_counter(), time.process_time()
    for r in rows:
        a, b = seg.analyze([r["claim"], r["evidence"]], r["lang"], full=False)
        model.probabilities(a, b)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    # CPU time as well as wall time: on a shared machine the wall clock counts other people's work.
    log(f"speed: {len(rows) / cpu:.0f} pairs per CPU-second, {len(rows) / elapsed:.0f} pairs/s wall, pinned to one "
        f"core ({len(rows)} dev pairs, one at a time, light analysis of both texts + features + scoring; "
        f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
