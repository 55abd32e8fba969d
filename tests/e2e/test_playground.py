"""`python -m bot playground` as a person uses it: a real process, then a real browser.

The browser is Debian's `chromium`, driven headless by Playwright (no browser is downloaded).
Without it the browser tests are skipped, except in CI (CI set), where they must run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.fakes.waiting import wait_until
from bot.playground import seed
from tests.e2e.processes import ROOT, BotProcess, bare_environment, bot_process

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = ROOT / "docs" / "playground.png"
COMMAND = f"/assign {seed.EVALUATION} next 10 to @alice"


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One playground for the module, started with no settings at all, in an empty directory."""
    cwd = tmp_path_factory.mktemp("playground")
    with bot_process(cwd, bare_environment(), "playground") as running:
        yield running
    assert running.process.returncode == 0, running.output
    assert f"Playground ready: open {running.url}" in running.output


def panes(url: str, person: str = seed.LEAD.slack_id, thread: str = "") -> dict[str, str]:
    query = {"as": person, "view": seed.CHANNEL, "thread": thread}
    answer: dict[str, str] = httpx.get(f"{url}/api/panes", params=query, timeout=10).json()
    return answer


def act(url: str, action: str, **body: Any) -> None:
    response = httpx.post(f"{url}/api/{action}", json=body, timeout=10)
    assert response.status_code == 200, response.text


def test_a_command_confirmed_posts_the_summary_and_its_thread(playground: BotProcess) -> None:
    url, lead = playground.url, seed.LEAD.slack_id
    act(url, "say", **{"as": lead, "view": seed.CHANNEL, "text": COMMAND})
    preview = wait_until(
        lambda: "assign_confirm" in panes(url)["conversation"] and panes(url)["conversation"],
        what="the preview",
    )
    assert "Only visible to you" in preview
    assert "assign_confirm" not in panes(url, person="UALICE")["conversation"]
    [(ts, token)] = re.findall(
        r'data-ts="([^"]+)"(?:(?!data-ts).)*?data-action-id="assign_confirm"[^>]*'
        r'data-value="([^"]+)"',
        preview,
        flags=re.DOTALL,
    )
    act(url, "click", **{"as": lead, "ts": ts, "action_id": "assign_confirm", "value": token})

    def summary_and_result() -> str | None:
        # The summary's thread is posted before the requester's own result: wait for both.
        page = panes(url)["conversation"]
        done = "1 reply" in page and "Assigned 10 of 10 tasks" in page
        return page if done else None

    shown = wait_until(summary_and_result, what="the summary and the requester's result")
    assert "assigned 10 of 10 tasks" in shown
    [summary_ts] = re.findall(r'data-thread="([^"]+)">1 reply', shown)
    thread = panes(url, thread=summary_ts)["thread-messages"]
    assert thread.count("</code> assigned") >= 10
    dm = httpx.get(f"{url}/api/panes", params={"as": "UALICE", "view": "DUALICE"}).json()
    assert "You were assigned" in dm["conversation"] or "10 tasks" in dm["conversation"]


# -- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _no_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _no_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"no browser: {CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


def test_in_a_browser_type_confirm_and_read_the_thread(
    playground: BotProcess, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 820})
    page.set_default_timeout(15_000)
    page.goto(playground.url)
    page.fill("#message", f"/assign {seed.EVALUATION} task_0150 task_0151 task_0152 to @cara")
    page.press("#message", "Enter")
    preview = page.locator(".message.ephemeral", has_text="Assign 3 tasks?")
    assert "Only visible to you" in preview.inner_text()
    preview.get_by_role("button", name="Confirm").click()
    summary = page.locator(".message:not(.ephemeral)", has_text="assigned 3 of 3 tasks")
    summary.get_by_role("button", name="1 reply").click()
    page.locator("#thread-messages").get_by_text("task_0152").first.wait_for()
    assert page.locator("#thread").is_visible()
    assert page.locator(".message.ephemeral", has_text="Assigned 3 of 3 tasks").is_visible()
    page.screenshot(path=str(SCREENSHOT))
    page.close()


def test_in_a_browser_the_form_shows_its_errors_inline(
    playground: BotProcess, browser: Any
) -> None:
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(playground.url)
    page.fill("#message", "/assign")
    page.press("#message", "Enter")
    form = page.locator("form.modal")
    form.wait_for()
    form.locator('[data-input="multi_users_select"]').select_option([])
    form.get_by_role("button", name="Preview").click()
    page.locator(".bk-error", has_text="Pick at least one person").wait_for()
    page.close()
