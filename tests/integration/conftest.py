"""One fake-platform server per test module, with a fresh fake behind it for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.fakes.sgp_server import FakeSGP
from tests.fakes.server import ServerThread, SwappableApp, serve


@pytest.fixture(scope="module")
def swappable() -> Iterator[tuple[SwappableApp, ServerThread]]:
    app = SwappableApp()
    with serve(app) as running:
        yield app, running


@pytest.fixture
def fake(swappable: tuple[SwappableApp, ServerThread]) -> FakeSGP:
    """A fresh fake platform for this test, served at `swappable[1].url`."""
    swappable[0].fake = FakeSGP()
    return swappable[0].fake
