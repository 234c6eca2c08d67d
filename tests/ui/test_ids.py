"""Component ids live in ui/ids.py only: no other module of ui spells one, and every callback of the
app names ids from there."""

from __future__ import annotations

import ast
from pathlib import Path

from app import create_app
from model.inventory import Inventory
from ui import ids

UI = Path(__file__).resolve().parents[2] / "ui"
VALUES = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}


def test_ids_are_unique() -> None:
    names = [k for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)]
    assert len(VALUES) == len(names)


def _id_places(tree: ast.AST) -> list[ast.AST]:
    """Where a component id would be spelled: ``id=...``, Output/Input/State arguments, dict values
    (pattern-matching ids), assignments, comparisons. (A CSS class may share a name with an id.)"""
    places: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "id":
            places.append(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "Output",
            "Input",
            "State",
        ):
            places += node.args[:1]
        elif isinstance(node, ast.Dict):
            places += node.values
        elif isinstance(node, ast.Assign):
            places.append(node.value)
        elif isinstance(node, ast.Compare):
            places += [node.left, *node.comparators]
    return places


def test_no_module_but_ids_spells_a_component_id() -> None:
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "ids.py" and path.parent == UI:
            continue
        for node in _id_places(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in VALUES:
                found.append(f"{path.relative_to(UI.parent)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_every_callback_names_ids_of_the_ids_module() -> None:
    app = create_app(inventory=Inventory())
    used = set()
    for dep in app.server.test_client().get("/_dash-dependencies").get_json():
        for item in [*dep["inputs"], *dep["state"]]:
            used.add(item["id"])
        for part in dep["output"].strip(".").split("..."):
            used.add(part.split(".", 1)[0])
    plain = {u for u in used if not u.startswith("{")}
    assert plain and plain <= VALUES, plain - VALUES
    assert {u for u in used if u.startswith("{")} == {
        '{"format":["ALL"],"type":"fk-export"}',
        '{"table":["ALL"],"type":"fk-focus-pick"}',
    }
