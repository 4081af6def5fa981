"""The packaged processes' pages under ``docs/processes/``, made from their definitions.

``sendflow docs --write docs/processes`` writes one Markdown page per packaged process;
``sendflow docs --check docs/processes`` (and the test suite) fails when a generated page
no longer matches its definition. Every page there is generated: a page edited by hand,
and a page that is no packaged process's, fails the check. What a page should say beyond
the rules belongs in the definition (descriptions, reference notes and ``notes``).
"""

from __future__ import annotations

from pathlib import Path

from sendflow.definitions.registry import load_process, packaged_processes
from sendflow.pages.process_page import process_page

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
    """The pages in ``folder`` that differ from what their definitions give now.

    A packaged process with no page, or with a page that differs in any way (edited by
    hand, or written from an older definition), is stale; so is a Markdown page there that
    belongs to no packaged process.
    """
    expected = expected_pages()
    stale = []
    for name, text in expected.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    if folder.is_dir():
        stale += sorted(p.name for p in folder.glob("*.md") if p.name not in expected)
    return stale
