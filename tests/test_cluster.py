"""Dask distributed: a LocalCluster, and a real scheduler with two workers on 127.0.0.1
started with Dask's own CLI; the results are those of one process, and a worker killed
mid-check costs time, never claims."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck import Checker, load_claims
from factcheck.cli import cli
from factcheck.model import Claim

from .conftest import BLANK, CLAIMS, CORPUS
from .test_shards import results_json, sharded, write_generated_corpus

pytest.importorskip("distributed")

from factcheck.cluster import Cluster, ClusterError  # noqa: E402


def single_process(tmp_path: Path, claims, corpus=CORPUS):
    with Checker(corpus, db=tmp_path / "single" / "index.db", settings=BLANK) as checker:
        return results_json(checker.check(claims), tmp_path / "single-out")


def test_cluster_local_gives_the_results_of_one_process(tmp_path):
    claims, _ = load_claims([CLAIMS])
    expected = single_process(tmp_path, claims)
    with Cluster.start("local:2") as cluster:
        assert cluster.workers() == 2
        with Checker(CORPUS, db=tmp_path / "c" / "index.db", settings=sharded(BLANK, 3),
                     cluster=cluster) as checker:
            assert len(checker.index_report.added) == 5
            report = checker.check(claims)
    assert results_json(report, tmp_path / "c-out") == expected


def test_cluster_workers_must_see_the_corpus(tmp_path):
    with Cluster.start("local:1") as cluster:
        with pytest.raises(ClusterError, match="cannot see .*absent") as caught:
            cluster.require_paths([CORPUS, tmp_path / "absent"])
    assert "same path" in caught.value.hint


@pytest.mark.parametrize("address", ["local:0", "local:x", "somewhere:8786"])
def test_cluster_bad_address_is_a_clear_error(address):
    with pytest.raises(ClusterError, match="expected local, local:N"):
        Cluster.start(address)


def test_cluster_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler") as caught:
        Cluster.start(f"tcp://127.0.0.1:{free_port()}", timeout=2)
    assert "dask scheduler" in caught.value.hint


def test_cluster_dask_is_not_imported_without_cluster(tmp_path):
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from factcheck.cli import cli\n"
            f"r = CliRunner().invoke(cli, ['search', 'board offer', '--corpus', {str(CORPUS)!r}, '--db', "
            f"{str(tmp_path / 'i.db')!r}, '--blank', '--shards', '2'])\n"
            "assert r.exit_code == 0, r.output\n"
            "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --- a real cluster: `dask scheduler` and two `dask worker` on 127.0.0.1 ------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealCluster:
    def __init__(self, tmp_path: Path, workers: int = 2, env: dict | None = None):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.env = {**os.environ, **(env or {})}
        self.logs = tmp_path
        # `dask scheduler` and `dask worker`, run with this interpreter.
        self.scheduler = self._start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                                 "--port", self.address.rsplit(":", 1)[1], "--no-dashboard"],
                                     "scheduler")
        self.workers = [self._start([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                     "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                                     "--name", f"w{i}", "--death-timeout", "60"], f"worker{i}")
                        for i in range(workers)]
        from dask.distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(self.address, timeout=5) as client:
                    client.wait_for_workers(workers, timeout=60)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise

    def _start(self, command: list[str], name: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                start_new_session=True)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture()
def real_cluster(tmp_path):
    cluster = RealCluster(tmp_path)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.slow
def test_cluster_real_scheduler_indexes_and_checks_as_one_process(tmp_path, real_cluster):
    runner = CliRunner()
    out = {}
    for name, extra in (("single", []), ("cluster", ["--shards", "2", "--cluster", real_cluster.address])):
        db = tmp_path / name / "index.db"
        indexed = runner.invoke(cli, ["index", str(CORPUS), "--db", str(db), "--blank", *extra],
                                catch_exceptions=False)
        assert indexed.exit_code == 0 and "5 added" in indexed.output, indexed.output
        checked = runner.invoke(cli, ["check", str(CLAIMS), "--corpus", str(CORPUS), "--db", str(db), "--blank",
                                      "--out", str(tmp_path / f"{name}-out"), "--format", "json", *extra],
                                catch_exceptions=False)
        assert checked.exit_code == 0, checked.output
        out[name] = checked.output.splitlines()[0]
        data = json.loads((tmp_path / f"{name}-out" / "results.json").read_text(encoding="utf-8"))
        out[name, "json"] = {k: v for k, v in data.items() if k not in ("generated", "settings")}
    assert out["single"] == out["cluster"]
    assert out["single", "json"] == out["cluster", "json"]


def many_claims(tmp_path: Path, count: int) -> tuple[Path, list[Claim]]:
    corpus = tmp_path / "corpus"
    sentences = write_generated_corpus(corpus, files=12)
    return corpus, [Claim(f"c{i:03d}", sentences[(i * 37) % len(sentences)], lang="en") for i in range(count)]


def check_killing_a_worker(tmp_path: Path, cluster: RealCluster, corpus: Path, claims: list[Claim]):
    done = []

    def progress(claim):
        done.append(claim.id)
        if len(done) == 1:
            cluster.workers[0].kill()
            cluster.workers[0].wait(timeout=15)
            done.append(("killed after", len(done) - 1))

    with Cluster.start(cluster.address) as dask, \
            Checker(corpus, db=tmp_path / "c" / "index.db", settings=sharded(BLANK, 2), cluster=dask) as checker:
        try:
            return checker.check(claims, progress=progress), done
        finally:
            assert dask.workers() == 1


@pytest.mark.slow
def test_cluster_worker_killed_mid_check_is_rescheduled(tmp_path, real_cluster):
    corpus, claims = many_claims(tmp_path, 200)
    expected = single_process(tmp_path, claims, corpus)
    report, done = check_killing_a_worker(tmp_path, real_cluster, corpus, claims)
    killed_after = next(d[1] for d in done if isinstance(d, tuple))
    assert killed_after < len(claims)  # the worker died while claims were left to check
    assert len(report.verdicts) == len(claims)
    assert results_json(report, tmp_path / "out") == expected


@pytest.mark.slow
def test_cluster_worker_killed_without_retries_fails_clearly(tmp_path):
    # A scheduler that gives up on a task at the first worker lost with it: a clear error,
    # and no report.
    cluster = RealCluster(tmp_path, env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})
    try:
        corpus, claims = many_claims(tmp_path, 200)
        with pytest.raises(ClusterError, match="did not complete: workers died") as caught:
            check_killing_a_worker(tmp_path, cluster, corpus, claims)
        assert "nothing was written" in str(caught.value)
    finally:
        cluster.stop()


@pytest.mark.slow
def test_cluster_bench_perf_scaling_rows(tmp_path):
    import csv

    from bench.perf import main

    assert main(["--sizes", "1500", "--runs", "1", "--claims", "10", "--batch", "10", "--shards", "1,2",
                 "--workers", "1,2", "--scaling-only", "--out", str(tmp_path)]) == 0
    with open(tmp_path / "results.csv") as stream:
        value = {r["metric"]: float(r["value"]) for r in csv.DictReader(stream)}
    assert {"index_sentences_per_s@shards=1,workers=1", "index_sentences_per_s@shards=2,workers=2",
            "check_p50_ms@shards=2", "check_p95_ms@shards=2", "batch_10_s@shards=2,workers=2",
            "worker_peak_rss_mb@workers=2", "scaling_efficiency_index", "scaling_efficiency_batch"} <= set(value)
    assert all(v > 0 for v in value.values())
