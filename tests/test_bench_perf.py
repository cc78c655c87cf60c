"""The speed benchmark at its smallest size: it runs end to end and finds what it looks for
(no timing asserts: these machines are shared)."""

from __future__ import annotations

import pytest

import csv

from bench.perf import Generator, main
from factcheck import load_corpus
from factcheck.store.indexer import shard_of


def test_bench_perf_generator_is_reproducible(tmp_path):
    one = Generator().write(tmp_path / "a", 300)
    two = Generator().write(tmp_path / "b", 300)
    assert one == two and len(one) >= 300
    assert (tmp_path / "a" / "mail.mbox").read_text() == (tmp_path / "b" / "mail.mbox").read_text()
    claims = Generator().claims(one, 10)
    assert {c["kind"] for c in claims} == {"paraphrase", "negated", "altered", "unrelated"}


def test_bench_perf_corpus_in_many_files_is_the_same_text_spread_evenly_over_shards(tmp_path):
    one = Generator().write(tmp_path / "one", 400)
    eight = Generator().write(tmp_path / "eight", 400, files=8)
    assert one == eight
    files = sorted(p.name for p in (tmp_path / "eight").iterdir())
    assert len(files) == 16
    for shards in (2, 4):
        per_shard = [sum(shard_of(f, shards) == k for f in files) for k in range(shards)]
        assert per_shard == [16 // shards] * shards
    documents = [sorted(d.text for d in load_corpus(tmp_path / name)[0]) for name in ("one", "eight")]
    assert documents[0] == documents[1] and len(documents[0]) > 50


@pytest.mark.slow
def test_bench_perf_smoke(tmp_path):
    assert main(["--sizes", "1500", "--runs", "1", "--claims", "10", "--batch", "10", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "results.csv") as stream:
        rows = list(csv.DictReader(stream))
    metrics = {r["metric"] for r in rows}
    assert {"index_sentences_per_s", "tokenizer_ratio", "reindex_s", "check_p50_ms", "check_p95_ms",
            "batch_10_s", "scan_speedup", "bm25s_speedup", "peak_rss_mb", "index_mb", "recall_at_5",
            "bm25s_recall_at_5"} <= metrics
    value = {r["metric"]: float(r["value"]) for r in rows}
    # Paraphrases of corpus sentences are found among the first five, as bm25s finds them.
    assert value["recall_at_5"] >= 0.9 and value["recall_at_5"] >= value["bm25s_recall_at_5"] - 0.1
    assert 0 < value["tokenizer_ratio"] <= 1.0
    assert 0 < value["check_p50_ms"] <= value["check_p95_ms"]
    assert value["index_sentences_per_s"] > 0 and value["index_mb"] > 0
