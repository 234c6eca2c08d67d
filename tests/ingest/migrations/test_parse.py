"""A file's dialect and its parse (:mod:`ingest.migrations.parse`)."""

from __future__ import annotations

import pytest

from ingest.migrations.parse import detect_dialect


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("CREATE TABLE `t` (id int);", "mysql"),
        ("CREATE TABLE t (id int) ENGINE = InnoDB;", "mysql"),
        ("CREATE TABLE t (id int AUTO_INCREMENT);", "mysql"),
        ("CREATE TABLE t (id serial); -- `quoted` in a comment", "postgres"),
        ('CREATE TABLE "t" (id int);', "postgres"),
    ],
)
def test_detect_dialect(text: str, dialect: str) -> None:
    assert detect_dialect(text) == dialect
