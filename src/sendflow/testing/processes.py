"""Every kit function takes a process, its compiled form, a process id or a file path.

:func:`as_process` and :func:`as_compiled` turn any of them into what the kit works on.
An id is looked up as :func:`sendflow.definitions.registry.load_process` does: packaged,
then in the process folders chosen with ``--process-dir``/``SENDFLOW_PROCESSES`` or
:func:`sendflow.definitions.catalogue.use_process_dirs`.
"""

from __future__ import annotations

import os
from typing import TypeAlias

from sendflow.definitions.model import Process
from sendflow.definitions.registry import load_process
from sendflow.engine.machine import CompiledProcess, compile_process

__all__ = ["ProcessLike", "as_compiled", "as_process"]

ProcessLike: TypeAlias = Process | CompiledProcess | str | os.PathLike[str]
"""A process, its compiled form, a process id, or the path of a process file."""


def as_process(process: ProcessLike) -> Process:
    """The definition ``process`` names (loaded when given an id or a path).

    Raises:
        UnknownProcessError: An id or path that names no process.
        DefinitionError: A file that is not a valid definition.
    """
    if isinstance(process, CompiledProcess):
        return process.process
    if isinstance(process, Process):
        return process
    return load_process(process)


def as_compiled(process: ProcessLike) -> CompiledProcess:
    """The compiled form of ``process`` (built once per process and reused)."""
    if isinstance(process, CompiledProcess):
        return process
    return compile_process(as_process(process))
