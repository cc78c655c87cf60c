"""The command line, through click's CliRunner: output, files and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck import __version__
from factcheck.cli import cli

from .conftest import CLAIMS


@pytest.fixture()
def runner():
    return CliRunner()


def invoke(runner, *args):
    return runner.invoke(cli, list(map(str, args)), catch_exceptions=False)


@pytest.mark.parametrize("command", ["", "index", "check", "test", "add-claim", "search"])
def test_cli_every_command_has_help(runner, command):
    result = invoke(runner, *([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_cli_version(runner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0 and result.output == f"factcheck, version {__version__}\n"


def test_cli_index_then_unchanged(runner, corpus_copy):
    first = invoke(runner, "index", corpus_copy)
    assert first.exit_code == 0
    assert "5 added, 0 updated, 0 removed, 0 unchanged files" in first.output
    assert "Corpus: 11 documents" in first.output and "languages: en 8, fr 3" in first.output
    assert (corpus_copy / ".factcheck" / "index.db").exists()
    second = invoke(runner, "index", corpus_copy)
    assert "0 added, 0 updated, 0 removed, 5 unchanged files" in second.output


def test_cli_index_reports_bad_input_and_strict_fails(runner, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"text": "Fine."}\n{"text": \n')
    result = runner.invoke(cli, ["index", str(corpus)])
    assert result.exit_code == 0
    assert "error: a.jsonl:2: broken JSON" in result.output
    strict = runner.invoke(cli, ["index", str(corpus), "--strict"])
    assert strict.exit_code == 2 and "1 input problem(s) (--strict)" in strict.output


def test_cli_check_writes_three_reports(runner, corpus_copy, tmp_path):
    out = tmp_path / "out"
    result = invoke(runner, "check", CLAIMS, "--corpus", corpus_copy, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Checked 8 claims: ")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.md", "results.json"]
    data = json.loads((out / "results.json").read_text())
    assert [c["id"] for c in data["claims"]] == [f"t0{i}" for i in range(1, 9)]


def test_cli_check_other_formats(runner, corpus_copy, tmp_path):
    out = tmp_path / "out"
    result = invoke(runner, "check", CLAIMS, "--corpus", corpus_copy, "--out", out, "--format", "claimreview,csv")
    assert result.exit_code == 0
    reviews = json.loads((out / "claimreview.json").read_text())
    assert len(reviews) == 8 and reviews[0]["@type"] == "ClaimReview"
    assert (out / "results.csv").read_text().splitlines()[0].startswith("id,text,speaker,date")
    bad = runner.invoke(cli, ["check", str(CLAIMS), "--corpus", str(corpus_copy), "--out", str(out), "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown format(s) pdf" in bad.output


def test_cli_test_passes_on_the_fixture(runner, corpus_copy):
    result = invoke(runner, "test", CLAIMS, "--corpus", corpus_copy)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "8 passed, 0 failed"


def test_cli_test_reports_mismatches_with_exit_1(runner, corpus_copy, tmp_path):
    claims = tmp_path / "wrong.yaml"
    claims.write_text("- id: w1\n  text: The board accepted the offer from Borealis.\n  expect: supported\n"
                      "- id: w2\n  text: Acme will launch a service to the Moon.\n  expect: not_enough_evidence\n")
    result = runner.invoke(cli, ["test", str(claims), "--corpus", str(corpus_copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("FAIL w1: expected supported, got contradicted")
    assert lines[-1] == "1 passed, 1 failed"


def test_cli_invalid_claims_are_input_errors(runner, corpus_copy, tmp_path):
    claims = tmp_path / "bad.yaml"
    claims.write_text("- id: b1\n  text: Fine.\n  expect: perhaps\n")
    result = runner.invoke(cli, ["test", str(claims), "--corpus", str(corpus_copy)])
    assert result.exit_code == 2
    assert f"{claims}:1: claim 'b1': unknown expect 'perhaps'" in result.output
    empty = tmp_path / "empty.yaml"
    empty.write_text("claims: []\n")
    result = runner.invoke(cli, ["check", str(empty), "--corpus", str(corpus_copy), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no claims to check" in result.output


def test_cli_add_claim(runner, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("# mine\n- id: x1\n  text: One.\n")
    result = invoke(runner, "add-claim", path, "Two.", "--speaker", "Ann", "--expect", "mixed", "--tag", "a")
    assert result.exit_code == 0 and result.output == f"Added x2 to {path} (line 4)\n"
    assert path.read_text().startswith("# mine\n- id: x1\n  text: One.\n- id: x2\n")
    bad = runner.invoke(cli, ["add-claim", str(path), "Three.", "--expect", "maybe"])
    assert bad.exit_code == 2


def test_cli_search(runner, corpus_copy):
    result = invoke(runner, "search", "sell Acme to Borealis", "--corpus", corpus_copy, "--limit", "3")
    assert result.exit_code == 0
    first = result.output.splitlines()[:2]
    assert first[0].startswith(" 1. [") and "Alice Martin" in first[0]
    assert "We will not sell the company to Borealis." in first[1]


def test_cli_store_problems_are_messages_not_tracebacks(runner, corpus_copy, tmp_path):
    not_db = tmp_path / "x.db"
    not_db.write_text("plain text " * 500)
    result = runner.invoke(cli, ["index", str(corpus_copy), "--db", str(not_db)])
    assert result.exit_code == 2
    assert "cannot open the index" in result.output and "Hint:" in result.output
    assert "Traceback" not in result.output


def test_cli_check_with_other_weights(runner, corpus_copy, tmp_path):
    out = tmp_path / "out"
    result = invoke(runner, "check", CLAIMS, "--corpus", corpus_copy, "--out", out, "--format", "json",
                    "--stance-model", "stance_model_learned.json", "--verdict-model", "verdict_model_learned.json")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert data["settings"]["verdict"]["model"] == "verdict_model_learned.json"
    decided = [c for c in data["claims"] if c["verdict"] != "not_enough_evidence"]
    assert all(c["rationale"] for c in decided)
    # The learned weighing's confidence is a calibrated probability; the rules' is not.
    assert all(c["calibrated"] for c in data["claims"]
               if "“always”" not in c["rationale"] and "“never”" not in c["rationale"])
    missing = runner.invoke(cli, ["check", str(CLAIMS), "--corpus", str(corpus_copy), "--out", str(out),
                                  "--verdict-model", "no_such_model.json"])
    assert missing.exit_code == 2 and "no_such_model.json: cannot read these weights" in missing.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": [1, 2]}')
    bad = runner.invoke(cli, ["test", str(CLAIMS), "--corpus", str(corpus_copy), "--stance-model", str(broken)])
    assert bad.exit_code == 2 and "not a weights file" in bad.output


def test_cli_check_prints_input_problems_at_most_20(runner, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = ['{"id": "ok", "text": "Acme Rail sold its trains.", "date": "2020-01-02"}'] + ['{"text": '] * 25
    (corpus / "a.jsonl").write_text("\n".join(lines) + "\n")
    claims = tmp_path / "claims.yaml"
    claims.write_text("- id: c1\n  text: Acme Rail sold its trains.\n")
    result = runner.invoke(cli, ["check", str(claims), "--corpus", str(corpus), "--out", str(tmp_path / "out"),
                                 "--format", "html", "--base-url", "https://x.example/"])
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines() if line.startswith("  error: a.jsonl:")]
    assert len(shown) == 20 and shown[0].startswith("  error: a.jsonl:2:")
    assert "… and 5 more" in result.output and "25 input problem(s)" in result.output
    html = (tmp_path / "out" / "report.html").read_text()
    assert "factcheck check" in html and "--base-url https://x.example/" in html  # the command line
    assert '"url":"https://x.example/report.html#claim-c1"' in html
