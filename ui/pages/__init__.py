"""The dashboard's pages: one module each, built from plain values so tests call them directly.

:mod:`ui.pages.overview`, :mod:`ui.pages.tables_graph`, :mod:`ui.pages.service`,
:mod:`ui.pages.diagnostics` and :mod:`ui.pages.remediation`; the pieces more
than one page uses are :mod:`ui.pages.common` and :mod:`ui.pages.export_menu`.
:func:`ui.shell.render_page` picks the page a URL names.
"""
