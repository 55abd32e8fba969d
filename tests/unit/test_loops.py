from __future__ import annotations

import asyncio
import sys

import pytest

from bot.loops import run_loop


async def loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not installed on Windows")
def test_the_bot_runs_on_uvloop_where_it_is_installed() -> None:
    assert run_loop(loop_module()).startswith("uvloop")


def test_without_uvloop_it_runs_on_asyncios_own_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop -> ImportError
    assert run_loop(loop_module()).startswith("asyncio")
