"""The remediation page in a real headless Chromium: seeded demo plan, marking a phase, reload,
a second user seeing the change and getting a conflict instead of overwriting it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from remediation.store import open_store
from tests.ui.browser import Served

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
FK_ID = "legacy/migrations/021_add_comment_mentions.sql:8#mentioned_user_id"
ROW = "public.comment_mentions(mentioned_user_id)"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, str]]:
    state = str(tmp_path / "state.db")
    s = Served(sources=[str(DEMO)], state=state)
    yield s, state
    s.close()


def new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.problems = problems
    return page


def figure(page: Any, key: str) -> str:
    return str(page.inner_text(f"[data-figure={key}] .figure-value"))


def wait_figure(page: Any, key: str, value: str, timeout: float = 15000) -> None:
    page.wait_for_function(
        "([k, v]) => { const el = document.querySelector(`[data-figure=${k}] .figure-value`);"
        " return !!el && el.innerText === v; }",
        arg=[key, value],
        timeout=timeout,
    )


def overall_bar(page: Any, phase_label: str) -> int:
    """The 'All services' value of one phase trace of the progress figure (plotly's own data)."""
    return int(
        page.evaluate(
            "(name) => { const g = document.querySelector('#rem-progress .js-plotly-plot');"
            " const t = g.data.find(d => d.name === name); return t.x[t.y.indexOf('All services')]; }",
            phase_label,
        )
    )


def open_remediation(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-figure=phase1] .figure-value", timeout=30000)
    page.wait_for_selector("#rem-progress .js-plotly-plot", timeout=15000)


@pytest.mark.browser
def test_mark_a_phase_reload_and_a_second_user(
    served: tuple[Served, str], browser: Any, artifacts_dir: Path
) -> None:
    app, state = served
    alice, bob = new_page(browser), new_page(browser)
    # the empty store was seeded from examples/demo/fkmap-plan.yaml: every phase has keys
    open_remediation(alice, app.url + "/remediation")
    assert [figure(alice, f"phase{p}") for p in range(5)] == ["29", "7", "4", "3", "3"]
    assert (figure(alice, "tracked"), figure(alice, "contradictions")) == ("46", "1")
    assert overall_bar(alice, "1 Validation added") == 7
    alice.screenshot(path=str(artifacts_dir / "1-seeded.png"), full_page=True)

    # bob opens the same key before alice marks it
    open_remediation(bob, app.url + "/remediation?fk=" + FK_ID.replace("#", "%23"))
    bob.wait_for_selector(".rem-detail-title")
    assert "not marked" in bob.inner_text(".rem-phases")

    alice.fill("#rem-who", "alice")
    alice.press("#rem-who", "Enter")
    alice.click(f"text={ROW}")
    alice.wait_for_function(
        "() => document.querySelector('.rem-detail-fk')?.innerText.startsWith('public.comment_mentions')"
    )
    alice.fill("#rem-note", "mentions call auth_client.user_exists")
    alice.fill("#rem-link", "https://tracker.example.com/browse/CNT-1300")
    alice.click("#rem-mark")
    alice.wait_for_function("() => document.getElementById('rem-message').innerText.startsWith('Saved')")
    assert alice.inner_text("#rem-message") == "Saved (phase 1 marked, version 1)."
    wait_figure(alice, "phase1", "8")
    assert figure(alice, "phase0") == "28"
    assert overall_bar(alice, "1 Validation added") == 8
    alice.wait_for_function(
        "() => document.querySelector('.rem-phases').innerText.includes('marked by alice')"
    )
    assert "fk=legacy%2Fmigrations%2F021_add_comment_mentions.sql%3A8%23mentioned_user_id" in alice.url
    alice.screenshot(path=str(artifacts_dir / "2-marked.png"), full_page=True)

    # reload: the mark and the progress bars come back from the store
    alice.reload()
    alice.wait_for_selector("[data-figure=phase1] .figure-value", timeout=30000)
    wait_figure(alice, "phase1", "8")
    alice.wait_for_selector("#rem-progress .js-plotly-plot")
    assert overall_bar(alice, "1 Validation added") == 8
    alice.wait_for_function(
        "() => (document.querySelector('.rem-phases')?.innerText || '').includes('marked by alice')"
    )
    assert "mentions call auth_client.user_exists" in alice.inner_text(".rem-phases")
    alice.screenshot(path=str(artifacts_dir / "3-reloaded.png"), full_page=True)

    # bob's page refreshes from the store by itself...
    wait_figure(bob, "phase1", "8", timeout=20000)
    bob.wait_for_function("() => document.querySelector('.rem-phases').innerText.includes('marked by alice')")
    # ...but his editor still holds the version he loaded: his save is refused, not lost
    bob.fill("#rem-who", "bob")
    bob.press("#rem-who", "Enter")
    bob.fill("#rem-note", "bob's note")
    bob.click("#rem-mark")
    bob.wait_for_function("() => document.getElementById('rem-message').innerText.startsWith('Not saved')")
    message = bob.inner_text("#rem-message")
    assert "was created by alice at" in message and "since you loaded it" in message and "reload" in message
    bob.screenshot(path=str(artifacts_dir / "4-conflict.png"), full_page=True)
    bob.locator("#rem-message").scroll_into_view_if_needed()
    bob.locator(".rem-editor").screenshot(path=str(artifacts_dir / "5-conflict-editor.png"))

    record = open_store(state).get(FK_ID)
    assert record is not None
    assert [(m.phase, m.by, m.note) for m in record.marks] == [
        (1, "alice", "mentions call auth_client.user_exists")
    ]
    assert alice.problems == [] and bob.problems == []
