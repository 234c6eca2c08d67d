"""URLs of a kind fkmap does not read (``redis://``, ``https://``, ``oracle://``...).

A source written ``scheme://...`` is never a path: instead of looking for a file of that name
(and echoing the URL, password included, in a "no such file" error), the registry gives such a
source to :func:`read`, which fails it with one ``unsupported`` error naming it masked.

>>> inv = read("redis://app:hunter2@cache:6379/0")
>>> [(d.code, d.path) for d in inv.diagnostics], "hunter2" in inv.to_json()
([('unsupported', 'redis://app@cache:6379/0')], False)
"""

from __future__ import annotations

from ingest.dsn import mask_dsn
from model.inventory import Diagnostic, Inventory, Source

__all__ = ["read"]

#: The URL forms fkmap reads, for the error message.
KNOWN = "postgresql://, postgres://, mysql://, mariadb:// (also mysql+pymysql://) and sqlite:///"


def read(source: str, *, dialect: str | None = None) -> Inventory:
    """One ``unsupported`` error for ``source``, whose label is masked; never raises."""
    label = mask_dsn(source)
    scheme = label.split("://", 1)[0]
    message = f"{scheme}:// sources cannot be read: fkmap reads {KNOWN} URLs, folders and files"
    return Inventory(
        diagnostics=(Diagnostic("error", message, label, code="unsupported"),),
        sources=(Source("catalog", label),),
    )
