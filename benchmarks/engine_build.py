"""Which engine a benchmark ran: the pure-Python source or the compiled build.

``SENDFLOW_COMPILE=1 pip install .`` builds the engine's hot modules with mypyc
(``hatch_build.py``); figures from the two builds are not comparable, so each
benchmark names the one it ran.
"""

from __future__ import annotations

import importlib.machinery

import sendflow.engine.fold


def engine_build() -> str:
    """``compiled (mypyc)`` when the fold runs from a C extension, else ``pure Python``."""
    source = str(sendflow.engine.fold.__file__)
    return (
        "compiled (mypyc)"
        if source.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
        else "pure Python"
    )
