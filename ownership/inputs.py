"""What the service map takes in besides the inventory: code units and table access, as protocols.

:func:`ownership.services.assign_services` accepts the units of a repository
(a manifest-rooted package: a service, a library or the root) and how each unit's
code reads and writes tables. Any objects with the attributes of
:class:`UnitLike` and :class:`AccessLike` will do; the producers live elsewhere.
:class:`UnitIndex` answers the questions the rules ask of the units: which unit
holds a folder, which services depend on a library, which unit a name means.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class U:
...     name: str
...     path: str
...     kind: str = "service"
...     depends_on: tuple[str, ...] = ()
>>> units = UnitIndex([U("root", "", "root"), U("auth-service", "services/auth"),
...                    U("db", "libs/db", "library"), U("api", "services/api", depends_on=("libs/db",))])
>>> units.containing("services/auth/migrations").name, units.containing("db/migrations").kind
('auth-service', 'root')
>>> units.unit_name("auth"), units.unit_name("Auth-Service"), units.unit_name("billing")
('auth-service', 'auth-service', '')
>>> [u.name for u in units.dependents("libs/db")]
['api']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from ownership.naming import service_from_path

__all__ = ["AccessLike", "TableAccess", "UnitIndex", "UnitLike", "inside", "place"]


class UnitLike(Protocol):
    """A unit of code: ``path`` is posix, relative to the scanned root (``""`` for the root).

    ``kind`` is ``service``, ``library`` or ``root``; ``depends_on`` holds the
    paths of the units it uses.
    """

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def depends_on(self) -> tuple[str, ...]: ...


class AccessLike(Protocol):
    """How one unit's code uses one table: counts and the first place of each kind of use."""

    @property
    def writes(self) -> int: ...

    @property
    def reads(self) -> int: ...

    @property
    def first_write(self) -> tuple[str, int] | None: ...

    @property
    def first_read(self) -> tuple[str, int] | None: ...


#: Table name -> {unit path -> how that unit's code uses the table}.
TableAccess = Mapping[str, Mapping[str, AccessLike]]


def inside(folder: str, unit_path: str) -> bool:
    """True when ``folder`` is ``unit_path`` or below it (everything is inside the root ``""``).

    >>> inside("services/auth/migrations", "services/auth"), inside("services/authz", "services/auth")
    (True, False)
    """
    return unit_path in ("", ".") or folder == unit_path or folder.startswith(unit_path.rstrip("/") + "/")


def place(where: tuple[str, int] | None) -> str:
    """``path:line`` of a code place, ``""`` for none.

    >>> place(("src/db.rs", 41)), place(None)
    ('src/db.rs:41', '')
    """
    if where is None:
        return ""
    path, line = where
    return f"{path}:{line}" if line else path


class UnitIndex:
    """The units of one scan, looked up by folder, by path and by name."""

    def __init__(self, units: Iterable[UnitLike]) -> None:
        self.units = tuple(sorted(units, key=lambda u: (u.path, u.name)))
        self.by_path = {u.path: u for u in self.units}
        #: (position, unit) by the folder the unit's path names (no trailing ``/``; the root ``""``)
        self._at: dict[str, list[tuple[int, UnitLike]]] = {}
        self._containing: dict[str, UnitLike | None] = {}  # folder -> containing(folder), as asked
        for position, unit in enumerate(self.units):
            folder = "" if unit.path in ("", ".") else unit.path.rstrip("/")
            self._at.setdefault(folder, []).append((position, unit))
        self.services = tuple(u for u in self.units if u.kind == "service")
        self._names: dict[str, str] = {}
        for unit in self.services:
            for alias in (unit.name, service_from_path(unit.name), service_from_path(unit.path)):
                if alias:
                    self._names.setdefault(alias.lower(), unit.name)

    def __bool__(self) -> bool:
        return bool(self.units)

    def containing(self, folder: str) -> UnitLike | None:
        """The innermost unit whose path holds ``folder``, or None.

        Only the units at ``folder`` and at the folders above it are looked at (a lookup costs the
        depth of ``folder``, not the number of units); of those, as among all units, the longest
        path that holds it, the first in :attr:`units` order on a tie.

        >>> from ownership.units import Unit
        >>> index = UnitIndex([Unit("api", "services/api", (), "service"), Unit("root", "", (), "service")])
        >>> index.containing("services/api/db").name, index.containing("tools").name
        ('api', 'root')
        """
        try:
            return self._containing[folder]  # every table of a migration set asks for its folder
        except KeyError:
            found = self._containing[folder] = self._innermost(folder)
            return found

    def _innermost(self, folder: str) -> UnitLike | None:
        folders = ["", folder]
        cut = folder.find("/")
        while cut >= 0:
            folders.append(folder[:cut])
            cut = folder.find("/", cut + 1)
        candidates = sorted(c for f in set(folders) for c in self._at.get(f, ()))
        best: UnitLike | None = None
        for _, unit in candidates:
            if inside(folder, unit.path) and (best is None or len(unit.path) > len(best.path)):
                best = unit
        return best

    def unit_name(self, name: str) -> str:
        """The service unit a name means (its name, or its folder's service name), or ``""``."""
        return self._names.get(name.lower(), "")

    def aliases(self) -> Mapping[str, str]:
        """Every lower-cased name that means a service unit -> that unit's name."""
        return dict(self._names)

    def dependents(self, library_path: str) -> tuple[UnitLike, ...]:
        """The service units that depend on the unit at ``library_path``."""
        return tuple(u for u in self.services if library_path in u.depends_on)

    def service_at(self, unit_path: str) -> str:
        """The name of the service unit at ``unit_path``, or ``""`` (a library, the root, unknown)."""
        unit = self.by_path.get(unit_path)
        return unit.name if unit is not None and unit.kind == "service" else ""
