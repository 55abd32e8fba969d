"""What the bot asks of its Redis, checked at startup and by `python -m bot check`: a version
too old refuses to start in one line; an evicting or forgetting Redis is warned about; TLS."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import fake_servers  # noqa: F401  (the fakes' servers, per session)
from tests.e2e.processes import Fakes
from tests.fakes.server import free_port
from tests.faults.redis_servers import RedisServer, needs, redis_cluster, redis_server


def run_bot(fakes: Fakes, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=fakes.environment(PORT=str(free_port()), HOST="127.0.0.1", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextmanager
def old_redis(version: str) -> Iterator[int]:
    """A port answering like a Redis of `version`: INFO tells it, every other command is OK."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                for _ in range(data.count(b"*")):  # one answer per command of the pipeline
                    if b"INFO" in data.upper():
                        info = f"# Server\r\nredis_version:{version}\r\n".encode()
                        conn.sendall(b"$%d\r\n%s\r\n" % (len(info), info))
                    else:
                        conn.sendall(b"+OK\r\n")

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield port
    finally:
        listener.close()


def test_a_redis_older_than_7_refuses_to_start_in_one_line(fakes: Fakes, tmp_path: Path) -> None:
    with old_redis("6.2.14") as port:
        run = run_bot(fakes, tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    assert run.returncode == 2, run.stderr
    [line] = [line for line in run.stderr.splitlines() if "cannot start" in line]
    assert "Redis 6.2.14 is older than 7.0" in line


def check_lines(fakes: Fakes, cwd: Path, url: str) -> list[str]:
    run = run_bot(fakes, cwd, "check", REDIS_URL=url)
    return [line for line in run.stdout.splitlines() if "Redis" in line]


def test_check_warns_about_eviction_and_no_persistence(fakes: Fakes, tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis", "--maxmemory-policy", "allkeys-lru") as server:
        lines = check_lines(fakes, tmp_path, server.url)
    assert any(line.startswith("ok   Redis server: version 7.") for line in lines), lines
    assert any(
        line.startswith("warn") and "maxmemory-policy is allkeys-lru" in line for line in lines
    ), lines
    assert any(line.startswith("warn") and "persists nothing" in line for line in lines), lines


def test_check_is_quiet_about_a_well_configured_redis(fakes: Fakes, tmp_path: Path) -> None:
    with redis_server(tmp_path / "redis", "--appendonly", "yes") as server:
        lines = check_lines(fakes, tmp_path, server.url)
    assert not [line for line in lines if not line.startswith("ok")], lines


def test_check_reads_every_primary_of_a_cluster(fakes: Fakes, tmp_path: Path) -> None:
    with redis_cluster(tmp_path) as nodes:
        lines = check_lines(fakes, tmp_path, f"redis+cluster://127.0.0.1:{nodes[0].port}")
    assert any(line.startswith("ok   Redis:") for line in lines), lines
    assert any(line.startswith("ok   Redis server: version 7.") for line in lines), lines


def tls_files(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            needs("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def test_rediss_with_tls_options_in_the_url(fakes: Fakes, tmp_path: Path) -> None:
    cert, key = tls_files(tmp_path / "tls")
    server = RedisServer(tmp_path / "redis")
    tls_port = server.port
    server.port = 0  # only the TLS port listens; `start` waits on a plain port, so run it here
    process = subprocess.Popen(
        [
            needs("redis-server"), "--port", "0", "--tls-port", str(tls_port),
            "--bind", "127.0.0.1",
            "--tls-cert-file", str(cert), "--tls-key-file", str(key),
            "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no",
            "--save", "", "--dir", str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"rediss://127.0.0.1:{tls_port}/0?ssl_ca_certs={cert}"
        lines: list[str] = []
        for _ in range(50):  # the server may take a moment to listen
            lines = check_lines(fakes, tmp_path, url)
            if any(line.startswith("ok   Redis:") for line in lines):
                break
        plain = check_lines(fakes, tmp_path, f"rediss://127.0.0.1:{tls_port}/0")
    finally:
        process.kill()
        process.wait(timeout=10)
    assert any(line.startswith("ok   Redis:") and "rediss://" in line for line in lines), lines
    assert any(line.startswith("FAIL Redis:") for line in plain), "an unknown CA is refused"
