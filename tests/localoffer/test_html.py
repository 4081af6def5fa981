"""The HTML report is one self-contained page that Chromium shows without errors or requests."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sendflow.localoffer import check_feed, load_manifest, load_taxonomy_map, packaged_topics
from sendflow.localoffer.html import render_html
from tests.browser import Browser, find_chromium
from tests.localoffer.builders import check, feed3, service3

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "local-offer"
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".screenshots"
CHROMIUM = find_chromium()


def _example_page(folder: Path) -> Path:
    report = check_feed(
        EXAMPLE / "feed.json",
        as_of=date(2026, 6, 30),
        manifest=load_manifest(EXAMPLE / "manifest.yaml"),
        taxonomy_map=load_taxonomy_map(EXAMPLE / "taxonomy-map.yaml", packaged_topics()),
    )
    path = folder / "local-offer.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_the_page_needs_nothing_from_the_network(tmp_path: Path) -> None:
    """No script, no external style sheet, image or font: every style is inline."""
    text = _example_page(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text
    assert text.count("<style>") == 1


def test_feed_text_is_escaped(tmp_path: Path) -> None:
    """A service name with markup is shown as text, not run as HTML."""
    report = check(feed3(tmp_path, [service3("<b>x</b>", "<script>alert(1)</script>", url=...)]))
    page = render_html(report)
    assert "<script>alert" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt install chromium)")
def test_chromium_shows_the_page_without_errors_or_requests(tmp_path: Path) -> None:
    """Headless Chromium loads the example's page with no console error and no network request."""
    assert CHROMIUM is not None
    SCREENSHOTS.mkdir(exist_ok=True)
    screenshot = SCREENSHOTS / "local-offer-check.png"
    page = _example_page(tmp_path)
    browser = Browser(CHROMIUM)
    try:
        browser.open(page.as_uri())
        browser.screenshot(screenshot)
        errors, requests = browser.errors(), browser.requests()
    finally:
        browser.close()
    assert errors == []
    assert requests == [page.as_uri()]
    assert screenshot.stat().st_size > 10_000
