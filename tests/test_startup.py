"""Start-up stays light: the store and its migrations load only when a store is used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "alembic", "mako", "pygments", "holidays", "cattrs")


def _modules_after(code: str) -> set[str]:
    """The modules in ``sys.modules`` after running ``code`` in a fresh process."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    found = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.splitlines()[-1]
    return set(json.loads(found))


def _loaded_after(code: str) -> set[str]:
    """The top-level packages in ``sys.modules`` after running ``code`` in a fresh process."""
    return {name.split(".")[0] for name in _modules_after(code)}


def _quietly(argv: list[str]) -> str:
    """Code that runs ``sendflow ARGV`` in-process, its output swallowed."""
    return (
        "import contextlib, io\nfrom sendflow.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    main({argv!r})"
    )


def test_importing_sendflow_loads_none_of_its_modules() -> None:
    """``import sendflow`` loads no subpackage: each public name loads on first use."""
    loaded = _modules_after("import sendflow")
    assert sorted(m for m in loaded if m.startswith("sendflow.")) == []
    assert not {m.split(".")[0] for m in loaded} & {"yaml", "transitions", "attr", "attrs"}


def test_a_public_name_loads_its_module_on_first_use() -> None:
    """Reading ``sendflow.evaluate`` loads the engine, and ``sendflow.errors`` is the module."""
    loaded = _modules_after(
        "import sendflow, sendflow.errors as e\n"
        "assert sendflow.errors is e and sendflow.evaluate.__module__ == 'sendflow.engine.replay'"
    )
    assert "sendflow.engine.replay" in loaded


@pytest.mark.parametrize(
    ("argv", "own"),
    [
        pytest.param(["--help"], set(), id="help"),
        pytest.param(["processes"], {"sendflow.cli.listing_command"}, id="processes"),
        pytest.param(["check", "--help"], {"sendflow.cli.check_command"}, id="check-help"),
    ],
)
def test_a_command_loads_only_its_own_module(argv: list[str], own: set[str]) -> None:
    """The command line imports the module of the command run, and no other command's."""
    loaded = _modules_after(_quietly(argv))
    modules = {f"sendflow.cli.{m.split('.')[-1]}" for m in loaded if m.startswith("sendflow.cli.")}
    commands = {m for m in modules if m.endswith(("_command", "_commands"))}
    assert commands == own


@pytest.mark.parametrize("argv", [["--help"], ["processes"]], ids=["help", "processes"])
def test_help_and_processes_read_no_yaml_and_build_no_model(argv: list[str]) -> None:
    """``--help`` and ``processes`` load no YAML reader, engine, store, attrs or cattrs."""
    loaded = {m.split(".")[0] for m in _modules_after(_quietly(argv))}
    heavy = {"yaml", "transitions", "attr", "attrs", "cattrs", "sqlalchemy", "alembic"}
    assert not loaded & heavy


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("import sendflow", id="import-sendflow"),
        pytest.param("import sendflow.cli", id="import-the-cli"),
        pytest.param("from sendflow.store import DueItem, StoredEvent", id="store-records"),
    ],
)
def test_importing_loads_no_store_and_no_bank_holidays(code: str) -> None:
    """Importing sendflow, its CLI or the store's records loads no store, holidays or cattrs."""
    assert not _loaded_after(code) & set(HEAVY)


def test_the_store_loads_on_first_use() -> None:
    """``from sendflow import Store`` loads the store, and SQLAlchemy with it."""
    loaded = _loaded_after("from sendflow import Store\nassert Store.__name__ == 'Store'")
    assert "sqlalchemy" in loaded


def test_checking_a_case_file_opens_no_store(tmp_path) -> None:
    """``sendflow check`` on a case file never loads SQLAlchemy or Alembic."""
    case_file = tmp_path / "A1.json"
    case_file.write_text(
        json.dumps(
            {
                "process": "ehc-needs-assessment",
                "events": [{"event": "request_received", "on": "2024-01-08"}],
            }
        )
    )
    run = f"main(['check', {str(case_file)!r}])"
    code = (
        "import contextlib, io\nfrom sendflow.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert {run} == 0"
    )
    assert not _loaded_after(code) & {"sqlalchemy", "alembic"}


def test_opening_a_current_store_loads_no_alembic(tmp_path) -> None:
    """A store already at the newest revision opens without importing Alembic."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    opened = f"from sendflow import Store\nStore({url!r}).close()"
    assert "alembic" in _loaded_after(opened)  # a new database is migrated
    assert "alembic" not in _loaded_after(opened)  # then it is at the head
