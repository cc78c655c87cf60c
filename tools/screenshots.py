"""Screenshots of a report as a reader sees it: desktop and a 390 px phone (first screens).

    python -m tools.screenshots reports/openai-musk/report.html reports/openai-musk/screenshots

Drives Debian's chromium through Playwright, from disk, with no network.
"""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWS = {"desktop": {"width": 1280, "height": 1600}, "phone": {"width": 390, "height": 1688}}


def main(report: str, out_dir: str) -> None:
    from playwright.sync_api import sync_playwright

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, viewport in VIEWS.items():
            scale = 2 if name == "phone" else 1
            page = browser.new_page(viewport=viewport, device_scale_factor=scale)
            page.goto(Path(report).resolve().as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"  wrote {out / f'{name}.png'}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
