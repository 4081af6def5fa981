"""Process pages come from the definitions; the generated pages in docs stay up to date."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import sendflow
from sendflow.cli import main
from sendflow.definitions.catalogue import load_file
from sendflow.pages.generated import expected_pages, stale_pages, write_pages
from sendflow.pages.process_page import GENERATED, process_page
from tests.overlays.helpers import EXAMPLE, EXAMPLE_OVERLAY

ROOT = Path(__file__).resolve().parents[2]
BASE = sendflow.load_process("ehc-needs-assessment")


def _row(page: str, start: str) -> str:
    return next(line for line in page.splitlines() if line.startswith(f"| {start} "))


def test_the_page_has_every_rule_with_its_period_reference_and_grade() -> None:
    """Each rule is one row: period, counting, what starts and meets it, reference, evidence."""
    page = process_page(BASE, "md")
    for limit in BASE.time_limits.values():
        row = _row(page, f"`{limit.id}`")
        assert str(limit.reference) in row
    final = _row(page, "`final-plan`")
    starts = "`request_received`, `became_responsible`"
    assert f"| 20 weeks | after | {starts} | `final_plan_issued` |" in final
    assert final.endswith("| SI 2014/1530 reg 13(2), 13(3) | primary |")
    comments = _row(page, "`draft-representations`")
    assert "| at least 15 days | beginning with |" in comments
    assert "not before the end: `final_plan_issued`" in comments
    assert "```mermaid\nflowchart TD" in page
    assert "`request_withdrawn`. Matters only if the case ends with a decision not" in page
    assert "*local*" not in page


def test_an_overlay_page_marks_what_is_local() -> None:
    """The overlay's page says what it extends and marks its own states, events and targets."""
    page = process_page(load_file(EXAMPLE_OVERLAY), "md")
    assert "A local adaptation of `ehc-needs-assessment`" in page
    assert _row(page, "`panel_review` (*local*)")
    assert _row(page, "`panel_referred` (*local*)")
    target = _row(page, "`final-by-week-18` (*local target of `final-plan`*)")
    assert "| 18 weeks |" in target
    assert "local target: northshire-ehc-needs-assessment" in target


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        if tag not in ("meta", "br", "path", "rect", "circle", "marker"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("path", "rect", "circle", "marker"):
            return
        assert self.open.pop() == tag


def test_the_html_page_is_whole_and_draws_the_diagram() -> None:
    """The HTML page nests its tags properly and carries the SVG drawing inline."""
    page = process_page(load_file(EXAMPLE_OVERLAY), "html")
    tags = _Tags()
    tags.feed(page)
    assert tags.open == []
    assert {"svg", "table", "h2"} <= tags.seen
    assert (
        "<code>final-by-week-18</code> (<em>local target of <code>final-plan</code></em>)" in page
    )


def test_the_command_prints_a_registered_overlay_page(capsys: pytest.CaptureFixture[str]) -> None:
    """sendflow docs ID prints the page of an overlay found by id."""
    assert main(["docs", "northshire-ehc-needs-assessment", "--process-dir", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.startswith(GENERATED)


def test_writing_and_checking_generated_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--write makes a page per packaged process; --check fails once one is edited by hand."""
    assert main(["docs", "--check", str(tmp_path)]) == 1  # no pages yet
    assert main(["docs", "--write", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.md")) == sorted(expected_pages())
    assert stale_pages(tmp_path) == []
    assert main(["docs", "--check", str(tmp_path)]) == 0
    page = tmp_path / "appeal.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    assert stale_pages(tmp_path) == ["appeal.md"]
    assert main(["docs", "--check", str(tmp_path)]) == 1
    assert "sendflow docs --write" in capsys.readouterr().err
    assert write_pages(tmp_path) == ["appeal.md"]


def test_the_generated_pages_in_docs_are_up_to_date() -> None:
    """Every page in docs/processes is exactly what the generator writes from the definitions."""
    folder = ROOT / "docs" / "processes"
    stale = stale_pages(folder)
    assert stale == [], (
        f"docs/processes is out of date: {', '.join(stale)}. Change the process definition "
        "(processes/*.yaml), not the page, then run: sendflow docs --write docs/processes"
    )
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(expected_pages())


def test_a_hand_edited_page_or_a_stray_page_is_stale(tmp_path: Path) -> None:
    """A page without the generated mark, or one of no packaged process, fails the check."""
    write_pages(tmp_path)
    page = tmp_path / "plan-transfer.md"
    page.write_text(page.read_text(encoding="utf-8").replace(GENERATED + "\n", ""), "utf-8")
    (tmp_path / "old-process.md").write_text("# An old page\n", encoding="utf-8")
    assert stale_pages(tmp_path) == ["plan-transfer.md", "old-process.md"]


def test_the_generated_pages_hold_no_doctest() -> None:
    """The pages run as doctests with docs/*.md, so they carry no Python examples."""
    for name, text in expected_pages().items():
        assert ">>>" not in text, name


def test_notes_become_sections_with_paragraphs_lists_and_tables() -> None:
    """A definition's notes appear as sections: paragraphs, a list per item, the table last."""
    page = process_page(BASE, "md")
    assert "\n## Reversed refusals: what happens\n" in page
    assert "| `tribunal` | a First-tier Tribunal order to assess, or the LA conceding" in page
    assert "\n- `final-plan`: a request on Monday 8 January 2024 gives Monday 27 May 2024" in page
    html_page = process_page(BASE, "html")
    assert "<ul><li><code>decide-whether-to-assess</code>: a request on Monday" in html_page
    assert "<h2>Reversed refusals: worked dates</h2>" in html_page


def test_rule_notes_say_the_duty_and_what_voids_it() -> None:
    """Each rule's note names who owes the duty, a per-party clock and what makes it void."""
    page = process_page(BASE, "md")
    advice = "`advice`: Duty: the body asked. One clock per `party`. Void by `request_withdrawn`."
    assert advice in page
    assert "`no-plan-notice`: Duty: local authority. Conditional:" in page


def test_links_are_listed_on_the_page() -> None:
    """A process with links lists which of its events record what in the related case."""
    page = process_page(sendflow.load_process("appeal"), "md")
    row = _row(page, "`mediation_agreement_reached` | `order` is `assess`")
    assert "`refusal_reversed` in the `ehc-needs-assessment` case (`route`: `mediation`)" in row
