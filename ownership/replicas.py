"""Replicas: tables that hold a local copy of another service's entity (a shadow ``users``).

:class:`Replicas` decides ``Table.replica_of`` once every table has its service:

1. the first ``[[replicas]]`` entry whose ``table`` glob matches: with ``owner``
   it declares (or confirms) the copy; with ``deny = true`` it says the table is
   not a copy (of ``owner`` when given, else of anyone) and detection is skipped;
2. detection: a table T held by service A whose name -- singular or plural, with
   or without one decorating word (``local_``, ``shadow_``, ``cached_``,
   ``_copy``, ``_replica``, ``_accounts``, ``_profiles``...) -- is the name of an
   entity held by service B != A (a table, or a name B's code writes that no
   scanned table has: an ORM or Mongoose model), with the same primary key
   columns (not compared when B's entity has no SQL key), is a copy of B's when
   B has the stronger claim on the entity: B's code writes it, then B is named
   after it (``auth``, ``identity``, ``account``, ``user``... for users); on an
   equal claim the decorated name is the copy, unless A is named after the
   entity (``user_profiles`` in a ``user`` service). A decorating word that
   names A itself (``user_accounts`` in an ``account`` service) is A's own entity.

Examples
--------
>>> from model.inventory import Table, TableRef
>>> from ownership.config import Config
>>> key = ("id",)
>>> users = Table(TableRef("services/auth/migrations", "public", "users"), primary_key=key, service="auth")
>>> copy = Table(TableRef("services/chat/migrations", "public", "users"), primary_key=key, service="chat")
>>> found = Replicas([users, copy], Config()).decide(copy)
>>> found[0], found[1].detail
('auth', "a local copy of auth's 'users' (services/auth/migrations:public.users): same name and key (id); \
auth has the stronger claim (named after it)")
>>> entity_stem("local_user_accounts"), entity_stem("story_views")
(('user', 'local'), ('story_view', ''))
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from model.inventory import Evidence, Table, TableRef
from ownership.code_usage import CodeUsage
from ownership.config import Config
from ownership.infer import normalise_name
from ownership.inputs import place
from ownership.patterns import matches_table

__all__ = ["Entity", "Replicas", "entity_stem", "named_after", "singular"]

#: Words that, first in a name, mark a copy: ``local_users``.
PREFIX_WORDS = frozenset(
    {"local", "shadow", "cached", "cache", "mirror", "mirrored", "synced", "replica", "copy"}
)
#: Words that, last in a name, mark a copy (or a service's view of an entity): ``user_accounts``.
SUFFIX_WORDS = frozenset({
    "copy", "copies", "replica", "replicas", "cache", "cached", "mirror", "shadow", "snapshot", "snapshots",
    "local", "accounts", "account", "profiles", "profile",
})  # fmt: skip
#: Services whose name claims an entity besides the entity's own name.
ENTITY_OWNERS = {
    "user": frozenset({"auth", "identity", "iam", "account", "login", "sso", "authentication", "authn", "idp",
                       "people", "person", "member", "keycloak"}),
    "account": frozenset({"auth", "identity", "iam", "user", "login"}),
    "session": frozenset({"auth", "identity", "iam", "login", "sso"}),
}  # fmt: skip
_SERVICE_NOISE = frozenset({"service", "svc", "api", "server", "app", "backend", "core"})


def singular(word: str) -> str:
    """A plural English word in the singular (best effort).

    >>> [singular(w) for w in ("users", "stories", "addresses", "boxes", "status", "data")]
    ['user', 'story', 'address', 'box', 'status', 'data']
    """
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 1:
        return word[:-1]
    return word


@functools.lru_cache(maxsize=1 << 16)
def entity_stem(name: str) -> tuple[str, str]:
    """The entity a table name names (singular) and the word that decorates it, if any (memoised:
    every table's is asked for twice, by the index of entities and by the detection)."""
    words = [w for w in normalise_name(name).split("_") if w]
    if not words:
        return "", ""
    deco = ""
    if len(words) > 1 and words[0] in PREFIX_WORDS:
        deco = words.pop(0)
    if len(words) > 1 and words[-1] in SUFFIX_WORDS:
        deco = deco or words[-1]
        words.pop()
    words[-1] = singular(words[-1])
    return "_".join(words), deco


@functools.lru_cache(maxsize=4096)
def _service_words(service: str) -> frozenset[str]:
    """The words naming what a service is about (memoised: asked for per table, of a few services)."""
    words = {singular(w) for w in normalise_name(service.replace("-", "_")).split("_") if w}
    return frozenset(words - _SERVICE_NOISE)


def named_after(service: str, stem: str) -> bool:
    """Whether ``service`` is named after the entity ``stem`` (``auth`` and ``identity`` for ``user``).

    >>> named_after("auth-service", "user"), named_after("post-service", "post"), named_after("vlm", "post")
    (True, True, False)
    """
    words = _service_words(service)
    return set(stem.split("_")) <= words or bool(words & ENTITY_OWNERS.get(stem, frozenset()))


@dataclass(frozen=True)
class Entity:
    """An entity a service holds: a table (with its key) or a name its code writes (no SQL key)."""

    name: str
    stem: str
    deco: str
    holder: str
    key: tuple[str, ...]
    where: str
    ref: TableRef | None = None


def _key(t: Table) -> tuple[str, ...]:
    return tuple(c.lower() for c in t.primary_key)


class Replicas:
    """Decides ``replica_of`` for the tables of one inventory once their services are known."""

    def __init__(
        self,
        tables: Sequence[Table],
        config: Config,
        code: CodeUsage | None = None,
        services: Mapping[TableRef, str] | None = None,
    ) -> None:
        """``services``: each table's service where it is not yet ``t.service`` (decided, not yet
        written into the table); a table it does not name keeps its own."""
        self.config = config
        self.services = services
        self.by_stem: dict[str, list[Entity]] = {}
        self.writes: dict[str, set[str]] = {}
        for t in sorted(tables, key=lambda t: (t.ref.database, t.ref.schema, t.ref.name)):  # ref order, in C
            service = self._service(t)
            if service and not t.external and t.dropped_at is None and self._declared(t.ref) is None:
                stem, deco = entity_stem(t.ref.name)
                self._add(Entity(t.ref.name, stem, deco, service, _key(t), str(t.ref), t.ref))
        if code is not None:
            for name, uses in code.uses.items():
                stem = entity_stem(name)[0]
                for service, use in uses.items():
                    if use.writes:
                        self.writes.setdefault(stem, set()).add(service)
            for name, writer, first in code.entities(t.ref for t in tables):
                stem, deco = entity_stem(name)
                where = f"written by {writer} at {place(first)}" if first else f"written by {writer}"
                self._add(Entity(name, stem, deco, writer, (), where))

    def _service(self, t: Table) -> str:
        return t.service if self.services is None else self.services.get(t.ref, t.service)

    def _add(self, entity: Entity) -> None:
        if entity.stem:
            self.by_stem.setdefault(entity.stem, []).append(entity)

    def _declared(self, ref: TableRef) -> Evidence | None:
        """The first ``[[replicas]]`` entry matching ``ref`` as evidence (service ``""`` for a deny)."""
        entry = next((r for r in self.config.replicas if matches_table(r.table, ref)), None)
        if entry is None:
            return None
        if entry.deny:
            whose = f"of {entry.owner}'s entity" if entry.owner else "of anything"
            detail = f"[[replicas]] table = {entry.table!r} with deny = true: not a copy {whose}"
            return Evidence("replica-of", "", detail, self.config.path, entry.line)
        detail = f"[[replicas]] table = {entry.table!r} declares it a copy of {entry.owner}'s entity"
        return Evidence("replica-of", entry.owner, detail, self.config.path, entry.line)

    def claim(self, service: str, stem: str) -> tuple[int, int]:
        """How strongly ``service`` claims the entity: (its code writes it, it is named after it)."""
        return (int(service in self.writes.get(stem, ())), int(named_after(service, stem)))

    def decide(self, t: Table) -> tuple[str, Evidence | None]:
        """``(replica_of, evidence)`` for ``t``: declared, detected (unless denied), or ``("", None)``."""
        declared = self._declared(t.ref)
        if declared is not None and declared.service:
            return declared.service, declared
        service = self._service(t)
        if not service or t.external or t.dropped_at is not None:
            return "", None
        found = self._detect(t, service)
        if found is None or self.denies(t.ref, found.service):
            return "", None
        return found.service, found

    def denies(self, ref: TableRef, owner: str) -> bool:
        """True when the first ``[[replicas]]`` entry matching ``ref`` denies it copies ``owner``'s entity."""
        entry = next((r for r in self.config.replicas if matches_table(r.table, ref)), None)
        return entry is not None and entry.denies(owner)

    def _detect(self, t: Table, service: str) -> Evidence | None:
        stem, deco = entity_stem(t.ref.name)
        if deco and singular(deco) in _service_words(service):
            return None  # user_accounts in an account service: its own entity
        mine = self.claim(service, stem)
        found = []
        for entity in self.by_stem.get(stem, ()):
            if entity.holder == service or entity.ref == t.ref or (entity.key and entity.key != _key(t)):
                continue
            theirs = self.claim(entity.holder, stem)
            if theirs > mine or (theirs == mine and not mine[1] and deco and not entity.deco):
                found.append((theirs, entity))
        if not found:
            return None
        claim, entity = min(
            found, key=lambda f: (-f[0][0], -f[0][1], bool(f[1].deco), f[1].holder, f[1].name)
        )
        return _evidence(t, entity, claim)

    def decide_all(self, tables: Iterable[Table]) -> dict[TableRef, tuple[str, Evidence | None]]:
        """:meth:`decide` for every table."""
        return {t.ref: self.decide(t) for t in tables}


def _evidence(t: Table, entity: Entity, claim: tuple[int, int]) -> Evidence:
    why = " and ".join(w for w, on in (("its code writes it", claim[0]), ("named after it", claim[1])) if on)
    why = why or "the plain name"
    same = f"same name and key ({', '.join(entity.key)})" if entity.key else "same name"
    detail = (
        f"a local copy of {entity.holder}'s {entity.name!r} ({entity.where}): {same}; "
        f"{entity.holder} has the stronger claim ({why})"
    )
    path, line = (t.defined_at.path, t.defined_at.line) if t.defined_at is not None else ("", 0)
    return Evidence("replica-of", entity.holder, detail, path, line)
