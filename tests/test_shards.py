"""Shards: an index split by file into N FTS5 files gives the results of one index."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck import Checker, load_claims
from factcheck.cli import cli
from factcheck.config import Settings
from factcheck.model import Claim
from factcheck.render import write_reports
from factcheck.store.shards import ShardSet, shard_of, shard_paths
from factcheck.store.sqlite import Store

from .conftest import BLANK, CLAIMS, CORPUS


def sharded(settings: Settings, shards: int) -> Settings:
    return settings.replace(index={"shards": shards})


def results_json(report, out: Path) -> dict:
    """results.json as written, without what may differ: the time and the settings."""
    write_reports(report, out, formats=("json",))
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    data.pop("generated")
    data.pop("settings")
    return data


def test_shards_a_file_always_lands_in_the_same_shard():
    paths = [f"mail/{i}.eml" for i in range(200)]
    assert [shard_of(p, 4) for p in paths] == [shard_of(p, 4) for p in paths]
    assert {shard_of(p, 4) for p in paths} == {0, 1, 2, 3}
    assert {shard_of(p, 1) for p in paths} == {0}
    assert shard_paths(Path("x/index.db"), 1) == [Path("x/index.db")]
    assert shard_paths(Path("x/index.db"), 3)[2] == Path("x/index-3-of-3.db")


@pytest.mark.parametrize("shards", [2, 3])
def test_shards_results_json_is_the_same_with_one_shard_or_n(tmp_path, shards):
    claims, errors = load_claims([CLAIMS])
    assert not errors
    found = []
    for n in (1, shards):
        with Checker(CORPUS, db=tmp_path / f"i{n}" / "index.db", settings=sharded(Settings(), n)) as checker:
            assert [p.name for p in checker.shards.paths] == [p.name for p in shard_paths(Path("index.db"), n)]
            report = checker.check(claims)
        found.append((tmp_path / f"out{n}", report))
    one, many = (results_json(report, out) for out, report in found)
    assert one == many
    assert (found[0][0] / "results.json").read_bytes() != b""
    # Byte for byte, apart from the time and the settings.
    texts = [(out / "results.json").read_text(encoding="utf-8") for out, _ in found]
    strip = [json.dumps({k: v for k, v in json.loads(t).items() if k not in ("generated", "settings")})
             for t in texts]
    assert strip[0] == strip[1]


def write_generated_corpus(folder: Path, files: int = 24) -> list[str]:
    """Files of made-up sentences whose words are spread unevenly between files, so that
    each shard's own statistics differ from the corpus's."""
    from bench.perf import Generator

    generator = Generator(seed=7, vocabulary=600)
    rng = random.Random(7)
    folder.mkdir(parents=True)
    sentences = []
    for f in range(files):
        with open(folder / f"part-{f:02d}.jsonl", "w", encoding="utf-8") as stream:
            for d in range(rng.randint(3, 30)):
                body = [generator.sentence() for _ in range(rng.randint(1, 5))]
                if f % 3 == 0:  # some files repeat themselves: a word is common here, rare elsewhere
                    body += body[:1]
                sentences += body
                stream.write(json.dumps({"id": f"d{f}-{d}", "text": " ".join(body), "author": generator.name(),
                                         "date": f"20{10 + d % 12}-0{1 + d % 9}"}) + "\n")
    return sentences


def test_shards_candidates_are_the_same_as_from_one_index(tmp_path):
    corpus = tmp_path / "corpus"
    sentences = write_generated_corpus(corpus)
    rng = random.Random(3)
    claims = [Claim(f"c{i}", " ".join(w for w in rng.choice(sentences).split() if rng.random() < 0.7), lang="en")
              for i in range(40)]
    seen = {}
    for n in (1, 4):
        with Checker(corpus, db=tmp_path / f"i{n}" / "index.db", settings=sharded(BLANK, n)) as checker:
            if n > 1:
                counts = [s.sentence_count() for s in checker.shards.stores]
                assert all(counts) and len(set(counts)) > 1
            seen[n] = [[(c.doc_id, c.field, c.start, c.sentence_id, c.bm25)
                        for c in checker.candidates(checker.read(claim))] for claim in claims]
            seen[n, "search"] = [(e.doc_id, e.start, e.score) for e in checker.search(claims[0].text)]
    assert seen[1] == seen[4]
    assert seen[1, "search"] == seen[4, "search"]
    assert sum(len(c) for c in seen[1]) > 40 * 10


def test_shards_bm25_with_corpus_statistics_is_fts5s_on_one_index(tmp_path, blank_segmenter):
    corpus = tmp_path / "corpus"
    write_generated_corpus(corpus, files=6)
    with Checker(corpus, db=tmp_path / "index.db", settings=BLANK) as checker:
        reading = checker.read(Claim("c", "Alice Martin approved the budget", lang="en"))
        groups = [(t,) for t in reading.terms]
        from factcheck.engine.retrieve import fts_query
        query = fts_query(groups)
        ours = {h.row["id"]: h.score for h in checker.shards.search(groups, query, 50)}
        theirs = {r["id"]: -r["bm25"] for r in checker.store.search(query, 50)}
    assert ours and set(ours) == set(theirs)
    assert all(abs(ours[i] - theirs[i]) < 1e-6 for i in ours)


def test_shards_reindex_stays_incremental_per_shard(tmp_path):
    corpus = tmp_path / "corpus"
    write_generated_corpus(corpus, files=8)
    settings = sharded(BLANK, 3)
    db = tmp_path / "index.db"
    with Checker(corpus, db=db, settings=settings) as checker:
        assert len(checker.index_report.added) == 8
        summary = checker.summary()
    with Checker(corpus, db=db, settings=BLANK) as one:
        assert one.summary() == summary  # the same corpus, counted the same way
    changed = "part-05.jsonl"
    with open(corpus / changed, "a", encoding="utf-8") as stream:
        stream.write(json.dumps({"id": "new", "text": "A new sentence about the harbor."}) + "\n")
    stamps = {p: p.stat().st_mtime_ns for p in shard_paths(db, 3)}
    with Checker(corpus, db=db, settings=settings) as checker:
        report = checker.index_report
        assert report.updated == [changed] and report.unchanged == 7 and not report.added
        assert checker.summary().documents == summary.documents + 1
    touched = [p for p in stamps if p.stat().st_mtime_ns != stamps[p]]
    assert shard_paths(db, 3)[shard_of(changed, 3)] in touched


EMAIL = """Message-ID: <{id}@x.example>
From: {author} <{key}@x.example>
Date: Mon, 6 Jan 2020 09:00:00 +0000
Subject: {subject}

{body}
"""


def test_shards_a_quoted_copy_is_left_out_when_its_original_is_in_another_shard(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = "We will stay independent of Borealis whatever the offer."
    (corpus / "orig.eml").write_text(EMAIL.format(id="m1", author="Alice Martin", key="alice", subject="plan",
                                                  body=original))
    reply = ("Agreed.\n\nOn Mon, Jan 6, 2020 at 9:00 AM, Alice Martin <alice@x.example> wrote:\n> " + original)
    (corpus / "reply.eml").write_text(EMAIL.format(id="m2", author="Bob Stone", key="bob", subject="Re: plan",
                                                   body=reply))
    n = next(n for n in range(2, 10) if shard_of("orig.eml", n) != shard_of("reply.eml", n))
    found = {}
    for shards in (1, n):
        with Checker(corpus, db=tmp_path / f"i{shards}" / "index.db", settings=sharded(BLANK, shards)) as checker:
            if shards > 1:  # within its own shard, the copy would be a candidate
                own = checker.shards.stores[shard_of("reply.eml", n)]
                assert [r["quoted"] for r in own.search('"independent"', 10)] == [1]
            found[shards] = [(c.doc_id, c.author, c.quoted) for c in
                             checker.candidates(checker.read(Claim("c", "Alice wants to stay independent")))]
    assert found[1] == found[n] == [("m1@x.example", "Alice Martin <alice@x.example>", False)]


def test_shards_judge_documents_is_the_same(tmp_path):
    found = []
    for n in (1, 3):
        with Checker(CORPUS, db=tmp_path / f"i{n}" / "index.db", settings=sharded(BLANK, n)) as checker:
            doc_ids = [r[0] for s in checker.shards.stores for r in s.db.execute("SELECT id FROM documents")]
            found.append([(e.doc_id, e.start, e.stance, e.score) for e in
                          checker.judge_documents(Claim("c", "The board accepted the offer."), sorted(doc_ids))])
    assert found[0] == found[1] and found[0]


def test_shards_cli_index_and_check(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns(".factcheck"))
    runner = CliRunner()
    result = runner.invoke(cli, ["index", str(corpus), "--shards", "2", "--blank"], catch_exceptions=False)
    assert result.exit_code == 0 and "5 added" in result.output and "Corpus: 11 documents" in result.output
    assert sorted(p.name for p in (corpus / ".factcheck").glob("*.db")) == ["index-1-of-2.db", "index-2-of-2.db"]
    again = runner.invoke(cli, ["index", str(corpus), "--shards", "2", "--blank"], catch_exceptions=False)
    assert "5 unchanged files" in again.output
    out = tmp_path / "out"
    check = runner.invoke(cli, ["check", str(CLAIMS), "--corpus", str(corpus), "--shards", "2", "--blank",
                                "--out", str(out), "--format", "json"], catch_exceptions=False)
    assert check.exit_code == 0 and "Checked" in check.output
    assert json.loads((out / "results.json").read_text())["settings"]["index"]["shards"] == 2


def test_shards_readonly_open_needs_an_index(tmp_path):
    from factcheck.errors import StoreError
    with pytest.raises(StoreError, match="no index"):
        ShardSet.open(tmp_path / "index.db", 2, readonly=True)
    with Store.open(tmp_path / "w.db"):
        pass
    with Store.open(tmp_path / "w.db", readonly=True) as store:
        assert store.sentence_count() == 0


def _twin_files(shards: tuple[int, ...]) -> tuple[str, str]:
    """Two file names, the first read first, in different shards for every count in `shards`."""
    first = "a-mail.jsonl"
    second = next(f"later/b-{i}.jsonl" for i in range(100)
                  if all(shard_of(first, n) != shard_of(f"later/b-{i}.jsonl", n) for n in shards))
    return first, second


def test_shards_a_document_id_in_two_shards_is_kept_once_as_in_one_index(tmp_path):
    corpus = tmp_path / "corpus"
    write_generated_corpus(corpus, files=6)
    first, second = _twin_files((2, 3))
    twin = {"id": "twin", "text": "The harbor board approved the ferry budget in May.", "author": "Alice Martin"}
    clash = {"id": "clash", "text": "Hugo Stone signed the ferry lease.", "author": "Hugo Stone"}
    (corpus / first).write_text(json.dumps(twin) + "\n" + json.dumps(clash) + "\n")
    (corpus / second).parent.mkdir()
    other = dict(clash, text="Hugo Stone cancelled the ferry lease.")
    (corpus / second).write_text(json.dumps(twin) + "\n" + json.dumps(other) + "\n")
    claim = Claim("c", "Hugo Stone signed the ferry lease approved by the harbor board", lang="en")

    def state(n: int):
        with Checker(corpus, db=tmp_path / f"i{n}" / "index.db", settings=sharded(BLANK, n)) as checker:
            return (checker.summary(), checker.index_report.errors and
                    [str(e) for e in checker.index_report.errors],
                    [(c.doc_id, c.text, c.provenance, c.bm25) for c in checker.candidates(checker.read(claim))])

    one = state(1)
    assert one[0].errors == (f"{second}:2: duplicate id 'clash' with different content "
                             f"(first loaded from {first}:2); skipped",)
    for n in (2, 3):
        assert state(n) == one
    assert "Hugo Stone cancelled" not in str(one[2])
    # The first file gone, the other's copies are the documents, in one index and in N.
    (corpus / first).unlink()
    one = state(1)
    assert not one[0].errors and any("cancelled" in c[1] for c in one[2])
    for n in (2, 3):
        assert state(n) == one
