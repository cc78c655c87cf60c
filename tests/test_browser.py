"""The HTML report in a real browser (Debian's chromium, driven by Playwright).

Loads a report generated from the test corpus plus a hostile record, from disk: no console
errors, no network requests, the filters and the search box work, no injected script runs;
axe-core (from the npm registry, injected from disk) finds no serious or critical problem on
a desktop and a phone, in that report and the shipped one. Screenshots are saved in
test-artifacts/ for people to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from factcheck import Checker, load_claims
from factcheck.render import write_reports

from .conftest import CLAIMS

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SHIPPED = ROOT / "reports" / "openai-musk" / "report.html"
PHONE = {"width": 390, "height": 844}
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
    # The same report as if a learned verdict model had given calibrated probabilities.
    calibrated = replace(report, verdicts=tuple(replace(v, calibrated=True) for v in report.verdicts))
    write_reports(calibrated, root / "calibrated", formats=("html",))
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


def open_report(browser, path, width=1280, height=900, **context):
    page = browser.new_context(viewport={"width": width, "height": height}, **context).new_page()
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
    page.fill("#f-search", "harbor city line carries")
    ids = page.eval_on_selector_all("tr.claim-row", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.target)")
    assert ids == ["claim-t07"]
    assert page.locator("tr.claim-row:not([hidden]) .why").count() == 0  # the claim's own words
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


def shown_targets(page):
    return page.eval_on_selector_all("tr.claim-row", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.target)")


def test_browser_search_reads_claims_quotes_and_authors_not_labels(browser, report_path):
    path, report = report_path
    page, problems, _ = open_report(browser, path)
    page.fill("#f-search", "expected")  # a label of the regression checks, in no claim or quote
    assert shown_targets(page) == []
    page.fill("#f-search", "supported")  # a verdict label
    assert shown_targets(page) == []
    # Accent- and case-insensitive: "ÉCHANGES" finds "échanges", "echanges" too.
    french = [v for v in report.verdicts if any("é" in e.text for e in (*v.evidence, *v.claimant_record))]
    assert french
    word = next(w for e in french[0].evidence for w in e.text.split() if "é" in w and w.isalpha())
    plain = word.replace("é", "e").upper()
    page.fill("#f-search", plain)
    assert f"claim-{french[0].claim.id}" in shown_targets(page)
    assert plain.lower() in page.inner_text("tr.claim-row:not([hidden]) .why").replace("é", "e").lower()
    page.fill("#f-search", "")
    assert len(shown_targets(page)) == len(report.verdicts)
    assert problems == []
    page.close()


def test_browser_regression_checks_hidden_until_asked(browser, report_path):
    path, _ = report_path
    page, problems, _ = open_report(browser, path)
    visible = page.inner_text("body")
    assert "expected" not in visible and "t01" not in visible
    page.check("#show-rc")
    assert "verdicts as expected" in page.inner_text("body") and page.is_visible("#claim-t01 .expect")
    assert problems == []
    page.close()


def test_browser_neutral_sentences_load_on_demand_and_work_without_javascript(browser, report_path):
    path, _ = report_path
    page, problems, _ = open_report(browser, path)
    details = page.locator("details.neutral").first
    assert details.locator("figure.card").count() == 0
    details.locator("summary").click()
    # The cards are built on the click's event: on a busy machine, after click() returns.
    details.locator("figure.card").first.wait_for()
    assert details.locator("figure.card").count() == details.locator(".refs a").count() > 0
    assert details.locator("figure.card blockquote.q").first.inner_text().strip()
    assert problems == []
    page.close()
    page, problems, _ = open_report(browser, path, java_script_enabled=False)
    assert len(visible_rows(page)) > 0 and page.locator("article.claim:visible").count() > 0
    link = page.locator("details.neutral .refs a").first
    target = link.get_attribute("href")
    assert page.locator(f"{target} blockquote.q").count() == 1  # the shared table is in the page
    page.close()


def test_browser_phone_table_timelines_and_percentages(browser, report_path):
    path, _ = report_path
    calibrated = path.parent.parent / "calibrated" / "report.html"
    page, problems, _ = open_report(browser, calibrated, **PHONE)
    fits = page.evaluate("""() => { const w = document.querySelector('.table-wrap');
                                    return w.scrollWidth - w.clientWidth; }""")
    assert fits <= 1  # the whole table is on the screen, confidence column included
    assert page.is_visible("table.claims td.nowrap .num")
    one_line = page.eval_on_selector_all(
        "table.claims td .num", "els => els.every(e => e.getClientRects().length === 1)")
    assert one_line  # "100 %" never wraps
    sizes = page.eval_on_selector_all("svg.timeline:not(.activity) text", """els => els.map(e => {
        const svg = e.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(e).fontSize) * scale; })""")
    assert sizes and min(sizes) >= 7 and sorted(sizes)[len(sizes) // 2] >= 10
    assert problems == []
    page.close()


def axe_script(tmp_path_factory) -> Path:
    """axe.min.js: $AXE_CORE_JS, or installed from the npm registry into a cache beside the
    test temporaries (once); without npm the test is skipped, except in CI."""
    if os.environ.get("AXE_CORE_JS"):
        return Path(os.environ["AXE_CORE_JS"])
    cache = tmp_path_factory.getbasetemp().parent / "axe-core-cache"
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        problem = "npm is not installed" if npm is None else None
        if npm:
            done = subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                                   "axe-core@4"], capture_output=True, text=True, timeout=300)
            problem = None if done.returncode == 0 and script.exists() else f"npm install axe-core failed: {done.stderr[-300:]}"
        if problem:
            if os.environ.get("CI"):
                pytest.fail(f"CI must be able to install axe-core (see .ci/run): {problem}")
            pytest.skip(problem)
    return script


@pytest.mark.parametrize("which", ["test corpus", "shipped"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_browser_axe_finds_no_serious_problem(browser, report_path, tmp_path_factory, which, viewport):
    script = axe_script(tmp_path_factory)
    path = report_path[0] if which == "test corpus" else SHIPPED
    # The report's CSP admits only its own script: axe is injected with the CSP set aside.
    page, problems, requests = open_report(browser, path, bypass_csp=True, **viewport)
    page.add_script_tag(path=str(script))
    for details in page.locator("details.neutral summary").all()[:3]:
        details.click()  # the cards loaded on demand are checked too
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})""")
    serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.close()
