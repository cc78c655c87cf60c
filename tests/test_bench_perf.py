"""The speed benchmark at its smallest size: a smoke test that it runs end to end (no timing asserts)."""

from __future__ import annotations

import csv

from bench.perf import Generator, main


def test_bench_perf_generator_is_reproducible(tmp_path):
    one = Generator().write(tmp_path / "a", 300)
    two = Generator().write(tmp_path / "b", 300)
    assert one == two and len(one) >= 300
    assert (tmp_path / "a" / "mail.mbox").read_text() == (tmp_path / "b" / "mail.mbox").read_text()
    claims = Generator().claims(one, 10)
    assert {c["kind"] for c in claims} == {"paraphrase", "negated", "altered", "unrelated"}


def test_bench_perf_smoke(tmp_path):
    assert main(["--sizes", "1500", "--runs", "1", "--claims", "10", "--batch", "10", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "results.csv") as stream:
        rows = list(csv.DictReader(stream))
    metrics = {r["metric"] for r in rows}
    assert {"index_sentences_per_s", "tokenizer_ratio", "reindex_s", "check_p50_ms", "check_p95_ms",
            "batch_10_s", "scan_speedup", "bm25s_speedup", "peak_rss_mb", "index_mb", "recall_at_5",
            "bm25s_recall_at_5"} <= metrics
    assert all(float(r["value"]) >= 0 for r in rows)
