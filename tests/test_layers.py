"""The package's layering, read from the source: each module imports only its own layer or those below, there
is no import cycle, the leaves import nothing of ours, and `generator.urls` loads no HTTP client and no Babel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support.imports import cycles, import_graph, longest_chain

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# lowest first; a module may import modules of its own layer and of the layers before it
LAYERS: list[tuple[str, set[str]]] = [
    ("leaves", {"generator.errors", "generator.sanitise", "generator.identity", "generator.timezones",
                "generator.atomic", "generator.concurrency", "generator.interrupts", "generator.progress"}),
    ("model", {"generator.model", "generator.i18n"}),
    ("settings", {"generator.config"}),
    ("paths", {"generator.urls"}),
    ("sources", {"generator.sources"}),
    ("normalise", {"generator.normalise", "generator.mixed_content"}),
    ("render", {"generator.revisions", "generator.render", "generator.feeds", "generator.changelog",
                "generator.history"}),
    ("output", {"generator.writer", "generator.cardstore", "generator.media", "generator.offline", "generator.buildkey",
                "generator.parallel", "generator.shrink"}),
    ("build", {"generator.plan", "generator.pipeline"}),
    ("commands", {"generator.serve", "generator.cli", "generator.catalog"}),
]
LEAVES = LAYERS[0][1]


def layer_of(module: str) -> int:
    """The index in LAYERS of `module` or of the package it is in; -1 when none is given."""
    for index, (_, members) in enumerate(LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return index
    return -1


GRAPH = {name: targets for name, targets in import_graph(PACKAGE).items() if name != "generator"}


def test_every_module_has_a_layer():
    unplaced = sorted(name for name in GRAPH if layer_of(name) < 0)

    assert not unplaced, f"put each new module in a layer of LAYERS: {unplaced}"


def test_no_module_imports_from_a_layer_above_its_own():
    upward = sorted(f"{name} ({LAYERS[layer_of(name)][0]}) -> {target} ({LAYERS[layer_of(target)][0]})"
                    for name, targets in GRAPH.items() if layer_of(name) >= 0  # the unplaced: the test above
                    for target in targets if layer_of(target) > layer_of(name))

    assert not upward, "\n".join(upward)


def test_there_is_no_import_cycle():
    assert cycles(GRAPH) == []


def test_the_leaves_import_nothing_of_ours():
    leaning = {name: sorted(GRAPH[name]) for name in LEAVES if GRAPH[name]}

    assert not leaning


def test_the_graph_sees_a_cycle_and_a_package_import(tmp_path):
    # the checks above can fail: a two-module cycle, and `from .b.c import x` also running `b/__init__.py`
    package = tmp_path / "pkg"
    (package / "b").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b.c import x\n")
    (package / "b" / "__init__.py").write_text("def late():\n    from .. import a\n")
    (package / "b" / "c.py").write_text("x = 1\n")

    graph = import_graph(package)

    assert graph["pkg.a"] == {"pkg.b", "pkg.b.c"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
    assert longest_chain({"a": {"b"}, "b": {"c"}, "c": set()}) == ["a", "b", "c"]


@pytest.mark.parametrize("module", ["generator.urls", "generator.sanitise", "generator.identity"])
def test_importing_a_low_module_loads_no_http_client_and_no_babel(module):
    code = f"import sys, {module}; print(sorted(m for m in ('requests', 'babel', 'urllib3') if m in sys.modules))"

    loaded = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True,
                            check=True).stdout.strip()

    assert loaded == "[]"
