"""Python 3.12 syntax (PEP 701 f-strings) in a models file: the rest of the file is still read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingest.orm.py_parse import blank_fstring, parse_module
from model.inventory import Diagnostic
from tests.ingest.orm.orm_py_helpers import codes, fks, read

MODELS = """
    from django.db import models

    class Customer(models.Model):
        name = models.TextField()

    class Order(models.Model):
        customer = models.ForeignKey(Customer, on_delete=models.CASCADE)

        def label(self):
            return f"{'\\n'.join([self.customer.name])}"
"""

newer_only = pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads PEP 701 itself")


def test_a_pep_701_f_string_does_not_hide_the_models_of_its_file(tmp_path: Path) -> None:
    inv = read(tmp_path, {"manage.py": "", "shop/__init__.py": "", "shop/models.py": MODELS})
    assert fks(inv) == {("shop_order", ("customer_id",), "shop_customer", ("id",), "CASCADE")}
    assert "no-migrations" not in [c for c, _, _ in codes(inv)]


@newer_only
def test_the_line_read_around_newer_syntax_is_named(tmp_path: Path) -> None:
    inv = read(tmp_path, {"manage.py": "", "shop/__init__.py": "", "shop/models.py": MODELS})
    (note,) = [d for d in inv.diagnostics if d.code == "parse-error"]
    assert (note.severity, note.path, note.line) == ("warning", "shop/models.py", 10)
    assert "newer than the running Python 3.11" in note.message
    assert "the rest of the file is read" in note.message


@newer_only
def test_a_file_still_unreadable_says_newer_syntax_may_be_the_cause() -> None:
    out: list[Diagnostic] = []
    assert parse_module("class A:\n    x = (1,\n", "m.py", out) is None
    (note,) = out
    assert (note.path, note.line, note.code) == ("m.py", 2, "parse-error")
    assert "file not read (the running Python is 3.11" in note.message


def test_blank_fstring_keeps_the_code_around_it() -> None:
    assert blank_fstring("    return f\"{'\\n'.join(x)}\" + tail") == '    return "" + tail'
    assert blank_fstring('y = rf"{a["b"]}"') == 'y = ""'
    assert blank_fstring("name = 'plain'") is None


@newer_only
def test_an_error_reported_on_the_line_after_the_f_string_is_read_around() -> None:
    src = (
        "def html(lines):\n"
        '    return "".join(\n'
        "        f\"<p>{re.sub(r'`([^`]+)`', r'<code>\\1</code>', line)}</p>\"\n"
        "        for line in lines\n"
        "    )\n"
        "TABLE = 'users'\n"
    )
    out: list[Diagnostic] = []
    module = parse_module(src, "m.py", out)
    assert module is not None and module.value(module.constants["TABLE"]) == "users"
    assert [(d.line, d.severity) for d in out] == [(3, "warning")]
