"""Accuracy on external benchmarks, with baselines measured in the same run.

    python -m bench.evaluate ../shared/bench/climate-fever --split test [--limit N] [--json out.json]
    python -m bench.evaluate ../shared/bench/averitec-dev

The benchmark's evidence becomes a corpus in factcheck's formats and its claims a claims list;
the real engine (the same `Checker` as `factcheck check`) gives the verdicts. Printed, as a table
and as JSON:
- evidence-level stance (supports / contradicts / neutral against the gold pair labels);
- claim-level verdicts (against the gold claim labels), with a confusion matrix;
- retrieval: recall@5 of gold evidence among all the benchmark's sentences.
Baselines on the same claims: the majority class, a rapidfuzz-similarity threshold rule, and
bm25s retrieval followed by factcheck's own stance and verdict steps.

The benchmark data is read where it lies (`../shared/bench/`), never copied into the project.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from factcheck import Checker, Claim
from factcheck.config import Settings
from factcheck.model import VERDICTS
from factcheck.engine.score import rank
from factcheck.engine.verdict import decide
from factcheck.metrics import scores

CLAIM_LABELS = {"SUPPORTS": "supported", "REFUTES": "contradicted", "DISPUTED": "mixed",
                "NOT_ENOUGH_INFO": "not_enough_evidence", "Supported": "supported",
                "Refuted": "contradicted", "Conflicting Evidence/Cherrypicking": "mixed",
                "Not Enough Evidence": "not_enough_evidence"}
PAIR_LABELS = {"SUPPORTS": "supports", "REFUTES": "contradicts", "NOT_ENOUGH_INFO": "neutral"}
STANCES = ("supports", "contradicts", "neutral")


@dataclass
class Benchmark:
    name: str
    claims: list[dict]
    evidence: list[dict]
    corpus: list[dict]
    split: dict[str, str] = field(default_factory=dict)

    def claims_in(self, split: str | None) -> list[dict]:
        if not split or not self.split:
            return self.claims
        return [c for c in self.claims if self.split.get(c["id"]) == split]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# SciFact's dev split is held out by its owners; ours is carved from its train claims by
# hashing "scifact:<claim id>", as bench.pairs_data carves the pairs (15 % "dev").
SCIFACT_DEV_PERCENT = 15
SCIFACT_LABELS = {"SUPPORT": "SUPPORTS", "REFUTE": "REFUTES"}


def scifact_split(claim_id) -> str:
    digest = int(hashlib.sha256(f"scifact:{claim_id}".encode()).hexdigest(), 16)
    return "dev" if digest % 100 < SCIFACT_DEV_PERCENT else "train"


def load_scifact(folder: Path) -> Benchmark:
    """SciFact: every abstract sentence a record; a claim's verdict from its rationales' labels
    (both: mixed; none: not enough evidence); gold pairs are its rationale sentences and the
    other sentences of the abstracts it cites (neutral)."""
    abstracts = {r["doc_id"]: r for r in read_jsonl(folder / "corpus.jsonl")}
    corpus = [{"id": f"{d}:{i}", "text": s, "source": a["title"], "kind": "article"}
              for d, a in abstracts.items() for i, s in enumerate(a["abstract"])]
    claims, evidence, split = [], [], {}
    for c in read_jsonl(folder / "claims_train.jsonl"):
        cid = f"sf-{c['id']}"
        labels = {SCIFACT_LABELS[s["label"]] for sets in c["evidence"].values() for s in sets}
        label = ("DISPUTED" if len(labels) > 1 else labels.pop()) if labels else "NOT_ENOUGH_INFO"
        claims.append({"id": cid, "claim": c["claim"], "label": label})
        split[cid] = scifact_split(c["id"])
        rationale = {}
        for doc_id, sets in c["evidence"].items():
            for s in sets:
                for i in s["sentences"]:
                    rationale[(int(doc_id), i)] = SCIFACT_LABELS[s["label"]]
        cited = dict.fromkeys([int(d) for d in c["evidence"]] + list(c.get("cited_doc_ids", [])))
        for doc_id in cited:
            for i, sentence in enumerate(abstracts.get(doc_id, {}).get("abstract", [])):
                evidence.append({"claim_id": cid, "evidence_id": f"{doc_id}:{i}", "text": sentence,
                                 "label": rationale.get((doc_id, i), "NOT_ENOUGH_INFO")})
    return Benchmark(folder.name, claims, evidence, corpus, split)


def load_benchmark(folder: Path) -> Benchmark:
    folder = Path(folder)
    if (folder / "claims_train.jsonl").exists():
        return load_scifact(folder)
    claims = read_jsonl(folder / "claims.jsonl")
    evidence = read_jsonl(folder / "evidence.jsonl")
    split = json.loads((folder / "split.json").read_text()) if (folder / "split.json").exists() else {}
    if (folder / "corpus.jsonl").exists():
        corpus = [{"id": r["evidence_id"], "text": r["text"], "source": r.get("source"), "kind": "article"}
                  for r in read_jsonl(folder / "corpus.jsonl")]
    else:
        # Question-answer evidence (AVeriTeC): the answer, with its question for context.
        by_claim = {c["id"]: c for c in claims}
        corpus = []
        for r in evidence:
            claim = by_claim.get(r["claim_id"], {})
            text = " ".join(t for t in (r.get("question"), r.get("text")) if t)
            if text.strip():
                corpus.append({"id": r["evidence_id"], "text": text, "source": r.get("source"),
                               "kind": "other", "date": claim.get("date")})
    return Benchmark(folder.name, claims, evidence, corpus, split)


def write_corpus(bench: Benchmark, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "records.jsonl", "w", encoding="utf-8") as out:
        for record in bench.corpus:
            out.write(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False) + "\n")
    return folder


def to_claim(record: dict) -> Claim:
    from factcheck.text.dates import parse_date
    date = None
    if record.get("date"):
        try:
            date = parse_date(record["date"])
        except ValueError:
            date = None
    return Claim(id=record["id"], text=record["claim"], speaker=record.get("speaker"), date=date, lang="en")


# --- the run ------------------------------------------------------------------------------------


def evaluate(bench_dir: Path, *, split: str | None = "test", limit: int | None = None,
             settings: Settings | None = None, workdir: Path | None = None, baselines: bool = True,
             bm25s: bool = True) -> dict:
    started = time.perf_counter()
    bench = load_benchmark(bench_dir)
    claims = bench.claims_in(split)
    if limit:
        claims = claims[:limit]
    train = bench.claims_in("train") if bench.split and split != "train" else bench.claims
    pairs = [e for e in bench.evidence if e.get("label") in PAIR_LABELS]
    pairs_by_claim: dict[str, list[dict]] = {}
    for pair in pairs:
        pairs_by_claim.setdefault(pair["claim_id"], []).append(pair)

    work = Path(workdir or tempfile.mkdtemp(prefix="factcheck-eval-"))
    corpus = write_corpus(bench, work / "corpus")
    result: dict = {"benchmark": bench.name, "split": split if bench.split else "all", "claims": len(claims)}
    with Checker(corpus, db=work / "index.db", settings=settings or Settings()) as checker:
        ours, fuzzy_scores, our_top5, pair_gold, pair_ours, pair_fuzzy = [], [], [], [], [], []
        confidences = []
        for record in claims:
            claim = to_claim(record)
            verdict = checker.check_claim(claim)
            ours.append(verdict.verdict)
            confidences.append(verdict.confidence)
            reading = checker.read(claim)
            ranked = rank(reading, checker.candidates(reading), checker.segmenter, checker.settings.score)
            our_top5.append([s.candidate.doc_id for s in ranked[:5]])
            fuzzy_scores.append(max((fuzz.token_set_ratio(claim.text, s.candidate.text) for s in ranked[:20]),
                                    default=0.0))
            gold_pairs = pairs_by_claim.get(record["id"], [])
            if gold_pairs:
                judged = {e.doc_id: e for e in checker.judge_documents(claim, [p["evidence_id"] for p in gold_pairs])}
                for pair in gold_pairs:
                    found = judged.get(pair["evidence_id"])
                    pair_gold.append(PAIR_LABELS[pair["label"]])
                    pair_ours.append(found.stance if found else "neutral")
                    pair_fuzzy.append(fuzz.token_set_ratio(claim.text, pair["text"]))

        gold = [CLAIM_LABELS[c["label"]] for c in claims]
        result["claim_level"] = {"factcheck": scores(gold, ours, VERDICTS)}
        result["claim_level"]["factcheck"]["calibration_error"] = calibration_error(
            confidences, [g == p for g, p in zip(gold, ours)])
        majority = Counter(CLAIM_LABELS[c["label"]] for c in train).most_common(1)[0][0]
        threshold = 60.0
        if baselines:
            result["claim_level"]["majority"] = scores(gold, [majority] * len(gold), VERDICTS)
            threshold = _tune_threshold(checker, train if train is not claims else claims, limit)
            result["claim_level"]["rapidfuzz_threshold"] = scores(
                gold, ["supported" if s >= threshold else "not_enough_evidence" for s in fuzzy_scores], VERDICTS)
            result["claim_level"]["rapidfuzz_threshold"]["threshold"] = threshold
        bm25 = _bm25s_run(bench, checker, claims) if bm25s else None
        if bm25 is not None:
            bm25_verdicts, bm25_top5 = bm25
            result["claim_level"]["bm25s_plus_stance"] = scores(gold, bm25_verdicts, VERDICTS)
        if pair_gold:
            pair_majority = Counter(PAIR_LABELS[p["label"]] for p in pairs
                                    if p["claim_id"] in {c["id"] for c in train}).most_common(1)[0][0]
            result["evidence_level"] = {
                "factcheck": scores(pair_gold, pair_ours, STANCES),
                "majority": scores(pair_gold, [pair_majority] * len(pair_gold), STANCES),
                "rapidfuzz_threshold": scores(pair_gold, ["supports" if s >= threshold else "neutral"
                                                          for s in pair_fuzzy], STANCES),
            }
        gold_ids = [{p["evidence_id"] for p in pairs_by_claim.get(c["id"], []) if p["label"] != "NOT_ENOUGH_INFO"}
                    for c in claims]
        result["retrieval"] = {"factcheck_recall_at_5": _recall(gold_ids, our_top5)}
        if bm25 is not None:
            result["retrieval"]["bm25s_recall_at_5"] = _recall(gold_ids, bm25_top5)
        speakers = [i for i, c in enumerate(claims) if c.get("speaker") and c.get("date")]
        if speakers and len(speakers) < len(claims):
            result["claim_level"]["factcheck_dated_speaker_subset"] = scores(
                [gold[i] for i in speakers], [ours[i] for i in speakers], VERDICTS)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """Expected calibration error: over bins of stated confidence, how far the share of right
    verdicts is from the confidence stated, weighted by the bin's size (0 is perfect)."""
    total = len(confidences)
    error = 0.0
    for b in range(bins):
        inside = [i for i, c in enumerate(confidences)
                  if b / bins <= c < (b + 1) / bins or (b == bins - 1 and c == 1.0)]
        if inside:
            stated = sum(confidences[i] for i in inside) / len(inside)
            right = sum(correct[i] for i in inside) / len(inside)
            error += abs(stated - right) * len(inside) / total
    return round(error, 4)


def _recall(gold_ids: list[set[str]], top5: list[list[str]]) -> dict:
    scored = [(g, t) for g, t in zip(gold_ids, top5) if g]
    hits = sum(1 for g, t in scored if g & set(t))
    return {"n": len(scored), "value": round(hits / len(scored), 4) if scored else None}


def _tune_threshold(checker: Checker, train: list[dict], limit: int | None) -> float:
    """The token_set_ratio above which the rule says "supported", best on (a sample of) train."""
    sample = train[: (limit or 200)]
    best, best_accuracy = 60.0, -1.0
    ratios = []
    for record in sample:
        claim = to_claim(record)
        reading = checker.read(claim)
        ranked = rank(reading, checker.candidates(reading),
                      checker.segmenter, checker.settings.score)[:20]
        ratios.append((max((fuzz.token_set_ratio(claim.text, s.candidate.text) for s in ranked), default=0.0),
                       CLAIM_LABELS[record["label"]]))
    for threshold in range(30, 101, 5):
        accuracy = sum((r >= threshold) == (g == "supported") for r, g in ratios) / max(1, len(ratios))
        if accuracy > best_accuracy:
            best, best_accuracy = float(threshold), accuracy
    return best


def _bm25s_run(bench: Benchmark, checker: Checker, claims: list[dict]):
    """bm25s retrieval (top 5) followed by factcheck's stance and verdict on those sentences."""
    try:
        import bm25s
    except ImportError:
        return None
    ids = [r["id"] for r in bench.corpus]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([r["text"] for r in bench.corpus], stopwords="en", show_progress=False),
                    show_progress=False)
    verdicts, tops = [], []
    for record in claims:
        claim = to_claim(record)
        found, _ = retriever.retrieve(bm25s.tokenize([claim.text], stopwords="en", show_progress=False),
                                      k=min(5, len(ids)), show_progress=False)
        top = [ids[i] for i in found[0]]
        tops.append(top)
        reading = checker.read(claim)
        judged = checker.judge_documents(claim, top, with_judgements=True)
        verdicts.append(decide(reading, judged, checker.settings.verdict, checker.verdict_model).verdict)
    return verdicts, tops


# --- printing -------------------------------------------------------------------------------------


def table(result: dict) -> str:
    lines = [f"{result['benchmark']} ({result['split']}, {result['claims']} claims, {result['seconds']} s)", ""]
    for level in ("claim_level", "evidence_level"):
        if level not in result:
            continue
        lines.append(f"{level.replace('_', '-')}: {'system':<34} {'accuracy':>9} {'macro-F1':>9}")
        for system, s in result[level].items():
            lines.append(f"{'':14}{system:<34} {s['accuracy']:>9.3f} {s['macro_f1']:>9.3f}")
        lines.append("")
    for system, r in result.get("retrieval", {}).items():
        if r:
            lines.append(f"retrieval: {system} = {r['value']} (n={r['n']})")
    for system, s in result["claim_level"].items():
        if "calibration_error" not in s:
            continue  # the baselines state no confidence
        lines.append(f"\n{system}: calibration error of the verdicts' confidence {s['calibration_error']}")
        lines.append("confusion (gold rows, predicted columns): " + " ".join(f"{v[:5]:>6}" for v in VERDICTS))
        for g in VERDICTS:
            lines.append(f"  {g:<22}" + " ".join(f"{s['confusion'][g][p]:>6}" for p in VERDICTS))
    return "\n".join(lines)


# --- every held-out set in one run -------------------------------------------------------------

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
# (data set, the split never fitted on) - SciFact's "dev" is our carve-out of its train claims.
HELD_OUT = (("climate-fever", "test"), ("scifact", "dev"), ("averitec-dev", None))
def pair_level(settings: Settings, bench: Path = BENCH) -> dict:
    """Stance of the pairs data sets' dev carve-outs (never fitted on; the models were chosen on
    them), through `factcheck pairs`' path."""
    from factcheck.pairs import PairInput, PairJudge

    from .pairs_data import PAIR_FILES, load_pair_file

    judge = PairJudge(settings)
    names = {"supports": "supports", "refutes": "refutes", "neutral": "neutral"}
    out = {}
    for source in PAIR_FILES:
        rows = [r for r in load_pair_file(source, bench) if r["split"] == "dev"]
        rows.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        rows = rows[:2000]
        started = time.process_time()
        found = judge.judge(PairInput(id=r["id"], claim=r["claim"], evidence=r["evidence"], lang=r["lang"])
                            for r in rows)
        predicted = [s.stance for s in found]
        cpu = time.process_time() - started
        if source == "daccord":
            # Contradiction detection: "compatible" pairs are right unless called a refutation.
            gold = ["refutes" if r["label"] == "refutes" else "other" for r in rows]
            predicted = ["refutes" if p == "refutes" else "other" for p in predicted]
            out[source] = scores(gold, predicted, ("refutes", "other"))
        else:
            out[source] = scores([names[r["label"]] for r in rows], predicted, tuple(names))
        # CPU seconds of this process: the machine is shared, wall time would say more of it.
        out[source]["pairs_per_cpu_second"] = round(len(rows) / cpu, 1) if cpu else None
    return out


LEARNED = Path(__file__).resolve().parents[1] / "configs" / "learned.toml"


def evaluate_all(systems: dict[str, Settings], limit: int | None = None) -> dict:
    """Every held-out set through each system, with the majority class and bm25s retrieval
    followed by the default engine's stance and rules, in one run."""
    result = {"claims": {}, "pairs": {}}
    for name, split in HELD_OUT:
        folder = BENCH / name
        merged = None
        for n, (system, settings) in enumerate(systems.items()):
            one = evaluate(folder, split=split, limit=limit, settings=settings, baselines=n == 0, bm25s=n == 0)
            if merged is None:
                merged = one
                levels = {level: dict(one.get(level, {})) for level in ("claim_level", "evidence_level")}
                merged["claim_level"] = {system: levels["claim_level"].pop("factcheck"), **levels["claim_level"]}
                if "bm25s_plus_stance" in merged["claim_level"]:
                    merged["claim_level"]["bm25s_plus_rules"] = merged["claim_level"].pop("bm25s_plus_stance")
                if "evidence_level" in one:
                    merged["evidence_level"] = {system: levels["evidence_level"].pop("factcheck"),
                                                **levels["evidence_level"]}
                merged["retrieval"] = {f"{system}_recall_at_5" if k == "factcheck_recall_at_5" else k: v
                                       for k, v in one["retrieval"].items()}
            else:
                merged["claim_level"][system] = one["claim_level"]["factcheck"]
                if "evidence_level" in one:
                    merged["evidence_level"][system] = one["evidence_level"]["factcheck"]
                merged["retrieval"][f"{system}_recall_at_5"] = one["retrieval"]["factcheck_recall_at_5"]
        result["claims"][name] = merged
    result["pairs"] = {system: pair_level(settings) for system, settings in systems.items()}
    return result


def all_table(result: dict) -> str:
    lines = ["| data set (split never fitted on) | system | accuracy | macro-F1 | calibration error / speed |",
             "| --- | --- | ---: | ---: | ---: |"]
    for name, r in result["claims"].items():
        for system, s in r["claim_level"].items():
            if system.endswith("subset"):
                continue
            ece = s.get("calibration_error")
            lines.append(f"| {name} ({r['split']}, {r['claims']} claims) | {system} | {s['accuracy']:.3f} | "
                         f"{s['macro_f1']:.3f} | {'' if ece is None else f'{ece:.3f}'} |")
    for system, sources in result["pairs"].items():
        for source, s in sources.items():
            lines.append(f"| {source} pairs (dev carve-out, {s['n']}) | {system} | {s['accuracy']:.3f} | "
                         f"{s['macro_f1']:.3f} | {s.get('pairs_per_cpu_second')} pairs/CPU-s |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", type=Path, nargs="?", help="one data set (else --all)")
    parser.add_argument("--all", action="store_true",
                        help="every held-out set through the default and the learned engine (configs/learned.toml), with the baselines")
    parser.add_argument("--config", type=Path, default=None, help="the run's settings (TOML)")
    parser.add_argument("--split", default="test", help="train or test (benchmarks with a split.json)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N claims (a smoke run)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--model", default=None,
                        help="stance weights: a file of factcheck/data or a path [default: the settings']")
    parser.add_argument("--verdict-model", default=None,
                        help="learned verdict weighing: a file of factcheck/data or a path (default: the rules)")
    args = parser.parse_args(argv)
    settings = Settings.from_toml(args.config) if args.config else Settings()
    if args.model:
        settings = settings.replace(stance={"model": args.model})
    if args.verdict_model:
        settings = settings.replace(verdict={"model": args.verdict_model})
    if args.all:
        systems = {"default": Settings(), "learned": Settings.from_toml(LEARNED)}
        if args.config or args.model or args.verdict_model:
            systems["configured"] = settings
        result = evaluate_all(systems, limit=args.limit)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1) + "\n")
        print(all_table(result))
        for name, r in result["claims"].items():
            print("\n" + table(r))
    elif args.bench_dir:
        result = evaluate(args.bench_dir, split=args.split, limit=args.limit, settings=settings)
        print(table(result))
    else:
        parser.error("name a data set or give --all")
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
