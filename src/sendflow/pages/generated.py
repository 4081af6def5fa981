"""The packaged processes' pages under ``docs/processes/``, made from their definitions.

``sendflow docs --write docs/processes`` writes one Markdown page per packaged process;
``sendflow docs --check docs/processes`` (and the test suite) fails when a generated page
no longer matches its definition. A page without the generated mark on its first line is
written by hand and left alone by the check until it is generated for the first time.
"""

from __future__ import annotations

from pathlib import Path

from sendflow.definitions.registry import load_process, packaged_processes
from sendflow.pages.process_page import GENERATED, process_page

__all__ = ["expected_pages", "stale_pages", "write_pages"]


def expected_pages() -> dict[str, str]:
    """Each packaged process's page, by file name (``ehc-needs-assessment.md``)."""
    return {f"{pid}.md": process_page(load_process(pid), "md") for pid in packaged_processes()}


def write_pages(folder: Path) -> list[str]:
    """Write every packaged process's page into ``folder``; return the names that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_pages().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale_pages(folder: Path) -> list[str]:
    """The generated pages in ``folder`` that differ from what their definitions give now.

    A page is checked when its first line is the generated mark; a packaged process with
    no page at all is stale too.
    """
    stale = []
    for name, text in expected_pages().items():
        path = folder / name
        if not path.is_file():
            stale.append(name)
            continue
        found = path.read_text(encoding="utf-8")
        if found.startswith(GENERATED) and found != text:
            stale.append(name)
    return stale
