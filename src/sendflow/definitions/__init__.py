"""Process definitions: the neutral model, the YAML loader and its checks.

The names below load on first use, so that the light modules of this package (the
packaged processes' folder and headings, the process folders in use) can be imported
without the YAML reader, the model and the checks.
"""

from __future__ import annotations

import importlib
import typing

if typing.TYPE_CHECKING:
    from sendflow.definitions.loading import load_definition, parse_definition
    from sendflow.definitions.model import Process

_HOMES = {
    "Process": "sendflow.definitions.model",
    "load_definition": "sendflow.definitions.loading",
    "parse_definition": "sendflow.definitions.loading",
}

__all__ = ["Process", "load_definition", "parse_definition"]


def __getattr__(name: str) -> typing.Any:
    """A public name of the package, loaded on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'sendflow.definitions' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
