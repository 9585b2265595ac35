"""The import graph of a package, read from its source with `ast` (nothing is imported): edges, cycles, chains.

An edge A → B means that importing A runs B's code: a module's own imports at any depth of its body (a lazy
import inside a function still ties the two together), plus the packages above B that A is not inside of
(`from ..sources.raw import RawEvent` also runs `sources/__init__.py`: Python imports a package before its
submodules).
"""

from __future__ import annotations

import ast
from pathlib import Path


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name → file for every module of the package at `root` (`generator/urls.py` → `generator.urls`)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _targets(node: ast.Import | ast.ImportFrom, name: str, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that one import statement in module `name` names."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        package = name if _is_package(name, modules) else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    # `from . import checks` and `from .pretalx import ref` name a module or a name in one
    return {base} | {f"{base}.{alias.name}" for alias in node.names}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the modules of the same package its import runs (see the module docstring)."""
    modules = module_names(root)
    top = root.name
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, name, modules):
                    if target not in modules or name.startswith(target + "."):
                        continue  # not ours, or a package this module is inside of (already being imported)
                    edges.add(target)
                    parent = target.rpartition(".")[0]
                    while parent and parent != top and not (name == parent or name.startswith(parent + ".")):
                        edges.add(parent)
                        parent = parent.rpartition(".")[0]
        edges.discard(name)
        edges.discard(top)  # the package's own __init__ runs first for every module; it imports nothing of ours
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def longest_chain(graph: dict[str, set[str]]) -> list[str]:
    """The longest import chain A → B → …; a cycle counts as one step (its modules are joined by `+`)."""
    component_of = {name: name for name in graph}
    for component in cycles(graph):
        for member in component:
            component_of[member] = "+".join(component)
    condensed: dict[str, set[str]] = {}
    for name, targets in graph.items():
        condensed.setdefault(component_of[name], set()).update(
            component_of[t] for t in targets if component_of[t] != component_of[name])
    best: dict[str, list[str]] = {}

    def chain(node: str) -> list[str]:
        if node not in best:
            tails = [chain(target) for target in sorted(condensed.get(node, ()))]
            best[node] = [node, *max(tails, key=len, default=[])]
        return best[node]

    return max((chain(node) for node in sorted(condensed)), key=len, default=[])
