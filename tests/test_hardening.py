"""What leaks and archives contain, and what happens when a run is interrupted.

Each case says what the tool does; the README's "What we tested" table lists them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.perf import peak_run
from factcheck.corpus.claims import add_claim, load_claims
from factcheck.config import NlpSettings, Settings
from factcheck.errors import InputError, StoreError
from factcheck.store.indexer import update_index
from factcheck.store.sqlite import Store
from factcheck.text.aliases import Aliases
from factcheck.corpus.load import discover, load_corpus
from factcheck.text.nlp import Segmenter

BLANK = Settings(nlp=NlpSettings(trained=False))


@pytest.fixture(scope="module")
def blank():
    return Segmenter(BLANK, Aliases())


def index(corpus, db, segmenter):
    with Store.open(db) as store:
        return update_index(corpus, store, segmenter), store.summary()


def factcheck(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "factcheck", *map(str, args)], capture_output=True,
                          text=True, **kwargs)


def eml(headers: str, body: str | bytes, charset_bytes: bool = False) -> bytes:
    head = headers.strip("\n").encode() + b"\n\n"
    return head + (body if isinstance(body, bytes) else body.encode())


# --- corpus edge cases --------------------------------------------------------------------------


@pytest.mark.parametrize("name, error", [
    ("a.jsonl", None), ("a.csv", None), ("a.mbox", None),
    ("a.md", "document has no text"), ("a.txt", "document has no text"), ("a.eml", "no headers"),
])
def test_hardening_empty_files(tmp_path, name, error):
    (tmp_path / name).write_bytes(b"")
    documents, errors = load_corpus(tmp_path)
    assert documents == []
    assert [e.reason for e in errors if error and error in e.reason] or (error is None and errors == [])


@pytest.mark.slow
def test_hardening_fifty_megabyte_document(tmp_path, blank):
    words = "the board said that acme would sell its trains to borealis next year".split()
    rng = random.Random(5)
    corpus = tmp_path / "c"
    corpus.mkdir()
    with open(corpus / "huge.txt", "w") as stream:
        written = 0
        while written < 50_000_000:
            paragraph = " ".join(" ".join(rng.choice(words) for _ in range(14)).capitalize() + "."
                                 for _ in range(6)) + "\n\n"
            stream.write(paragraph)
            written += len(paragraph)
    report, summary = index(corpus, tmp_path / "i.db", blank)
    assert summary.documents == 1 and summary.sentences > 500_000
    with Store.open(tmp_path / "i.db") as store:
        text = store.document("huge.txt").text
        for row in store.db.execute("SELECT start, end, text FROM sentences ORDER BY random() LIMIT 50"):
            assert text[row["start"]:row["end"]] == row["text"]


@pytest.mark.slow
def test_hardening_hundred_thousand_message_mbox_streams(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    rng = random.Random(7)
    words = "board acme trains borealis staff pay hours offer vote plan".split()
    with open(corpus / "box.mbox", "w") as stream:
        for n in range(100_000):
            body = " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
            stream.write(f"From u@x Mon Jan 1 00:00:00 2018\nFrom: User {n % 40} <u{n % 40}@x.org>\n"
                         f"Message-ID: <m{n}@x>\nDate: Mon, 1 Jan 2018 10:00:00 +0000\n\n{body}\n\n")
    _, peak_mb, out = peak_run(["index", str(corpus), "--db", str(tmp_path / "i.db"), "--blank"])
    assert "Corpus: 100000 documents" in out
    # Bounded: batches of messages, never the 24 MB mailbox whole. The figure is an upper bound
    # over the main process and its forked workers (about 200 MB each with spaCy loaded,
    # counting the pages they share once per process).
    assert peak_mb < 200 * (1 + (os.cpu_count() or 1)) + 100


def test_hardening_wrong_and_mixed_charsets(tmp_path):
    (tmp_path / "lies.eml").write_bytes(eml("Message-ID: <l@x>\nFrom: a@x\nContent-Type: text/plain; charset=utf-8",
                                            "Caf\xe9 cr\xe8me.".encode("latin-1")))
    (tmp_path / "unknown.eml").write_bytes(eml("Message-ID: <u@x>\nFrom: b@x\nContent-Type: text/plain; charset=x-nonsense",
                                               "Déjà vu.".encode("utf-8")))
    (tmp_path / "mixed.jsonl").write_bytes('{"id": "ok", "text": "Déjà."}\n'.encode() +
                                           b'{"id": "bad", "text": "d\xe9j\xe0"}\n')
    documents, errors = load_corpus(tmp_path)
    by_id = {d.id: d.text for d in documents}
    assert "Café crème." in by_id["l@x"]
    assert "Déjà vu." in by_id["u@x"]
    assert by_id["ok"] == "Déjà." and "bad" not in by_id
    assert [(e.path, e.line) for e in errors] == [("mixed.jsonl", 2)]


def test_hardening_broken_multipart(tmp_path):
    (tmp_path / "broken.eml").write_bytes(eml(
        "Message-ID: <b@x>\nFrom: a@x\nContent-Type: multipart/mixed; boundary=NEVER",
        "--NEVER\nContent-Type: text/plain\n\nThe text survives.\n"))  # no closing boundary
    (tmp_path / "noboundary.eml").write_bytes(eml(
        "Message-ID: <n@x>\nFrom: a@x\nContent-Type: multipart/mixed", "Plain words anyway.\n"))
    documents, errors = load_corpus(tmp_path)
    texts = {d.id: d.text for d in documents}
    assert "The text survives." in texts["b@x"]
    assert "n@x" in texts or any(e.path == "noboundary.eml" for e in errors)


def test_hardening_messages_without_date_or_from(tmp_path, blank):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "bare.eml").write_bytes(eml("Subject: nothing else", "A statement with no sender.\n"))
    _, summary = index(tmp_path / "c", tmp_path / "i.db", blank)
    assert (summary.documents, summary.undated, summary.unattributed) == (1, 1, 1)


@pytest.mark.parametrize("written, iso", [
    ("Mon, 04 Mar 2019 09:12:00 +0100", "2019-03-04T08:12:00+00:00"),
    ("2019-03-04T09:12:00Z", "2019-03-04T09:12:00+00:00"),
    ("20 novembre 2015", "2015-11-20"), ("Sep 13, 2017 3:52 PM", "2017-09-13T15:52:00+00:00"),
    ("2017", "2017"), ("2017-09", "2017-09"), ("2999-01-01", "2999-01-01"),
])
def test_hardening_dates_in_every_format(tmp_path, written, iso):
    (tmp_path / "d.jsonl").write_text(json.dumps({"id": "d", "text": "Words.", "date": written}) + "\n")
    documents, errors = load_corpus(tmp_path)
    assert errors == [] and documents[0].date.iso == iso


def test_hardening_duplicate_message_ids_and_copies(tmp_path, blank):
    corpus = tmp_path / "c"
    corpus.mkdir()
    message = eml("Message-ID: <same@x>\nFrom: a@x\nDate: Mon, 1 Jan 2018 10:00:00 +0000", "Original words.\n")
    (corpus / "one.eml").write_bytes(message)
    (corpus / "copy.eml").write_bytes(message)  # the same email in two files
    (corpus / "zclash.mbox").write_bytes(b"From a@x Mon Jan 1 00:00:00 2018\n" + eml(
        "Message-ID: <same@x>\nFrom: b@x", "Different words under the same id.\n") + b"\n")
    report, summary = index(corpus, tmp_path / "i.db", blank)
    assert summary.documents == 1
    with sqlite3.connect(tmp_path / "i.db") as db:
        assert sorted(r[0] for r in db.execute("SELECT file FROM doc_sources")) == ["copy.eml", "one.eml"]
    assert [e.path for e in report.errors] == ["zclash.mbox"] and "duplicate id" in report.errors[0].reason


def test_hardening_symlink_loops_and_broken_links(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Here."}\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    found = discover(tmp_path)
    assert [f.relpath for f in found.files] == ["a.jsonl"]
    assert [s.relpath for s in found.skipped] == ["gone.jsonl"]


def test_hardening_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "ok.jsonl").write_text('{"id": "ok", "text": "Readable."}\n')
    (tmp_path / "locked.jsonl").write_text('{"id": "no", "text": "Secret."}\n')
    real_open = open

    def guarded(path, *args, **kwargs):
        if str(path).endswith("locked.jsonl"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded)
    documents, errors = load_corpus(tmp_path)
    assert [d.id for d in documents] == ["ok"]
    assert [(e.path, e.reason) for e in errors] == [("locked.jsonl", "cannot read: Permission denied")]


# --- faults ---------------------------------------------------------------------------------------


def consistent(db: Path) -> int:
    """Check the index is whole: integrity, and every file all there or not at all."""
    if not db.exists():  # killed before it opened the index: nothing written, nothing broken
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for path, expected in connection.execute("SELECT path, documents FROM files"):
            held = connection.execute("SELECT count(*) FROM doc_sources WHERE file = ?", (path,)).fetchone()[0]
            assert held == expected, path
        orphans = connection.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                                     "(SELECT 1 FROM doc_sources s WHERE s.doc_rowid = d.rowid)").fetchone()[0]
        assert orphans == 0
        return connection.execute("SELECT count(*) FROM documents").fetchone()[0]


@pytest.mark.slow
def test_hardening_killed_index_leaves_a_usable_index(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    rng = random.Random(11)
    words = "board acme trains borealis staff pay hours offer vote plan north south".split()
    for f in range(12):
        with open(corpus / f"part{f:02d}.jsonl", "w") as stream:
            for n in range(1500):
                text = " ".join(rng.choice(words) for _ in range(15)).capitalize() + "."
                stream.write(json.dumps({"id": f"{f}-{n}", "text": text, "author": f"A{n % 9}"}) + "\n")
    db = tmp_path / "i.db"
    total = 12 * 1500
    for delay in (0.8, 1.6, 2.4, 3.5, 5.0):
        process = subprocess.Popen([sys.executable, "-m", "factcheck", "index", str(corpus), "--db", str(db),
                                    "--blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert consistent(db) <= total
    result = factcheck("index", corpus, "--db", db, "--blank")
    assert result.returncode == 0, result.stderr
    assert consistent(db) == total
    again = factcheck("index", corpus, "--db", db, "--blank")
    assert "0 added, 0 updated, 0 removed, 12 unchanged files" in again.stdout


def test_hardening_second_writer_waits_or_stops_clearly(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"id": "a", "text": "Words."}\n')
    db = tmp_path / "i.db"
    holder = Store.open(db)
    holder.lock()
    try:
        stopped = factcheck("index", corpus, "--db", db, "--wait", "0", "--blank")
        assert stopped.returncode == 2
        assert "another factcheck run is writing the index" in stopped.stderr + stopped.stdout
        waiting = subprocess.Popen([sys.executable, "-m", "factcheck", "index", str(corpus), "--db", str(db),
                                    "--wait", "30", "--blank"], stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        holder.close()
    out, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "1 added" in out
    assert consistent(db) == 1


def one_document_index(tmp_path, blank):
    """A corpus of one document, indexed: the state a failing write must leave intact."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"id": "a", "text": "Small."}\n')
    db = tmp_path / "i.db"
    index(corpus, db, blank)
    return corpus, db


def test_hardening_full_disk_keeps_the_previous_index(tmp_path, blank, monkeypatch):
    corpus, db = one_document_index(tmp_path, blank)
    (corpus / "b.jsonl").write_text("".join(json.dumps({"id": f"b{n}", "text": "word " * 200}) + "\n"
                                            for n in range(300)))
    original = Store.open.__func__

    def small_disk(cls, path, **kwargs):
        store = original(cls, path, **kwargs)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 5}")  # as if the disk filled up
        return store

    monkeypatch.setattr(Store, "open", classmethod(small_disk))
    with pytest.raises(StoreError) as caught:
        index(corpus, db, blank)
    assert "disk is full" in caught.value.hint
    monkeypatch.undo()
    assert consistent(db) == 1


def test_hardening_read_only_index_is_a_clear_message(tmp_path, blank, monkeypatch):
    corpus, db = one_document_index(tmp_path, blank)
    (corpus / "b.jsonl").write_text('{"id": "b", "text": "More."}\n')
    real_connect = sqlite3.connect

    def read_only(path, *args, **kwargs):
        kwargs["uri"] = True
        return real_connect(f"file:{path}?mode=ro", *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    with pytest.raises(StoreError) as caught:
        index(corpus, db, blank)
    assert "read-only" in caught.value.hint


def test_hardening_add_claim_to_a_file_saved_meanwhile(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"# mine\r\n- id: c1\r\n  text: One.\r\n")
    import factcheck.corpus.claims as claims_module
    real = claims_module._append_yaml

    def editor_saves_meanwhile(data, record):
        path.write_bytes(data + b"- id: c9\r\n  text: Typed by hand.\r\n")
        return real(data, record)

    monkeypatch.setattr(claims_module, "_append_yaml", editor_saves_meanwhile)
    with pytest.raises(InputError, match="changed while the claim was being added"):
        add_claim(path, "Two.")
    assert path.read_bytes().endswith(b"Typed by hand.\r\n")  # the editor's save is kept
    monkeypatch.undo()
    add_claim(path, "Two.")
    assert [c.id for c in load_claims([path])[0]] == ["c1", "c9", "c10"]
