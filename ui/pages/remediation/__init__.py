"""The remediation page: its skeleton (:mod:`.layout`), what it reads (:mod:`.view`), its figures
(:mod:`.figures`) and panels (:mod:`.panels`), and what each of its callbacks computes (:mod:`.actions`).

The logic it shares with ``fkmap plan`` -- reading the store, saving with
optimistic concurrency, snapshots, SQL -- is :mod:`remediation.service`.
"""
