"""The public surface: what ``sendflow`` exports, and nothing else."""

from __future__ import annotations

import types

import pytest

import sendflow


def test_all_matches_the_public_names() -> None:
    """``__all__`` is sorted and lists exactly the public names the package defines."""
    # dir() holds the names loaded on first use (the store's) as well as those already
    # loaded; reading each one loads it.
    public = {
        name
        for name in dir(sendflow)
        if not name.startswith("_")
        and not (isinstance(getattr(sendflow, name), types.ModuleType) and name != "errors")
        and name not in {"annotations"}
    }
    assert sorted(sendflow.__all__) == list(sendflow.__all__)
    assert set(sendflow.__all__) == public


def test_every_export_has_a_docstring() -> None:
    """Each exported class and function documents itself."""
    for name in sendflow.__all__:
        assert getattr(sendflow, name).__doc__, name


def test_the_public_api_is_unchanged() -> None:
    """The names ``sendflow`` promises stay exactly these (a change here is a release note)."""
    assert sendflow.__all__ == [
        "Case",
        "CaseExistsError",
        "CaseFileError",
        "CaseNotFoundError",
        "DefinitionError",
        "DueItem",
        "Evaluation",
        "Event",
        "EventError",
        "ImportRejectedError",
        "ImportReport",
        "SendflowError",
        "StaleCaseError",
        "Status",
        "Store",
        "TimeLimitResult",
        "UnknownProcessError",
        "errors",
        "evaluate",
        "load_process",
        "packaged_processes",
        "read_case_file",
    ]


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name ``sendflow`` does not export raises ``AttributeError``, as for any module."""
    with pytest.raises(AttributeError, match="no attribute 'Stor'"):
        _ = sendflow.Stor  # type: ignore[attr-defined]
