"""Claim-evidence pairs from the shared benchmarks, in one schema, with deterministic splits.

Every row is `{id, claim, evidence, label, lang, source, group, split}`. `label` is one of
`supports`, `refutes`, `neutral`, or `not_refutes` for the one source that only says a pair is
not a contradiction (DACCORD `compatible`: the evidence may support the claim or be beside it,
so calling it `neutral` would teach the model that agreeing French sentences are unrelated).
Learners read `not_refutes` as "supports or neutral" (see `allowed`).

Per-source label maps (source label -> label here), and why:
- VitaminC real / synthetic: supports, refutes as is; not_enough_info -> neutral (the revision
  neither says nor denies the claim).
- Factcheck-Bench: completely support -> supports; partial -> supports (the evidence backs
  part of the claim and denies none of it; the Factcheck-Bench paper's three-way setting merges
  partial and complete support the same way); refute -> refutes; irrelevant
  (not_enough_info) -> neutral.
- DACCORD: refutes (contradiction) -> refutes; compatible -> not_refutes.
- Climate-FEVER: pair labels SUPPORTS / REFUTES / NOT_ENOUGH_INFO -> supports / refutes /
  neutral; only claims its split.json puts in `train` are ever read.
- SciFact train: a rationale sentence takes its rationale's label (SUPPORT -> supports,
  REFUTE -> refutes); other sentences of the claim's cited abstracts -> neutral (capped).
- generated (bench.generate_pairs output, optional): labels as written.
- written_en / written_fr (`bench/written_pairs/`, ours): pairs in the primary-source style
  (a sentence of an email, a statement or minutes with its writer, date and recipients, against
  a journalist's claim), written for training by helper sessions that never read the engine
  or bench/primary; labels as written. In fr.jsonl a pair whose claim and sentence are in two
  languages has lang None (each side's language is then detected).

Splits: `dev` carve-outs are chosen by hashing a `group`, never a row, so a claim's contrastive
variants (and the other claims written against the same evidence) never straddle train and dev.
For the pair files the group is a connected component of the graph linking each claim text to
each evidence text it was paired with.

    python -m bench.pairs_data --stats
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
from pathlib import Path
from typing import Iterable, Iterator

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
LABELS = ("supports", "refutes", "neutral")
# What each label allows the model to predict; only not_refutes allows more than one.
ALLOWED = {"supports": ("supports",), "refutes": ("refutes",), "neutral": ("neutral",),
           "not_refutes": ("supports", "neutral")}
DEV_PERCENT = 15

PAIR_FILES = {
    "vitaminc_real": "vitaminc_real.jsonl",
    "vitaminc_synthetic": "vitaminc_synthetic.jsonl",
    "factcheck_bench": "factcheck_bench_train.jsonl",
    "daccord": "daccord_train.jsonl",
}
LABEL_MAPS = {
    "vitaminc_real": {"supports": "supports", "refutes": "refutes", "not_enough_info": "neutral"},
    "vitaminc_synthetic": {"supports": "supports", "refutes": "refutes", "not_enough_info": "neutral"},
    "factcheck_bench": {"supports": "supports", "partial": "supports", "refutes": "refutes",
                        "not_enough_info": "neutral"},
    "daccord": {"refutes": "refutes", "compatible": "not_refutes"},
    "climate_fever": {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neutral"},
    "scifact": {"SUPPORT": "supports", "REFUTE": "refutes"},
}
# SciFact: neutral sentences per cited abstract and per claim (abstracts run to ~10 sentences;
# all of them would drown the rationales).
SCIFACT_NEUTRAL_PER_DOC = 2
SCIFACT_NEUTRAL_PER_CLAIM = 3


def split_of(group: str, percent: int = DEV_PERCENT) -> str:
    return "dev" if int(hashlib.sha256(group.encode()).hexdigest(), 16) % 100 < percent else "train"


# The train split in two parts, by another hash of the group: the entailment model is fitted
# on part "a" only, so the stance model, fitted on part "b", learns how far to trust its
# reading of pairs it never saw (on its own training pairs it is far surer than on new ones).
STANCE_PART_PERCENT = 25


def part_of(group: str, percent: int = STANCE_PART_PERCENT) -> str:
    return "b" if int(hashlib.sha256(("part:" + group).encode()).hexdigest(), 16) % 100 < percent else "a"


def _read(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


class _Components:
    """Union-find over strings: claims and evidence texts joined by the pairs that link them."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller string is the root, so a component's name does not depend on order.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def load_pair_file(source: str, bench: Path = BENCH) -> list[dict]:
    rows = list(_read(bench / "pairs" / PAIR_FILES[source]))
    components = _Components()
    for r in rows:
        components.union("c:" + r["claim"].strip(), "e:" + r["evidence"].strip())
    label_map = LABEL_MAPS[source]
    out = []
    for r in rows:
        group = source + ":" + components.find("c:" + r["claim"].strip())
        out.append({"id": r["id"], "claim": r["claim"], "evidence": r["evidence"],
                    "label": label_map[r["label"]], "lang": r.get("lang", "en"), "source": source,
                    "group": group, "split": split_of(group)})
    return out


def load_climate_fever(bench: Path = BENCH) -> list[dict]:
    """Pairs of the claims split.json puts in train only: the test claims are never opened
    beyond their id."""
    folder = bench / "climate-fever"
    split = json.loads((folder / "split.json").read_text(encoding="utf-8"))
    claims = {r["id"]: r["claim"] for r in _read(folder / "claims.jsonl") if split.get(r["id"]) == "train"}
    out = []
    for r in _read(folder / "evidence.jsonl"):
        if r["claim_id"] not in claims:
            continue
        group = "climate_fever:" + r["claim_id"]
        out.append({"id": f'{r["claim_id"]}|{r["evidence_id"]}', "claim": claims[r["claim_id"]],
                    "evidence": r["text"], "label": LABEL_MAPS["climate_fever"][r["label"]],
                    "lang": "en", "source": "climate_fever", "group": group, "split": split_of(group)})
    return out


def _rank(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_scifact(bench: Path = BENCH) -> list[dict]:
    folder = bench / "scifact"
    claims = list(_read(folder / "claims_train.jsonl"))
    wanted = {int(d) for c in claims for d in list(c["evidence"]) + c.get("cited_doc_ids", [])}
    abstracts = {r["doc_id"]: r["abstract"] for r in _read(folder / "corpus.jsonl") if r["doc_id"] in wanted}
    out = []
    for c in claims:
        group = f'scifact:{c["id"]}'
        base = {"claim": c["claim"], "lang": "en", "source": "scifact", "group": group,
                "split": split_of(group)}
        rationale: dict[int, set[int]] = collections.defaultdict(set)
        for doc_id, sets in c["evidence"].items():
            sentences = abstracts.get(int(doc_id))
            if sentences is None:
                continue
            for s in sets:
                for i in s["sentences"]:
                    if i < len(sentences) and i not in rationale[int(doc_id)]:
                        rationale[int(doc_id)].add(i)
                        out.append({**base, "id": f'sf-{c["id"]}|{doc_id}:{i}', "evidence": sentences[i],
                                    "label": LABEL_MAPS["scifact"][s["label"]]})
        neutral = []
        for doc_id in dict.fromkeys([int(d) for d in c["evidence"]] + list(c.get("cited_doc_ids", []))):
            sentences = abstracts.get(doc_id) or []
            others = [i for i in range(len(sentences)) if i not in rationale[doc_id]]
            others.sort(key=lambda i: _rank(f'{c["id"]}|{doc_id}|{i}'))
            neutral += [(doc_id, i) for i in others[:SCIFACT_NEUTRAL_PER_DOC]]
        neutral.sort(key=lambda d: _rank(f'{c["id"]}|{d}'))
        for doc_id, i in neutral[:SCIFACT_NEUTRAL_PER_CLAIM]:
            out.append({**base, "id": f'sf-{c["id"]}|{doc_id}:{i}', "evidence": abstracts[doc_id][i],
                        "label": "neutral"})
    return out


def load_generated(path: Path) -> list[dict]:
    """Pairs written by bench.generate_pairs; their group is the source sentence. Pairs whose
    label shows only in the metadata (a swapped author or date) are left out: the texts alone
    cannot tell them apart."""
    out = []
    for r in _read(path):
        if not r.get("text_only", True):
            continue
        group = "generated:" + r.get("group", r["evidence"])
        # Who wrote the sentence, when and to whom: "I" in it is its author.
        out.append({k: r[k] for k in ("id", "claim", "evidence", "label", "lang")}
                   | {k: r[k] for k in ("author", "date", "to", "kind") if r.get(k)}
                   | {"source": "generated", "group": group, "split": split_of(group)})
    return out


WRITTEN = Path(__file__).resolve().parent / "written_pairs"
# Every file of a language: en.jsonl, en2.jsonl, ... (one per helper that wrote them).
WRITTEN_FILES = {"written_en": "en*.jsonl", "written_fr": "fr*.jsonl"}


def load_written(source: str, folder: Path = WRITTEN) -> list[dict]:
    """Our primary-source-style pairs; their group is the invented situation they were written
    around, so a situation's pairs never straddle train and dev."""
    out = []
    for r in (r for path in sorted(folder.glob(WRITTEN_FILES[source])) for r in _read(path)):
        group = f"{source}:{r['id'].split('-')[0]}:{r['group']}"
        claim_lang, lang = r.get("claim_lang", r.get("lang", "en")), r.get("lang", "en")
        out.append({"id": r["id"], "claim": r["claim"], "evidence": r["evidence"], "label": r["label"],
                    "lang": lang if claim_lang == lang else None, "claim_lang": claim_lang,
                    "evidence_lang": lang, "source": source, "group": group, "split": split_of(group)}
                   | {k: r[k] for k in ("author", "date", "to", "kind", "phenomenon", "domain") if r.get(k)})
    return out


def easy_negatives(rows: list[dict], per_row: float = 0.25, seed: int = 0) -> list[dict]:
    """Neutral pairs of a claim and a sentence written for another situation of the same
    source, split and part (the same domain where one is at hand): the written pairs' neutral
    lines are hard negatives that share most of the claim's words, and a model fitted on them
    alone reads a sentence about something else as a denial. Most sentences a check reads
    for a claim are of this kind."""
    import random

    rng = random.Random(seed)
    pools: dict[tuple, list[dict]] = {}
    for r in rows:
        pools.setdefault((r["source"], r["split"], part_of(r["group"]), r.get("domain")), []).append(r)
        pools.setdefault((r["source"], r["split"], part_of(r["group"]), None), []).append(r)
    out = []
    for n, r in enumerate(sorted(rows, key=lambda r: r["id"])):
        if rng.random() >= per_row:
            continue
        key = (r["source"], r["split"], part_of(r["group"]))
        pool = [o for o in pools.get(key + (r.get("domain"),), []) if o["group"] != r["group"]] or \
            [o for o in pools.get(key + (None,), []) if o["group"] != r["group"]]
        if not pool:
            continue
        other = rng.choice(pool)
        out.append({**{k: v for k, v in other.items() if k in ("evidence", "author", "date", "to", "kind",
                                                                "evidence_lang")},
                    "id": f"{r['id']}~{other['id']}", "claim": r["claim"], "claim_lang": r.get("claim_lang"),
                    "label": "neutral",
                    "lang": r.get("claim_lang") if r.get("claim_lang") == other.get("evidence_lang") else None,
                    "source": r["source"], "group": r["group"], "split": r["split"], "phenomenon": "unrelated"})
    return out


def load_primary(path: Path, dev_cases: Iterable[str] = ("harbor",)) -> list[dict]:
    """Pairs of bench/primary cases (`python -m bench.primary_pairs`): a case's claims against
    their gold sentences (and, if written so, the best non-gold ones as neutral). Split by case:
    the dev case's pairs are `dev`, the train cases' `train`; the held-out cases must never be
    given here."""
    out = []
    for r in _read(Path(path)):
        # Files written before `meta` held these fields have them at the top level.
        meta = r.get("meta") or r
        out.append({k: r[k] for k in ("id", "claim", "evidence", "label", "lang", "author", "date", "to")
                    if r.get(k) is not None}
                   | {"lang": r.get("lang"), "source": "primary", "group": f"primary:{meta['claim_id']}",
                      "split": "dev" if meta["case"] in dev_cases else "train", "gold": meta.get("gold", True)})
    return out


SOURCES = ("vitaminc_real", "vitaminc_synthetic", "factcheck_bench", "daccord", "climate_fever", "scifact")


def load_all(sources: Iterable[str] = SOURCES, bench: Path = BENCH,
             generated: Iterable[Path] = ()) -> list[dict]:
    rows: list[dict] = []
    for source in sources:
        if source in PAIR_FILES:
            rows += load_pair_file(source, bench)
        elif source == "climate_fever":
            rows += load_climate_fever(bench)
        elif source == "scifact":
            rows += load_scifact(bench)
        elif source in WRITTEN_FILES:
            rows += load_written(source)
        else:
            raise ValueError(f"unknown source {source!r}")
    for path in generated:
        rows += load_generated(Path(path))
    return rows


def stats(rows: list[dict]) -> str:
    counts = collections.Counter((r["source"], r["split"], r["label"]) for r in rows)
    groups = collections.Counter((r["source"], r["split"]) for r in {(r["source"], r["split"], r["group"]): r
                                                                   for r in rows}.values())
    labels = LABELS + ("not_refutes",)
    lines = [f'{"source":<20}{"split":<7}{"groups":>7}' + "".join(f"{l:>13}" for l in labels) + f'{"total":>8}']
    for source in dict.fromkeys(r["source"] for r in rows):
        for split in ("train", "dev"):
            n = [counts[(source, split, l)] for l in labels]
            lines.append(f"{source:<20}{split:<7}{groups[(source, split)]:>7}" + "".join(f"{x:>13}" for x in n)
                         + f"{sum(n):>8}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stats", action="store_true", help="print counts per source, split and label")
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--generated", type=Path, nargs="*", default=[])
    args = parser.parse_args(argv)
    rows = load_all(bench=args.bench, generated=args.generated)
    if args.stats:
        print(f"dev = {DEV_PERCENT}% of groups by sha256(group); train = the rest. "
              "Climate-FEVER: its train split only (split.json); SciFact: train claims only.")
        print(stats(rows))


if __name__ == "__main__":
    main()
