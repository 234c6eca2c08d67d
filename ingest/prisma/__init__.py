"""Prisma schemas read into the model: parse (:mod:`~ingest.prisma.parse`), models
(:mod:`~ingest.prisma.schema`), tables and keys (:mod:`~ingest.prisma.read`)."""
