"""Reports: results.json shape, verbatim quotes, escaping, ClaimReview, atomic writes."""

from __future__ import annotations

import json
import re

import pytest

from factcheck.dates import parse_date
from factcheck.models import Claim, CorpusSummary, Evidence, Verdict
from factcheck.pipeline import Report
from factcheck.render import (FORMATS, Format, claim_review, md_escape, register, render_html,
                              render_markdown, results_dict, safe_url, write_reports)

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3)) http://evil.example'


def small_report(text=XSS, url="javascript:alert(4)"):
    evidence = Evidence(doc_id="d<1>", start=0, end=len(text), text=text, stance="contradicts", score=80.0,
                        date=parse_date("2019-03-04"), author="Eve <eve@x>", kind="email", source="<b>src</b>",
                        url=url, reasons=("negation: “x”",), highlights=((0, 8),))
    claim = Claim("c<1>", "Acme | sold *trains*", speaker="Ann", date=parse_date("2024-11-14"), expect="supported",
                  tags=("t<1>",))
    verdict = Verdict(claim, "contradicted", 0.8, "Contradicted by Eve: “<script>”", (evidence,), (), ())
    summary = CorpusSummary(documents=1, sentences=1, languages={"en": 1}, first_date="2019-03-04",
                            last_date="2019-03-04", corpus_hash="abc")
    return Report((verdict,), summary, {"k": 1}, "2026-11-23T00:00:00+00:00")


def test_render_results_json_shape():
    data = results_dict(small_report())
    assert set(data) >= {"version", "generated", "corpus", "claims"}
    assert set(data["corpus"]) >= {"documents", "sentences", "languages", "first_date", "last_date"}
    claim = data["claims"][0]
    assert set(claim) >= {"id", "text", "speaker", "date", "lang", "expect", "verdict", "confidence",
                          "rationale", "evidence", "claimant_record"}
    assert set(claim["evidence"][0]) >= {"doc_id", "date", "author", "kind", "source", "url", "text", "start",
                                         "end", "stance", "score", "quoted"}
    assert claim["passed"] is False
    json.dumps(data)


def test_render_html_escapes_everything_from_the_corpus():
    html = render_html(small_report())
    assert "<script>alert(1)" not in html and "onerror=\"alert" not in html
    assert "&lt;script&gt;" in html and "alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<b>src</b>" not in html
    scripts = re.findall(r"<script(?: [^>]*)?>", html)
    assert scripts.count("<script>") == 1  # the report's own script, and JSON-LD data blocks
    import html as html_lib
    [csp] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert html_lib.unescape(csp).startswith("default-src 'none'")
    assert not re.search(r"""(src|href)=["']?https?://""", html)  # nothing fetched from the network


def test_render_json_ld_cannot_close_its_script():
    html = render_html(small_report())
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "</" not in block
        data = json.loads(block)
        assert data["@type"] == "ClaimReview" and data["claimReviewed"] == "Acme | sold *trains*"


def test_render_claim_review_fields():
    review = claim_review(small_report().verdicts[0], generated="2026-11-23T00:00:00+00:00")
    assert review["itemReviewed"] == {"@type": "Claim", "author": {"@type": "Person", "name": "Ann"},
                                      "datePublished": "2024-11-14"}
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"], rating["alternateName"]) == (
        1, 5, 1, "Contradicted")
    assert review["datePublished"] == "2026-11-23" and review["url"].endswith("#claim-c-1")


@pytest.mark.parametrize("text", [
    "[link](http://x.example)", "<b>bold</b>", "**strong** and _em_", "a | b", "`code`", "www.evil.example",
    "mail me: eve@evil.example", "![img](x.png)",
])
def test_render_markdown_cannot_inject(text):
    escaped = md_escape(text)
    assert "<" not in escaped and "](" not in escaped.replace("\\](", "")
    assert "|" not in escaped.replace("\\|", "")
    assert "http://" not in escaped and "www." not in escaped and "e@evil" not in escaped


def test_render_markdown_report():
    md = render_markdown(small_report())
    assert "&lt;script&gt;" in md and "<script>" not in md
    assert "Acme \\| sold \\*trains\\*" in md
    assert "### Evidence against" in md


@pytest.mark.parametrize("url, expected", [
    ("https://ok.example/a?b=1", "https://ok.example/a?b=1"), ("javascript:alert(1)", None),
    ("data:text/html,x", None), ("http://x.example/\"onmouseover", None), (None, None),
])
def test_render_safe_url(url, expected):
    assert safe_url(url) == expected


def test_render_write_is_atomic(tmp_path, monkeypatch):
    report = small_report()
    write_reports(report, tmp_path)
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(FORMATS, "html", Format("report.html", broken))
    with pytest.raises(RuntimeError):
        write_reports(small_report(text="changed"), tmp_path)
    # Everything is rendered before anything is written: no mix of old and new reports.
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_render_a_registered_format_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr("factcheck.render.FORMATS", dict(FORMATS))
    register("ids", "ids.txt", lambda report, **options: "\n".join(v.claim.id for v in report.verdicts))
    assert write_reports(small_report(), tmp_path, formats=("ids",)) == [tmp_path / "ids.txt"]
    assert (tmp_path / "ids.txt").read_text() == "c<1>"
    with pytest.raises(ValueError, match="unknown format"):
        write_reports(small_report(), tmp_path, formats=("pdf",))


def test_render_imports_no_engine_module():
    import ast
    from pathlib import Path

    import factcheck.render

    allowed = {"models", "atomic"}
    for path in Path(factcheck.render.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                assert (node.module or "").split(".")[0] in allowed, (path.name, node.module)
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert not any(n.startswith("factcheck") for n in names), (path.name, names)
