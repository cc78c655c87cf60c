"""Choose how much the hand-set stance model trusts the entailment model, on a dev case.

The default stance model's weights are set by hand over explainable features; the entailment
model's two probabilities are added to it with one weight each (`nli_supports` towards
`supports`, `nli_refutes` towards `contradicts`). Two numbers, chosen on bench/primary's dev
case (`harbor`) by verdict accuracy (then macro-F1, then the smaller weights); the held-out
cases are only scored, with the chosen pair, by `python -m bench.primary`.

    python -m bench.choose_entailment_weights [--cases harbor] [--write]

Each claim is checked once with the entailment model's features computed; every weight pair
then re-reads the same judgements (stance, placement, verdict), so the grid costs one check.
`--write` puts the chosen pair into factcheck/data/stance_model.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import tempfile
from pathlib import Path

from bench.evaluate import scores
from bench.primary import ROOT as CASES, gold_found, load_case
from factcheck import Checker
from factcheck.config import Settings
from factcheck.engine import verdict
from factcheck.engine.stance import load_stance_model
from factcheck.model import VERDICTS

DATA = Path(__file__).resolve().parents[1] / "factcheck" / "data"
GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0, 16.0)


def with_weights(model, w_supports: float, w_refutes: float):
    weights = {c: dict(w) for c, w in model.weights.items()}
    weights["supports"]["nli_supports"] = w_supports
    weights["contradicts"]["nli_refutes"] = w_refutes
    return dataclasses.replace(model, weights=weights)


def rejudge(model, judgement):
    p = model.probabilities(judgement.features)
    stance = max(p, key=p.get)
    confidence = p[stance] if stance != "neutral" else max(p["neutral"], 1 - p["contradicts"])
    return dataclasses.replace(judgement, stance=stance, confidence=confidence, probabilities=p, role="evidence")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="harbor")
    parser.add_argument("--model", default="stance_model.json", help="the hand-set stance model")
    parser.add_argument("--entailment", default="entailment")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    base = json.loads((DATA / args.model).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="choose-") as tmp:
        scaffold = Path(tmp) / "stance.json"
        scaffold.write_text(json.dumps({**base, "entailment": str(DATA / args.entailment)}))
        settings = Settings().replace(stance={"model": str(scaffold)})
        model = load_stance_model(str(scaffold))
        weighed = []
        for case in args.cases.split(","):
            claims, gold = load_case(case)
            with Checker(CASES / case / "corpus", db=Path(tmp) / f"{case}.db", settings=settings) as checker:
                for claim in claims:
                    reading, items = checker.weigh(claim)
                    weighed.append((claim, gold.get(claim.id), reading, items, checker.aliases))
    results = {}
    for w_s, w_r in itertools.product(GRID, GRID):
        m = with_weights(model, w_s, w_r)
        expected, given, found = [], [], []
        for claim, passages, reading, items, aliases in weighed:
            judged = [(e, verdict.place(reading, rejudge(m, j), settings.stance, aliases)) for e, j in items]
            judged = [(dataclasses.replace(e, stance=j.stance), j) for e, j in judged]
            outcome = verdict.decide(reading, judged, settings.verdict)
            expected.append(claim.expect)
            given.append(outcome.verdict)
            if passages:
                found.append(gold_found(passages, verdict.shown(judged, settings.verdict.evidence_limit)))
        s = scores(expected, given, VERDICTS)
        results[(w_s, w_r)] = (s["accuracy"], s["macro_f1"], sum(found) / max(1, len(found)))
    print(f"{'nli_supports':>12} {'nli_refutes':>11} {'accuracy':>9} {'macro-F1':>9} {'gold@3':>7}")
    for (w_s, w_r), (acc, f1, g3) in sorted(results.items()):
        print(f"{w_s:>12} {w_r:>11} {acc:>9.3f} {f1:>9.3f} {g3:>7.3f}")
    best = max(results, key=lambda k: (results[k][0], results[k][1], -k[0] - k[1]))
    print(f"chosen on {args.cases}: nli_supports {best[0]}, nli_refutes {best[1]} "
          f"(accuracy {results[best][0]:.3f}, macro-F1 {results[best][1]:.3f}; with 0, 0: "
          f"{results[(0.0, 0.0)][0]:.3f}, {results[(0.0, 0.0)][1]:.3f})")
    if args.write:
        text = (DATA / args.model).read_text(encoding="utf-8")
        data = json.loads(text)
        data["entailment"] = args.entailment
        data["weights"]["supports"]["nli_supports"] = best[0]
        data["weights"]["contradicts"]["nli_refutes"] = best[1]
        data["entailment_weights_chosen_on"] = f"bench/primary {args.cases} (dev), by bench.choose_entailment_weights"
        (DATA / args.model).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {DATA / args.model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
