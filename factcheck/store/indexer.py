"""Indexer: bring a corpus's index up to date, incrementally.

- A file whose size, mtime and content hash are unchanged is not read again.
- A changed file is replaced in one transaction; a deleted file disappears with its documents.
- One writer at a time (the store's lock); readers are never blocked (WAL).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from factcheck.corpus.load import discover, file_hash, load_aliases, parse_unit, read_units
from factcheck.errors import InputError, StoreError
from factcheck.model import Document
from factcheck.store.sqlite import Prepared, Store, prepare_document, store_hint
from factcheck.text.aliases import Aliases
from factcheck.text.nlp import Segmenter, batched


def shard_of(relpath: str, shards: int) -> int:
    """The shard a corpus file belongs to: stable across runs, processes and machines."""
    if shards <= 1:
        return 0
    return int.from_bytes(hashlib.sha1(relpath.encode("utf-8")).digest()[:8], "big") % shards

# Bump when segmentation changes what is stored: every file is then read again.
SEGMENTER_VERSION = "1"


@dataclass
class IndexStats:
    """What an index run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: int = 0
    sentences: int = 0
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)



# --- the index run ---------------------------------------------------------------------------


ProgressCallback = Callable[[str, int, int], None]


def update_index(corpus: Path, store: Store, segmenter: Segmenter | None = None, *,
                 progress: ProgressCallback | None = None, wait: float = 0.0,
                 shard: tuple[int, int] = (0, 1), retry_conflicts: bool = False) -> IndexStats:
    """Bring the index up to date with the corpus folder. Unchanged files cost a stat.
    With `shard` (i, n), the store is shard i of n and takes only the files that belong
    to it (see store.shards.shard_of). `retry_conflicts`: read the files that lost a
    document to a clashing id again even if nothing changed here (another shard changed)."""
    started = time.perf_counter()
    corpus = Path(corpus)
    report = IndexStats()
    aliases = Aliases(load_aliases(corpus))
    segmenter = segmenter or Segmenter(aliases=aliases)
    segmenter.aliases = aliases
    discovery = discover(corpus)
    if shard[1] > 1:
        discovery.files = [f for f in discovery.files if shard_of(f.relpath, shard[1]) == shard[0]]
    store.lock(wait)
    try:
        config = json.dumps({"aliases": aliases.digest(), "segmenter": SEGMENTER_VERSION,
                             "languages": list(segmenter.settings.nlp.languages)})
        rebuild = store.meta("config") != config
        if rebuild:
            # Everything is read again, and the old index stays until the new one is whole.
            report.rebuilt = store.meta("config") is not None
        known = {} if rebuild else store.known_files()
        present = {f.relpath for f in discovery.files}
        todo = []
        for item in discovery.files:
            stat = item.path.stat()
            row = known.get(item.relpath)
            if row is not None and row["size"] == stat.st_size and row["mtime_ns"] == stat.st_mtime_ns:
                report.unchanged += 1
                continue
            sha = file_hash(item.path)
            if row is not None and row["sha256"] == sha:
                with store.transaction():
                    store.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                                     (stat.st_size, stat.st_mtime_ns, item.relpath))
                report.unchanged += 1
                continue
            todo.append((item, sha, stat))
        removed = sorted(set(known) - present)
        for relpath in removed:
            with store.transaction():
                store.remove_file(relpath)
            report.removed.append(relpath)
        if todo or removed or retry_conflicts:
            # A file skipped earlier for a clashing id may load now that the other one changed.
            retry = {r["path"] for r in known.values() if r["conflicts"] and r["path"] in present}
            queued = {item.relpath for item, _, _ in todo}
            for item in discovery.files:
                if item.relpath in retry and item.relpath not in queued:
                    stat = item.path.stat()
                    todo.append((item, file_hash(item.path), stat))

        def index_files():
            # One stream of batches across the files, so the segmenting workers go on with the
            # next files while this process writes one, and many small files (a folder of
            # emails) share batches rather than each making its own; each file still has its
            # transaction.
            def units():
                for number, (item, _, _) in enumerate(todo):
                    empty = True
                    for unit in read_units(item):
                        empty = False
                        yield number, unit
                    if empty:
                        yield number, None  # an empty file is recorded all the same

            batches = batched(units(), segmenter.settings.index.batch_size)
            prepared = ((number, found) for _, done in segmenter.map_batches(batches, _prepare_batch)
                        for number, found in done)
            for number, group in itertools.groupby(prepared, key=lambda item: item[0]):
                item, sha, stat = todo[number]
                if progress:
                    progress(item.relpath, number + 1, len(todo))
                _index_file(store, item, sha, stat, known, report, (found for _, found in group))

        if rebuild or (todo and not known and store.is_empty()):
            # A new index (or one rebuilt): one transaction for all its files, loaded in bulk.
            with store.transaction():
                if rebuild:
                    store.clear()
                    store.set_meta("config", config)
                with store.bulk_load():
                    index_files()
        else:
            # An index brought up to date: one transaction per file.
            index_files()
        with store.transaction():
            store.set_meta("skipped", json.dumps([f"{s.relpath}: {s.reason}" for s in discovery.skipped]))
            store.set_meta("corpus_hash", _corpus_hash(store, aliases))
            store.set_meta("sentence_count",
                           str(store.db.execute("SELECT count(*) FROM sentences").fetchone()[0]))
        store.checkpoint()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot write the index {store.path}: {exc}", hint=store_hint(exc)) from None
    finally:
        store.unlock()
    report.seconds = time.perf_counter() - started
    return report


def _index_file(store: Store, item, sha: str, stat, known: dict, report: IndexStats,
                parts: Iterable[list[Prepared | InputError]]) -> None:
    """Write one file's documents, prepared part by part in the segmenter's workers (see
    _prepare_batch), in one transaction with the file's record."""
    errors: list[InputError] = []
    documents = sentences = 0
    conflicts = False
    try:
        with store.transaction():
            if item.relpath in known:
                store.remove_file(item.relpath)
            for prepared in parts:
                ready = []
                for p in prepared:
                    if isinstance(p, InputError):
                        errors.append(p)
                    else:
                        ready.append(p)
                for p, reason in zip(ready, store.add_documents(ready)):
                    if reason:
                        conflicts = True
                        errors.append(InputError(reason, path=item.relpath, line=p.line))
                        continue
                    documents += 1
                    sentences += len(p.sentences)
            store.record_file(item.relpath, sha, stat.st_size, stat.st_mtime_ns, documents,
                              errors, conflicts)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"cannot write the index {store.path}: {exc}", hint=store_hint(exc)) from None
    (report.updated if item.relpath in known else report.added).append(item.relpath)
    report.documents += documents
    report.sentences += sentences
    report.errors.extend(errors)


def _prepare_batch(segmenter: Segmenter, batch: list[tuple[int, tuple | None]]
                   ) -> list[tuple[int, list[Prepared | InputError]]]:
    """A batch of index_files' stream, whose units (see corpus.load.read_units) may come from
    several files (numbered; None for an empty file): what each unit gives, with its file's
    number, in order - each document as rows ready for the index, each input error as is - a
    file's consecutive units together. The batch's documents are segmented together."""
    parsed = [(number, parse_unit(unit) if unit is not None else []) for number, unit in batch]
    segmented = segmenter.segment_batch([r for _, results in parsed for r in results
                                         if not isinstance(r, InputError)])
    found = []
    for number, results in parsed:
        ready: list[Prepared | InputError] = []
        for result in results:
            if isinstance(result, InputError):
                ready.append(result)
            else:
                document, sentences = next(segmented)
                ready.append(prepare_document(document, sentences, segmenter.aliases, _content_hash(document)))
        if found and found[-1][0] == number:
            found[-1][1].extend(ready)
        else:
            found.append((number, ready))
    return found


def _content_hash(document: Document) -> str:
    payload = json.dumps([document.text, str(document.date), document.author,
                          list(document.translations)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _corpus_hash(store: Store, aliases: Aliases) -> str:
    digest = hashlib.sha256(aliases.digest().encode())
    for path, sha in store.db.execute("SELECT path, sha256 FROM files ORDER BY path"):
        digest.update(f"{path}\0{sha}\n".encode())
    return digest.hexdigest()[:16]
