"""One ingest shared by every worker of a deployment: the cache (:mod:`.cache`), the source
fingerprint (:mod:`.fingerprint`), the scan behind a lock (:mod:`.ingest`) and the loader the
pages read from (:mod:`.loader`); :mod:`ui.callbacks.ingest` runs the scan as a Dash background job.
"""
