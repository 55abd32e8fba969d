"""Real `redis-server` / `redis-sentinel` processes for the fault tests, on spare ports.

Each server has its own data directory under the test's tmp_path, never port 6379, and is
killed when the test ends: the tests flush, restart and freeze only what they started.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from bot.fakes.waiting import wait_until
from tests.fakes.server import free_port

#: Anything a server takes longer than this to do (start, fail over) is a failure, not a wait.
START_SECONDS = 10.0


def needs(binary: str) -> str:
    """The binary's path; skipped where it is not installed, failed in CI (.ci/run installs it)."""
    path = shutil.which(binary)
    if path is None:
        missing = f"{binary} is not installed (Debian: apt-get install -y redis-sentinel)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return path


def answers(port: int) -> bool:
    try:
        with redis.Redis(port=port, socket_timeout=0.5, socket_connect_timeout=0.5) as client:
            return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


@dataclass
class RedisServer:
    """One redis-server process; `restart` keeps its port and its data directory."""

    directory: Path
    extra: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, decode_responses=True, socket_timeout=5)

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                needs("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.directory),
                "--save", "",
                "--appendonly", "no",
                "--logfile", str(self.directory / "redis.log"),
                *self.extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: answers(self.port), what=f"redis on {self.port}", timeout=START_SECONDS)
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot die
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@contextmanager
def redis_server(directory: Path, *extra: str) -> Iterator[RedisServer]:
    server = RedisServer(directory, list(extra)).start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def redis_cluster(directory: Path, nodes: int = 3) -> Iterator[list[RedisServer]]:
    """`nodes` primaries (no replicas) sharing the 16,384 slots, as `redis-cli --cluster` makes."""
    servers: list[RedisServer] = []
    try:
        for index in range(nodes):
            node = directory / f"node{index}"
            servers.append(
                RedisServer(
                    node,
                    [
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        str(node / "nodes.conf"),
                        # The bus port defaults to port + 10000: past 65535 for a high spare port.
                        "--cluster-port",
                        str(free_port()),
                    ],
                ).start()
            )
        subprocess.run(
            [
                needs("redis-cli"),
                "--cluster", "create",
                *(f"127.0.0.1:{server.port}" for server in servers),
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )  # fmt: skip
        wait_until(lambda: _cluster_ok(servers), what="the cluster to be ok", timeout=20)
        yield servers
    finally:
        for server in servers:
            server.kill()


def _cluster_ok(servers: list[RedisServer]) -> bool:
    for server in servers:
        with server.client() as client:
            if "cluster_state:ok" not in str(client.execute_command("CLUSTER", "INFO")):
                return False
    return True


@dataclass
class SentinelSetup:
    primary: RedisServer
    replica: RedisServer
    sentinel_port: int
    sentinel: subprocess.Popen[bytes]
    master: str = "mymaster"

    @property
    def sentinels(self) -> str:
        return f"127.0.0.1:{self.sentinel_port}"

    def current_primary_port(self) -> int:
        with redis.Redis(port=self.sentinel_port, decode_responses=True) as client:
            _, port = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.master)
        return int(port)


@contextmanager
def sentinel_setup(directory: Path) -> Iterator[SentinelSetup]:
    """A primary, a replica of it, and one sentinel (quorum 1) that fails over in ~2 s."""
    sentinel_binary = needs("redis-sentinel")
    with (
        redis_server(directory / "primary", "--appendonly", "yes") as primary,
        redis_server(
            directory / "replica", "--appendonly", "yes", "--replicaof", "127.0.0.1",
            str(primary.port),
        ) as replica,
    ):  # fmt: skip
        port = free_port()
        config = directory / "sentinel.conf"
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
            f"sentinel monitor mymaster 127.0.0.1 {primary.port} 1\n"
            "sentinel down-after-milliseconds mymaster 1000\n"
            "sentinel failover-timeout mymaster 5000\n"
            f"logfile {directory / 'sentinel.log'}\n"
        )
        process = subprocess.Popen(
            [sentinel_binary, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        setup = SentinelSetup(primary, replica, port, process)
        try:
            wait_until(lambda: answers(port), what="the sentinel", timeout=START_SECONDS)
            wait_until(lambda: _replicating(replica), what="the replica in sync", timeout=20)
            yield setup
        finally:
            process.kill()
            process.wait(timeout=10)


def _replicating(replica: RedisServer) -> bool:
    with replica.client() as client:
        info = client.info("replication")
    return bool(info.get("master_link_status") == "up")


def wait_for_failover(setup: SentinelSetup, timeout: float = 30) -> None:
    began = time.monotonic()
    wait_until(
        lambda: setup.current_primary_port() == setup.replica.port,
        what=f"the sentinel to promote the replica (after {time.monotonic() - began:.0f} s)",
        timeout=timeout,
    )
