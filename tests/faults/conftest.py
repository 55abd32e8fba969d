"""What the fault tests share: a redis-server of the test's own, in its temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.redis_servers import redis_server


@pytest.fixture
def fault_redis(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as server:
        yield server.url
