"""Shards: a corpus's index split into N SQLite FTS5 files, read as one.

- A file always lands in the same shard (a hash of its path), so re-indexing stays incremental
  per shard; each shard keeps the store's transaction-per-file and lock discipline.
- One shard is today's layout (`CORPUS/.factcheck/index.db`); N shards sit beside it as
  `index-1-of-N.db` ... `index-N-of-N.db`.
- Search gives the same candidates from N shards as from one: every shard returns its best
  rows by its own BM25, and the union is ranked again by BM25 with corpus-wide statistics
  (row count, average length, rows per term summed over the shards); ties are broken by the
  sentence's place in the corpus (`position`), never by a shard's row ids.
- The analysis cache (readings of candidate sentences) lives in the first shard.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from factcheck.errors import InputError
from factcheck.model import CorpusSummary
from factcheck.store.indexer import IndexStats, ProgressCallback, shard_of, update_index
from factcheck.store.sqlite import Store, normalized_hash
from factcheck.text.nlp import Segmenter

__all__ = ["ShardSet", "shard_of", "shard_paths", "update_shards", "settle_duplicates", "merge_stats"]

# FTS5's bm25() constants (fts5_aux.c).
K1 = 1.2
B = 0.75
# A token as FTS5's unicode61 tokenizer cuts the `terms` column (letters and digits).
_TOKEN = re.compile(r"[^\W_]+")


def shard_paths(db_path: Path, shards: int) -> list[Path]:
    """The shard files of an index: the database itself for one shard."""
    db_path = Path(db_path)
    if shards <= 1:
        return [db_path]
    return [db_path.with_name(f"{db_path.stem}-{i + 1}-of-{shards}{db_path.suffix}") for i in range(shards)]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Hit:
    """A row of one shard, ranked with corpus-wide BM25 (higher is better)."""

    shard: int
    row: sqlite3.Row
    score: float
    position: tuple  # see position()

    @property
    def order(self) -> tuple:
        """Best first, ties in corpus order. Rounded: the same sum computed in another
        order must not change who comes first."""
        return (-round(self.score, 9), self.position)


class ShardSet:
    """The shards of one index, opened together; reads like one Store."""

    def __init__(self, stores: list[Store]):
        self.stores = stores
        self._frequencies: dict[str, int] = {}
        self._phrase_rows: dict[tuple[str, ...], int] = {}
        self._stats: tuple[int, float] | None = None
        self._threads: ThreadPoolExecutor | None = None

    @classmethod
    def open(cls, db_path: Path, shards: int, *, readonly: bool = False) -> ShardSet:
        stores: list[Store] = []
        try:
            for path in shard_paths(db_path, shards):
                stores.append(Store.open(path, readonly=readonly))
        except BaseException:
            for store in stores:
                store.close()
            raise
        return cls(stores)

    @property
    def paths(self) -> list[Path]:
        return [s.path for s in self.stores]

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown()
            self._threads = None
        for store in self.stores:
            store.close()

    def __enter__(self) -> ShardSet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def forget(self) -> None:
        """Drop what was read for checks (after the shards were written)."""
        self._frequencies.clear()
        self._phrase_rows.clear()
        self._stats = None
        for store in self.stores:
            store._frequencies.clear()

    # --- corpus-wide statistics ------------------------------------------------------------------

    def sentence_count(self) -> int:
        return sum(s.sentence_count() for s in self.stores)

    def term_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        terms = list(dict.fromkeys(terms))
        missing = [t for t in terms if t not in self._frequencies]
        if missing:
            totals = Counter()
            for store in self.stores:
                totals.update(store.term_frequencies(missing))
            for term in missing:
                self._frequencies[term] = totals[term]
        return {t: self._frequencies[t] for t in terms}

    def fts_stats(self) -> tuple[int, float]:
        """(rows, average tokens per row) of the full-text index over all shards."""
        if self._stats is None:
            rows = total = 0
            for store in self.stores:
                n, t = store.fts_totals()
                rows += n
                total += t
            self._stats = (rows, total / rows if rows else 0.0)
        return self._stats

    def phrase_rows(self, group: tuple[str, ...]) -> int:
        """In how many rows a word or phrase (a query group) occurs, over all shards."""
        if group not in self._phrase_rows:
            words = [t for w in group for t in tokens(w)]
            if len(words) == 1:
                count = self.term_frequencies(words)[words[0]]
            else:
                count = sum(s.count_matches(_phrase(words)) for s in self.stores) if words else 0
            self._phrase_rows[group] = count
        return self._phrase_rows[group]

    # --- search ---------------------------------------------------------------------------------

    def search(self, groups: list[tuple[str, ...]], match: str, limit: int, *,
               authors: Iterable[str] = ()) -> list[Hit]:
        """The best `limit` rows for an FTS5 OR-query of `groups`, over all shards, by BM25
        with corpus-wide statistics; quoted copies of a message indexed in any shard are left
        out (see Store.search)."""
        authors = tuple(authors)
        depth = 2 * limit + 20
        pools = list(enumerate(self._each(lambda store: store.search(match, depth, authors=authors))))
        if len(self.stores) > 1:
            pools = self._without_known_copies(pools)
        rows, average = self.fts_stats()
        phrases = [[t for w in g for t in tokens(w)] for g in groups]
        idf = []
        for group, words in zip(groups, phrases):
            hits = self.phrase_rows(group)
            value = math.log((rows - hits + 0.5) / (hits + 0.5)) if words else 0.0
            idf.append(value if value > 0 else 1e-6)
        files = self._files(pools)
        found = [Hit(shard, row, bm25(tokens(row["terms"]), phrases, idf, average),
                     position(files[(shard, row["doc_rowid"])], row))
                 for shard, pool in pools for row in pool]
        found.sort(key=lambda h: h.order)
        return found[:limit]

    def _each(self, call) -> list:
        """`call(store)` for every shard, in shard order: at once, in threads, when there are
        several (SQLite lets go of the GIL while it searches), one after the other otherwise."""
        if len(self.stores) == 1:
            return [call(self.stores[0])]
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=len(self.stores), thread_name_prefix="shard")
        return list(self._threads.map(call, self.stores))

    def _files(self, pools) -> dict[tuple[int, int], str]:
        """The file of each row's document, by (shard, document rowid)."""
        found = {}
        for shard, pool in pools:
            rowids = {r["doc_rowid"] for r in pool}
            for rowid, row in self.stores[shard].documents_by_rowid(rowids).items():
                found[(shard, rowid)] = row["file"]
        return found

    def _without_known_copies(self, pools):
        """A quoted sentence whose original (same words, not quoted) or quoted message is
        indexed in another shard is a copy, as it would be within one shard."""
        quoted = [(i, r) for i, pool in pools for r in pool if r["quoted"]]
        if not quoted:
            return pools
        hashes = {normalized_hash(r["text"]) for _, r in quoted}
        refs = {r["quote_ref"] for _, r in quoted if r["quote_ref"]}
        originals: list[tuple[set[str], set[str]]] = [s.known_originals(hashes, refs) for s in self.stores]

        def copy(shard: int, row) -> bool:
            h = normalized_hash(row["text"])
            return any(h in o_hashes or (row["quote_ref"] and row["quote_ref"] in o_refs)
                       for j, (o_hashes, o_refs) in enumerate(originals) if j != shard)

        return [(i, [r for r in pool if not (r["quoted"] and copy(i, r))]) for i, pool in pools]

    def sentences_of(self, doc_ids: Iterable[str]) -> list[tuple[int, sqlite3.Row]]:
        """(shard, row) of every sentence of the given documents, in corpus order."""
        doc_ids = list(doc_ids)
        pools = [(i, store.sentences_of(doc_ids)) for i, store in enumerate(self.stores)]
        files = self._files(pools)
        rows = [(i, row) for i, pool in pools for row in pool]
        rows.sort(key=lambda ir: position(files[(ir[0], ir[1]["doc_rowid"])], ir[1]))
        return rows

    # --- the analysis cache (the first shard's) --------------------------------------------------

    def get_analyses(self, keys: list[str]) -> dict[str, str]:
        return self.stores[0].get_analyses(keys)

    def put_analyses(self, items: dict[str, str]) -> None:
        self.stores[0].put_analyses(items)

    # --- the corpus as a whole -------------------------------------------------------------------

    def document(self, doc_id: str):
        for store in self.stores:
            found = store.document(doc_id)
            if found is not None:
                return found
        return None

    def activity(self) -> list[tuple[str, str, int]]:
        """(month, an author string, documents) per author key and month, over all shards."""
        merged: dict[tuple[str, str], list] = {}
        for store in self.stores:
            for month, key, author, count in store.activity_by_key():
                entry = merged.setdefault((month, key), [author, 0])
                entry[0] = min(entry[0], author)
                entry[1] += count
        return [(month, author, count) for (month, _), (author, count) in sorted(merged.items())]

    def summary(self) -> CorpusSummary:
        """The corpus summary, the same from N shards as from one."""
        parts = [s.summary() for s in self.stores]
        languages = Counter()
        for p in parts:
            languages.update(p.languages)
        firsts = [s.first_dated() for s in self.stores]
        lasts = [s.last_dated() for s in self.stores]
        first = min((f for f in firsts if f), default=None)
        last = max((f for f in lasts if f), default=None)
        # By file, each file's errors in their order.
        errors = [e for _, e in sorted((item for s in self.stores for item in s.errors_by_file()),
                                       key=lambda item: item[0])]
        return CorpusSummary(
            documents=sum(p.documents for p in parts), sentences=sum(p.sentences for p in parts),
            languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
            first_date=first[1] if first else None, last_date=last[2] if last else None,
            undated=sum(p.undated for p in parts), unattributed=sum(p.unattributed for p in parts),
            files=sum(p.files for p in parts), errors=tuple(errors), skipped=parts[0].skipped,
            corpus_hash=self.corpus_hash())

    def corpus_hash(self) -> str | None:
        """The corpus hash as one index computes it (see indexer._corpus_hash)."""
        config = self.stores[0].meta("config")
        if config is None:
            return None
        digest = hashlib.sha256(json.loads(config)["aliases"].encode())
        files = sorted(tuple(row) for s in self.stores
                       for row in s.db.execute("SELECT path, sha256 FROM files"))
        for path, sha in files:
            digest.update(f"{path}\0{sha}\n".encode())
        return digest.hexdigest()[:16]


def update_shards(corpus: Path, shards: ShardSet, segmenter: Segmenter, *,
                  progress: ProgressCallback | None = None, wait: float = 0.0) -> IndexStats:
    """Bring every shard up to date, one after the other, in this process."""
    count = len(shards.stores)
    stats = [update_index(corpus, store, segmenter, progress=progress, wait=wait, shard=(i, count))
             for i, store in enumerate(shards.stores)]
    return settle_duplicates(corpus, shards, segmenter, stats, wait=wait)


def settle_duplicates(corpus: Path, shards: ShardSet, segmenter: Segmenter | None,
                      stats: list[IndexStats], *, wait: float = 0.0) -> IndexStats:
    """After every shard's own run (`stats`, one per shard): a document id found in files of
    two shards is kept once, as one index keeps it. The copy from the file read first (in the
    corpus's reading order, the order a fresh index reads it in) stays; the other is taken
    out - with the same content silently, with other content as the input problem one index
    reports ("duplicate id ... with different content (first loaded from ...); skipped").
    When anything changed, the files that lost a copy are read again first, so a copy comes
    back once the file that held the first one is gone or changed."""
    count = len(shards.stores)
    if count > 1 and any(s.changed or s.rebuilt for s in stats):
        for i, store in enumerate(shards.stores):
            if stats[i].changed:
                continue  # its own run read its conflicting files again already
            again = update_index(corpus, store, segmenter, wait=wait, shard=(i, count), retry_conflicts=True)
            stats[i].updated += again.updated
            stats[i].unchanged -= len(again.updated)
            stats[i].documents += again.documents
            stats[i].sentences += again.sentences
            stats[i].errors += again.errors
            stats[i].seconds += again.seconds
        dropped = _drop_later_copies(shards, wait=wait)
        merged = merge_stats(stats)
        merged.documents -= dropped.documents
        merged.sentences -= dropped.sentences
        merged.errors += dropped.errors
    else:
        merged = merge_stats(stats)
    shards.forget()
    return merged


def _drop_later_copies(shards: ShardSet, *, wait: float = 0.0) -> IndexStats:
    """Take out every copy of a document id but the first (see settle_duplicates)."""
    seen: dict[str, list[int]] = {}
    for i, store in enumerate(shards.stores):
        for (doc_id,) in store.db.execute("SELECT id FROM documents"):
            seen.setdefault(doc_id, []).append(i)
    clashing = sorted(doc_id for doc_id, where in seen.items() if len(where) > 1)
    dropped = IndexStats()
    if not clashing:
        return dropped
    copies: dict[str, list] = {}
    for doc_id in clashing:
        for i in seen[doc_id]:
            row = shards.stores[i].db.execute(
                "SELECT d.rowid, d.file, d.provenance, d.content_hash, (SELECT count(*) FROM sentences s "
                "WHERE s.doc_rowid = d.rowid) AS sentences FROM documents d WHERE d.id = ?", (doc_id,)).fetchone()
            copies.setdefault(doc_id, []).append((file_order(row["file"]), i, row))
    touched: set[int] = set()
    try:
        for doc_id in clashing:
            (_, _, first), *later = sorted(copies[doc_id], key=lambda c: c[0])
            for _, i, row in later:
                reason = None if row["content_hash"] == first["content_hash"] else (
                    f"duplicate id {doc_id!r} with different content (first loaded from "
                    f"{first['provenance']}); skipped")
                store = shards.stores[i]
                if i not in touched:
                    store.lock(wait)
                    touched.add(i)
                with store.transaction():
                    places = store.drop_document(doc_id, reason)
                if reason:  # one index counts a same-content copy among the documents it read
                    dropped.documents += 1
                    dropped.sentences += row["sentences"]
                    dropped.errors += [InputError(reason, path=f, line=line) for f, line in places]
        for i in sorted(touched):
            store = shards.stores[i]
            with store.transaction():
                store.set_meta("sentence_count",
                               str(store.db.execute("SELECT count(*) FROM sentences").fetchone()[0]))
            store.checkpoint()
    finally:
        for i in touched:
            shards.stores[i].unlock()
    return dropped


def file_order(file: str) -> tuple:
    """Where a file comes in the corpus's reading order (a folder's files before its subfolders)."""
    parts = file.split("/")
    return tuple((1, d) for d in parts[:-1]) + ((0, parts[-1]),)


def merge_stats(stats: list[IndexStats]) -> IndexStats:
    """What the shards' index runs did, as one run's figures (seconds: the longest)."""
    if len(stats) == 1:
        return stats[0]
    merged = IndexStats()
    for s in stats:
        merged.added += s.added
        merged.updated += s.updated
        merged.removed += s.removed
        merged.unchanged += s.unchanged
        merged.documents += s.documents
        merged.sentences += s.sentences
        merged.errors += s.errors
        merged.seconds = max(merged.seconds, s.seconds)
        merged.rebuilt = merged.rebuilt or s.rebuilt
    for names in (merged.added, merged.updated, merged.removed):
        names.sort()
    return merged


def position(file: str, row) -> tuple:
    """Where a sentence row is in the corpus, the same whatever the shards: its file in the
    order the corpus is read (a folder's files before its subfolders), its document in its
    file (a file's documents are all in one shard, in order), its field, its offset. A fresh
    single index numbers its sentences in this order."""
    return (file_order(file), row["doc_rowid"], row["field"] != "text", row["field"], row["start"])


def bm25(row_tokens: list[str], phrases: list[list[str]], idf: list[float], average: float) -> float:
    """FTS5's bm25() of one row for an OR-query of phrases, with the given corpus statistics
    (higher is better; FTS5 returns it negated)."""
    length = len(row_tokens)
    counts = Counter(row_tokens)
    score = 0.0
    norm = K1 * (1 - B + B * length / average) if average else K1
    for words, weight in zip(phrases, idf):
        n = len(words)
        if n == 1:
            frequency = counts.get(words[0], 0)
        elif n and all(w in counts for w in words):
            frequency = sum(1 for i in range(length - n + 1) if row_tokens[i:i + n] == words)
        else:
            continue
        if frequency:
            score += weight * frequency * (K1 + 1) / (frequency + norm)
    return score


def _phrase(words: list[str]) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'
