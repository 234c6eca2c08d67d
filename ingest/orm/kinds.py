"""Which source strings the code-schema readers take (cheap: no parser is imported here).

:mod:`ingest.registry` asks these before it imports a reader: a JavaScript/TypeScript file
(:mod:`ingest.orm.js_projects`) or a Liquibase changelog in XML or YAML
(:mod:`ingest.orm.liquibase`; a ``.json`` source is a saved scan).

>>> is_js_file("/nonexistent/models/user.ts"), is_changelog_file("/nonexistent/db.changelog-master.xml")
(False, False)
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["is_changelog_file", "is_js_file"]

_JS = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx")
_CHANGELOGS = (".xml", ".yaml", ".yml")


def is_js_file(source: str) -> bool:
    """An existing ``.js``/``.ts`` file (not a ``.d.ts`` declaration file)."""
    lowered = source.lower()
    return (
        lowered.endswith(_JS)
        and not lowered.endswith((".d.ts", ".d.mts", ".d.cts"))
        and Path(source).is_file()
    )


def is_changelog_file(source: str) -> bool:
    """An existing ``.xml``/``.yaml``/``.yml`` file."""
    return source.lower().endswith(_CHANGELOGS) and Path(source).is_file()
