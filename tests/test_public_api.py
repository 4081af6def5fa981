"""The public surface: what ``sendflow`` exports, and nothing else."""

from __future__ import annotations

import types

import sendflow


def test_all_matches_the_public_names() -> None:
    """``__all__`` is sorted and lists exactly the public names the package defines."""
    public = {
        name
        for name, value in vars(sendflow).items()
        if not name.startswith("_")
        and not (isinstance(value, types.ModuleType) and name != "errors")
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
