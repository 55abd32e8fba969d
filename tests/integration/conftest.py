"""One fake-platform server per test module, with a fresh fake behind it for every test, and
clients of it whose retry waits are recorded, not waited."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bot.fakes.sgp_server import DEFAULT_API_KEY, FakeSGP
from bot.sgp.client import SGPClient
from tests.fakes.server import ServerThread, SwappableApp, serve
from tests.integration.sgp_clients import ClientFactory, RecordingSleep


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


@pytest.fixture
def server(swappable: tuple[SwappableApp, ServerThread], fake: FakeSGP) -> ServerThread:
    return swappable[1]


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def make_client(server: ServerThread, sleep: RecordingSleep) -> AsyncIterator[ClientFactory]:
    """Clients of the fake with the recording sleep; closed after the test."""
    clients: list[SGPClient] = []

    def make(**overrides: Any) -> SGPClient:
        options: dict[str, Any] = {
            "base_url": server.url,
            "api_key": DEFAULT_API_KEY,
            "sleep": sleep,
        }
        options.update(overrides)
        client = SGPClient(**options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(make_client: ClientFactory) -> SGPClient:
    return make_client()
