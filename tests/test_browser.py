"""The HTML report in a real browser (Debian's chromium, driven by Playwright).

Loads a report generated from the test corpus plus a hostile record, from disk: no console
errors, no network requests, the filters and the search box work, no injected script runs.
Screenshots are saved in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from factcheck import Checker, load_claims
from factcheck.render import write_reports

from .conftest import CLAIMS

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
HOSTILE = {
    "id": "hostile-1", "author": '<b onmouseover="window.__xss = 6">Mallory</b>', "date": "2020-02-02",
    "kind": "email", "source": "<script>window.__xss = 7</script>leak", "url": "javascript:window.__xss = 5",
    "text": ('<script>window.__xss = 1</script> Acme Rail sold its trains to Borealis '
             '<img src=x onerror="window.__xss = 2"> [docs](javascript:window.__xss=3) '
             '<a href="javascript:window.__xss = 4">here</a>.'),
}

pytestmark = pytest.mark.browser


def need_chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("no /usr/bin/chromium on this machine")
    pytest.importorskip("playwright")


@pytest.fixture(scope="module")
def report_path(tmp_path_factory):
    need_chromium()
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(CLAIMS.parent / "corpus", corpus, ignore=shutil.ignore_patterns(".factcheck"))
    (corpus / "hostile.jsonl").write_text(json.dumps(HOSTILE) + "\n")
    claims = root / "claims.yaml"
    claims.write_text(CLAIMS.read_text() + "  - id: t09\n    text: Acme Rail sold its trains to Borealis.\n"
                      "    tags: [hostile]\n")
    loaded, errors = load_claims([claims])
    assert not errors
    with Checker(corpus, db=root / "index.db") as checker:
        report = checker.check(loaded)
    assert any(e.doc_id == "hostile-1" for v in report.verdicts for e in v.evidence)
    out = root / "out"
    write_reports(report, out)
    return out / "report.html", report


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


def open_report(browser, path, width=1280, height=900):
    page = browser.new_page(viewport={"width": width, "height": height})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def visible_rows(page):
    return page.eval_on_selector_all("tr.claim-row", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.verdict)")


def test_browser_loads_from_disk_quietly_and_offline(browser, report_path):
    path, _ = report_path
    page, problems, requests = open_report(browser, path)
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert page.title() == "Claim check"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-desktop.png"), full_page=True)
    page.close()


def test_browser_verdict_filter_hides_and_shows_rows(browser, report_path):
    path, report = report_path
    page, problems, _ = open_report(browser, path)
    everything = visible_rows(page)
    assert len(everything) == len(report.verdicts)
    for verdict in ("contradicted", "supported", "not_enough_evidence"):
        page.select_option("#f-verdict", verdict)
        shown = visible_rows(page)
        assert shown == [verdict] * sum(v.verdict == verdict for v in report.verdicts)
        hidden_sections = page.eval_on_selector_all(
            "article.claim", "els => els.filter(e => e.hidden).length")
        assert hidden_sections == len(report.verdicts) - len(shown)
    page.select_option("#f-verdict", "")
    assert visible_rows(page) == everything
    assert problems == []
    page.close()


def test_browser_search_and_tag_filter(browser, report_path):
    path, _ = report_path
    page, problems, _ = open_report(browser, path)
    page.fill("#f-search", "harbor city")
    ids = page.eval_on_selector_all("tr.claim-row", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.target)")
    assert ids == ["claim-t07"]
    assert page.inner_text("#f-count") == "1 claim"
    page.fill("#f-search", "no such words anywhere")
    assert visible_rows(page) == [] and page.is_visible("#f-empty")
    page.fill("#f-search", "")
    page.select_option("#f-tag", "hostile")
    assert page.eval_on_selector_all("tr.claim-row", "rows => rows.filter(r => !r.hidden).length") == 1
    assert problems == []
    page.close()


def test_browser_hostile_text_does_not_run(browser, report_path):
    path, _ = report_path
    page, problems, _ = open_report(browser, path)
    section = page.locator("#claim-t09")
    section.scroll_into_view_if_needed()
    card = section.locator("figure.card", has_text="Acme Rail sold its trains").first
    text = card.inner_text()
    assert "<script>window.__xss = 1</script>" in text and 'onerror="window.__xss = 2"' in text
    card.hover()
    for link in page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    assert page.evaluate("typeof window.__xss") == "undefined"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-hostile.png"))
    page.close()


def test_browser_phone_width_and_print(browser, report_path):
    path, _ = report_path
    page, problems, _ = open_report(browser, path, width=390, height=844)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1  # nothing wider than a phone screen
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"))
    page.emulate_media(media="print")
    assert not page.is_visible("form.filters")
    page.pdf(path=str(ARTIFACTS / "report.pdf"))
    assert problems == []
    page.close()
