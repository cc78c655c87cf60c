"""Reports: results.json shape, verbatim quotes, escaping, ClaimReview, atomic writes."""

from __future__ import annotations

import json
import re

import pytest

from factcheck.text.dates import parse_date
from factcheck.model import Claim, CorpusSummary, Evidence, Verdict
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

    # Render reads the plain values and writes files: nothing of the engine, store or corpus.
    allowed = {"factcheck.model", "factcheck.atomic"}
    for path in Path(factcheck.render.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            assert not (isinstance(node, ast.ImportFrom) and node.level >= 2), (path.name, node.module)
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                assert all(n in allowed for n in names if n.startswith("factcheck")), (path.name, names)


# --- issue 13: reports a journalist can publish from ------------------------------------------

from dataclasses import replace  # noqa: E402

from factcheck.render.claimreview import claim_review as review_of  # noqa: E402
from factcheck.render.reasons import reasons_for  # noqa: E402
from factcheck.render.text import quote, tidy_rationale  # noqa: E402
from factcheck.render.timeline import claim_timeline  # noqa: E402


def ev(text, stance="neutral", **fields):
    defaults = dict(doc_id="d1", start=0, end=len(text), text=text, stance=stance, score=50.0,
                    date=parse_date("2017-09-20"), author="Elon Musk", kind="email", lang="en")
    return Evidence(**{**defaults, **fields})


def report_of(*verdicts, generated="2026-11-23T00:00:00+00:00"):
    summary = CorpusSummary(documents=3, sentences=9, languages={"fr": 3}, first_date="2015-11",
                            last_date="2024-12-13", corpus_hash="abc")
    return Report(tuple(verdicts), summary, {"k": 1}, generated)


def test_render_confidence_only_when_calibrated():
    claim = Claim("c1", "OpenAI rejected a merger with Tesla.", expect="supported")
    rules = Verdict(claim, "supported", 1.0, "Supported.", (ev("OpenAI refused the merger.", "supports"),))
    html, md = render_html(report_of(rules)), render_markdown(report_of(rules))
    assert "100 %" not in html and "100 %" not in md and "confidence" not in html.split("<main>")[1].split("Summary")[0]
    assert "not a calibrated probability" in html and "not a calibrated probability" in md
    learned = replace(rules, confidence=0.72, calibrated=True)
    html, md = render_html(report_of(learned)), render_markdown(report_of(learned))
    assert "72\u00a0%" in html and "72 %" not in html  # the sign never wraps onto its own line
    assert "right on held-out benchmarks" in html and "72\u00a0%" in md


@pytest.mark.parametrize("stance, reason, shown", [
    ("neutral", "opposed terms: “non-profit” vs “for-profit”", False),
    ("neutral", "reports what Elon Musk says, not a fact", True),
    ("supports", "negation: “sell” is negated in the sentence only", False),
    ("supports", "says the same as the claim (84 % of its words)", True),
    ("contradicts", "says the same as the claim (69 % of its words)", False),
    ("contradicts", "opposed terms: “accepted” vs “rejects”", True),
    ("contradicts", "opposed terms: “reject” vs “rejeté”", False),
    ("contradicts", "opposed terms: “accepté” vs “rejette”", True),
    ("appearance", "reports Microsoft making the claim: a source of the claim, not support", False),
    ("appearance", "reports Elon Musk making the claim: a source of the claim, not support", True),
])
def test_render_prints_only_the_reasons_for_the_cards_stance(stance, reason, shown):
    e = ev("Some sentence.", stance if stance != "appearance" else "supports", reasons=(reason,))
    assert (reason in reasons_for(e, stance, "Elon Musk")) is shown


def test_render_writer_subject_original_and_merged_copies():
    event = ev("Summer 2017: Elon Musk and OpenAI agree on a for-profit structure.", "supports",
               doc_id="ev1", kind="event", field="translations.en", date=parse_date("2017"),
               original="Été 2017 : Elon Musk et OpenAI conviennent d’une structure à but lucratif.",
               original_lang="fr", source="News article (French, December 2024)",
               url="https://example.org/article")
    same_in_french = ev(event.original, "supports", doc_id="ev1", kind="event", lang="fr", date=parse_date("2017"))
    copy = ev(event.original, "supports", doc_id="art1", kind="article", author=None, lang="fr",
              date=parse_date("2024-12"), title="Un article")
    claim = Claim("c1", "Musk agreed in 2017 to a for-profit structure.")
    html = render_html(report_of(Verdict(claim, "supported", 1.0, "Supported.", (event, same_in_french, copy))))
    assert html.count("<figure") == 1  # one sentence, one card
    card = html[html.index("<figure"):html.index("</figure>")]
    assert "<figcaption>event about <b>Elon Musk</b> ·" in card  # the subject, not a writer
    assert '<blockquote class="q" lang="fr">Été 2017' in card and 'lang="en"' in card
    assert "also in source&nbsp;2" in card
    sources = html[html.index('id="sources-title"'):]
    assert "News article (French, December 2024)" in sources and 'href="https://example.org/article"' in sources
    assert "<cite>Un article</cite>" in sources and "2017" in sources


def test_render_neutral_sentences_are_stored_once():
    shared = ev("OpenAI started out as a non-profit organisation.", doc_id="n1")
    claims = [Verdict(Claim(f"c{i}", f"Claim number {i}."), "not_enough_evidence", 1.0, "Nothing.", (shared,))
              for i in range(5)]
    html = render_html(report_of(*claims))
    assert html.count("OpenAI started out as a non-profit organisation.") == 1
    assert html.count('href="#s-1"') == 5 and 'id="s-1"' in html


def _visible_text(html: str) -> str:
    """The page's text outside elements of class `rc` (shown only with "regression checks"),
    <script>, <style> and <title>."""
    from html.parser import HTMLParser

    void = {"meta", "link", "input", "br", "img", "hr", "path", "line", "rect", "circle"}

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.text = [], []

        def handle_starttag(self, tag, attrs):
            if tag in void:
                return
            hidden = "rc" in (dict(attrs).get("class") or "").split() or tag in ("script", "style", "title")
            self.stack.append(hidden or (self.stack[-1] if self.stack else False))

        def handle_endtag(self, tag):
            if tag not in void and self.stack:
                self.stack.pop()

        def handle_data(self, data):
            if not (self.stack and self.stack[-1]):
                self.text.append(data)

    reader = Reader()
    reader.feed(html)
    return " ".join(reader.text)


def test_render_regression_checks_ids_and_relevance_are_not_in_the_readers_view():
    claim = Claim("om-99", "A claim.", expect="contradicted")
    html = render_html(report_of(Verdict(claim, "supported", 1.0, "Supported.", (ev("Yes.", "supports"),))))
    text = _visible_text(html)
    assert "relevance" not in text and "om-99" not in text and "expected" not in text
    assert "expected Contradicted" in html and "om-99" in html  # there, behind the toggle
    assert 'id="show-rc"' in html and "body:has(#show-rc:checked) .rc" in html


def test_render_reproduce_shows_the_command(tmp_path):
    write_reports(small_report(), tmp_path, formats=("html", "md"), command="factcheck check c.yaml --corpus x")
    assert "factcheck check c.yaml --corpus x" in (tmp_path / "report.html").read_text()
    assert "`factcheck check c.yaml --corpus x`" in (tmp_path / "report.md").read_text()


def test_render_rationale_quotes_are_cut_at_words_and_not_doubled():
    full = "Autumn 2017: Elon Musk demands the CEO position in the for-profit structure."
    cut = tidy_rationale(f"Supported by X: “{full[:60]}…”", [full])
    assert cut == "Supported by X: “Autumn 2017: Elon Musk demands the CEO position in the…”"
    assert tidy_rationale("Elon Musk: ““Either go do something.” supports it", []) == \
        "Elon Musk: “Either go do something.” supports it"
    assert "”.”" not in tidy_rationale("X: “a company named “Open AI, Inc.”.”", [])
    assert quote("“Either go.") == "“Either go.”" and quote("« Soit »") == "« Soit »"
    assert quote("qu’il parte.") == "“qu’il parte.”"


def test_render_timeline_years_are_spans_and_overlaps_are_counted():
    claim = Claim("c1", "A claim.", date=parse_date("2024-11-14"))
    items = (ev("a", "supports", date=parse_date("2017")), ev("b", "supports", doc_id="d2", date=parse_date("2017")),
             ev("c", "contradicts", doc_id="d3", date=parse_date("2015-11-20")),
             ev("d", "contradicts", doc_id="d4", date=parse_date("2015-11-21")),
             ev("e", "contradicts", doc_id="d5", date=parse_date("2024-11-14")))
    t = claim_timeline(Verdict(claim, "mixed", 1.0, "Both.", items))
    years = [label for _, _, label in t.ticks]
    assert years == [str(y) for y in range(2015, 2025)]  # every year, the first one too
    starts = [x for x, _, _ in t.ticks]
    gaps = {round(b - a) for a, b in zip(starts, starts[1:])}
    assert max(gaps) - min(gaps) <= 1  # evenly spaced
    bar = next(m for m in t.marks if m.width)
    assert bar.count == 2 and abs(bar.width - (starts[3] - starts[2])) <= 1  # 2017 drawn across the year
    dot = next(m for m in t.marks if not m.width and m.x < starts[1])
    assert dot.count == 2  # two days apart: one mark, counted
    html = render_html(report_of(Verdict(claim, "mixed", 1.0, "Both.", items)))
    svg = html[html.index('<svg class="timeline" '):]
    assert svg.index("claim-marker") < svg.index("<circle")  # the marker is under the dots
    assert '<ul class="legend">' in html and ">for</li>" in html and ">against</li>" in html


def test_render_markdown_evidence_blocks_links_and_back_links():
    url = "https://example.org/a"
    e = ev("OpenAI refused the merger.", "supports", url=url, source="Blog", highlights=((0, 6),))
    md = render_markdown(report_of(Verdict(Claim("c1", "OpenAI rejected a merger."), "supported", 1.0, "Yes.", (e,))))
    assert "**OpenAI**" not in md
    assert "  > “OpenAI refused the merger.”" in md and "— [source 1](#src-1)" in md
    assert f"[link](<{url}>)" in md and "[Back to the claims](#claims)" in md and '<a id="src-1"></a>' in md


def _check_claim_review(review: dict, *, base_url: str | None):
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] and review["datePublished"] and review["inLanguage"]
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    else:
        assert "worstRating" not in rating and "bestRating" not in rating
    if base_url:
        assert review["url"].startswith(base_url) and "#claim-" in review["url"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    for work in item.get("appearance", []):
        assert work["@type"] == "CreativeWork" and ("url" not in work or work["url"].startswith("https://"))


def test_render_claim_review_follows_the_conventions():
    appearance = ev("Musk says OpenAI betrayed its mission.", "supports", doc_id="app", kind="article",
                    url="https://example.org/lawsuit", title="The lawsuit", date=parse_date("2024-11-14"))
    claim = Claim("om-01", "OpenAI betrayed its non-profit mission.", speaker="Elon Musk", lang="en")
    for verdict in ("supported", "contradicted", "mixed", "not_enough_evidence"):
        v = Verdict(claim, verdict, 1.0, "Because.", appearances=(appearance,))
        review = review_of(v, generated="2026-11-23T10:00:00+00:00", base_url="https://news.example/checks/",
                           publisher="Example News", publisher_url="https://news.example")
        _check_claim_review(review, base_url="https://news.example/checks/")
        assert review["url"] == "https://news.example/checks/report.html#claim-om-01"
        assert review["author"] == {"@type": "Organization", "name": "Example News", "url": "https://news.example"}
        item = review["itemReviewed"]
        assert item["author"]["name"] == "Elon Musk" and item["datePublished"] == "2024-11-14"
        assert item["appearance"][0]["url"] == "https://example.org/lawsuit"
    assert "ratingValue" not in review["reviewRating"]  # not enough evidence: the text alone


def test_render_claimreview_file_has_absolute_urls(tmp_path):
    write_reports(small_report(), tmp_path, formats=("claimreview",), base_url="https://x.example/r")
    [review] = json.loads((tmp_path / "claimreview.json").read_text())
    _check_claim_review(review, base_url="https://x.example/r/")
    assert review["url"] == "https://x.example/r/report.html#claim-c-1"


def test_render_shipped_report_is_small_and_its_claim_reviews_valid():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "reports" / "openai-musk"
    # About 5.7 KB a claim (its evidence, the claimant's record, a timeline): a budget against
    # a report that grows with the corpus, not a byte count (251 KB on 2026-12-07).
    assert (shipped / "report.html").stat().st_size <= 260_000
    for review in json.loads((shipped / "claimreview.json").read_text()):
        _check_claim_review(review, base_url=None)
