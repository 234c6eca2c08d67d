"""Constant names imported from a sibling module of the repository, for the JavaScript readers.

Knex and TypeORM projects often keep table names in a module of their own::

    // names.js                          // migrations/20250101_initial.js
    exports.TableUser = 'user'           const { TableUser } = require('../names')
    export const TableNote = 'note'      import { TableNote as Notes } from '../names'

:func:`bind_imports` reads the names a file takes with ``require('./x')`` destructuring or a
named ``import``, from a *relative* module (``./``, ``../``; ``.js``/``.ts``... or ``index``) or
from a workspace package of the scanned folder (``@org/names``: the ``package.json`` of that
name, its ``source`` or ``main`` entry), and binds each to the string that module exports under
that name (``exports.X = '...'``, ``module.exports.X``, ``module.exports = { X: '...' }``,
``export const X = '...'``; the members of ``export [const] enum X { a = '...' }`` as ``X.a``),
following ``export * from`` a few levels -- statically: a value that is no string literal in
its module stays unknown, as does a package outside the folder. Bindings are added to
:attr:`JsFile.bindings` before every use, so the readers resolve them like local constants
(``X.a`` too: :meth:`JsFile.resolve` looks member expressions up).
"""

from __future__ import annotations

import json
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
_TS_EXPORTS = """
(export_statement declaration: (enum_declaration name: (identifier) @enum body: (enum_body) @body))
(export_statement !declaration source: (string) @from) @all
"""
_SKIPPED_DIRS = frozenset({"node_modules", ".git", "dist", "build", "vendor"})
_MAX_DEPTH = 4


def _unquote(node: Node) -> str:
    return text(node).strip("'\"`")


class Modules:
    """The exported string constants of the modules of one scanned folder, read once each."""

    def __init__(self, top: str) -> None:
        self.top = top
        self._exports: dict[str, dict[str, Node]] = {}
        self._packages: dict[str, str] | None = None

    def _package_entry(self, spec: str) -> str | None:
        """The entry file of the workspace package named ``spec`` (its ``source``, else ``main``)."""
        if self._packages is None:
            self._packages = {}
            for directory, dirs, names in os.walk(self.top):
                dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
                if "package.json" in names:
                    data, _ = read_bytes(os.path.join(directory, "package.json"), "package.json")
                    try:
                        meta = json.loads(data or b"null")
                    except ValueError:
                        continue
                    if isinstance(meta, dict) and isinstance(meta.get("name"), str):
                        entry = meta.get("source") or meta.get("main") or "index.js"
                        if isinstance(entry, str):
                            self._packages[meta["name"]] = os.path.join(directory, entry)
        return self._packages.get(spec)

    def resolve(self, importer: str, spec: str) -> str | None:
        """The file ``spec`` names from the file at ``importer``: a relative module, or the entry of a
        workspace package of the scanned folder; ``None`` outside it."""
        if not spec.startswith(("./", "../")):
            entry = self._package_entry(spec)
            return self.resolve(entry, "./" + os.path.basename(entry)) if entry is not None else None
        base = os.path.normpath(os.path.join(os.path.dirname(importer), spec))
        stem = os.path.splitext(base)[0] if base.endswith(_SUFFIXES) else base
        tries = [base, *(stem + s for s in _SUFFIXES), *(os.path.join(base, "index" + s) for s in _SUFFIXES)]
        for path in tries:
            if (path == self.top or path.startswith(self.top + os.sep)) and os.path.isfile(path):
                return path
        return None

    def exports(self, path: str, depth: int = 0) -> dict[str, Node]:
        """Name -> string node of each constant the module at ``path`` exports (``Enum.member``
        for the members of an exported enum), ``export * from`` followed a few levels."""
        if path not in self._exports:
            self._exports[path] = {}  # a cycle of re-exports ends here
            self._exports[path] = self._read(path, depth)
        return self._exports[path]

    def _read(self, path: str, depth: int) -> dict[str, Node]:
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
        if lang == "typescript" or lang == "tsx":
            found.update(self._ts_exports(f, path, depth))
        return {name: node for name, v in found.items() if (node := _string_node(f, v)) is not None}

    def _ts_exports(self, f: JsFile, path: str, depth: int) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for m in matches(f.lang, _TS_EXPORTS, f.root):
            if "enum" in m:
                for member in m["body"].named_children:
                    name, value = member.child_by_field_name("name"), member.child_by_field_name("value")
                    if member.type == "enum_assignment" and name is not None and value is not None:
                        found[f"{text(m['enum'])}.{text(name)}"] = value
            elif text(m["all"]).replace(" ", "").startswith("export*from") and depth < _MAX_DEPTH:
                target = self.resolve(path, _unquote(m["from"]))
                if target is not None:
                    found.update(self.exports(target, depth + 1))
        return found


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
        exports = modules.exports(target) if target is not None else {}
        if exported in exports:
            f.bindings[local] = [(-1, exports[exported])]
        for name, node in exports.items():  # the members of an exported enum: Enum.member
            if name.startswith(exported + "."):
                f.bindings[local + name[len(exported) :]] = [(-1, node)]
