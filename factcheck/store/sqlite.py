"""Store: the corpus index in an embedded SQLite database with FTS5.

- A file whose size, mtime and content hash are unchanged is not read again.
- A changed file is replaced in one transaction; a deleted file disappears with its documents.
- The schema is versioned: numbered migrations are applied on open.
- One writer at a time (a lock file beside the database); readers are never blocked (WAL).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Iterable, NamedTuple

from factcheck.config import INDEX_DIRNAME, INDEX_FILENAME
from factcheck.errors import InputError, StoreBusyError, StoreError
from factcheck.model import CorpusSummary, Document, Part, Provenance, Sentence
from factcheck.text.aliases import Aliases
from factcheck.text.dates import PartialDate
from factcheck.text.folding import fold

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE files (
        path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
        documents INTEGER NOT NULL DEFAULT 0, errors TEXT NOT NULL DEFAULT '[]',
        conflicts INTEGER NOT NULL DEFAULT 0, indexed_at TEXT);
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
        provenance TEXT NOT NULL, date TEXT, date_precision TEXT, date_start TEXT, date_end TEXT,
        author TEXT, author_key TEXT, recipients TEXT, kind TEXT, source TEXT, url TEXT,
        lang TEXT, title TEXT, text TEXT NOT NULL, translations TEXT, parts TEXT,
        in_reply_to TEXT, note TEXT, content_hash TEXT NOT NULL);
    CREATE INDEX documents_file ON documents(file);
    CREATE TABLE doc_sources (
        doc_rowid INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        file TEXT NOT NULL, provenance TEXT NOT NULL, PRIMARY KEY (doc_rowid, file, provenance));
    CREATE INDEX doc_sources_file ON doc_sources(file);
    CREATE TABLE sentences (
        id INTEGER PRIMARY KEY, doc_rowid INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        field TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
        lang TEXT, author TEXT, author_key TEXT, date TEXT, date_precision TEXT,
        quoted INTEGER NOT NULL DEFAULT 0, quote_ref TEXT, norm_hash TEXT NOT NULL,
        terms TEXT NOT NULL);
    CREATE INDEX sentences_doc ON sentences(doc_rowid);
    CREATE INDEX sentences_norm ON sentences(norm_hash);
    CREATE INDEX sentences_author ON sentences(author_key);
    CREATE VIRTUAL TABLE sentence_fts USING fts5(
        terms, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE sentence_vocab USING fts5vocab(sentence_fts, 'row');
    CREATE TABLE entities (
        sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
        canonical TEXT NOT NULL, text TEXT NOT NULL);
    CREATE INDEX entities_sentence ON entities(sentence_id);
    CREATE INDEX entities_canonical ON entities(canonical);
    CREATE TABLE sentence_dates (
        sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE, date TEXT NOT NULL);
    CREATE INDEX sentence_dates_sentence ON sentence_dates(sentence_id);
    CREATE TABLE analyses (key TEXT PRIMARY KEY, data TEXT NOT NULL);
    """,
]


class Prepared(NamedTuple):
    """A document made ready for the index, away from the database (in a worker process):
    the rows `Store.add_documents` writes, without the ids it gives them."""

    id: str
    file: str
    provenance: str
    content_hash: str
    line: int | None
    row: tuple  # the documents table's columns after rowid and id
    sentences: list[tuple]  # the sentences table's columns after id and doc_rowid
    entities: list[tuple]  # (sentence number in the document, canonical name, text)
    dates: list[tuple]  # (sentence number in the document, ISO date)


def prepare_document(document: Document, sentences: list[Sentence], aliases: Aliases,
                     content_hash: str) -> Prepared:
    d = document
    provenance = str(d.provenance)
    row = (d.provenance.file, provenance, _iso(d.date), d.date.precision if d.date else None,
           d.date.start.isoformat() if d.date else None, d.date.end.isoformat() if d.date else None,
           d.author, _key(aliases.canonical(d.author)),
           json.dumps(list(d.recipients)) if d.recipients else "[]", d.kind,
           d.source, d.url, sentences[0].lang if sentences else d.lang, d.title, d.text,
           json.dumps(dict(d.translations), ensure_ascii=False) if d.translations else "{}",
           json.dumps([_part_json(p) for p in d.parts]), d.in_reply_to, d.note, content_hash)
    author_keys = {a: _key(aliases.canonical(a)) for a in {s.author for s in sentences}}
    rows, entities, dates = [], [], []
    for n, s in enumerate(sentences):
        rows.append((s.field, s.start, s.end, s.text, s.lang, s.author, author_keys[s.author], _iso(s.date),
                     s.date.precision if s.date else None, int(s.quoted), s.quote_ref,
                     normalized_hash(s.text), " ".join(s.lemmas)))
        if s.entities:
            entities += [(n, c, t) for c, t in s.entities]
        if s.dates:
            dates += [(n, iso) for iso in s.dates]
    return Prepared(d.id, d.provenance.file, provenance, content_hash, d.provenance.line, row, rows,
                    entities, dates)


def default_db_path(corpus: Path) -> Path:
    return Path(corpus) / INDEX_DIRNAME / INDEX_FILENAME


_WORDS = re.compile(r"\w+")


def normalized_hash(text: str) -> str:
    """Same words, same hash: quoted copies match their original whatever the wrapping."""
    words = _WORDS.findall(fold(text))
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:20]


class Store:
    """The index database. Open with `Store.open(path)`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.db = connection
        self.path = path
        self._lock_file = None
        # Term frequencies read during checks (each costs a walk of the term's entries);
        # forgotten whenever this store writes.
        self._frequencies: dict[str, int] = {}
        self._bulk = False
        self._depth = 0

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True, readonly: bool = False) -> Store:
        """`readonly`: for checks on a cluster's workers, which never write. When everything
        is in the database file (an index run ends with a checkpoint), it is read as
        immutable - no locks, no WAL - which works where SQLite's locking does not, such as
        a network filesystem: the index must then not change while they read it."""
        path = Path(path)
        if not path.exists() and (readonly or not create):
            raise StoreError(f"no index at {path}", hint="Run `factcheck index CORPUS` first.")
        if readonly:
            return cls._open_readonly(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30, isolation_level=None,
                                         check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            store = cls(connection, path)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the index {path}: {exc}",
                             hint=store_hint(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot create the index {path}: {exc.strerror or exc}") from None
        return store

    @classmethod
    def _open_readonly(cls, path: Path) -> Store:
        wal = path.with_name(path.name + "-wal")
        mode = "mode=ro" if wal.exists() and wal.stat().st_size else "immutable=1"
        try:
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                                         isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the index {path}: {exc}", hint=store_hint(exc)) from None
        if version != len(MIGRATIONS):
            connection.close()
            raise StoreError(f"the index {path} has schema {version}, this factcheck reads {len(MIGRATIONS)}",
                             hint="Run `factcheck index CORPUS` with this version first.")
        return cls(connection, path)

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"the index {self.path} was written by a newer factcheck "
                             f"(schema {version}, this one knows {len(MIGRATIONS)})",
                             hint="Upgrade factcheck, or delete the index to rebuild it.")
        for number in range(version, len(MIGRATIONS)):
            with self.transaction():
                for statement in _statements(MIGRATIONS[number]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    def close(self) -> None:
        self.unlock()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self):
        """All or nothing: an interrupted write leaves the previous state. Within another
        transaction, part of it (it commits or rolls back with it)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._frequencies.clear()
        self._depth = 1
        try:
            yield
        except BaseException:
            # SQLite may have rolled back already (a full disk does): then there is nothing
            # to undo, and the original error is the one to report.
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    def checkpoint(self) -> None:
        """Move what the write-ahead log holds into the database file (see `open`, readonly)."""
        with contextlib.suppress(sqlite3.OperationalError):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def lock(self, wait: float = 0.0) -> None:
        """Take the writer's lock, waiting up to `wait` seconds for another run."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_path, "a+")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    handle.close()
                    raise StoreError(f"cannot lock the index {self.path}: {exc}") from None
                if time.monotonic() >= deadline:
                    handle.close()
                    raise StoreBusyError(f"another factcheck run is writing the index {self.path}")
                time.sleep(0.2)
        self._lock_file = handle

    def unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    # --- meta ---------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                        "SET value = excluded.value", (key, value))

    # --- writing ------------------------------------------------------------------------------

    def known_files(self) -> dict[str, sqlite3.Row]:
        return {row["path"]: row for row in self.db.execute("SELECT * FROM files")}

    def remove_file(self, relpath: str) -> None:
        """Forget a file: its documents go unless another file holds them too."""
        self.db.execute("DELETE FROM doc_sources WHERE file = ?", (relpath,))
        orphans = [r[0] for r in self.db.execute(
            "SELECT rowid FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM doc_sources s WHERE s.doc_rowid = d.rowid)")]
        for chunk in _chunks(orphans, 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                "INSERT INTO sentence_fts(sentence_fts, rowid, terms) SELECT 'delete', id, terms "
                f"FROM sentences WHERE doc_rowid IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM documents WHERE rowid IN ({marks})", chunk)
        # Documents still held by another file keep their row but should now name that file.
        self.db.execute(
            "UPDATE documents SET file = (SELECT file FROM doc_sources s WHERE s.doc_rowid = "
            "documents.rowid ORDER BY file LIMIT 1), provenance = (SELECT provenance FROM "
            "doc_sources s WHERE s.doc_rowid = documents.rowid ORDER BY file LIMIT 1) WHERE file = ?",
            (relpath,))
        self.db.execute("DELETE FROM files WHERE path = ?", (relpath,))

    def add_document(self, document: Document, sentences: list[Sentence], aliases: Aliases,
                     content_hash: str) -> str | None:
        """Insert a document and its sentences; returns a reason if it was not added."""
        return self.add_documents([prepare_document(document, sentences, aliases, content_hash)])[0]

    def add_documents(self, items: list[Prepared]) -> list[str | None]:
        """Insert documents made ready by `prepare_document`, in order, each table taking
        them in one statement; returns, for each, a reason if it was not added (its id is
        taken by a document with other content). One writer holds the lock, so ids are
        given here: documents and sentences are numbered in the order they come."""
        if not items:
            return []
        existing: dict[str, tuple] = {}
        for chunk in _chunks(list(dict.fromkeys(p.id for p in items)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute("SELECT id, rowid, content_hash, provenance FROM documents "
                                       f"WHERE id IN ({marks})", chunk):
                existing[row[0]] = (row[1], row[2], row[3])
        next_rowid = self.db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM documents").fetchone()[0]
        next_id = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM sentences").fetchone()[0]
        reasons: list[str | None] = []
        documents, sources, rows, entities, dates = [], [], [], [], []
        for p in items:
            found = existing.get(p.id)
            if found is not None:
                if found[1] == p.content_hash:
                    sources.append((found[0], p.file, p.provenance))
                    reasons.append(None)
                else:
                    reasons.append(f"duplicate id {p.id!r} with different content "
                                   f"(first loaded from {found[2]}); skipped")
                continue
            doc_rowid = next_rowid
            next_rowid += 1
            existing[p.id] = (doc_rowid, p.content_hash, p.provenance)
            documents.append((doc_rowid, p.id, *p.row))
            sources.append((doc_rowid, p.file, p.provenance))
            rows += [(next_id + n, doc_rowid, *sentence) for n, sentence in enumerate(p.sentences)]
            entities += [(next_id + n, canonical, text) for n, canonical, text in p.entities]
            dates += [(next_id + n, iso) for n, iso in p.dates]
            next_id += len(p.sentences)
            reasons.append(None)
        if documents:
            self.db.executemany(
                "INSERT INTO documents (rowid, id, file, provenance, date, date_precision, date_start, "
                "date_end, author, author_key, recipients, kind, source, url, lang, title, text, "
                "translations, parts, in_reply_to, note, content_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", documents)
        if sources:
            # A copy with the same content adds its file to the document's sources.
            self.db.executemany("INSERT OR IGNORE INTO doc_sources VALUES (?, ?, ?)", sources)
        if rows:
            self.db.executemany(
                "INSERT INTO sentences (id, doc_rowid, field, start, end, text, lang, author, "
                "author_key, date, date_precision, quoted, quote_ref, norm_hash, terms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if not self._bulk:
                self.db.executemany("INSERT INTO sentence_fts(rowid, terms) VALUES (?, ?)",
                                    [(row[0], row[-1]) for row in rows])
        if entities:
            self.db.executemany("INSERT INTO entities VALUES (?, ?, ?)", entities)
        if dates:
            self.db.executemany("INSERT INTO sentence_dates VALUES (?, ?)", dates)
        return reasons

    @contextlib.contextmanager
    def bulk_load(self):
        """Within a transaction, the load of an empty index: its secondary indexes are dropped
        and made again at the end, and the full-text index is built once from all the rows -
        on a large corpus, much faster than row by row. All in the caller's transaction: a run
        that stops half-way leaves the index as it was. (A larger page cache made it no faster
        and cost its size in memory: 570 MB against 180 MB at the peak of a 2.5M-sentence
        shard with 256 MB of cache.)"""
        if not self.db.in_transaction:
            raise RuntimeError("bulk_load runs inside a transaction")
        indexes = self.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                  "AND sql IS NOT NULL ORDER BY name").fetchall()
        for name, _ in indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self._bulk = True
        try:
            yield
            self._bulk = False
            self.db.execute("INSERT INTO sentence_fts(sentence_fts) VALUES ('rebuild')")
            for _, sql in indexes:
                self.db.execute(sql)
        finally:
            self._bulk = False

    def is_empty(self) -> bool:
        return self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM sentences) AND NOT EXISTS "
                               "(SELECT 1 FROM documents) AND NOT EXISTS (SELECT 1 FROM files)").fetchone()[0] == 1

    def drop_document(self, doc_id: str, reason: str | None) -> list[str]:
        """Take out a document that another shard holds (see store.shards.settle_duplicates);
        its files are marked as having lost one to a clashing id and, with a `reason`, say
        so as an input problem at the document's line. Returns (file, line) of its copies."""
        row = self.db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return []
        sources = self.db.execute("SELECT file, provenance FROM doc_sources WHERE doc_rowid = ? "
                                  "ORDER BY file, provenance", (row["rowid"],)).fetchall()
        self.db.execute("INSERT INTO sentence_fts(sentence_fts, rowid, terms) SELECT 'delete', id, terms "
                        "FROM sentences WHERE doc_rowid = ?", (row["rowid"],))
        self.db.execute("DELETE FROM documents WHERE rowid = ?", (row["rowid"],))
        found = []
        for source in sources:
            line = _provenance(source["provenance"]).line
            found.append((source["file"], line))
            errors = json.loads(self.db.execute("SELECT errors FROM files WHERE path = ?",
                                                (source["file"],)).fetchone()[0])
            if reason:
                # At its place in the file, as one index lists them, the others left in order.
                at = next((i for i, e in enumerate(errors) if line and (e.get("line") or 0) > line), len(errors))
                errors.insert(at, {"line": line, "message": reason})
            # A copy with the same content counts as loaded, as in one index.
            self.db.execute("UPDATE files SET errors = ?, conflicts = 1, documents = max(0, documents - ?) "
                            "WHERE path = ?", (json.dumps(errors), int(bool(reason)), source["file"]))
        return found

    def record_file(self, relpath: str, sha: str, size: int, mtime_ns: int, documents: int,
                    errors: list[InputError], conflicts: bool) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, datetime('now'))",
            (relpath, sha, size, mtime_ns, documents,
             json.dumps([{"line": e.line, "message": e.reason} for e in errors]), int(conflicts)))

    def clear(self) -> None:
        for table in ("sentence_dates", "entities", "sentences", "doc_sources", "documents", "files"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("INSERT INTO sentence_fts(sentence_fts) VALUES ('delete-all')")

    # --- analysis cache (see Segmenter.analyze) ----------------------------------------------

    def get_analyses(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT key, data FROM analyses WHERE key IN ({marks})", chunk).fetchall())
        return found

    def put_analyses(self, items: dict[str, str]) -> None:
        # A failed cache write must never fail a check: the cache is only an optimisation.
        with contextlib.suppress(sqlite3.OperationalError):
            self.db.executemany("INSERT OR IGNORE INTO analyses VALUES (?, ?)", items.items())

    # --- reading --------------------------------------------------------------------------------

    def search(self, match: str, limit: int, *, authors: Iterable[str] = ()) -> list[sqlite3.Row]:
        """Sentences matching an FTS5 expression, best BM25 first.

        Quoted copies are left out when the quoted message is itself in the corpus: the
        original is the evidence, with its own author and date.
        """
        author_keys = [a for a in authors if a]
        columns = ("s.id, s.doc_rowid, s.field, s.start, s.end, s.text, s.lang, s.author, s.author_key, "
                   "s.date, s.date_precision, s.quoted, s.quote_ref, s.terms")
        not_a_known_copy = (
            "NOT (s.quoted AND (EXISTS (SELECT 1 FROM sentences o WHERE o.norm_hash = s.norm_hash "
            "AND o.quoted = 0) OR (s.quote_ref IS NOT NULL AND EXISTS (SELECT 1 FROM documents d "
            "WHERE d.id = s.quote_ref))))")
        try:
            if not author_keys:
                # Rank in the full-text index alone first, then read the best rows with some
                # room for quoted copies: joining every match to its row costs as many
                # lookups as there are matches.
                rows = self.db.execute(
                    f"SELECT {columns}, f.bm25 AS bm25 FROM (SELECT rowid, bm25(sentence_fts) AS bm25 "
                    "FROM sentence_fts WHERE sentence_fts MATCH ? ORDER BY bm25, rowid LIMIT ?) f "
                    f"JOIN sentences s ON s.id = f.rowid WHERE {not_a_known_copy} ORDER BY f.bm25, s.id LIMIT ?",
                    (match, 2 * limit + 20, limit)).fetchall()
                if len(rows) == limit:
                    return rows
            author_filter = f" AND s.author_key IN ({','.join('?' * len(author_keys))})" if author_keys else ""
            return self.db.execute(
                f"SELECT {columns}, bm25(sentence_fts) AS bm25 FROM sentence_fts JOIN sentences s "
                f"ON s.id = sentence_fts.rowid WHERE sentence_fts MATCH ?{author_filter} "
                f"AND {not_a_known_copy} ORDER BY bm25, s.id LIMIT ?", (match, *author_keys, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "syntax" in str(exc):
                return []
            raise

    def count_matches(self, match: str) -> int:
        """How many rows an FTS5 expression matches."""
        try:
            return self.db.execute("SELECT count(*) FROM sentence_fts WHERE sentence_fts MATCH ?",
                                   (match,)).fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc) or "syntax" in str(exc):
                return 0
            raise

    def fts_totals(self) -> tuple[int, int]:
        """(rows, tokens) of the full-text index, as FTS5's bm25() reads them: the varints of
        its 'averages' record."""
        row = self.db.execute("SELECT block FROM sentence_fts_data WHERE id = 1").fetchone()
        if row is None or not row[0]:
            return 0, 0
        values, blob, i = [], bytes(row[0]), 0
        while i < len(blob) and len(values) < 2:
            value, i = _varint(blob, i)
            values.append(value)
        return (values + [0, 0])[0], (values + [0, 0])[1]

    def known_originals(self, hashes: Iterable[str], refs: Iterable[str]) -> tuple[set[str], set[str]]:
        """Which of these sentence hashes this index holds unquoted, and which of these
        document ids it holds (see `search`: quoted copies of what is indexed are left out)."""
        found_hashes: set[str] = set()
        found_refs: set[str] = set()
        for chunk in _chunks(sorted(set(hashes)), 500):
            marks = ",".join("?" * len(chunk))
            found_hashes.update(r[0] for r in self.db.execute(
                f"SELECT DISTINCT norm_hash FROM sentences WHERE quoted = 0 AND norm_hash IN ({marks})", chunk))
        for chunk in _chunks(sorted(set(refs)), 500):
            marks = ",".join("?" * len(chunk))
            found_refs.update(r[0] for r in self.db.execute(
                f"SELECT id FROM documents WHERE id IN ({marks})", chunk))
        return found_hashes, found_refs

    def sentences_of(self, doc_ids: Iterable[str]) -> list[sqlite3.Row]:
        """Every sentence of the given documents, in document order."""
        rows: list[sqlite3.Row] = []
        for chunk in _chunks(list(dict.fromkeys(doc_ids)), 500):
            marks = ",".join("?" * len(chunk))
            rows += self.db.execute(
                "SELECT s.id, s.doc_rowid, s.field, s.start, s.end, s.text, s.lang, s.author, "
                "s.author_key, s.date, s.date_precision, s.quoted, s.quote_ref, s.terms "
                f"FROM sentences s JOIN documents d ON d.rowid = s.doc_rowid WHERE d.id IN ({marks}) "
                "ORDER BY s.id", chunk).fetchall()
        return rows

    def sentence_count(self) -> int:
        cached = self.meta("sentence_count")
        if cached is not None:
            return int(cached)
        return self.db.execute("SELECT count(*) FROM sentences").fetchone()[0]

    def term_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """In how many sentences each term occurs (terms as indexed: folded lemmas)."""
        found: dict[str, int] = {}
        for term in dict.fromkeys(terms):
            if term not in self._frequencies:
                row = self.db.execute("SELECT doc FROM sentence_vocab WHERE term = ?", (term,)).fetchone()
                self._frequencies[term] = row[0] if row else 0
            found[term] = self._frequencies[term]
        return found

    def documents_by_rowid(self, rowids: Iterable[int]) -> dict[int, sqlite3.Row]:
        found: dict[int, sqlite3.Row] = {}
        for chunk in _chunks(list(set(rowids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                    "SELECT rowid, id, file, provenance, date, date_precision, author, author_key, "
                    "recipients, kind, source, url, lang, title, in_reply_to "
                    f"FROM documents WHERE rowid IN ({marks})", chunk):
                found[row["rowid"]] = row
        return found

    def neighbours(self, sentence_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """The sentences just before and after each one, in the same document and field."""
        found: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(list(set(sentence_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                    "SELECT s.id, p.text, n.text FROM sentences s "
                    "LEFT JOIN sentences p ON p.id = s.id - 1 AND p.doc_rowid = s.doc_rowid AND p.field = s.field "
                    "LEFT JOIN sentences n ON n.id = s.id + 1 AND n.doc_rowid = s.doc_rowid AND n.field = s.field "
                    f"WHERE s.id IN ({marks})", chunk):
                found[row[0]] = (row[1] or "", row[2] or "")
        return found

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def activity(self) -> list[tuple[str, str, int]]:
        """(month, an author string, documents) per author key and month, dated documents only."""
        return [tuple(r) for r in self.db.execute(
            "SELECT substr(date_start, 1, 7) AS month, min(author), count(*) FROM documents "
            "WHERE date_start IS NOT NULL AND author_key IS NOT NULL "
            "GROUP BY author_key, month ORDER BY month")]

    def activity_by_key(self) -> list[tuple[str, str, str, int]]:
        """(month, author key, an author string, documents), dated and attributed documents."""
        return [tuple(r) for r in self.db.execute(
            "SELECT substr(date_start, 1, 7) AS month, author_key, min(author), count(*) FROM documents "
            "WHERE date_start IS NOT NULL AND author_key IS NOT NULL GROUP BY author_key, month")]

    def first_dated(self) -> tuple[str, str] | None:
        row = self.db.execute("SELECT date_start, date FROM documents WHERE date IS NOT NULL "
                              "ORDER BY date_start, date LIMIT 1").fetchone()
        return tuple(row) if row else None

    def last_dated(self) -> tuple[str, str, str] | None:
        row = self.db.execute("SELECT date_start, date_end, date FROM documents WHERE date IS NOT NULL "
                              "ORDER BY date_start DESC, date_end DESC, date DESC LIMIT 1").fetchone()
        return tuple(row) if row else None

    def errors_by_file(self) -> list[tuple[str, str]]:
        """(file, message) of every input error, by file, each file's in order."""
        found = []
        for row in self.db.execute("SELECT path, errors FROM files ORDER BY path"):
            for error in json.loads(row["errors"]):
                where = f"{row['path']}:{error['line']}" if error.get("line") else row["path"]
                found.append((row["path"], f"{where}: {error['message']}"))
        return found

    def summary(self, skipped: Iterable[str] = ()) -> CorpusSummary:
        db = self.db
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        sentences = db.execute("SELECT count(*) FROM sentences").fetchone()[0]
        languages = dict(db.execute(
            "SELECT coalesce(lang, '?'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC"))
        first_doc = db.execute("SELECT date FROM documents WHERE date IS NOT NULL "
                               "ORDER BY date_start LIMIT 1").fetchone()
        last_doc = db.execute("SELECT date FROM documents WHERE date IS NOT NULL "
                              "ORDER BY date_start DESC, date_end DESC LIMIT 1").fetchone()
        undated = db.execute("SELECT count(*) FROM documents WHERE date IS NULL").fetchone()[0]
        unattributed = db.execute("SELECT count(*) FROM documents WHERE author IS NULL").fetchone()[0]
        errors: list[str] = []
        files = 0
        for row in db.execute("SELECT path, errors FROM files ORDER BY path"):
            files += 1
            for error in json.loads(row["errors"]):
                where = f"{row['path']}:{error['line']}" if error.get("line") else row["path"]
                errors.append(f"{where}: {error['message']}")
        return CorpusSummary(
            documents=documents, sentences=sentences, languages=languages,
            first_date=first_doc[0] if first_doc else None,
            last_date=last_doc[0] if last_doc else None, undated=undated,
            unattributed=unattributed, files=files, errors=tuple(errors),
            skipped=tuple(skipped) or tuple(json.loads(self.meta("skipped") or "[]")),
            corpus_hash=self.meta("corpus_hash"))


# --- rows back into values -------------------------------------------------------------------


def row_date(iso: str | None, precision: str | None) -> PartialDate | None:
    return PartialDate(iso, precision) if iso and precision else None


def _document(row: sqlite3.Row) -> Document:
    return Document(
        id=row["id"], text=row["text"], provenance=_provenance(row["provenance"]),
        date=row_date(row["date"], row["date_precision"]), author=row["author"],
        recipients=tuple(json.loads(row["recipients"] or "[]")), kind=row["kind"],
        source=row["source"], url=row["url"], lang=row["lang"], title=row["title"],
        translations=tuple(sorted(json.loads(row["translations"] or "{}").items())),
        parts=tuple(_part(p) for p in json.loads(row["parts"] or "[]")),
        in_reply_to=row["in_reply_to"], note=row["note"])


def _provenance(text: str) -> Provenance:
    match = re.fullmatch(r"(?P<file>.+?)#(?P<message>\d+)(?: \(line (?P<line>\d+)\))?", text)
    if match:
        return Provenance(match["file"], int(match["line"]) if match["line"] else None,
                          int(match["message"]))
    match = re.fullmatch(r"(?P<file>.+):(?P<line>\d+)", text)
    if match:
        return Provenance(match["file"], int(match["line"]))
    return Provenance(text)


def _part_json(part: Part) -> list:
    return [part.start, part.end, part.role, part.author,
            [part.date.iso, part.date.precision] if part.date else None, part.quote_ref]


def _part(raw: list) -> Part:
    start, end, role, author, date, ref = raw
    return Part(start, end, role, author, PartialDate(*date) if date else None, ref)


def _iso(date: PartialDate | None) -> str | None:
    return date.iso if date else None


def _key(name: str | None) -> str | None:
    return fold(name) if name else None


def _varint(blob: bytes, i: int) -> tuple[int, int]:
    """An SQLite varint (as FTS5 writes them) at `i`: (value, next position)."""
    value = 0
    for n in range(8):
        byte = blob[i + n]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, i + n + 1
    return (value << 8) | blob[i + 8], i + 9


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


def store_hint(exc: Exception) -> str | None:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return "The index is read-only: point --db at a writable path."
    if "disk" in text and "full" in text:
        return "The disk is full: free space or point --db elsewhere; the previous index is intact."
    if "not a database" in text or "malformed" in text:
        return "The file is not a factcheck index: delete it or point --db elsewhere."
    return None
