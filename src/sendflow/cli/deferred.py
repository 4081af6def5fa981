"""Commands whose code loads only when they run, so that ``sendflow --help`` stays quick."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

__all__ = ["deferred"]


def deferred(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command's ``run`` that imports ``module`` (and what it needs) only when called."""

    def run(args: argparse.Namespace) -> int:
        command: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(module), name
        )
        return command(args)

    run.__doc__ = f"Run ``{module}.{name}``."
    return run
