"""Speed at scale: index and check a generated corpus of 10k, 100k and 1M sentences.

    python -m bench.perf                      # 10k, 100k, 1M sentences (long: see README)
    python -m bench.perf --sizes 10000 --runs 1   # the smoke run CI makes
    python -m bench.perf --sizes 1000000 --runs 1 --shards 1,4 --workers 1,2   # scaling out

With --shards and --workers it adds, in the same columns, figures per setting (the setting
after "@" in the metric's name): index throughput with N shards on a Dask LocalCluster of W
workers, check p50/p95 over N shards in one process, a batch of claims over N shards on W
workers, the peak memory of a worker, and the scaling efficiencies from 1 to 2 workers
(throughput with 2 workers / 2 x throughput with 1). From 1M sentences up the corpus is 16
files that fall evenly into 4 shards (see spread_names).

Writes bench/results.csv (size_sentences, metric, value, unit), bench/results.png (cost against
size, log axes) and prints a table. Every ratio compares two things measured in the same run on
the same corpus: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123
# Corpora of a million sentences or more are written as this many files of each kind, named to
# fall evenly into 4 shards (and 2): see spread_names.
LARGE = 1_000_000
LARGE_FILES = 8
SPREAD_SHARDS = 4
FIRST = ["Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jamal", "Karen",
         "Louis", "Maya", "Nina", "Omar", "Paul", "Rosa", "Sami", "Tara", "Victor"]
LAST = ["Martin", "Stone", "King", "Roy", "Wu", "Diallo", "Moreau", "Novak", "Ortiz", "Petit", "Quinn",
        "Rossi", "Silva", "Tanaka", "Weber", "Young"]
VERBS = ["approved", "rejected", "signed", "delayed", "announced", "cancelled", "reviewed", "funded",
         "questioned", "proposed", "opened", "closed", "sold", "bought", "moved", "doubled", "cut",
         "merged", "audited", "shipped"]
FUNCTION = ["the", "a", "of", "to", "in", "for", "with", "on", "at", "by", "and", "after", "before"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def spread_names(pattern: str, count: int, shards: int = SPREAD_SHARDS) -> list[str]:
    """`count` file names from `pattern` that fall evenly into `shards` shards (the k-th name
    into shard k mod `shards`, so into 2 evenly as well): a generated corpus has too few files
    for the shards' hashing to even them out, as the many files of a real archive would."""
    from factcheck.store.indexer import shard_of

    names, suffix = [], 0
    while len(names) < count:
        name = pattern.format(f"{suffix:03d}")
        if shard_of(name, shards) == len(names) % shards:
            names.append(name)
        suffix += 1
    return names


class Generator:
    """Email-like text with a vocabulary of tens of thousands of made-up words (fixed seed)."""

    def __init__(self, seed: int = SEED, vocabulary: int = 40_000):
        self.rng = random.Random(seed)
        syllables = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"] + ["qua", "tri", "ster", "lon"]
        words = set()
        while len(words) < vocabulary:
            words.add("".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4))))
        self.words = sorted(words)
        # Zipf-like frequencies: a few common words, a long tail of rare ones. Cumulated once:
        # random.choices would otherwise add up 40,000 weights at every call.
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.words))))

    def name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def nouns(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def sentence(self) -> str:
        a, b, c, d = self.nouns(4)
        shape = self.rng.randrange(4)
        if shape == 0:
            return f"{self.name()} {self.rng.choice(VERBS)} the {a} {b} for the {c} {d} in {self.rng.choice(MONTHS)} {self.rng.randint(2005, 2024)}."
        if shape == 1:
            return f"The {a} {b} {self.rng.choice(VERBS)} {self.rng.randint(2, 95)} % of the {c} {d} budget."
        if shape == 2:
            return f"We {self.rng.choice(VERBS)} {self.rng.randint(2, 900)} {a} {b} with {self.name()} and the {c} team."
        return f"According to {self.name()}, the {a} {self.rng.choice(VERBS)} the {b} {c} after the {d} review."

    def write(self, folder: Path, sentences: int, files: int = 1) -> list[tuple[str, str]]:
        """Write `sentences` sentences as .mbox files (with quoted replies) and .jsonl files,
        `files` of each, the documents dealt round them; returns (document id, sentence) for
        every sentence written as the sender's own words. The text is the same whatever `files`."""
        folder.mkdir(parents=True, exist_ok=True)
        own: list[tuple[str, str]] = []
        written = 0
        names = ([("mail.mbox", "notes.jsonl")] if files == 1 else
                 list(zip(spread_names("mail-{}.mbox", files), spread_names("notes-{}.jsonl", files))))
        with contextlib.ExitStack() as stack:
            streams = [(stack.enter_context(open(folder / m, "w", encoding="utf-8")),
                        stack.enter_context(open(folder / j, "w", encoding="utf-8"))) for m, j in names]
            n = 0
            previous = None
            while written < sentences:
                n += 1
                mbox, jsonl = streams[(n // 2) % len(streams)]
                body = [self.sentence() for _ in range(self.rng.randint(2, 6))]
                written += len(body)
                if n % 2:
                    doc_id = f"m{n}@bench.example"
                    sender = self.name()
                    text = " ".join(body)
                    if previous and self.rng.random() < 0.3:
                        quoted_by, quoted = previous
                        text += f"\n\nOn Mon, Jan 6, 2020 at 9:00 AM, {quoted_by} <x@bench.example> wrote:\n> " + quoted
                    mbox.write(f"From x@bench.example Mon Jan  6 09:00:00 2020\nMessage-ID: <{doc_id}>\n"
                               f"From: {sender} <{sender.split()[0].lower()}@bench.example>\n"
                               f"Date: Mon, 6 Jan 2020 09:{n % 60:02d}:00 +0000\nSubject: note {n}\n\n{text}\n\n")
                    previous = (sender, body[0])
                else:
                    doc_id = f"r{n}"
                    jsonl.write(json.dumps({"id": doc_id, "text": " ".join(body), "author": self.name(),
                                            "date": f"20{10 + n % 15}-0{1 + n % 9}", "kind": "message"}) + "\n")
                own += [(doc_id, s) for s in body]
        return own

    def claims(self, own: list[tuple[str, str]], count: int) -> list[dict]:
        """Paraphrases of corpus sentences (with their source), negated and altered variants,
        and unrelated claims."""
        out = []
        for i in range(count):
            doc_id, sentence = self.rng.choice(own)
            kind = ("paraphrase", "paraphrase", "negated", "altered", "unrelated")[i % 5]
            words = sentence.rstrip(".").split()
            if kind == "paraphrase":
                text = " ".join(w for w in words if w.lower() not in ("the", "a", "of") or self.rng.random() < 0.3)
            elif kind == "negated":
                text = " ".join(words[:2] + ["did", "not"] + words[2:])
            elif kind == "altered":
                text = " ".join(str(int(w) + 7) if w.isdigit() else w for w in words)
            else:
                text = " ".join(self.nouns(6))
            out.append({"id": f"b{i}", "text": text + ".", "kind": kind, "source": doc_id, "sentence": sentence})
        return out


# --- measuring --------------------------------------------------------------------------------------


def peak_run(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, standard output) of a factcheck command in a child process.

    The child reports its own high-water mark (VmHWM starts afresh at exec, unlike ru_maxrss,
    which a forked child inherits from its parent) plus, for each worker it used, the largest
    worker's: an upper bound, since forked workers share the parent's pages."""
    probe = ("import atexit, os, resource, sys\n"
             "def report():\n"
             "    own = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
             "    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "    workers = (os.cpu_count() or 1) if worker else 0\n"
             "    print('PEAK', own + workers * worker, file=sys.stderr)\n"
             "atexit.register(report)\n"
             "from factcheck.cli import main\n"
             "sys.argv = ['factcheck'] + sys.argv[1:]\n"
             "main()\n")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return seconds, int(result.stderr.split("PEAK")[1].split()[0]) / 1024, result.stdout


def _tokenizer_seconds(texts: list[str]) -> float:
    import spacy
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return time.perf_counter() - started


def measure(size: int, runs: int, claims_count: int, batch: int, work: Path,
            shards: tuple[int, ...] = (), workers: tuple[int, ...] = (), *,
            scaling_only: bool = False) -> list[tuple]:
    from rapidfuzz import fuzz, process

    from factcheck import Checker, Claim
    from factcheck.config import Settings
    from factcheck.engine.score import rank

    generator = Generator()
    corpus = work / f"corpus-{size}"
    own = generator.write(corpus, size, files=LARGE_FILES if size >= LARGE else 1)
    claims = generator.claims(own, claims_count)
    batch_claims = generator.claims(own, batch)
    raw_mb = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    rows: list[tuple] = []
    if scaling_only:
        return measure_scaling(size, corpus, work / f"index-{size}.db", claims, batch_claims, work,
                               shards or (1,), workers or (1,))

    index_times, peaks = [], []
    db = work / f"index-{size}.db"
    for _ in range(runs):
        for leftover in work.glob(f"index-{size}.db*"):
            leftover.unlink()
        seconds, peak, _ = peak_run(["-q", "index", str(corpus), "--db", str(db), "--blank"])
        index_times.append(seconds)
        peaks.append(peak)
    with Checker(corpus, db=db, settings=Settings(), update=False) as checker:
        indexed = checker.store.sentence_count()
        texts = [r[0] for r in checker.store.db.execute("SELECT text FROM sentences")]
    index_s = statistics.median(index_times)
    tokenizer_s = statistics.median(_tokenizer_seconds(texts) for _ in range(runs))
    reindex = statistics.median(peak_run(["-q", "index", str(corpus), "--db", str(db), "--blank"])[0]
                                for _ in range(runs))
    rows += [(size, "index_sentences_per_s", indexed / index_s, "sentences/s"),
             (size, "index_mb_per_s", raw_mb / index_s, "MB/s"),
             (size, "tokenizer_ratio", (indexed / index_s) / (indexed / tokenizer_s), "ratio"),
             (size, "reindex_s", reindex, "s"),
             (size, "peak_rss_mb", statistics.median(peaks), "MB"),
             (size, "index_mb", sum(p.stat().st_size for p in work.glob(f"index-{size}.db*")) / 1e6, "MB")]

    with Checker(corpus, db=db, settings=Settings(), update=False) as checker:
        checker.check_claim(Claim("warm", "warm up the pipelines."))
        latencies, hits, total = [], 0, 0
        for record in claims:
            claim = Claim(record["id"], record["text"], lang="en")
            started = time.perf_counter()
            checker.check_claim(claim)
            latencies.append((time.perf_counter() - started) * 1000)
        for record in claims:
            if record["kind"] != "paraphrase":
                continue
            claim = Claim(record["id"], record["text"], lang="en")
            reading = checker.read(claim)
            top = rank(reading, checker.candidates(reading),
                       checker.segmenter, checker.settings.score)[:5]
            total += 1
            hits += any(s.candidate.text == record["sentence"] for s in top)
        started = time.perf_counter()
        checker.check_claims([Claim(record["id"], record["text"], lang="en") for record in batch_claims])
        batch_s = time.perf_counter() - started
        p50 = statistics.median(latencies)
        p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
        rows += [(size, "check_p50_ms", p50, "ms"), (size, "check_p95_ms", p95, "ms"),
                 (size, f"batch_{batch}_s", batch_s, "s"), (size, "recall_at_5", hits / max(1, total), "ratio")]

        sample = [r for r in claims[:20]]
        started = time.perf_counter()
        for record in sample:
            process.extract(record["text"], texts, scorer=fuzz.token_set_ratio, limit=5)
        scan_ms = (time.perf_counter() - started) * 1000 / len(sample)
        rows.append((size, "scan_speedup", scan_ms / p50, "ratio"))

        bm25 = _bm25s(texts, claims, checker, p50)
        if bm25:
            rows += [(size, "bm25s_speedup", bm25[0], "ratio"), (size, "bm25s_recall_at_5", bm25[1], "ratio")]
    del texts
    if shards or workers:
        rows += measure_scaling(size, corpus, db, claims, batch_claims, work, shards or (1,), workers or (1,))
    return rows


def measure_scaling(size: int, corpus: Path, db: Path, claims: list[dict], batch_claims: list[dict],
                    work: Path, shards: tuple[int, ...], workers: tuple[int, ...]) -> list[tuple]:
    """Shards and Dask workers: index throughput per (shards, workers), check latency per
    shard count, a batch of claims per worker count, a worker's peak memory, efficiencies."""
    from factcheck import Checker, Claim
    from factcheck.cluster import Cluster
    from factcheck.config import Settings

    def peak_rss_mb() -> float:
        # VmHWM, not ru_maxrss: a Dask worker is forked from this process before it execs, and
        # ru_maxrss keeps the high-water mark across exec - at 10M it reported this process's
        # 2.2 GB of generated sentences as the worker's own.
        return next(int(line.split()[1]) for line in open("/proc/self/status")
                    if line.startswith("VmHWM")) / 1024

    rows: list[tuple] = []
    indexed = {}
    peaks: dict[int, float] = {}
    for n in shards:
        sharded = Settings().replace(index={"shards": n})
        shard_db = db if n == 1 else work / f"index-{size}-shards.db"
        for w in workers:
            if n == 1 and w > 1:
                continue  # one shard is one task: nothing to spread
            for leftover in work.glob(f"{shard_db.stem}*.db*"):
                leftover.unlink()
            with Cluster.start(f"local:{w}") as cluster:
                started = time.perf_counter()
                with Checker(corpus, db=shard_db, settings=sharded, cluster=cluster) as checker:
                    seconds = time.perf_counter() - started
                    count = checker.summary().sentences
                index_peak = max(cluster.client.run(peak_rss_mb).values())
                peaks[w] = max(peaks.get(w, 0.0), index_peak)
            indexed[n, w] = count / seconds
            rows.append((size, f"index_worker_peak_rss_mb@shards={n},workers={w}", index_peak, "MB"))
            rows.append((size, f"index_sentences_per_s@shards={n},workers={w}", count / seconds, "sentences/s"))
            print(f"  indexed {size} in {seconds:.0f} s with {n} shard(s) on {w} worker(s)", file=sys.stderr)
        if n > 1:
            rows.append((size, f"index_mb@shards={n}",
                         sum(p.stat().st_size for p in work.glob(f"{shard_db.stem}*.db*")) / 1e6, "MB"))
        with Checker(corpus, db=shard_db, settings=sharded, update=False) as checker:
            checker.check_claim(Claim("warm", "warm up the pipelines."))
            latencies = []
            for record in claims:
                started = time.perf_counter()
                checker.check_claim(Claim(record["id"], record["text"], lang="en"))
                latencies.append((time.perf_counter() - started) * 1000)
        rows += [(size, f"check_p50_ms@shards={n}", statistics.median(latencies), "ms"),
                 (size, f"check_p95_ms@shards={n}", sorted(latencies)[int(0.95 * (len(latencies) - 1))], "ms")]
    batch = [Claim(record["id"], record["text"], lang="en") for record in batch_claims]
    # On the index of each shard count measured (at 10M only the sharded one is built: a
    # one-shard index would take half an hour more only for this).
    batch_s: dict[tuple[int, int], float] = {}
    for n in sorted(set(shards)):
        batch_db = db if n == 1 else work / f"index-{size}-shards.db"
        batch_settings = Settings().replace(index={"shards": n})
        for w in workers:
            with Cluster.start(f"local:{w}") as cluster, \
                    Checker(corpus, db=batch_db, settings=batch_settings, update=False, cluster=cluster) as checker:
                cluster.prepare(checker)
                started = time.perf_counter()
                checker.check(batch)
                batch_s[n, w] = time.perf_counter() - started
                peaks[w] = max(peaks.get(w, 0.0), max(cluster.client.run(peak_rss_mb).values()))
            rows.append((size, f"batch_{len(batch)}_s@" + (f"shards={n}," if n > 1 else "") + f"workers={w}",
                         batch_s[n, w], "s"))
            print(f"  batch of {len(batch)} on {n} shard(s), {w} worker(s): {batch_s[n, w]:.0f} s", file=sys.stderr)
    for w, peak in sorted(peaks.items()):
        rows.append((size, f"worker_peak_rss_mb@workers={w}", peak, "MB"))
    most = max(shards)
    if 1 in workers and 2 in workers:
        if (most, 1) in indexed and (most, 2) in indexed:
            rows.append((size, "scaling_efficiency_index", indexed[most, 2] / (2 * indexed[most, 1]), "ratio"))
        rows.append((size, "scaling_efficiency_batch", batch_s[most, 1] / (2 * batch_s[most, 2]), "ratio"))
        if most > 1 and 1 in shards:
            rows.append((size, "scaling_efficiency_batch@shards=1", batch_s[1, 1] / (2 * batch_s[1, 2]), "ratio"))
    return rows


def _bm25s(texts: list[str], claims: list[dict], checker, p50: float):
    """bm25s retrieval (top 80) then factcheck's own reranking: time against ours, and recall@5."""
    try:
        import bm25s
    except ImportError:
        return None
    from factcheck import Claim
    from factcheck.engine.retrieve import candidates_from_rows
    from factcheck.engine.score import rank

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    ids = [r[0] for r in checker.store.db.execute("SELECT id FROM sentences ORDER BY id")]
    times, hits, total = [], 0, 0
    for record in claims:
        claim = Claim(record["id"], record["text"], lang="en")
        started = time.perf_counter()
        found, _ = retriever.retrieve(bm25s.tokenize([claim.text], stopwords="en", show_progress=False),
                                      k=min(80, len(texts)), show_progress=False)
        rows = []
        for chunk_start in range(0, len(found[0]), 500):
            chunk = [ids[i] for i in found[0][chunk_start:chunk_start + 500]]
            marks = ",".join("?" * len(chunk))
            rows += checker.store.db.execute(
                "SELECT s.id, s.doc_rowid, s.field, s.start, s.end, s.text, s.lang, s.author, s.author_key, "
                f"s.date, s.date_precision, s.quoted, s.quote_ref, s.terms FROM sentences s WHERE s.id IN ({marks})",
                chunk).fetchall()
        reading = checker.read(claim)
        top = rank(reading, candidates_from_rows(checker.store, rows), checker.segmenter,
                   checker.settings.score)[:5]
        times.append((time.perf_counter() - started) * 1000)
        if record["kind"] == "paraphrase":
            total += 1
            hits += any(s.candidate.text == record["sentence"] for s in top)
    return statistics.median(times) / p50, hits / max(1, total)


def growth(rows: list[tuple]) -> float | None:
    points = [(math.log(size), math.log(value)) for size, metric, value, _ in rows if metric == "check_p50_ms"]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)


def plot(rows: list[tuple], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({r[0] for r in rows})
    figure, axis = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    for metric, label in (("check_p50_ms", "check p50 (ms)"), ("check_p95_ms", "check p95 (ms)"),
                          ("reindex_s", "unchanged re-index (s)")):
        values = [next((r[2] for r in rows if r[0] == s and r[1] == metric), None) for s in sizes]
        axis.plot(sizes, values, marker="o", label=label)
    index_s = [next(r[0] / r[2] for r in rows if r[0] == s and r[1] == "index_sentences_per_s") for s in sizes]
    axis.plot(sizes, index_s, marker="s", label="index (s)")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("corpus size (sentences)")
    axis.set_title("factcheck: cost against corpus size")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is kept)")
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument("--shards", default="", help="shard counts to measure, e.g. 1,4")
    parser.add_argument("--workers", default="", help="Dask worker counts to measure, e.g. 1,2")
    parser.add_argument("--scaling-only", action="store_true",
                        help="only the --shards/--workers figures (not the one-process ones)")
    parser.add_argument("--append", action="store_true",
                        help="add the rows to results.csv (replacing those of the same size and metric)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="factcheck-perf-"))
    rows: list[tuple] = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            rows += measure(size, args.runs, args.claims, args.batch, work,
                            tuple(int(n) for n in args.shards.split(",") if n),
                            tuple(int(n) for n in args.workers.split(",") if n),
                            scaling_only=args.scaling_only)
            print(f"measured {size} sentences", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    exponent = growth(rows)
    if exponent is not None:
        rows.append((max(r[0] for r in rows), "growth_exponent", exponent, "slope"))
    args.out.mkdir(parents=True, exist_ok=True)
    kept: list[tuple] = []
    if args.append and (args.out / "results.csv").exists():
        with open(args.out / "results.csv", newline="") as stream:
            new = {(r[0], r[1]) for r in rows}
            kept = [(int(r["size_sentences"]), r["metric"], float(r["value"]), r["unit"])
                    for r in csv.DictReader(stream) if (int(r["size_sentences"]), r["metric"]) not in new]
    with open(args.out / "results.csv", "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["size_sentences", "metric", "value", "unit"])
        for size, metric, value, unit in kept + rows:
            writer.writerow([size, metric, round(value, 4), unit])
    if len({r[0] for r in kept + rows}) > 1:
        plot([r for r in kept + rows if "@" not in r[1]], args.out / "results.png")
    print(f"{'size':>9}  {'metric':<44} {'value':>12}  unit")
    for size, metric, value, unit in rows:
        print(f"{size:>9}  {metric:<44} {value:>12.3f}  {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
