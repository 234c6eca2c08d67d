"""The Dash dashboard: the shell, the pages, and the callbacks that wire them.

* :mod:`ui.ids` -- every component id; :mod:`ui.state` -- view state <-> URL;
  :mod:`ui.data` -- the scan the pages draw (:class:`~ui.data.Loader`);
  :mod:`ui.theme`, :mod:`ui.elements`, :mod:`ui.service_elements` -- how the
  graphs look and where their nodes sit; :mod:`ui.auth` -- who may see and edit.
* :mod:`ui.shell` -- header, navigation, status panels and the page router;
  :mod:`ui.pages` -- one module per page, :mod:`ui.exports` -- the Export menu's logic.
* :mod:`ui.callbacks` -- :func:`ui.callbacks.register`, the only place that talks
  to Dash's callback machinery; each callback is a thin shell around a plain
  function of the modules above.
* :mod:`ui.shared` -- one ingest shared by the workers of a deployment.
"""
