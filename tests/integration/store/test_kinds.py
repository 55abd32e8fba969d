"""Kinds of Redis: the cluster's hash-tagged prefix, the sentinels setting, READONLY as a
transient error. (A burst on a real cluster: tests/faults/test_redis_cluster.py.)"""

from __future__ import annotations

import pytest
from redis.exceptions import ReadOnlyError

from bot.settings import SettingsError, load_settings
from bot.store import StoreUnavailable
from bot.store.errors import unavailable_on_connection_error
from bot.store.kinds import cluster_prefix, is_cluster_url, parse_sentinels

REQUIRED = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SGP_API_KEY": "k"}


@pytest.mark.parametrize(
    ("prefix", "tagged"),
    [
        ("assignbot:", "{assignbot}:"),
        ("team1:bot:", "{team1:bot}:"),
        ("bot", "{bot}"),
        ("{team1}:bot:", "{team1}:bot:"),  # already one slot: kept
    ],
)
def test_a_cluster_prefix_puts_every_key_in_one_slot(prefix: str, tagged: str) -> None:
    assert cluster_prefix(prefix) == tagged


def test_cluster_mode_is_chosen_by_the_url_scheme() -> None:
    assert is_cluster_url("redis+cluster://node:6379")
    assert is_cluster_url("rediss+cluster://node:6379")
    assert not is_cluster_url("redis://node:6379")
    assert not is_cluster_url("rediss://node:6379")


def test_sentinels_are_host_port_pairs() -> None:
    assert parse_sentinels("a:26379, b:26380,[::1]:5000,c") == [
        ("a", 26379),
        ("b", 26380),
        ("::1", 5000),
        ("c", 26379),
    ]


def test_the_sentinel_settings_are_read_and_checked() -> None:
    settings = load_settings(
        _env_file=None,
        **REQUIRED,
        REDIS_SENTINELS=" s1:26379 , s2:26379 ",
        REDIS_SENTINEL_MASTER="m",
    )
    assert settings.redis_sentinels == "s1:26379,s2:26379"
    assert settings.redis_sentinel_master == "m"
    assert load_settings(_env_file=None, **REQUIRED).redis_sentinels is None
    with pytest.raises(SettingsError, match="REDIS_SENTINELS"):
        load_settings(_env_file=None, **REQUIRED, REDIS_SENTINELS="s1:port")


def test_readonly_after_a_failover_is_unavailable_not_a_failure() -> None:
    """A replica answering where the primary was: the user is told to try again shortly."""
    with pytest.raises(StoreUnavailable), unavailable_on_connection_error():
        raise ReadOnlyError("READONLY You can't write against a read only replica.")
