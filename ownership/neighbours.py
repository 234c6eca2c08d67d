"""Owners read from a table's neighbours: its name family (rule 6) and its foreign keys (rule 7).

For tables of shared folders that no earlier rule placed:

* **name-family** -- ``story_views`` and ``story_close_friends`` belong with
  ``stories``: the longest leading run of words of the table's name that, in
  singular or plural, is the name of an owned table of the same database (the
  family head) gives its owner; a head the database only references (or has
  dropped) still names the family; a one-word head whose word starts the names
  of tables that other rules gave to >= 3 services names none (every service
  keeps ``user_*`` tables);
* **fk-neighbourhood** -- when every foreign key out of the table points into
  tables of one service, that service, ignoring *hub* tables: tables referenced
  from tables of >= 2 services other than their own, or from >= ``HUB_REFERRERS``
  differently named tables anywhere in the scan (``users``: who points at it says
  nothing of who owns the pointer). A reference to a table without an owner yet
  says nothing, so the table waits.

Both are repeated until nothing changes (a family head may itself be placed by
its neighbours): the name family until it places nothing more, then one round
of neighbourhoods, and again. Each round looks again only at the tables whose
family heads, referenced tables or hubs changed, so long chains stay fast.

Examples
--------
>>> from model.inventory import ForeignKey, Table, TableRef
>>> db = "db/migrations"
>>> ref = lambda name: TableRef(db, "public", name)
>>> names = ("users", "stories", "story_views", "streams", "experiments", "exp_events")
>>> tables = [Table(ref(n)) for n in names]
>>> fk = lambda a, b: ForeignKey(f"{a}_{b}_fkey", ref(a), ("x",), ref(b), ("id",))
>>> fks = [fk("stories", "users"), fk("streams", "users"),
...        fk("exp_events", "experiments"), fk("exp_events", "users")]
>>> owners = {ref("users"): "auth", ref("stories"): "content", ref("streams"): "streaming",
...           ref("experiments"): "experiments"}
>>> found = Neighbours(tables, fks).resolve(owners, [ref("story_views"), ref("exp_events")])
>>> [(r.name, e.kind, e.service) for r, e in sorted(found.items())]
[('exp_events', 'fk-neighbourhood', 'experiments'), ('story_views', 'name-family', 'content')]
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

from model.inventory import Evidence, ForeignKey, Location, Table, TableRef
from ownership.infer import normalise_name
from ownership.naming import word_forms

__all__ = ["Neighbours"]


class Neighbours:
    """The name families and foreign-key neighbours of one inventory's tables."""

    def __init__(
        self,
        tables: Sequence[Table],
        foreign_keys: Sequence[ForeignKey],
        effective: Mapping[TableRef, TableRef] | None = None,
    ) -> None:
        self.effective = dict(effective or {})
        self.defined = {t.ref: t.defined_at for t in tables}
        self.family = _family_heads(tables, self.effective)
        self.out: dict[TableRef, list[tuple[TableRef, Location | None]]] = {}
        self.into: dict[TableRef, set[TableRef]] = {}
        self.referrers: dict[str, set[str]] = {}  # table name -> names of the tables pointing at it
        for fk in sorted(foreign_keys, key=lambda fk: (fk.table, fk.added_at or Location(""), fk.name)):
            if fk.state != "present":
                continue
            source, target = (
                self.effective.get(fk.table, fk.table),
                self.effective.get(fk.ref_table, fk.ref_table),
            )
            if source != target:
                self.out.setdefault(source, []).append((target, fk.added_at))
                self.into.setdefault(target, set()).add(source)
                self.referrers.setdefault(target.name, set()).add(source.name)

    def _where(self, ref: TableRef) -> tuple[str, int]:
        at = self.defined.get(ref)
        return (at.path, at.line) if at is not None else ("", 0)

    def heads(self, ref: TableRef) -> list[TableRef]:
        """The possible family heads of ``ref``, longest name first."""
        words = normalise_name(ref.name).split("_")
        names = self.family.get(ref.database, {})
        out = []
        for k in range(len(words) - 1, 0, -1):
            stem = "_".join(words[: k - 1])
            for form in sorted(word_forms(words[k - 1])):
                head = names.get(f"{stem}_{form}" if stem else form)
                if head is not None and head != ref:
                    out.append(head)
        return out

    def split_words(self, owners: Mapping[TableRef, str]) -> frozenset[str]:
        """First words whose families other rules already gave to >= 3 services (``user``: ``user_*``).

        Every service keeps ``user_settings``, ``user_devices``, ``user_bans``...: such a
        word says nothing of who owns the next ``user_*`` table. Counted over the
        whole scan's tables placed so far, whatever their database.
        """
        services: dict[str, set[str]] = {}
        for ref in self.defined:
            words = normalise_name(ref.name).split("_")
            if len(words) > 1 and owners.get(ref):
                services.setdefault(_singular(words[0]), set()).add(owners[ref])
        return frozenset(w for w, s in services.items() if len(s) >= SPLIT_FAMILY)

    def family_head(
        self, ref: TableRef, owners: Mapping[TableRef, str], split: Container[str] = frozenset()
    ) -> Evidence | None:
        """Rule 6: the owner of the longest owned family head of ``ref``'s name.

        A one-word head whose word starts tables of many services (``split``) names no family.
        """
        head = next((h for h in self.heads(ref) if owners.get(h) and not _split(h, split)), None)
        if head is None:
            return None
        service = owners[head]
        detail = f"named after {head.name!r}, the head of its name family, held by {service}"
        return Evidence("name-family", service, detail, *self._where(ref))

    def hubs(self, owners: Mapping[TableRef, str]) -> set[TableRef]:
        """Tables referenced from tables of >= 2 services other than their own."""
        return {target for target in self.into if self.is_hub(target, owners)}

    def is_hub(self, target: TableRef, owners: Mapping[TableRef, str]) -> bool:
        """Referenced from >= 2 other services, or from many differently named tables."""
        if len(self.referrers.get(target.name, ())) >= HUB_REFERRERS:
            return True
        return _hub(target, self.into.get(target, ()), owners)

    def neighbourhood(
        self, ref: TableRef, owners: Mapping[TableRef, str], hubs: Container[TableRef]
    ) -> Evidence | None:
        """Rule 7: the one service whose tables all of ``ref``'s non-hub foreign keys point into."""
        out = [(target, at) for target, at in self.out.get(ref, ()) if target not in hubs]
        services = {owners.get(target, "") for target, _ in out}
        if len(services) != 1 or "" in services:
            return None
        service = services.pop()
        names = ", ".join(sorted({target.name for target, _ in out}))
        ignored = sorted({t.name for t, _ in self.out.get(ref, ()) if t in hubs})
        detail = f"its foreign keys point only into {service}'s tables ({names})"
        if ignored:
            detail += f", besides hub tables ({', '.join(ignored)})"
        at = out[0][1]
        return Evidence(
            "fk-neighbourhood", service, detail, *((at.path, at.line) if at else self._where(ref))
        )

    def resolve(
        self, owners: Mapping[TableRef, str], pending: Iterable[TableRef]
    ) -> dict[TableRef, Evidence]:
        """Evidence for each pending table rules 6 and 7 place, given the owners known so far."""
        return _Search(self, owners, pending).run()


def _family_heads(
    tables: Sequence[Table], effective: Mapping[TableRef, TableRef]
) -> dict[str, dict[str, TableRef]]:
    """Per database, normalised name -> the table heading that name family.

    A table the database defines and keeps comes first; else an external table
    resolved to another database's table (``messages`` that a later folder's
    ``message_edit_history`` references) heads it as that table; else a table the
    database dropped (``bookmarks`` still names ``bookmark_collections``, created
    and dropped beside it).
    """
    ranked: dict[str, dict[str, tuple[int, TableRef]]] = {}
    for t in sorted(tables, key=lambda t: t.ref):
        rank = 1 if t.external else 0 if t.dropped_at is None else 2
        head = (rank, effective.get(t.ref, t.ref))
        names = ranked.setdefault(t.ref.database, {})
        key = normalise_name(t.ref.name)
        if key not in names or head[0] < names[key][0]:
            names[key] = head
    return {db: {k: ref for k, (_, ref) in names.items()} for db, names in ranked.items()}


def _singular(word: str) -> str:
    """A word without its plural ending, as a family key (``stories`` -> ``story``, ``users`` -> ``user``).

    >>> [_singular(w) for w in ("stories", "story", "boxes", "users", "media", "address")]
    ['story', 'story', 'box', 'user', 'media', 'address']
    """
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _split(head: TableRef, split: Container[str]) -> bool:
    words = normalise_name(head.name).split("_")
    return len(words) == 1 and _singular(words[0]) in split


#: A first word whose ``word_*`` tables other rules gave to this many services heads no family.
SPLIT_FAMILY = 3

#: A table referenced from this many differently named tables is a hub (``users``).
HUB_REFERRERS = 5


def _hub(target: TableRef, sources: Iterable[TableRef], owners: Mapping[TableRef, str]) -> bool:
    own = owners.get(target, "")
    return len({owners[s] for s in sources if owners.get(s) and owners[s] != own}) >= 2


class _LiveHubs:
    """``target in hubs`` against the owners as they are now."""

    def __init__(self, graph: Neighbours, owners: Mapping[TableRef, str]) -> None:
        self.graph, self.owners = graph, owners

    def __contains__(self, target: object) -> bool:
        return isinstance(target, TableRef) and self.graph.is_hub(target, self.owners)


class _Search:
    """Rules 6 and 7 to a fixpoint, re-examining only the tables whose inputs changed."""

    def __init__(
        self, graph: Neighbours, owners: Mapping[TableRef, str], pending: Iterable[TableRef]
    ) -> None:
        self.graph = graph
        self.known = {ref: s for ref, s in owners.items() if s}
        self.waiting = set(pending) - set(self.known)
        self.family_of: dict[TableRef, set[TableRef]] = {}  # head -> waiting tables it may name
        for ref in self.waiting:
            for head in graph.heads(ref):
                self.family_of.setdefault(head, set()).add(ref)
        self.family_dirty = set(self.waiting)
        self.fk_dirty = set(self.waiting)
        self.found: dict[TableRef, Evidence] = {}
        self.split = graph.split_words(self.known)

    def run(self) -> dict[TableRef, Evidence]:
        while True:
            while self.family_dirty:
                batch, self.family_dirty = sorted(self.family_dirty & self.waiting), set()
                found = {r: self.graph.family_head(r, self.known, self.split) for r in batch}
                self._place({r: e for r, e in found.items() if e is not None})
            batch, self.fk_dirty = sorted(self.fk_dirty & self.waiting), set()
            hubs = _LiveHubs(self.graph, dict(self.known))
            placed = {r: e for r in batch if (e := self.graph.neighbourhood(r, self.known, hubs)) is not None}
            if not placed:
                return self.found
            self._place(placed)

    def _place(self, placed: dict[TableRef, Evidence]) -> None:
        """Record new owners and mark the tables whose inputs they change."""
        graph = self.graph
        for ref, evidence in placed.items():
            self.found[ref] = evidence
            self.known[ref] = evidence.service
            self.waiting.discard(ref)
            self.family_dirty |= self.family_of.get(ref, set())
            self.fk_dirty |= graph.into.get(ref, set())  # a referenced table got an owner
            for target, _ in graph.out.get(ref, ()):  # a new referrer may make a hub
                self.fk_dirty |= graph.into.get(target, set())


def same_file(
    tables: Iterable[Table], owners: Mapping[TableRef, str], pending: Iterable[TableRef]
) -> dict[TableRef, Evidence]:
    """Rule 7b [same-file]: a pending table whose migration file creates only tables of one service.

    ``002_messaging_schema.sql`` creates conversations and messages (messaging's)
    and ``blocked_users``: it goes with them. It takes two placed tables, at least half
    of the file's others; files whose placed tables belong to several services say nothing.
    """
    by_file: dict[str, list[TableRef]] = {}
    where: dict[TableRef, Location] = {}
    for t in tables:
        if t.defined_at is not None and not t.external:
            by_file.setdefault(t.defined_at.path, []).append(t.ref)
            where[t.ref] = t.defined_at
    out: dict[TableRef, Evidence] = {}
    for ref in pending:
        at = where.get(ref)
        if at is None:
            continue
        others = [s for s in by_file[at.path] if s != ref]
        siblings = sorted(s for s in others if owners.get(s))
        services = {owners[s] for s in siblings}
        if len(services) == 1 and len(siblings) >= max(2, len(others) / 2):
            [service] = services
            names = ", ".join(s.name for s in siblings[:3]) + (" ..." if len(siblings) > 3 else "")
            detail = f"{at.path} creates it beside {service}'s tables ({names}) and no other service's"
            out[ref] = Evidence("same-file", service, detail, at.path, at.line)
    return out
