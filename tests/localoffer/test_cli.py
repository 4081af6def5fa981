"""``sendflow local-offer check``: formats, the score threshold, and bad input."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from sendflow.cli import main
from sendflow.cli.output import Progress
from sendflow.localoffer import check_feed

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "local-offer"
ARGS = [
    "local-offer",
    "check",
    str(EXAMPLE / "feed.json"),
    "--manifest",
    str(EXAMPLE / "manifest.yaml"),
    "--taxonomy-map",
    str(EXAMPLE / "taxonomy-map.yaml"),
    "--as-of",
    "2026-06-30",
]


def test_the_table_lists_each_check_and_what_to_fix_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The default table shows the score, every check with its record ids, and the fixes."""
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    assert "Coverage score: 95.0% of Schedule 2 topics." in out
    assert "  R3  FAIL  The current review consulted every reg 54 consultee" in out
    assert "outside the area (1) [fb-svc-012]" in out
    assert "1. Publish information on: The local authority's accessibility strategy" in out


def test_json_output_is_the_report_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON output carries the version, score, checks with ids, and topics, with ISO dates."""
    assert main([*ARGS, "--format", "json"]) == 0
    shape = json.loads(capsys.readouterr().out)
    assert (shape["version"], shape["as_of"], shape["score"]) == ("3.0", "2026-06-30", 95.0)
    checks = {c["key"]: c for c in shape["checks"]}
    assert checks["out-of-area"]["status"] == "pass"
    assert checks["out-of-area"]["findings"][0]["ids"] == ["fb-svc-012"]
    assert checks["topic-coverage"]["evidence"] == "primary"
    assert {t["slug"] for t in shape["topics"]} >= {"travel", "funding_policy"}


def test_markdown_and_html_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    """Markdown gives tables; HTML gives one whole page."""
    assert main([*ARGS, "--format", "md"]) == 0
    assert "| R1 | pass | Comments and response published within the last year |" in (
        capsys.readouterr().out
    )
    assert main([*ARGS, "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")


def test_fail_under_exits_1_when_the_score_is_lower(capsys: pytest.CaptureFixture[str]) -> None:
    """A score under --fail-under exits 1 with the reason on stderr; at or over it, 0."""
    assert main([*ARGS, "--fail-under", "96"]) == 1
    captured = capsys.readouterr()
    assert "the coverage score 95.0% is under 96%" in captured.err
    assert main([*ARGS, "--fail-under", "95"]) == 0


def test_a_bad_feed_exits_2_with_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text that is not JSON exits 2, explains itself on stderr and prints nothing else."""
    bad = tmp_path / "feed.json"
    bad.write_text("<html>not a feed</html>", encoding="utf-8")
    assert main(["local-offer", "check", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "this is not a JSON feed" in captured.err


def test_a_bad_manifest_exits_2_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest with a bad date exits 2 and names the file and line."""
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("documents:\n  s41_list: {url: x, date: 2026-02-30}\n", encoding="utf-8")
    assert (
        main(["local-offer", "check", str(EXAMPLE / "feed.json"), "--manifest", str(manifest)]) == 2
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{manifest}, line 2, at documents.s41_list.date" in captured.err


@pytest.mark.parametrize(("option", "value"), [("--as-of", "30/06/2026"), ("--fail-under", "120")])
def test_bad_options_are_refused(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date not written YYYY-MM-DD, or a percentage over 100, is refused by the parser."""
    assert main([*ARGS[:3], option, value]) == 2
    assert capsys.readouterr().out == ""


def test_progress_is_reported_as_the_feed_is_read(tmp_path: Path) -> None:
    """check_feed reports bytes read up to the whole file; the bar draws each new percent."""
    seen: list[tuple[int, int]] = []
    check_feed(
        EXAMPLE / "feed.json",
        as_of=date(2026, 6, 30),
        on_progress=lambda done, total: seen.append((done, total)),
    )
    size = (EXAMPLE / "feed.json").stat().st_size
    assert seen[-1] == (size, size)
    stream = io.StringIO()
    bar = Progress(1, stream, label="reading feed")
    bar.active = True  # as on a terminal
    for done in (0, 50, 50, 100):
        bar.reach(done, 100)
    bar.close()
    assert stream.getvalue().count("\r") == 3
    assert stream.getvalue().endswith("] 100%\n")
