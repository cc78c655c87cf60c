"""Fit the stance model: a multinomial logistic regression over every stance feature of the
registry (the explainable ones and the pair model's two probabilities), on labelled pairs read
by the real engine (`factcheck.pairs.PairJudge`: relevance, the parsed sentence, who wrote it
and when), then calibrated.

    python -m bench.train_stance [--per-source 3000] [--generated bench/data/generated_*.jsonl]
        [--pair-model pair_model.npz] [--out factcheck/data/stance_model_learned.json]

Data: `bench.pairs_data` (train and dev carve-outs by hashed claim group; Climate-FEVER's train
split only, SciFact's train claims only) and generated primary-source pairs. Fitted on `train`,
the L2 strength chosen and the temperature fitted on `dev`; the test splits are never read.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from factcheck.config import Settings
from factcheck.engine.stance import FEATURES
from factcheck.metrics import scores
from factcheck.model import STANCES
from factcheck.pairs import PairInput, PairJudge

from .evaluate import calibration_error
from .pairs_data import SOURCES, load_all, load_generated, load_primary, part_of

ROOT = Path(__file__).resolve().parents[1]
LABELS = {"supports": "supports", "refutes": "contradicts", "neutral": "neutral"}
# Generated pairs whose label rests on who wrote the sentence: a sentence by Jane Roe says
# nothing about whether Mary Major did the same.
RELABEL = {"author_swap": "neutral"}
STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def sample(rows: list[dict], per_source: int, seed: int = 0) -> list[dict]:
    by_source: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for r in rows:
        if r["label"] in LABELS:
            by_source[(r["source"], r["split"])].append(r)
    picked = []
    for (source, split), items in sorted(by_source.items()):
        items.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        picked += items[: per_source if split == "train" else max(1, per_source // 4)]
    random.Random(seed).shuffle(picked)
    return picked


def features(rows: list[dict], judge: PairJudge, cache: Path | None = None) -> np.ndarray:
    # The pair model's own weights are part of the features: a refitted one makes new ones.
    pair_meta = judge.model.pair_model.meta if judge.model.pair_model else {}
    entailment_meta = judge.model.entailment_model.meta if judge.model.entailment_model else {}
    key = hashlib.sha256(json.dumps([judge.settings.describe(), [r["id"] for r in rows], list(FEATURES),
                                     pair_meta, entailment_meta], sort_keys=True, default=str).encode()).hexdigest()[:16]
    if cache:
        path = cache / f"stance_features_{key}.npy"
        if path.exists():
            return np.load(path)
    inputs = [PairInput(id=str(n), claim=r["claim"], evidence=r["evidence"], lang=r.get("lang"),
                        author=r.get("author"), date=_iso(r.get("date")), to=tuple(r.get("to") or ()))
              for n, r in enumerate(rows)]
    matrix = []
    started = time.perf_counter()
    for start in range(0, len(inputs), 500):
        for judgement in judge.judgements(inputs[start:start + 500]):
            matrix.append([judgement.features[name] for name in FEATURES])
        print(f"  {min(start + 500, len(inputs))}/{len(inputs)} pairs, {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    x = np.array(matrix, dtype=float)
    if cache:
        cache.mkdir(parents=True, exist_ok=True)
        np.save(cache / f"stance_features_{key}.npy", x)
    return x


def _iso(date) -> str | None:
    return str(date)[:10] if date else None


def label_of(row: dict) -> str:
    return LABELS[RELABEL.get(row.get("kind"), row["label"])] if row.get("source") == "generated" \
        else LABELS[row["label"]]


def fit(x: np.ndarray, y: list[str], strength: float, weights: np.ndarray | None = None):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0 / strength, class_weight="balanced", max_iter=2000)
    model.fit(x, y, sample_weight=weights)
    return model


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    return scores(gold, predicted, tuple(STANCES))["macro_f1"]


def expected_calibration_error(probabilities: np.ndarray, gold: np.ndarray) -> float:
    """`bench.evaluate.calibration_error` of the most probable class of each row."""
    return calibration_error(probabilities.max(axis=1).tolist(), (probabilities.argmax(axis=1) == gold).tolist())


def temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature that minimises the dev log-loss (a grid: robust, and enough)."""
    best, best_loss = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.25), np.log(4.0), 61)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(gold)), gold].mean()
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-source", type=int, default=3000, help="train pairs read per source")
    parser.add_argument("--generated", type=Path, nargs="*", default=[])
    parser.add_argument("--pair-model", default="pair_model.npz")
    parser.add_argument("--entailment", help="the entailment model (a folder of factcheck/data, e.g. "
                        "entailment, or a path); its training pairs (train part a) are then left out")
    parser.add_argument("--generated-weight", type=float, default=1.0,
                        help="weight of a generated primary-source pair against a benchmark pair: the "
                             "benchmarks are Wikipedia and web text, the corpora this tool reads are not")
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--primary", type=Path, nargs="*", default=[],
                        help="pairs of bench/primary's dev and train cases (python -m bench.primary_pairs); "
                             "the dev case's are dev, the others train")
    parser.add_argument("--select-on", default="",
                        help="sources whose dev macro-F1 (mean) chooses the L2 strength [all sources]")
    parser.add_argument("--source-weight", default="",
                        help="per-source weight of a pair, e.g. written_en=3,written_fr=3: our primary-source-"
                             "style pairs are few beside the benchmarks' but closest to what the tool reads")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "factcheck" / "data" / "stance_model_learned.json")
    args = parser.parse_args(argv)

    rows = load_all(args.sources.split(","))
    for path in args.generated:
        rows += load_generated(path)
    for path in args.primary:
        rows += load_primary(path)
    if args.entailment:
        # The entailment model is far surer of the pairs it was fitted on than of new ones:
        # the stance model learns how far to trust it on pairs it never saw.
        # Pairs in a language it does not read (it gives them no reading) are all usable, and so
        # are the primary cases' (it was never fitted on them).
        rows = [r for r in rows if r["split"] != "train" or part_of(r["group"]) == "b" or r.get("lang") != "en"
                or r["source"] == "primary"]
    rows = sample(rows, args.per_source)
    models = {"pair_model": args.pair_model} | ({"entailment": args.entailment} if args.entailment else {})
    base = {"description": "features only", "features": list(FEATURES), **models,
            "weights": {s: {} for s in STANCES}}
    scaffold = args.cache / "stance_scaffold.json"
    args.cache.mkdir(parents=True, exist_ok=True)
    scaffold.write_text(json.dumps(base))
    judge = PairJudge(Settings().replace(stance={"model": str(scaffold)}))
    x = features(rows, judge, args.cache)
    y = [label_of(r) for r in rows]
    train = np.array([r["split"] == "train" for r in rows])
    dev = ~train
    classes = list(STANCES)
    results = {}
    source_weight = {k: float(v) for k, v in (item.split("=") for item in args.source_weight.split(",") if item)}
    weights = np.array([args.generated_weight if r["source"] == "generated" else source_weight.get(r["source"], 1.0)
                        for r in rows])
    for strength in STRENGTHS:
        model = fit(x[train], [y[i] for i in np.flatnonzero(train)], strength, weights[train])
        predicted = model.predict(x[dev])
        gold = [y[i] for i in np.flatnonzero(dev)]
        per_source = collections.defaultdict(lambda: ([], []))
        for i, p in zip(np.flatnonzero(dev), predicted):
            per_source[rows[i]["source"]][0].append(y[i])
            per_source[rows[i]["source"]][1].append(p)
        chosen_on = [k for k in args.select_on.split(",") if k] or list(per_source)
        mean = float(np.mean([macro_f1(*per_source[k]) for k in chosen_on if k in per_source]))
        results[strength] = (mean, model)
        print(f"strength {strength}: dev macro-F1 mean over sources {mean:.3f}, all {macro_f1(gold, list(predicted)):.3f}")
    strength = max(results, key=lambda s: results[s][0])
    model = results[strength][1]
    order = [list(model.classes_).index(c) for c in classes]
    coef, intercept = model.coef_[order], model.intercept_[order]
    dev_gold = np.array([classes.index(y[i]) for i in np.flatnonzero(dev)])
    logits = x[dev] @ coef.T + intercept
    t = temperature(logits, dev_gold)
    z = logits / t
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    ece = expected_calibration_error(p, dev_gold)
    print(f"chosen strength {strength}; temperature {t:.2f}; dev ECE {ece:.3f}")
    table = collections.defaultdict(lambda: ([], []))
    for i, k in zip(np.flatnonzero(dev), p.argmax(axis=1)):
        table[rows[i]["source"]][0].append(y[i])
        table[rows[i]["source"]][1].append(classes[k])
    print(f"{'dev (never fitted on; chosen on)':<34} {'n':>5} {'accuracy':>9} {'macro-F1':>9}")
    for source, (g, q) in sorted(table.items()):
        accuracy = sum(a == b for a, b in zip(g, q)) / len(g)
        print(f"{source:<34} {len(g):>5} {accuracy:>9.3f} {macro_f1(g, q):>9.3f}")
    weights = {c: {"bias": float(intercept[k] / t), **{f: float(coef[k][j] / t) for j, f in enumerate(FEATURES)}}
               for k, c in enumerate(classes)}
    counts = collections.Counter((r["source"], r["split"]) for r in rows)
    args.out.write_text(json.dumps({
        "description": "Multinomial logistic regression over the stance features, fitted by "
                       "`python -m bench.train_stance` on train carve-outs"
                       + (" (part b: pairs the entailment model never saw)" if args.entailment else "") + " of "
                       + ", ".join(sorted({r['source'] for r in rows}))
                       + f" (L2 strength {strength} and temperature {t:.2f} chosen on the dev carve-outs; "
                         f"dev ECE {ece:.3f}); the weights include the temperature.",
        "features": list(FEATURES), **models, "strength": strength,
        "generated_weight": args.generated_weight, "source_weight": source_weight,
        "temperature": t, "training": {f"{s}/{sp}": n for (s, sp), n in sorted(counts.items())},
        "weights": weights}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
