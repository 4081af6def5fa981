"""The layout shows the architecture: each layer imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sendflow"

# Each layer, and the layers it may import (besides itself). ``errors`` is below all.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "files": {"errors"},
    "time": {"errors", "files"},
    "definitions": {"errors", "files", "time"},
    "pages": {"errors", "files", "time", "definitions"},
    "engine": {"errors", "files", "time", "definitions"},
    "store": {"errors", "files", "time", "definitions", "engine"},
    "contracts": {"errors", "files", "time", "definitions", "engine", "store"},
    "testing": {"errors", "files", "time", "definitions", "engine"},
    "localoffer": {"errors", "files", "time", "definitions", "contracts"},
    "compliance": {"errors", "files", "time", "definitions", "engine", "store", "contracts"},
    "reports": {
        *("errors", "files", "time", "definitions", "engine", "store", "contracts"),
        "compliance",
    },
    "simulation": {
        *("errors", "files", "time", "definitions", "engine", "store", "contracts"),
        "compliance",
    },
}
LAYERS["cli"] = set(LAYERS)  # the command line stands on every layer
# The one way up: a documented ``to_dict``/``from_dict`` of an engine class delegates to
# the contracts converter, importing it when called (never while modules load).
DELEGATES = frozenset({"to_dict", "from_dict"})
DELEGATED_TO = "sendflow.contracts"
# Third-party libraries only one layer may import.
OWNERS = {"transitions": "engine", "sqlalchemy": "store", "alembic": "store"}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        found[name] = path
    return found


def _delegations(tree: ast.AST) -> set[ast.AST]:
    """The imports of the contracts layer inside documented delegating methods."""
    return {
        node
        for method in ast.walk(tree)
        if isinstance(method, ast.FunctionDef) and method.name in DELEGATES
        for node in ast.walk(method)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(DELEGATED_TO)
    }


def _imports(path: Path, *, delegated: bool = False) -> set[str]:
    """Every module a file imports, type-only imports included.

    With ``delegated``, only the imports of documented delegating methods; without it,
    all the others.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    delegations = _delegations(tree)
    names = set()
    for node in ast.walk(tree):
        if (node in delegations) != delegated:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in LAYERS))
def test_a_layer_imports_only_the_layers_below_it(module: str) -> None:
    """No module reaches up or sideways into a layer it must not know."""
    layer = _layer(module)
    allowed = LAYERS[layer] | {layer}
    for name in _imports(MODULES[module]):
        top = name.split(".")[0]
        if top in OWNERS:
            assert OWNERS[top] == layer, f"{module} imports {top}, which only {OWNERS[top]} may"
        if top == "sendflow" and name != "sendflow":
            target = _layer(name)
            assert target in allowed, f"{module} imports {name} from the {target} layer"


def test_only_engine_delegates_reach_up_to_the_contracts() -> None:
    """A ``to_dict``/``from_dict`` that imports the converter is an engine class's."""
    reaching = sorted(m for m, path in MODULES.items() if _imports(path, delegated=True))
    assert reaching, "no delegating method found: is DELEGATES still needed?"
    assert all(_layer(m) == "engine" for m in reaching), reaching


def test_no_module_imports_in_a_circle() -> None:
    """The import graph between sendflow's modules has no cycle, type-only imports included."""
    # A module importing its own package's __init__ is not a circle of the design.
    graph = {
        module: {
            name
            for name in _imports(path)
            if name in MODULES and name != module and not module.startswith(name + ".")
        }
        for module, path in MODULES.items()
    }
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            cycle = " -> ".join((*path[path.index(module) :], module))
            pytest.fail(f"import circle: {cycle}")
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_every_package_has_a_place_in_the_layers() -> None:
    """A new package must be given its layer here, or its imports would go unchecked."""
    unplaced = sorted({_layer(m) for m in MODULES} - set(LAYERS) - {"__init__"})
    assert unplaced == []
