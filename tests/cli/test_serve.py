"""``fkmap serve``: its arguments reach :func:`app.serve` (security: tests/test_security_access.py)."""

from __future__ import annotations

from typing import Any

import pytest

import app as app_module


def test_serve_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cli import main

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(app_module, "serve", lambda *a, **k: calls.append((a, k)))
    runner = CliRunner()
    demo = str(app_module.DEMO)
    result = runner.invoke(main, ["serve", demo, "--port", "9000"])
    assert result.exit_code == 0, result.output
    base = {"config_path": None, "host": "127.0.0.1", "port": 9000, "debug": False, "auth": None}
    assert calls == [(([demo],), {**base, "infer": False})]
    assert runner.invoke(main, ["serve", demo, "--port", "9000", "--infer"]).exit_code == 0
    assert calls[-1] == (([demo],), {**base, "infer": True})
    help_text = runner.invoke(main, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "8050" in help_text and "--infer" in help_text
    missing = runner.invoke(main, ["serve", "/srv/nowhere"])
    assert missing.exit_code == 2
    assert runner.invoke(main, ["serve", demo, "--config", "/srv/none.toml"]).exit_code == 2
