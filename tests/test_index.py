"""The index: incremental, all-or-nothing per file, quoted copies left out, one writer."""

from __future__ import annotations

import os
import sqlite3

import pytest

from factcheck.config import NlpSettings, Settings
from factcheck.errors import StoreBusyError, StoreError
from factcheck.store import indexer as indexer_module
from factcheck.store.indexer import update_index
from factcheck.store.sqlite import Store
from factcheck.text.aliases import Aliases
from factcheck.text.nlp import Segmenter

BLANK = Settings(nlp=NlpSettings(trained=False))


@pytest.fixture(scope="module")
def blank():
    return Segmenter(BLANK, Aliases())


def run(corpus, db, segmenter):
    with Store.open(db) as store:
        report = update_index(corpus, store, segmenter)
        return report, store.summary()


def count(db, table):
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_index_builds_then_does_no_work_when_unchanged(corpus_copy, tmp_path, blank):
    db = tmp_path / "i.db"
    report, summary = run(corpus_copy, db, blank)
    assert sorted(report.added) == ["articles/rapport.md", "mail/board.eml", "mail/thread.mbox",
                                    "quotes.csv", "quotes.jsonl"]
    assert summary.documents == 11 and summary.files == 5
    assert summary.languages == {"en": 8, "fr": 3}
    assert (summary.first_date, summary.last_date) == ("2018-05-02", "2021-05-10")
    assert (summary.undated, summary.unattributed) == (1, 1)
    sentences = count(db, "sentences")
    again, _ = run(corpus_copy, db, blank)
    assert not again.changed and again.unchanged == 5 and again.sentences == 0
    assert count(db, "sentences") == sentences


def test_index_touched_but_identical_file_is_not_read(corpus_copy, tmp_path, blank):
    db = tmp_path / "i.db"
    run(corpus_copy, db, blank)
    os.utime(corpus_copy / "quotes.csv", (1, 1))
    report, _ = run(corpus_copy, db, blank)
    assert not report.changed


def test_index_changed_file_is_replaced_and_deleted_file_disappears(corpus_copy, tmp_path, blank):
    db = tmp_path / "i.db"
    run(corpus_copy, db, blank)
    (corpus_copy / "quotes.csv").write_text("id,text,author\ncsv-9,A completely new row.,Zoe\n")
    (corpus_copy / "articles" / "rapport.md").unlink()
    report, summary = run(corpus_copy, db, blank)
    assert report.updated == ["quotes.csv"] and report.removed == ["articles/rapport.md"]
    with Store.open(db) as store:
        assert store.document("csv-9").author == "Zoe"
        assert store.document("csv-1") is None and store.document("article-2021") is None
        assert store.search('"new"', 5)[0]["text"] == "A completely new row."
        assert store.search('"independance"', 5) == []  # the article's words left the FTS index too
    assert summary.documents == 11 - 2 + 1 - 1


def test_index_aliases_change_rebuilds(corpus_copy, tmp_path, blank):
    db = tmp_path / "i.db"
    run(corpus_copy, db, blank)
    (corpus_copy / "aliases.yaml").write_text("Alice Martin: [Alice, The CEO]\n")
    report, _ = run(corpus_copy, db, blank)
    assert report.rebuilt and len(report.added) == 5


def test_index_same_document_in_two_files_is_kept_once_with_both_sources(tmp_path, blank):
    corpus = tmp_path / "c"
    corpus.mkdir()
    line = '{"id": "x", "text": "Same words.", "author": "Ann"}\n'
    (corpus / "a.jsonl").write_text(line)
    (corpus / "b.jsonl").write_text(line)
    (corpus / "c.jsonl").write_text('{"id": "x", "text": "Other words.", "author": "Ann"}\n')
    db = tmp_path / "i.db"
    report, summary = run(corpus, db, blank)
    assert summary.documents == 1
    assert any("duplicate id 'x' with different content" in str(e) and e.path == "c.jsonl"
               for e in report.errors)
    with sqlite3.connect(db) as connection:
        assert sorted(r[0] for r in connection.execute("SELECT file FROM doc_sources")) == ["a.jsonl", "b.jsonl"]
    (corpus / "a.jsonl").unlink()
    (corpus / "b.jsonl").unlink()
    _, summary = run(corpus, db, blank)
    with Store.open(db) as store:  # the clashing record loads once the first is gone
        assert store.document("x").text == "Other words."


def test_index_failure_mid_file_leaves_the_previous_index(corpus_copy, tmp_path, blank, monkeypatch):
    db = tmp_path / "i.db"
    run(corpus_copy, db, blank)
    before = count(db, "sentences")
    (corpus_copy / "quotes.jsonl").write_text('{"id": "n1", "text": "One."}\n{"id": "n2", "text": "Two."}\n')
    original = Store.add_documents

    def failing(self, items):
        original(self, items[:1])  # the file's first document is written,
        raise KeyboardInterrupt  # then the user presses Ctrl-C half-way through the file

    monkeypatch.setattr(Store, "add_documents", failing)
    with pytest.raises(KeyboardInterrupt):
        run(corpus_copy, db, blank)
    monkeypatch.setattr(Store, "add_documents", original)
    assert count(db, "sentences") == before
    with Store.open(db) as store:
        assert store.document("stat-2021-01") is not None and store.document("n1") is None
    report, _ = run(corpus_copy, db, blank)
    assert report.updated == ["quotes.jsonl"]


def test_index_quoted_copy_is_left_out_when_the_original_is_indexed(corpus_copy, tmp_path, blank):
    db = tmp_path / "i.db"
    run(corpus_copy, db, blank)
    with Store.open(db) as store:
        hits = store.search('"independent"', 10)
        assert [(h["author"], h["quoted"]) for h in hits] == [("Alice Martin <alice@acme.example>", 0)]
        carol = store.search('"fares"', 10)  # Carol's words exist only as a quote: kept, hers
        assert [(h["author"], h["quoted"]) for h in carol] == [("Carol King <carol@press.example>", 1)]


def test_index_errors_are_counted_in_the_summary(tmp_path, blank):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"text": "Fine."}\n{broken\n')
    _, summary = run(corpus, tmp_path / "i.db", blank)
    assert summary.documents == 1
    assert summary.errors == ("a.jsonl:2: broken JSON: Expecting property name enclosed in double quotes (column 2)",)


def test_index_refuses_a_file_that_is_not_an_index(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello, I am not a database" * 100)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert "not a factcheck index" in caught.value.hint


def test_index_one_writer_at_a_time(tmp_path, corpus_copy, blank):
    db = tmp_path / "i.db"
    with Store.open(db) as first, Store.open(db) as second:
        first.lock()
        with pytest.raises(StoreBusyError):
            update_index(corpus_copy, second, blank, wait=0.3)
        first.unlock()
        update_index(corpus_copy, second, blank)


def test_index_newer_schema_is_refused(tmp_path):
    db = tmp_path / "i.db"
    Store.open(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer factcheck"):
        Store.open(db)


def test_index_many_small_files_are_segmented_in_the_workers_with_the_same_result(tmp_path, monkeypatch):
    """Small files go through the worker processes as one stream of batches that span files
    (a folder of small files is not read one file at a time on one core), with the same index
    as one process makes: every file recorded (the empty one too), its errors kept, by file."""
    from factcheck.config import IndexSettings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"note-{n}.jsonl").write_text(
            f'{{"id": "n{n}", "text": "Note {n} says the harbor closed in May {2010 + n}.", "author": "Ann Lee"}}\n')
    (corpus / "empty.jsonl").write_text("")
    (corpus / "bad.jsonl").write_text('{"id": "b1", "text": "Fine line."}\nnot json\n')
    pids = tmp_path / "pids"
    monkeypatch.setenv("FACTCHECK_TEST_PIDS", str(pids))
    monkeypatch.setattr(indexer_module, "_prepare_batch", _recording_prepare_batch)

    def index(processes):
        # Batches of 3 units: most hold units of two or three files.
        settings = Settings(nlp=NlpSettings(trained=False), index=IndexSettings(processes=processes, batch_size=3))
        db = tmp_path / f"index-{processes}.db"
        report, _ = run(corpus, db, Segmenter(settings, Aliases()))
        with sqlite3.connect(db) as connection:
            files = connection.execute("SELECT path, documents, errors FROM files ORDER BY path").fetchall()
            sentences = connection.execute("SELECT text, author FROM sentences ORDER BY id").fetchall()
        return report, files, sentences

    alone = index(1)
    pids.unlink()
    spread = index(2)
    assert spread[1:] == alone[1:]
    assert len(spread[1]) == 8 and ("empty.jsonl", 0, "[]") in spread[1]
    assert [e.line for e in spread[0].errors] == [2] and len(spread[2]) == 7
    assert sorted(spread[0].added) == sorted(alone[0].added)
    workers = {int(p) for p in pids.read_text().split()}
    assert os.getpid() not in workers and len(workers) >= 1


def _recording_prepare_batch(segmenter, batch):
    """The indexer's batch preparation, noting the process it runs in (module-level: the
    worker pool pickles it by name)."""
    with open(os.environ["FACTCHECK_TEST_PIDS"], "a") as stream:
        stream.write(f"{os.getpid()}\n")
    return _PREPARE_BATCH(segmenter, batch)


_PREPARE_BATCH = indexer_module._prepare_batch
