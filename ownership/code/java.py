"""Java: SQL literals and text blocks, JPA entities, JPQL, Spring Data repositories, EntityManager.

* SQL: every string literal, text block and ``"..." + "..."`` chain that parses as SQL (JDBC
  ``?`` parameters included), e.g. in ``jdbcTemplate.update``, ``@Query(nativeQuery = true)``,
  ``createNativeQuery``.
* JPQL: the string of ``@Query`` (without ``nativeQuery = true``), ``@NamedQuery`` and
  ``createQuery(...)`` names entities, not tables: its names become references to entity classes.
* ``@Entity`` classes map to ``@Table(name, schema)``, else to the entity name in snake case (Spring
  Boot's naming); Spring Data JDBC ``@Table("x")`` and MongoDB ``@Document(collection = "x")``
  classes as well. Each declaration counts as a write.
* ``interface UserRepository extends JpaRepository<User, Long>`` makes ``UserRepository`` stand for
  ``User``; ``userRepository.save(...)`` on a field, parameter or local of that type writes it
  (``findBy...`` reads). ``entityManager.persist(new User())``/``merge``/``remove`` write,
  ``find(User.class, id)`` reads.

>>> facts = read_java(b'''
... @Entity @Table(name = "users", schema = "auth")
... public class User {}
... interface UserRepository extends JpaRepository<User, Long> {
...   @Query("SELECT u FROM User u WHERE u.email = :email") User byEmail(String email);
... }
... class Service {
...   private final UserRepository users;
...   void f() { users.save(new User()); jdbc.update("DELETE FROM sessions WHERE uid = ?", 1); }
... }''', "src/User.java")
>>> [(d.name, d.table, d.alias_of) for d in facts.decls]
[('User', 'auth.users', ''), ('UserRepository', '', 'User')]
>>> sorted((r.name, r.access, r.line) for r in facts.refs)
[('UserRepository', 'write', 9), ('user', 'read', 5)]
>>> [(f.table, f.access) for f in facts.found]
[('sessions', 'write')]
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.evidence import Access
from ownership.code.facts import Decl, FileFacts, Ref
from ownership.code.names import qualified, snake_case
from ownership.code.ops import SPRING_DATA, access_of
from ownership.code.sql import jpql_entities, sql_tables
from ownership.code.treesit import child_text, error_diagnostic, literal_text, literals_from, parse, run

__all__ = ["read_java"]

_REPOSITORIES = (
    '"Repository" "CrudRepository" "ListCrudRepository" "PagingAndSortingRepository" "JpaRepository"'
    ' "ListPagingAndSortingRepository" "ReactiveCrudRepository" "MongoRepository" "R2dbcRepository"'
)
_QUERY = f"""
(class_declaration (modifiers) @mods name: (identifier) @name) @cls
(interface_declaration name: (identifier) @repo (extends_interfaces (type_list (generic_type
  (type_identifier) @base (type_arguments . (type_identifier) @ent)))) (#any-of? @base {_REPOSITORIES}))
(field_declaration type: (type_identifier) @type declarator: (variable_declarator name: (identifier) @var))
(formal_parameter type: (type_identifier) @type name: (identifier) @var)
(local_variable_declaration type: (type_identifier) @type
  declarator: (variable_declarator name: (identifier) @var))
(method_invocation object: [(identifier) @recv (field_access object: (this) field: (identifier) @recv)]
  name: (identifier) @op arguments: (argument_list) @args) @call
"""
_EM_WRITES = frozenset({"persist", "merge", "remove", "save", "saveOrUpdate", "update", "delete"})
_EM_READS = frozenset({"find", "getReference", "get", "load"})
_EM_TYPES = frozenset({"EntityManager", "Session", "StatelessSession"})


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _annotations(mods: Node) -> dict[str, Node]:
    """The annotations of a ``modifiers`` node by simple name (the node itself)."""
    out: dict[str, Node] = {}
    for child in mods.children:
        if child.type in ("annotation", "marker_annotation"):
            out[child_text(child, "name").rsplit(".", 1)[-1]] = child
    return out


def _argument(annotation: Node | None, key: str) -> str:
    """A string argument of an annotation: ``key = "x"``, or the lone ``"x"`` for ``value``."""
    args = annotation.child_by_field_name("arguments") if annotation is not None else None
    for child in args.named_children if args is not None else ():
        if child.type == "element_value_pair" and child_text(child, "key") == key:
            value = child.child_by_field_name("value")
            return literal_text(value) if value is not None and value.type == "string_literal" else ""
        if child.type == "string_literal" and key == "value":
            return literal_text(child)
    return ""


def _entity(m: dict[str, Node]) -> list[Decl]:
    found = _annotations(m["mods"])
    cls, line = child_text(m["name"]), _line(m["cls"])
    if "Document" in found:
        name = _argument(found["Document"], "collection") or _argument(found["Document"], "value")
        return [Decl(cls, (name or cls).lower(), "mongodb", line)]
    table = found.get("Table")
    entity = _argument(found.get("Entity"), "name")
    if "Entity" not in found and not _argument(table, "value"):
        return []
    name = _argument(table, "name") or _argument(table, "value") or snake_case(entity or cls)
    decl = Decl(cls, qualified(_argument(table, "schema"), name), "jpa", line)
    return [decl] + ([Decl(entity, decl.table, "jpa", line)] if entity and entity != cls else [])


def _native(annotation: Node) -> bool:
    """Whether an annotation has ``nativeQuery = true``."""
    args = annotation.child_by_field_name("arguments")
    return any(
        c.type == "element_value_pair"
        and child_text(c, "key") == "nativeQuery"
        and child_text(c, "value") == "true"
        for c in (args.named_children if args is not None else ())
    )


def _is_jpql(node: Node) -> bool:
    """Whether a literal is JPQL: in ``@Query`` (not native), ``@NamedQuery`` or ``createQuery(...)``."""
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return False
        if parent.type in ("annotation", "marker_annotation"):
            name = child_text(parent, "name").rsplit(".", 1)[-1]
            return name == "NamedQuery" or (name == "Query" and not _native(parent))
        if parent.type == "method_invocation":
            return child_text(parent, "name") == "createQuery"
        parent = parent.parent
    return False


def _entity_argument(args: Node, types: dict[str, str]) -> str:
    """The entity class a call's first argument names: ``new User()``, ``User.class`` or a typed variable."""
    first = args.named_children[0] if args.named_children else None
    if first is None:
        return ""
    if first.type == "object_creation_expression":
        return child_text(first, "type")
    if first.type == "class_literal":
        return child_text(first.named_children[0]) if first.named_children else ""
    return types.get(child_text(first), "") if first.type == "identifier" else ""


def _call(m: dict[str, Node], types: dict[str, str], facts: FileFacts) -> None:
    kind = types.get(child_text(m["recv"]))
    if kind is None:
        return
    op, line = child_text(m["op"]), _line(m["call"])
    if kind in _EM_TYPES:
        access: Access | None = "write" if op in _EM_WRITES else "read" if op in _EM_READS else None
        entity = _entity_argument(m["args"], types)
        if access is not None and entity:
            facts.refs.append(Ref(entity, access, "jpa", line))
    elif (access := access_of(SPRING_DATA, op)) is not None:
        facts.refs.append(Ref(kind, access, "", line))


def read_java(src: bytes, path: str) -> FileFacts:
    """Table evidence in one Java file."""
    tree = parse("java", src)
    facts = FileFacts()
    if (diag := error_diagnostic(tree.root_node, path)) is not None:
        facts.diagnostics.append(diag)
    contents, found = run("java", _QUERY, tree.root_node)
    for node, text in literals_from(contents):
        if _is_jpql(node):
            entities = jpql_entities(text)
            facts.refs.extend(Ref(t, a, "jpa", _line(node)) for t, a in entities if "." not in t)
        else:
            facts.sql(sql_tables(text), "sql", _line(node))
    types = {child_text(m["var"]): child_text(m["type"]) for m in found if "var" in m}
    for m in found:
        if "cls" in m:
            facts.decls.extend(_entity(m))
        elif "repo" in m:
            facts.decls.append(
                Decl(child_text(m["repo"]), "", "jpa", _line(m["repo"]), alias_of=child_text(m["ent"]))
            )
        elif "call" in m:
            _call(m, types, facts)
    return facts
