"""Dask distributed as the engine: index the shards and check claims on a cluster.

    with Cluster.start("local:2") as cluster:            # or "tcp://HOST:8786"
        with Checker(corpus, settings=settings, cluster=cluster) as checker:
            report = checker.check(claims)

- Indexing runs one task per shard (each shard keeps the store's lock and one transaction per
  file); checking spreads batches of claims over the workers, each of which searches every
  shard for its claims and merges the candidates by corpus-wide BM25 (see store.shards).
- Tasks carry paths, Settings and claims, never live objects: a worker opens the shards itself
  (read-only for checks) and keeps them, with its spaCy pipelines, for the next tasks.
- The workers must see the corpus and the index at the same paths as this process (shared
  storage); that is checked on every worker before any task runs.
- A worker that dies mid-check has its tasks run again elsewhere (Dask's own rescheduling);
  if they cannot complete, the check fails with ClusterError: no partial report.

Nothing here is imported unless a cluster is asked for: Dask is imported inside functions.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from factcheck.config import Settings
from factcheck.errors import FactcheckError
from factcheck.model import Claim, Verdict
from factcheck.store.indexer import IndexStats

SHARED_STORAGE = ("The corpus and the index must be on storage every worker reads at the same "
                  "path as this machine (a shared or network filesystem, or the same folders "
                  "copied to every machine); see README, \"Scaling out\".")
# Claims per task: small enough to spread a batch over the workers, large enough for
# Checker.check_claims to read them together.
TASK_CLAIMS = 32


class ClusterError(FactcheckError):
    """The cluster cannot be reached, cannot see the corpus, or lost work it could not redo."""


@dataclass
class Cluster:
    """A Dask client, and the LocalCluster it started if any."""

    client: Any
    local: Any = None

    @classmethod
    def start(cls, address: str, *, timeout: float = 30.0) -> Cluster:
        """`local` (one worker process per core), `local:N`, or a scheduler's address
        (`tcp://HOST:8786`, started with `dask scheduler` and `dask worker`)."""
        import logging

        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError("--cluster needs Dask distributed, which is not installed",
                               hint="pip install 'factcheck[cluster]' (or \"dask[distributed]\")") from None

        if address == "local" or address.startswith("local:"):
            count = address.partition(":")[2]
            if count and not (count.isdigit() and int(count) > 0):
                raise ClusterError(f"--cluster {address}: expected local, local:N (N workers) or tcp://HOST:PORT")
            workers = int(count) if count else (os.cpu_count() or 1)
            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                 dashboard_address=":0", silence_logs=logging.ERROR)
            return cls(Client(local), local)
        if "://" not in address:
            raise ClusterError(f"--cluster {address}: expected local, local:N (N workers) or tcp://HOST:PORT")
        try:
            return cls(Client(address, timeout=timeout))
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}",
                               hint="Start one with `dask scheduler`, and workers with "
                                    "`dask worker ADDRESS`.") from None

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def require_paths(self, paths: list[Path]) -> None:
        """Every worker sees every path, or ClusterError naming the first that does not."""
        if not self.workers():
            raise ClusterError("the Dask cluster has no workers", hint="Start some with `dask worker ADDRESS`.")
        missing = self.client.run(_missing, [str(Path(p).resolve()) for p in paths])
        for worker, paths_missing in sorted(missing.items()):
            if paths_missing:
                raise ClusterError(f"the worker {worker} cannot see {paths_missing[0]}", hint=SHARED_STORAGE)

    def prepare(self, checker) -> None:
        """Open the checker's index and load its pipelines on every worker now, rather than
        in each worker's first task."""
        self.require_paths([checker.corpus.resolve(), *[p.resolve() for p in checker.shards.paths]])
        self.client.run(_prepare, corpus=str(checker.corpus.resolve()), db=str(checker.db_path.resolve()),
                        settings=checker.settings)

    # --- the work ------------------------------------------------------------------------------

    def index(self, corpus: Path, db_path: Path, settings: Settings, *, wait: float = 0.0) -> IndexStats:
        """One task per shard; what they did, as one run's figures."""
        from factcheck.store.shards import merge_stats

        return merge_stats(self.index_shards(corpus, db_path, settings, wait=wait))

    def index_shards(self, corpus: Path, db_path: Path, settings: Settings, *,
                     wait: float = 0.0) -> list[IndexStats]:
        """One task per shard; what each did, in shard order (see store.shards.settle_duplicates
        for what is left to do across them)."""
        corpus, db_path = Path(corpus).resolve(), Path(db_path).resolve()
        self.require_paths([corpus, db_path.parent])
        shards = settings.index.shards
        # The shards are the tasks: each segments its files in its own worker process.
        settings = settings.replace(index={"processes": 1})
        futures = self.client.map(_index_shard, range(shards), corpus=str(corpus), db=str(db_path),
                                  shards=shards, settings=settings, wait=wait, pure=False)
        return self._gather(futures, "indexing")

    def check(self, checker, claims: list[Claim], *,
              progress: Callable[[Claim], None] | None = None) -> list[Verdict]:
        """Verdicts for `claims`, in their order, each as `checker.check_claim` gives it."""
        from dask.distributed import as_completed

        corpus = checker.corpus.resolve()
        db_path = checker.db_path.resolve()
        self.require_paths([corpus, *[p.resolve() for p in checker.shards.paths]])
        if not claims:
            return []
        workers = max(1, self.workers())
        size = max(1, min(TASK_CLAIMS, math.ceil(len(claims) / (2 * workers))))
        batches = [claims[i:i + size] for i in range(0, len(claims), size)]
        futures = self.client.map(_check_claims, batches, corpus=str(corpus), db=str(db_path),
                                  settings=checker.settings, pure=False)
        if progress:
            batch_of = {f.key: b for f, b in zip(futures, batches)}
            try:
                for future in as_completed(futures):
                    if future.status == "finished":
                        for claim in batch_of[future.key]:
                            progress(claim)
            except Exception:  # reported by _gather, with every other failure
                pass
        return [v for batch in self._gather(futures, "checking") for v in batch]

    def _gather(self, futures: list, what: str) -> list:
        try:
            return self.client.gather(futures)
        except FactcheckError:
            raise
        except Exception as exc:
            from dask.distributed import KilledWorker

            if isinstance(exc, KilledWorker):
                raise ClusterError(f"{what} did not complete: workers died while running it "
                                   f"({exc}); nothing was written",
                                   hint="Check the workers' memory and logs, then run again.") from None
            raise ClusterError(f"{what} did not complete on the cluster: {type(exc).__name__}: {exc}; "
                               "nothing was written") from None
        finally:
            for future in futures:
                future.release()


# --- on the workers ----------------------------------------------------------------------------

# The worker's open checkers, by (corpus, index, settings, state of the shard files).
_CHECKERS: dict[tuple, Any] = {}


def _missing(paths: list[str]) -> list[str]:
    return [p for p in paths if not os.path.exists(p)]


def _index_shard(shard: int, *, corpus: str, db: str, shards: int, settings: Settings,
                 wait: float) -> IndexStats:
    from factcheck.corpus.load import load_aliases
    from factcheck.store.indexer import update_index
    from factcheck.store.shards import shard_paths
    from factcheck.store.sqlite import Store
    from factcheck.text.aliases import Aliases
    from factcheck.text.nlp import Segmenter

    segmenter = Segmenter(settings, Aliases(load_aliases(Path(corpus))))
    with Store.open(shard_paths(Path(db), shards)[shard]) as store:
        return update_index(Path(corpus), store, segmenter, wait=wait, shard=(shard, shards))


def _prepare(*, corpus: str, db: str, settings: Settings) -> None:
    checker = _checker(corpus, db, settings)
    for lang in settings.nlp.languages:
        checker.segmenter.analyze(["A sentence."], lang, full=True)


def _check_claims(claims: list[Claim], *, corpus: str, db: str, settings: Settings) -> list[Verdict]:
    return _checker(corpus, db, settings).check_claims(claims)


def _checker(corpus: str, db: str, settings: Settings):
    """This worker's checker for an index, opened once (read-only) and kept while the shard
    files stay as they are."""
    from factcheck.pipeline import Checker
    from factcheck.store.shards import shard_paths

    stamp = tuple((p.stat().st_size, p.stat().st_mtime_ns) for p in shard_paths(Path(db), settings.index.shards))
    key = (corpus, db, repr(settings.describe()), stamp)
    if key not in _CHECKERS:
        for old in [k for k in _CHECKERS if k[:3] == key[:3]]:
            _CHECKERS.pop(old).close()
        _CHECKERS[key] = Checker(corpus, db=db, settings=settings, update=False, readonly=True)
    return _CHECKERS[key]
