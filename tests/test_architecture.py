"""The layout keeps its shape: one dependency direction, no import cycles, small modules, a true map.

The import graph is read with :mod:`ast` (nothing is imported) and analysed with networkx:

* no cycle between the project's modules;
* packages only import packages below them (``LAYERS``), so the data flows one way:
  model <- ingest <- ownership, graph <- checks <- exports <- remediation <- ui <- app <- cli;
* no module over 400 lines;
* every package is named in the README's Architecture section.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Package -> layer. A module may import its own package or any package of a lower layer.
LAYERS = {
    "model": 0,
    "ingest": 1,
    "ownership": 2,
    "graph": 2,
    "checks": 3,
    "exports": 4,
    "remediation": 5,
    "ui": 6,
    "app": 7,
    "cli": 8,
}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the product (not tests, benchmarks or fuzzing), by dotted name."""
    found = {"app": ROOT / "app.py"}
    for package in LAYERS:
        folder = ROOT / package
        if folder.is_dir():
            found.update({_module_name(p): p for p in sorted(folder.rglob("*.py"))})
    return found


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def import_graph() -> nx.DiGraph:
    """Module -> module edges for every import between the project's modules (any depth in a file)."""
    modules = project_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, name, path.name == "__init__.py"):
                if target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_import_graph_is_read() -> None:
    graph = import_graph()
    assert graph.has_edge("ownership.scan", "model.inventory")
    assert graph.number_of_edges() > 100


def test_no_import_cycles() -> None:
    cycles = sorted(nx.simple_cycles(import_graph()), key=len)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles[:10])


def test_dependencies_point_down_the_layers() -> None:
    wrong = []
    for source, target in import_graph().edges:
        a, b = source.split(".")[0], target.split(".")[0]
        if a != b and LAYERS[b] >= LAYERS[a]:
            wrong.append(f"{source} -> {target}")
    assert not wrong, "imports against the layer order: " + ", ".join(sorted(wrong))


@pytest.mark.parametrize("module", sorted(project_modules()))
def test_modules_stay_small(module: str) -> None:
    lines = project_modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES}): split it by idea"


def test_every_package_is_on_the_readme_map() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    packages = {m for m in project_modules() if "." not in m or m.count(".") == 1}
    folders = sorted(
        m for m in packages if (ROOT / m.replace(".", "/")).is_dir()
    )  # model, ingest, ingest.migrations, ...
    missing = [
        f for f in folders if not re.search(rf"(^|\s|`){re.escape(f.replace('.', '/'))}/", section, re.M)
    ]
    assert not missing, f"packages missing from README's Architecture section: {missing}"
