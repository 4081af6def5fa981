"""The optional compiled engine: the engine's hot modules built by mypyc into the wheel.

Off by default: ``pip install .`` and ``pip install -e .`` give the pure-Python package.
``SENDFLOW_COMPILE=1 pip install .`` builds a wheel in which the modules listed under
``[tool.hatch.build.targets.wheel.hooks.custom] modules`` in ``pyproject.toml`` are C
extensions compiled by mypyc from the same, unchanged source (it needs a C compiler and
the Python headers). The sources are copied to a temporary folder and compiled there,
so nothing is written into the checkout: an editable install always runs the source as
it is, and asking for a compiled editable install is refused rather than ignored.
``docs/replay.md`` says what it gains and how it is tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SWITCH = "SENDFLOW_COMPILE"
"""The environment variable that turns compiling on (``1``)."""

# What compiling needs besides the project's own dependencies: mypyc comes with mypy, and
# builds its extensions with setuptools; the type stubs are the ones mypy --strict reads.
_COMPILER = ["mypy>=1.10", "setuptools>=70", "types-PyYAML"]


def _wanted() -> bool:
    return os.environ.get(SWITCH, "").strip() not in ("", "0")


def _built_from(extension: Path, module: Path) -> bool:
    """Whether ``extension`` is the compiled form of ``module`` (beside it, same name)."""
    return extension.parent == module.parent and extension.name.startswith(f"{module.stem}.")


class CompiledEngineHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles the listed modules with mypyc when ``SENDFLOW_COMPILE=1``."""

    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        """What compiling needs (mypy, setuptools), asked for only when compiling."""
        return [*_COMPILER, *self.metadata.core.dependencies] if _wanted() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the modules into a temporary folder and add the extensions to the wheel."""
        if not _wanted() or self.target_name != "wheel":
            return
        if version == "editable":
            raise RuntimeError(
                f"{SWITCH}=1 builds a wheel with the compiled engine; an editable install "
                "runs the source as it is. Use 'pip install .' (without -e) to compile, or "
                f"unset {SWITCH} for an editable install."
            )
        modules = self.config.get("modules")
        if not modules or not all(isinstance(m, str) for m in modules):
            raise RuntimeError("hooks.custom.modules in pyproject.toml must list module paths")
        self._folder = tempfile.mkdtemp(prefix="sendflow-mypyc-")
        source = Path(self._folder) / "src"
        shutil.copytree(Path(self.root) / "src", source)
        where = [str(Path(module).relative_to("src")) for module in modules]
        print(f"compiling {len(where)} engine modules with mypyc", file=sys.stderr)
        done = subprocess.run(  # noqa: S603 (this interpreter, the project's own paths)
            [
                sys.executable,
                "-m",
                "mypyc",
                "--config-file",
                str(Path(self.root) / "pyproject.toml"),
                *where,
            ],
            cwd=source,
            env={**os.environ, "MYPYPATH": str(source)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"mypyc could not compile the engine:\n{done.stdout}{done.stderr}")
        # The extensions mypyc put in place: one per module, and the library they share
        # (``build/`` holds copies of them, left out).
        built = [
            path
            for path in source.rglob("*")
            if path.suffix in (".so", ".pyd") and path.relative_to(source).parts[0] != "build"
        ]
        missing = [
            module
            for module in where
            if not any(_built_from(path, source / module) for path in built)
        ]
        if missing:
            raise RuntimeError(f"mypyc built no extension for {', '.join(missing)}")
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(source).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary folder once the wheel holds the extensions."""
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
