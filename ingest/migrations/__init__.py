"""SQL migration folders and files replayed into the model: find the sets (:mod:`~ingest.migrations.layout`),
read each file (:mod:`~ingest.migrations.read`), split and parse it (:mod:`~ingest.migrations.parse`),
replay the operations (:mod:`~ingest.migrations.replay`); :mod:`~ingest.migrations.sets` drives it all."""
