"""Constant names imported from a sibling module of the repository, for the JavaScript readers.

Knex and TypeORM projects often keep table names in a module of their own::

    // names.js                          // migrations/20250101_initial.js
    exports.TableUser = 'user'           const { TableUser } = require('../names')
    export const TableNote = 'note'      import { TableNote as Notes } from '../names'

:func:`bind_imports` reads the names a file takes with ``require('./x')`` destructuring or a
named ``import`` from a *relative* module (``./``, ``../``; ``.js``/``.ts``... or ``index``),
inside the scanned folder, and binds each to the string that module exports under that name
(``exports.X = '...'``, ``module.exports.X``, ``module.exports = { X: '...' }``,
``export const X = '...'``) -- one level, statically: a value that is no string literal in
that module stays unknown, and so does a package import (``@org/names``). Bindings are added
to :attr:`JsFile.bindings` before every use, so the readers resolve them like local constants.
"""

from __future__ import annotations

import os

from tree_sitter import Node

from ingest.orm.common_js import JsFile, language_of, matches, parse_js, text
from ingest.orm.files import read_bytes

__all__ = ["Modules", "bind_imports"]

_SUFFIXES = (".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx")

_REQUIRES = """
(variable_declarator name: (object_pattern) @pattern
  value: (call_expression function: (identifier) @fn arguments: (arguments . (string) @spec)))
"""
_IMPORTS = (
    "(import_statement (import_clause (named_imports (import_specifier) @spec)) source: (string) @source)"
)
_EXPORTS = """
(assignment_expression left: (member_expression) @left right: (_) @value)
(export_statement declaration:
  (lexical_declaration (variable_declarator name: (identifier) @name value: (_) @value)))
"""


def _unquote(node: Node) -> str:
    return text(node).strip("'\"`")


class Modules:
    """The exported string constants of the modules of one scanned folder, read once each."""

    def __init__(self, top: str) -> None:
        self.top = top
        self._exports: dict[str, dict[str, Node]] = {}

    def resolve(self, importer: str, spec: str) -> str | None:
        """The file a relative ``spec`` of the file at ``importer`` names, inside the folder."""
        if not spec.startswith(("./", "../")):
            return None
        base = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
        stem = os.path.splitext(base)[0] if base.endswith(_SUFFIXES) else base
        tries = [base, *(stem + s for s in _SUFFIXES), *(os.path.join(base, "index" + s) for s in _SUFFIXES)]
        for path in tries:
            if (path == self.top or path.startswith(self.top + os.sep)) and os.path.isfile(path):
                return path
        return None

    def exports(self, path: str) -> dict[str, Node]:
        """Name -> string node of each constant the module at ``path`` exports."""
        if path not in self._exports:
            self._exports[path] = self._read(path)
        return self._exports[path]

    def _read(self, path: str) -> dict[str, Node]:
        rel = os.path.relpath(path, self.top)
        lang = language_of(rel)
        data, _ = read_bytes(path, rel)
        if lang is None or data is None:
            return {}
        f = parse_js(data, rel, lang)
        found: dict[str, Node] = {}
        for m in matches(lang, _EXPORTS, f.root):
            value = m["value"]
            if "name" in m:
                found[text(m["name"])] = value
                continue
            left = text(m["left"]).replace(" ", "")
            if left == "module.exports":
                found.update(f.obj(value))
            elif (
                left.startswith(("exports.", "module.exports."))
                and left.count(".") == left.startswith("m") + 1
            ):
                found[left.rsplit(".", 1)[1]] = value
        return {name: node for name, v in found.items() if (node := _string_node(f, v)) is not None}


def _string_node(f: JsFile, value: Node) -> Node | None:
    """``value`` resolved in its own file when it is a string literal (or a template without ``${}``)."""
    node = f.resolve(value)
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(c.type == "template_substitution" for c in node.children):
        return None
    return node


def _required(f: JsFile) -> list[tuple[str, str, str]]:
    """``(local name, exported name, spec)`` of ``const { a, b: c } = require('spec')``."""
    out = []
    for m in matches(f.lang, _REQUIRES, f.root):
        if text(m["fn"]) != "require":
            continue
        spec = _unquote(m["spec"])
        for child in m["pattern"].named_children:
            if child.type == "shorthand_property_identifier_pattern":
                out.append((text(child), text(child), spec))
            elif child.type == "pair_pattern":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    out.append((text(value), text(key), spec))
    return out


def _imported(f: JsFile) -> list[tuple[str, str, str]]:
    """``(local name, exported name, spec)`` of ``import { a, b as c } from 'spec'``."""
    out = []
    for m in matches(f.lang, _IMPORTS, f.root):
        name, alias = m["spec"].child_by_field_name("name"), m["spec"].child_by_field_name("alias")
        if name is not None:
            out.append((text(alias if alias is not None else name), text(name), _unquote(m["source"])))
    return out


def bind_imports(f: JsFile, path: str, modules: Modules) -> None:
    """Bind the names ``f`` (read from ``path``) imports from relative modules to their strings."""
    for local, exported, spec in [*_required(f), *_imported(f)]:
        if local in f.bindings:
            continue  # bound in the file itself: that binding is the one in use
        target = modules.resolve(path, spec)
        node = modules.exports(target).get(exported) if target is not None else None
        if node is not None:
            f.bindings[local] = [(-1, node)]
