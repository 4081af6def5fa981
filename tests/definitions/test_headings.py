"""The packaged processes' headings come from the index only while their files are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendflow.definitions import headings
from sendflow.definitions.headings import ProcessHeading, index_text, packaged_heading
from sendflow.definitions.packaged import packaged_dir, packaged_processes
from sendflow.definitions.registry import load_process
from sendflow.errors import UnknownProcessError


def test_the_shipped_index_is_current() -> None:
    """The index holds every packaged process with its file's digest and heading.

    If this fails after editing a file in processes/, write the index again:
    ``python tools/process_index.py`` (until then the edited file is parsed, not indexed).
    """
    folder = packaged_dir()
    assert folder is not None
    shipped = (folder / headings.INDEX_FILE).read_text(encoding="utf-8")
    assert json.loads(shipped) == json.loads(index_text()), "run `python tools/process_index.py`"


@pytest.mark.parametrize("process_id", packaged_processes())
def test_a_heading_is_what_loading_the_file_gives(process_id: str) -> None:
    """Each packaged heading equals the loaded process's id, version and title."""
    process = load_process(process_id)
    heading = ProcessHeading(process.id, process.version, process.title)
    assert packaged_heading(process_id) == heading


def test_an_edited_file_is_parsed_not_taken_from_the_index(monkeypatch, tmp_path: Path) -> None:
    """A digest that no longer matches the file sends the heading to the loader."""
    stale = {
        pid: {**entry, "sha256": "0" * 64, "title": "stale title"}
        for pid, entry in headings._index().items()
    }
    monkeypatch.setattr(headings, "_index", lambda: stale)
    assert packaged_heading("appeal").title == load_process("appeal").title != "stale title"
    monkeypatch.setattr(headings, "_index", dict)
    assert packaged_heading("appeal").title == load_process("appeal").title


def test_a_current_entry_is_used_without_loading(monkeypatch) -> None:
    """A matching digest gives the index's heading: the loader is not called."""

    def refuse(process_id: str) -> None:
        raise AssertionError(process_id)

    monkeypatch.setattr(headings, "loaded_heading", refuse)
    assert packaged_heading("appeal").id == "appeal"


def test_an_unknown_id_is_refused() -> None:
    """An id that is not packaged is an unknown process, as for load_process."""
    with pytest.raises(UnknownProcessError):
        packaged_heading("no-such-process")
