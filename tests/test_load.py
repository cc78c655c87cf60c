"""Every corpus format, provenance, and bad input that names file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.corpus.load import discover, load_aliases, load_corpus

from .conftest import CORPUS


@pytest.fixture(scope="module")
def documents():
    docs, errors = load_corpus(CORPUS)
    assert errors == []
    return {d.id: d for d in docs}


def test_load_discovers_formats_and_skips_the_rest(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".factcheck").mkdir()
    (tmp_path / ".factcheck" / "index.txt").write_text("not corpus")
    (tmp_path / "aliases.yaml").write_text("A: [B]\n")
    found = discover(tmp_path)
    assert [f.relpath for f in found.files] == ["a.jsonl"]
    assert [(s.relpath, s.reason) for s in found.skipped] == [("notes.docx", "unsupported format .docx")]


def test_load_missing_corpus_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="corpus folder not found"):
        discover(tmp_path / "nope")


def test_load_mbox_messages_with_headers(documents):
    alice = documents["a1@acme.example"]
    assert alice.author == "Alice Martin <alice@acme.example>"
    assert alice.recipients == ("Bob Stone <bob@acme.example>",)
    assert alice.date.iso == "2019-03-04T08:12:00+00:00"  # stored in UTC
    assert alice.title == "Borealis"
    assert alice.kind == "email"
    assert str(alice.provenance) == "mail/thread.mbox#1 (line 1)"
    assert "We will not sell the company to Borealis." in alice.text


def test_load_quoted_reply_is_not_the_senders(documents):
    bob = documents["b1@acme.example"]
    assert bob.in_reply_to == "a1@acme.example"
    quoted = [p for p in bob.parts if p.role == "quoted"]
    assert quoted and all(p.author == "Alice Martin <alice@acme.example>" for p in quoted)
    assert quoted[0].quote_ref == "a1@acme.example"
    quoted_text = "".join(bob.text[p.start:p.end] for p in quoted)
    assert "We will not sell the company" in quoted_text
    assert ">" not in quoted_text  # quote markers are removed from the text we index
    own = "".join(bob.text[p.start:p.end] for p in bob.parts if p.role == "body")
    assert "We will not sell" not in own
    assert "Selling Acme to Borealis" in own


def test_load_quote_of_someone_outside_the_corpus(documents):
    erin = documents["e1@acme.example"]
    quoted = [p for p in erin.parts if p.role == "quoted"]
    assert quoted[0].author == "Carol King <carol@press.example>"
    assert quoted[0].date.iso.startswith("2020-01-14")


def test_load_html_email_in_latin1(documents):
    board = documents["d1@acme.example"]
    assert board.title == "Décision du conseil"
    assert "Le conseil d'administration a refusé l'offre de Borealis" in board.text
    assert "alert" not in board.text and "color: red" not in board.text


def test_load_jsonl_records(documents):
    quote = documents["q-fr-1"]
    assert quote.lang == "fr" and quote.kind == "quote"
    assert quote.date.iso == "2019-09" and quote.date.precision == "month"
    assert dict(quote.translations) == {"en": "We will never sell Acme Rail."}
    assert str(quote.provenance) == "quotes.jsonl:2"
    assert documents["q-undated"].date is None
    assert documents["q-anon"].author is None


def test_load_csv_rows(documents):
    row = documents["csv-2"]
    assert row.author == "Bob Stone" and row.date.iso == "2019-02"
    assert str(row.provenance) == "quotes.csv:3"


def test_load_markdown_front_matter(documents):
    article = documents["article-2021"]
    assert article.lang == "fr" and article.kind == "article"
    assert article.title == "Acme Rail, l'indépendance à tout prix"
    assert article.text.startswith("# Acme Rail")  # the front matter is not text


def test_load_aliases():
    aliases = load_aliases(CORPUS)
    assert aliases["Alice Martin"] == ("Alice", "Ms Martin", "A. Martin")


def _load(tmp_path: Path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return load_corpus(tmp_path)


@pytest.mark.parametrize("name, data, line, message", [
    ("a.jsonl", '{"id": "1", "text": "ok"}\n{"id": "2", "text": \n{"id": "3", "text": "fine"}\n', 2, "broken JSON"),
    ("a.jsonl", '{"id": "1", "text": "ok"}\n{"id": "2", "date": "2019"}\n', 2, "no text"),
    ("a.jsonl", b'{"id": "1", "text": "ok"}\n{"id": "2", "text": "caf\xe9"}\n', 2, "not UTF-8"),
    ("a.jsonl", '{"id": "1", "text": "ok", "auther": "x"}\n', 1, "unknown field"),
    ("a.jsonl", '{"id": "1", "text": "ok", "date": "someday"}\n', 1, "unreadable date"),
    ("a.jsonl", '["not", "an", "object"]\n{"text": "ok"}\n', 1, "must be an object"),
    ("a.csv", "id,text,author\n1,ok,A\n2,missing\n3,fine,B\n", 3, "row has 2 fields"),
    ("a.md", "---\ntitle: [unclosed\n---\nBody text.\n", 2, "bad front matter"),
    ("a.md", "---\ntitle: Empty\n---\n\n", 1, "no text"),
])
def test_load_bad_input_names_file_and_line_and_the_rest_loads(tmp_path, name, data, line, message):
    (tmp_path / "good.jsonl").write_text('{"id": "good", "text": "Still here."}\n')
    documents, errors = _load(tmp_path, name, data)
    assert any(e.path == name and e.line == line and message in e.reason for e in errors), errors
    assert str(errors[0]).startswith(f"{name}:")
    assert "good" in {d.id for d in documents}


def test_load_records_without_id_get_one_from_their_place(tmp_path):
    documents, _ = _load(tmp_path, "x.jsonl", '{"text": "a"}\n\n{"text": "b"}\n')
    assert [d.id for d in documents] == ["x.jsonl:1", "x.jsonl:3"]


def test_load_bad_aliases(tmp_path):
    (tmp_path / "aliases.yaml").write_text("Alice: [Al\nBob: x\n")
    with pytest.raises(InputError, match="aliases.yaml"):
        load_aliases(tmp_path)
    (tmp_path / "aliases.yaml").write_text("Alice:\n  nested: map\n")
    with pytest.raises(InputError, match="must be a list"):
        load_aliases(tmp_path)


def test_load_eml_without_body_is_an_error(tmp_path):
    documents, errors = _load(tmp_path, "empty.eml", "From: a@b.c\nSubject: nothing\n\n")
    assert documents == [] and errors[0].path == "empty.eml" and "no text body" in errors[0].reason


def test_load_eml_base64_utf8(tmp_path):
    import base64
    body = base64.b64encode("Le budget est de 1 milliard d'euros. Ça avance.".encode()).decode()
    message = ("Message-ID: <x@y>\nFrom: =?utf-8?q?J=C3=A9r=C3=B4me?= <j@y.fr>\nDate: 2 Jan 2020 10:00 +0000\n"
               "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + body + "\n")
    documents, errors = _load(tmp_path, "m.eml", message)
    assert errors == []
    assert documents[0].author == "Jérôme <j@y.fr>"
    assert "Ça avance." in documents[0].text


def test_load_mbox_unescapes_from_lines(tmp_path):
    mbox = ("From a@b Mon Jan 1 00:00:00 2018\nFrom: a@b\nMessage-ID: <m1@b>\n\nHello.\n>From the start.\n\n"
            "From c@d Mon Jan 1 00:00:00 2018\nFrom: c@d\nMessage-ID: <m2@d>\n\nBye.\n")
    documents, errors = _load(tmp_path, "box.mbox", mbox)
    assert [d.id for d in documents] == ["m1@b", "m2@d"]
    assert "From the start." in documents[0].text
    assert documents[1].provenance.message == 2 and documents[1].provenance.line == 8
