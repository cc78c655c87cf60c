"""Claims files: parsing with line numbers, and appending that keeps every other byte."""

from __future__ import annotations

import pytest

from factcheck.corpus.claims import add_claim, fresh_id, load_claims
from factcheck.errors import InputError

MAPPING = """\
# Claims of the test case
claims:
  # first group
  - id: c01
    text: "Acme stayed independent."   # keep this comment
    expect: supported
    tags: [ownership]

  - id: c02
    text: Acme was sold.
    date: 2019-03
    expect: contradicted
# trailing comment
"""


def write(tmp_path, text, name="claims.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_claims_mapping_form_with_lines(tmp_path):
    claims, errors = load_claims([write(tmp_path, MAPPING)])
    assert errors == []
    assert [(c.id, c.provenance.line) for c in claims] == [("c01", 4), ("c02", 9)]
    assert claims[0].tags == ("ownership",)
    assert claims[1].date.iso == "2019-03"


def test_claims_list_form_and_csv(tmp_path):
    listed = write(tmp_path, "- id: 1\n  text: One.\n- id: 2\n  text: Two.\n  speaker: Ann\n")
    csv = write(tmp_path, "id,text,speaker,expect,tags\nx1,Three.,Bo,mixed,a;b\n", "more.csv")
    claims, errors = load_claims([listed, csv])
    assert errors == []
    assert [c.id for c in claims] == ["1", "2", "x1"]
    assert claims[2].tags == ("a", "b") and claims[2].expect == "mixed"
    assert claims[2].provenance.line == 2


@pytest.mark.parametrize("text, line, message", [
    ("- id: a\n  text: A.\n  colour: red\n", 1, "unknown key(s) colour"),
    ("- id: a\n  text: A.\n- id: a\n  text: B.\n", 3, "duplicate claim id 'a'"),
    ("- id: a\n  text: A.\n  expect: true-ish\n", 1, "unknown expect"),
    ("- id: a\n  text: A.\n- text: no id\n", 3, "no `id`"),
    ("- id: a\n", 1, "no `text`"),
    ("- id: a\n  text: A.\n  date: someday\n", 1, "unreadable date"),
    ("- id: a\n  text: [A.\n", 3, "bad YAML"),
    ("claims: 3\n", 1, "must be a list"),
    ("just: a mapping\n", 1, "a list of claims"),
])
def test_claims_errors_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    claims, errors = load_claims([path])
    assert len(errors) == 1, errors
    assert errors[0].path == str(path) and errors[0].line == line
    assert message in str(errors[0])


def test_claims_bad_claim_does_not_stop_the_others(tmp_path):
    claims, errors = load_claims([write(tmp_path, "- id: a\n  text: A.\n  oops: 1\n- id: b\n  text: B.\n")])
    assert [c.id for c in claims] == ["b"] and len(errors) == 1


@pytest.mark.parametrize("ids, expected", [
    (["c01", "c02"], "c03"), (["om-009", "om-010", "x"], "om-011"), ([], "claim-1"),
    (["a", "b"], "claim-3"), (["c1", "c2", "c3"], "c4"),
])
def test_claims_fresh_ids_follow_the_file(ids, expected):
    assert fresh_id(ids) == expected


def test_claims_add_keeps_every_other_byte(tmp_path):
    path = write(tmp_path, MAPPING)
    claim = add_claim(path, "Acme doubled its fares.", speaker="Carol King", expect="not_enough_evidence",
                      date="2020-01-14", tags=("fares",))
    assert claim.id == "c03"
    updated = path.read_text()
    before = updated[:len(MAPPING) - len("# trailing comment\n")]
    assert updated.startswith(before)
    assert "# keep this comment" in updated and updated.endswith("# trailing comment\n")
    claims, errors = load_claims([path])
    assert errors == [] and [c.id for c in claims] == ["c01", "c02", "c03"]
    new = claims[-1]
    assert (new.text, new.speaker, new.date.iso, new.tags) == ("Acme doubled its fares.", "Carol King",
                                                               "2020-01-14", ("fares",))
    assert new.provenance.line == claim.provenance.line
    assert "  - id: c03\n    text: Acme doubled its fares.\n" in updated


def test_claims_add_with_crlf_and_bom(tmp_path):
    original = "\ufeff- id: k1\r\n  text: First.  # note\r\n".encode("utf-8")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(original)
    add_claim(path, "Second.")
    data = path.read_bytes()
    assert data.startswith(original)
    assert data[len(original):] == b"- id: k2\r\n  text: Second.\r\n"


def test_claims_add_to_new_or_empty_file(tmp_path):
    path = tmp_path / "new.yaml"
    add_claim(path, "Brand new.", lang="en")
    assert path.read_text() == "claims:\n  - id: claim-1\n    text: Brand new.\n    lang: en\n"
    empty = write(tmp_path, "claims: []\n", "empty.yaml")
    add_claim(empty, "First.")
    assert load_claims([empty])[0][0].text == "First."


def test_claims_add_to_csv(tmp_path):
    path = write(tmp_path, "id,text,expect\r\nz1,One.,supported\r\n", "c.csv")
    add_claim(path, "Two, with a comma.", expect="mixed")
    assert path.read_bytes() == b'id,text,expect\r\nz1,One.,supported\r\nz2,"Two, with a comma.",mixed\r\n'


def test_claims_add_refuses_what_it_cannot_read(tmp_path):
    broken = write(tmp_path, "- id: a\n  text: [oops\n")
    with pytest.raises(InputError, match="bad YAML"):
        add_claim(broken, "x")
    assert broken.read_text() == "- id: a\n  text: [oops\n"
    with pytest.raises(InputError, match="unknown expect"):
        add_claim(write(tmp_path, "- id: a\n  text: A.\n", "ok.yaml"), "x", expect="maybe")


def test_claims_add_after_a_block_scalar(tmp_path):
    text = "- id: b1\n  text: |\n    Two lines\n    of text.\n  expect: mixed\n- id: b2\n  note: >\n    folded\n  text: |\n    last\n\n# end\n"
    path = write(tmp_path, text)
    add_claim(path, "Next.")
    updated = path.read_text()
    assert updated.startswith("- id: b1\n  text: |\n    Two lines\n    of text.\n  expect: mixed\n- id: b2\n  note: >\n    folded\n  text: |\n    last\n")
    assert updated.endswith("# end\n")
    claims, errors = load_claims([path])
    assert errors == [] and [c.text for c in claims] == ["Two lines\nof text.", "last", "Next."]
