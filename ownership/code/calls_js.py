"""TypeScript and JavaScript ORM and driver calls that a parser can tie to a model or collection.

* Prisma Client: ``<client>.<model>.<op>(...)`` (``prisma.user.create``, ``tx.post.findMany``),
  a reference to the Prisma model ``<model>``;
* model classes: ``User.create(...)``, ``User.findAll()`` (Sequelize, Mongoose, TypeORM active
  records), a reference to the class ``User``;
* TypeORM: ``getRepository(User).save(...)``, ``manager.insert(User, ...)``, and calls on a
  variable or ``this.`` field typed ``Repository<User>``/``Model<User>`` (or injected with
  ``@InjectRepository(User)``/``@InjectModel(User.name)``), or assigned from ``getRepository(User)``;
* the MongoDB driver: ``db.collection('users').insertOne(...)``, also through a variable assigned
  from ``db.collection('users')``: a direct use of the ``users`` collection (``mongodb``).

Which methods write and which read is in :mod:`.ops`. References to names no declaration maps
(``Object.create``, ``Promise.all``) are dropped when the scan resolves them.

>>> from ownership.code.facts import FileFacts
>>> from ownership.code.treesit import matches, parse
>>> tree = parse("typescript", b'''
... class UsersService {
...   constructor(@InjectRepository(User) private readonly users: Repository<User>) {}
...   save(u) { return this.users.save(u); }
...   logs() { return db.collection("audit").find({}); }
... }''')
>>> facts = FileFacts()
>>> read_calls(matches("typescript", patterns("typescript"), tree.root_node), facts)
>>> [(r.name, r.access, r.line) for r in facts.refs], [(f.table, f.how) for f in facts.found]
([('User', 'write', 4)], [('audit', 'mongodb')])
"""

from __future__ import annotations

from tree_sitter import Node

from ownership.code.evidence import Access
from ownership.code.facts import FileFacts, Found, Ref
from ownership.code.ops import JS_MODEL, MONGO, PRISMA, TYPEORM_REPO, Ops, access_of
from ownership.code.treesit import child_text, literal_text

__all__ = ["patterns", "read_calls"]

_MONGO_CAMEL = (
    "insertOne insertMany updateOne updateMany replaceOne deleteOne deleteMany bulkWrite findOneAndUpdate"
    " findOneAndReplace findOneAndDelete find findOne aggregate countDocuments estimatedDocumentCount"
    " distinct"
)


def _names(*ops: Ops, extra: str = "") -> str:
    words = set(extra.split())
    for o in ops:
        words |= o.writes | o.reads
    return " ".join(f'"{w}"' for w in sorted(words))


_REPO_GETTERS = '"getRepository" "getMongoRepository" "getTreeRepository" "collection"'
_QUERY = f"""
(call_expression function: (member_expression
    object: (member_expression property: (property_identifier) @model)
    property: (property_identifier) @op) (#any-of? @op {_names(PRISMA)})) @prisma
(call_expression function: (member_expression object: (identifier) @cls property: (property_identifier) @op)
  (#any-of? @op {_names(JS_MODEL)})) @static
(call_expression function: (member_expression object: (call_expression
    function: [(identifier) @g (member_expression property: (property_identifier) @g)]
    arguments: (arguments . [(identifier) (string)] @arg))
  property: (property_identifier) @op) (#any-of? @g {_REPO_GETTERS})) @direct
(variable_declarator name: (identifier) @var value: (call_expression
  function: [(identifier) @g (member_expression property: (property_identifier) @g)]
  arguments: (arguments . [(identifier) (string)] @arg)) (#any-of? @g {_REPO_GETTERS}))
(call_expression function: (member_expression
    object: [(identifier) @recv (member_expression object: (this) property: (property_identifier) @recv)]
    property: (property_identifier) @op)
  (#any-of? @op {_names(TYPEORM_REPO, JS_MODEL, extra=_MONGO_CAMEL)})) @varcall
(call_expression function: (member_expression object: (_) @mgr property: (property_identifier) @op)
  arguments: (arguments . (identifier) @arg) (#any-of? @op {_names(TYPEORM_REPO)})) @manager
"""
_TYPED = """(generic_type name: (type_identifier) @gt
  type_arguments: (type_arguments . (type_identifier) @ent)
  (#any-of? @gt "Repository" "Model" "MongoRepository" "TreeRepository" "ModelStatic" "ModelCtor")) @typed"""
_INJECTORS = frozenset({"InjectRepository", "InjectModel"})


def _line(node: Node) -> int:
    return node.start_point.row + 1


def _repo_access(op: str) -> Access | None:
    return access_of(TYPEORM_REPO, op) or access_of(JS_MODEL, op) or access_of(MONGO, op)


def _injected(holder: Node) -> str:
    """The entity of ``@InjectRepository(User)`` / ``@InjectModel(User.name)`` on a parameter."""
    for dec in holder.children:
        call = dec.named_children[0] if dec.type == "decorator" and dec.named_children else None
        if call is None or call.type != "call_expression" or child_text(call, "function") not in _INJECTORS:
            continue
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return child_text(first).removesuffix(".name") if first is not None else ""
    return ""


def _typed_variable(typed: Node, entity: Node, variables: dict[str, tuple[str, str]]) -> None:
    """A name declared with a repository/model type: ``users: Repository<User>``."""
    annotation = typed.parent
    holder = annotation.parent if annotation is not None else None
    if annotation is None or holder is None or annotation.type != "type_annotation":
        return
    name = holder.child_by_field_name("pattern") or holder.child_by_field_name("name")
    if name is not None:
        variables[child_text(name)] = ("entity", _injected(holder) or child_text(entity))


def _target(getter: str, arg: Node) -> tuple[str, str]:
    """``("collection", name)`` for ``collection('x')``, else ``("entity", ClassName)``."""
    if getter == "collection":
        return ("collection", literal_text(arg).lower() if arg.type == "string" else "")
    return ("entity", child_text(arg) if arg.type == "identifier" else "")


def _use(facts: FileFacts, target: tuple[str, str], access: Access | None, line: int) -> None:
    kind, name = target
    if not name or access is None:
        return
    if kind == "collection":
        facts.found.append(Found(name, access, "mongodb", line))
    else:
        facts.refs.append(Ref(name, access, "", line))


def _one(m: dict[str, Node], facts: FileFacts, variables: dict[str, tuple[str, str]]) -> None:
    op = child_text(m.get("op"))
    if "prisma" in m:
        if (access := access_of(PRISMA, op)) is not None:
            facts.refs.append(Ref(child_text(m["model"]), access, "prisma", _line(m["prisma"]), "prisma"))
    elif "static" in m:
        cls = child_text(m["cls"])
        if cls[:1].isupper() and cls not in variables:
            _use(facts, ("entity", cls), access_of(JS_MODEL, op), _line(m["static"]))
    elif "direct" in m:
        _use(facts, _target(child_text(m["g"]), m["arg"]), _repo_access(op), _line(m["direct"]))
    elif "varcall" in m:
        target = variables.get(child_text(m["recv"]))
        if target is not None:
            _use(facts, target, _repo_access(op), _line(m["varcall"]))
    elif (
        "manager" in m
        and child_text(m["mgr"]).lower().endswith("manager")
        and child_text(m["arg"])[:1].isupper()
    ):
        _use(facts, ("entity", child_text(m["arg"])), access_of(TYPEORM_REPO, op), _line(m["manager"]))


def patterns(lang: str) -> str:
    """The query patterns :func:`read_calls` reads the matches of (typed names only in TypeScript)."""
    return _QUERY if lang == "javascript" else f"{_QUERY}\n{_TYPED}"


def read_calls(found: list[dict[str, Node]], facts: FileFacts) -> None:
    """Add the ORM/driver call references and MongoDB uses of the matches of :func:`patterns`
    (other matches are ignored) to ``facts``."""
    variables: dict[str, tuple[str, str]] = {}
    for m in found:
        if "typed" in m:
            _typed_variable(m["typed"], m["ent"], variables)
        elif "var" in m:
            variables[child_text(m["var"])] = _target(child_text(m["g"]), m["arg"])
    for m in found:
        if "typed" not in m and "var" not in m:
            _one(m, facts, variables)
