"""Property tests: whatever bytes a loader or the claims parser is given, it ends in documents
or in InputErrors naming the file (and the line where there is one) - never in a traceback -
and the files beside it still load. The matcher takes any claim text.

Bounded for CI (FUZZ_EXAMPLES, default 40 per property); `FUZZ_EXAMPLES=2000 python -m pytest
tests/test_fuzz.py` runs the long version.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck import Checker, Claim, load_claims
from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.corpus.load import load_corpus

from .conftest import CORPUS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

GOOD = '{"id": "good", "text": "This file is fine."}\n'

# Bytes that look like the format, mutated: realistic garbage finds more than random noise.
SEEDS = {
    "a.jsonl": b'{"id": "x", "text": "Hello.", "date": "2017-09", "translations": {"en": "Hi."}}\n{"text": 3}\n',
    "a.csv": b'id,text,date,author\n1,"Quoted, text",2019-02,Ann\n2,Plain,,\n',
    "a.md": b"---\ntitle: T\ndate: 2021-05-10\nlang: fr\n---\n# Titre\n\nUne phrase.\n",
    "a.txt": b"Just text.\nTwo lines.\n",
    "a.eml": (b"Message-ID: <x@y>\nFrom: =?utf-8?q?J=C3=A9r=C3=B4me?= <j@y>\nDate: Mon, 4 Mar 2019 09:12:00 +0100\n"
              b"Content-Type: multipart/alternative; boundary=B\n\n--B\nContent-Type: text/plain; charset=iso-8859-1\n"
              b"Content-Transfer-Encoding: quoted-printable\n\nCaf=E9.\n> quoted\n--B--\n"),
    "a.mbox": (b"From a@b Mon Jan 1 00:00:00 2018\nFrom: a@b\nMessage-ID: <m1@b>\n\nHello.\n\n"
               b"From c@d Mon Jan 1 00:00:00 2018\nFrom: c@d\n\nOn Mon, Jan 1, 2018, A <a@b> wrote:\n> Hello.\n"),
}


def mutate(seed: bytes, data: st.DataObject) -> bytes:
    chunks = data.draw(st.lists(st.tuples(st.integers(0, len(seed)), st.binary(max_size=12),
                                          st.integers(0, 6)), max_size=6))
    out = bytearray(seed)
    for position, insert, delete in chunks:
        position = min(position, len(out))
        out[position:position + delete] = insert
    return bytes(out)


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_fuzz_loaders_never_crash(tmp_path_factory, name, data):
    folder = tmp_path_factory.mktemp("fuzz")
    content = data.draw(st.one_of(st.binary(max_size=400), st.just(SEEDS[name]).map(lambda s: s)))
    if data.draw(st.booleans()):
        content = mutate(SEEDS[name], data)
    (folder / name).write_bytes(content)
    (folder / "good.jsonl").write_text(GOOD)
    documents, errors = load_corpus(folder)
    assert "good" in {d.id for d in documents}
    for error in errors:
        assert isinstance(error, InputError) and error.path == name
        assert str(error).startswith(name)
    for document in documents:
        assert isinstance(document.text, str) and document.text.strip()
        for part in document.parts:
            assert 0 <= part.start <= part.end <= len(document.text)


@FUZZ
@given(text=st.text(max_size=300))
def test_fuzz_claims_parser_never_crashes(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("claims") / "c.yaml"
    path.write_text(text, encoding="utf-8")
    claims, errors = load_claims([path])
    for error in errors:
        assert isinstance(error, InputError) and error.path == str(path)
    assert all(c.text.strip() for c in claims)


@FUZZ
@given(items=st.lists(st.dictionaries(
    st.sampled_from(["id", "text", "speaker", "date", "lang", "expect", "tags", "note", "odd"]),
    st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3))),
    max_size=5))
def test_fuzz_claims_structures(tmp_path_factory, items):
    import yaml
    path = tmp_path_factory.mktemp("claims") / "c.yaml"
    path.write_text(yaml.safe_dump(items), encoding="utf-8")
    claims, errors = load_claims([path])
    assert len(claims) + len(errors) >= len([i for i in items if i]) - len(items)  # every item accounted for
    for error in errors:
        assert error.line is not None or "YAML" in str(error)


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    root = tmp_path_factory.mktemp("matcher")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns(".factcheck"))
    with Checker(corpus, db=root / "index.db", settings=Settings()) as opened:
        yield opened


@FUZZ
@given(text=st.text(min_size=1, max_size=120).filter(lambda t: t.strip()),
       lang=st.sampled_from([None, "en", "fr", "de"]))
def test_fuzz_matcher_takes_any_claim(checker, text, lang):
    verdict = checker.check_claim(Claim("fuzz", text, lang=lang))
    assert verdict.verdict in ("supported", "contradicted", "mixed", "not_enough_evidence")
    assert 0.0 <= verdict.confidence <= 1.0
    for evidence in verdict.evidence:
        assert evidence.text and evidence.start < evidence.end
