"""The layering docs/ARCHITECTURE.md draws, asserted over the package's imports with the stdlib ``ast``.

Each module belongs to the layer whose longest prefix names it; a module may import its own layer and
the layers below, never one above, and the module import graph has no cycle. Imports under
``if TYPE_CHECKING:`` are left out: they are annotations only and run no code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import changelog_tracker

PACKAGE = Path(changelog_tracker.__file__).parent
ROOT = PACKAGE.name

# Lowest first. A layer lists module prefixes (relative to the package).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leaves", ("errors", "paths", "taxonomy", "terminal", "suggest", "model", "traits")),
    ("read", ("parse", "sources")),
    ("store", ("graph",)),
    ("write", ("write",)),
    ("diff", ("differ",)),
    ("query", ("query.lookup",)),
    ("rules", ("rules",)),
    ("notes query", ("query.release_notes", "query")),
    ("check", ("check",)),
    ("stubs", ("stubs",)),
    ("render", ("render",)),
    ("commands", ("cli", "__main__", "")),  # "": the public API
)


def _layer(module: str) -> int:
    """The rank of the layer whose longest prefix names `module` ("" names only the package itself)."""
    matches = [
        (len(prefix), rank)
        for rank, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or (prefix and module.startswith(prefix + "."))
    ]
    assert matches, f"{module} is in no layer: give it one in LAYERS (and docs/ARCHITECTURE.md)"
    return max(matches)[1]


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those inside ``if TYPE_CHECKING:`` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            yield from (n for child in node.orelse for n in (child, *_runtime_nodes(child)))
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(path: Path) -> set[str]:
    """The package modules `path` imports at run time (relative to the package; "" is its __init__)."""
    module = _name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == ROOT:
            target = (node.module or "").removeprefix(ROOT).lstrip(".")
        else:
            continue
        names = [f"{target}.{a.name}".lstrip(".") for a in node.names]
        found |= {n for n in names if _is_module(n)} or {target}
    return found - {module}


def _is_module(name: str) -> bool:
    path = PACKAGE.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


GRAPH = {_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_upward_import(module: str) -> None:
    upward = [f"{t} ({LAYERS[_layer(t)][0]})" for t in sorted(GRAPH[module]) if _layer(t) > _layer(module)]
    assert not upward, f"{module} ({LAYERS[_layer(module)][0]}) imports a higher layer: {upward}"


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join([*trail[trail.index(module) :], module])
        if module not in done:
            for target in sorted(GRAPH.get(module, ())):
                visit(target, (*trail, module))
            done.add(module)

    for module in sorted(GRAPH):
        visit(module, ())


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_every_module_is_placed(module: str) -> None:
    """A new top-level module or folder must be given a layer, so the map stays the plan."""
    _layer(module)
