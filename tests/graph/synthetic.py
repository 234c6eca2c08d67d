"""A generated inventory of any size, for the export scale tests and the timing script.

Deterministic (seeded). ``services`` services share ``tables`` tables; service 0
(``auth``) owns ``users``, which roughly a third of all other tables reference
(CASCADE, SET NULL or NO ACTION); every table references an earlier table of
its own service, and one table in twenty references a table of another service.
"""

from __future__ import annotations

import random

from model.inventory import ForeignKey, Inventory, Location, Service, Table, TableRef


def synthetic_inventory(tables: int = 2000, services: int = 25, seed: int = 7) -> Inventory:
    rng = random.Random(seed)
    names = ["auth", *(f"svc{i:02d}" for i in range(1, services))]
    per = max(1, tables // services)
    refs: dict[str, list[TableRef]] = {}
    all_tables = []
    for s in names:
        db = f"services/{s}/migrations"
        refs[s] = []
        for i in range(per):
            name = "users" if (s == "auth" and i == 0) else f"{s}_t{i:03d}"
            ref = TableRef(db, "public", name)
            refs[s].append(ref)
            all_tables.append(Table(ref, defined_at=Location(f"{db}/001_init.sql", 1 + i * 5), service=s))
    users = refs["auth"][0]
    actions = ("CASCADE", "SET NULL", "NO ACTION")
    fks = []
    for s in names:
        db = f"services/{s}/migrations"
        for i, ref in enumerate(refs[s]):
            where = Location(f"{db}/001_init.sql", 3 + i * 5)
            if i:
                parent = refs[s][rng.randrange(i)]
                fks.append(
                    ForeignKey(
                        f"{ref.name}_parent_fkey",
                        ref,
                        ("parent_id",),
                        parent,
                        ("id",),
                        on_delete=rng.choice(actions),
                        added_at=where,
                    )
                )
            if s != "auth" and rng.random() < 0.33:
                fks.append(
                    ForeignKey(
                        f"{ref.name}_user_id_fkey",
                        ref,
                        ("user_id",),
                        users,
                        ("id",),
                        on_delete=rng.choice(actions),
                        added_at=where,
                    )
                )
            if rng.random() < 0.05:
                other = rng.choice([n for n in names if n != s])
                target = rng.choice(refs[other])
                fks.append(
                    ForeignKey(
                        f"{ref.name}_{other}_fkey",
                        ref,
                        ("other_id",),
                        target,
                        ("id",),
                        on_delete=rng.choice(actions),
                        added_at=where,
                    )
                )
    fks.sort(key=lambda f: (f.table, f.name))
    return Inventory(
        tables=tuple(sorted(all_tables, key=lambda t: t.ref)),
        foreign_keys=tuple(fks),
        services=tuple(Service(n) for n in names),
    )
