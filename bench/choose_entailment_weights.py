"""Choose how much the hand-set stance model trusts the entailment model, on dev and train cases.

The default stance model's weights are set by hand over explainable features; the entailment
model's reading is added to it with one weight each way (`--form margin`: by how much its
supports leads its refutes, towards `supports`, and the other way towards `contradicts`;
`--form probability`: its two probabilities). Two numbers, chosen on the cases given —
bench/primary's dev and train cases and the shipped case (claims/, corpus/), whose claims must
all stay right (`--must-pass`) — by the verdicts right over all of them (then macro-F1, then the
smaller weights); the held-out cases are only scored, with the chosen pair, by
`python -m bench.primary`.

    python -m bench.choose_entailment_weights [--cases harbor,ferry,clinique,mairie,shipped]
        [--entailment PATH] [--form margin] [--write]

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

from bench.primary import ROOT as CASES, gold_found, load_case
from factcheck import Checker, load_claims
from factcheck.config import Settings
from factcheck.engine import verdict
from factcheck.engine.stance import load_stance_model
from factcheck.metrics import scores
from factcheck.model import VERDICTS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "factcheck" / "data"
# The shipped case: its claims' `expect` are the regression checks `factcheck test` runs.
SHIPPED = (ROOT / "claims" / "openai-musk.yaml", ROOT / "corpus" / "openai-musk")


def dev_case(case: str):
    """(claims, gold passages, corpus folder) of a bench/primary case or of the shipped case."""
    if case == "shipped":
        claims, errors = load_claims([SHIPPED[0]])
        if errors:
            raise SystemExit("\n".join(map(str, errors)))
        return claims, {}, SHIPPED[1]
    claims, gold = load_case(case)
    return claims, gold, CASES / case / "corpus"
GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 14.0, 16.0)


# Which two features carry the entailment model's reading into the hand-set model: its two
# probabilities, or by how much one leads the other (a torn reading then counts for little).
FORMS = {"probability": ("nli_supports", "nli_refutes"), "margin": ("nli_support_margin", "nli_refute_margin")}


def with_weights(model, w_supports: float, w_refutes: float, form: str = "probability"):
    weights = {c: {k: v for k, v in w.items() if not k.startswith("nli_")} for c, w in model.weights.items()}
    supports, refutes = FORMS[form]
    weights["supports"][supports] = w_supports
    weights["contradicts"][refutes] = w_refutes
    return dataclasses.replace(model, weights=weights)


def rejudge(model, judgement):
    p = model.probabilities(judgement.features)
    stance = max(p, key=p.get)
    confidence = p[stance] if stance != "neutral" else max(p["neutral"], 1 - p["contradicts"])
    return dataclasses.replace(judgement, stance=stance, confidence=confidence, probabilities=p, role="evidence")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="harbor,ferry,clinique,mairie,shipped")
    parser.add_argument("--model", default="stance_model.json", help="the hand-set stance model")
    parser.add_argument("--entailment", default="entailment")
    parser.add_argument("--form", choices=sorted(FORMS), default="margin",
                        help="the entailment features the two weights go to")
    parser.add_argument("--min-relevance", type=float, help="score.min_relevance for the run [the default's]")
    parser.add_argument("--must-pass", default="shipped",
                        help="cases every one of whose claims must stay right (comma-separated; '' for none)")
    parser.add_argument("--entailment-limit", type=int,
                        help="stance.entailment_limit for the run [the default's]")
    parser.add_argument("--show", help="W_S,W_R: list the claims that weight pair gets wrong")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    base = json.loads((DATA / args.model).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="choose-") as tmp:
        scaffold = Path(tmp) / "stance.json"
        scaffold.write_text(json.dumps({**base, "entailment": str(DATA / args.entailment)}))
        settings = Settings().replace(stance={"model": str(scaffold)})
        if args.entailment_limit is not None:
            settings = settings.replace(stance={"entailment_limit": args.entailment_limit})
        if args.min_relevance is not None:
            settings = settings.replace(score={"min_relevance": args.min_relevance})
        model = load_stance_model(str(scaffold))
        weighed = []
        for case in args.cases.split(","):
            claims, gold, corpus = dev_case(case)
            with Checker(corpus, db=Path(tmp) / f"{case}.db", settings=settings) as checker:
                for claim in claims:
                    reading, items = checker.weigh(claim)
                    weighed.append((case, claim, gold.get(claim.id), reading, items, checker.aliases))
    cases = list(dict.fromkeys(case for case, *_ in weighed))
    results, wrong = {}, {}
    for w_s, w_r in itertools.product(GRID, GRID):
        m = with_weights(model, w_s, w_r, args.form)
        expected, given, found = [], [], []
        right = dict.fromkeys(cases, 0)
        for case, claim, passages, reading, items, aliases in weighed:
            judged = [(e, verdict.place(reading, rejudge(m, j), settings.stance, aliases)) for e, j in items]
            judged = [(dataclasses.replace(e, stance=j.stance), j) for e, j in judged]
            outcome = verdict.decide(reading, judged, settings.verdict)
            expected.append(claim.expect)
            given.append(outcome.verdict)
            right[case] += outcome.verdict == claim.expect
            if outcome.verdict != claim.expect:
                wrong.setdefault((w_s, w_r), []).append(f"{claim.id}:{claim.expect[:3]}>{outcome.verdict[:3]}")
            if passages:
                found.append(gold_found(passages, verdict.shown(judged, settings.verdict.evidence_limit,
                                                                outcome.verdict)))
        s = scores(expected, given, VERDICTS)
        results[(w_s, w_r)] = (sum(right.values()), s["macro_f1"], sum(found) / max(1, len(found)), right)
    print(f"{args.form}: {'supports':>9} {'refutes':>8} {'right':>6} {'macro-F1':>9} {'gold@3':>7}  per case")
    for (w_s, w_r), (n, f1, g3, right) in sorted(results.items()):
        print(f"{'':{len(args.form)}}  {w_s:>9} {w_r:>8} {n:>6} {f1:>9.3f} {g3:>7.3f}  " + ", ".join(f"{c} {k}" for c, k in right.items()))
    if args.show:
        key = tuple(float(x) for x in args.show.split(","))
        print(f"wrong with {key}: " + ", ".join(wrong.get(key, [])))
    must = [c for c in args.must_pass.split(",") if c in cases]
    size = {c: sum(case == c for case, *_ in weighed) for c in cases}
    allowed = [k for k in results if all(results[k][3][c] == size[c] for c in must)] or list(results)
    best = max(allowed, key=lambda k: (results[k][0], results[k][1], -k[0] - k[1]))
    if must:
        print(f"pairs keeping every claim of {', '.join(must)} right: {len(allowed) if allowed != list(results) else 0}")
    print(f"chosen on {args.cases} ({len(weighed)} claims), {args.form}: supports {best[0]}, refutes {best[1]}: "
          f"{results[best][0]} right, macro-F1 {results[best][1]:.3f} ({results[best][3]}); with 0, 0: "
          f"{results[(0.0, 0.0)][0]} right ({results[(0.0, 0.0)][3]})")
    if args.write:
        text = (DATA / args.model).read_text(encoding="utf-8")
        data = json.loads(text)
        data["entailment"] = args.entailment
        for weights in data["weights"].values():
            for name in [k for k in weights if k.startswith("nli_")]:
                del weights[name]
        supports, refutes = FORMS[args.form]
        data["weights"]["supports"][supports] = best[0]
        data["weights"]["contradicts"][refutes] = best[1]
        data["entailment_weights_chosen_on"] = f"bench/primary {args.cases} (dev and train cases; none held out), form {args.form}, by bench.choose_entailment_weights"
        (DATA / args.model).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {DATA / args.model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
