"""ASSIGN_PLATFORM_HOSTS and the dry run's optional key, as an operator writes them."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_platform_settings


@pytest.mark.parametrize(
    ("value", "hosts"),
    [
        (None, ("app.sgp.scale.com",)),
        ("", ("app.sgp.scale.com",)),
        ("  ", ("app.sgp.scale.com",)),
        (
            "App.SGP.scale.com, sgp.internal.example ,",
            ("app.sgp.scale.com", "sgp.internal.example"),
        ),
        ("*", ("*",)),
    ],
)
def test_platform_hosts(
    monkeypatch: pytest.MonkeyPatch, value: str | None, hosts: tuple[str, ...]
) -> None:
    monkeypatch.setenv("SGP_API_KEY", "k")
    if value is None:
        monkeypatch.delenv("ASSIGN_PLATFORM_HOSTS", raising=False)
    else:
        monkeypatch.setenv("ASSIGN_PLATFORM_HOSTS", value)
    assert load_platform_settings(_env_file=None).platform_hosts == hosts


@pytest.mark.parametrize("key", [None, "", "  \n"])
def test_a_dry_run_needs_no_key_but_a_run_does(
    monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    if key is None:
        monkeypatch.delenv("SGP_API_KEY", raising=False)
    else:
        monkeypatch.setenv("SGP_API_KEY", key)
    assert load_platform_settings(key_required=False, _env_file=None).chunk_size == 500
    with pytest.raises(SettingsError, match="SGP_API_KEY"):
        load_platform_settings(_env_file=None)


def test_a_dry_run_still_refuses_other_bad_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SGP_API_KEY", raising=False)
    monkeypatch.setenv("ASSIGN_CHUNK_SIZE", "0")
    with pytest.raises(SettingsError, match="ASSIGN_CHUNK_SIZE"):
        load_platform_settings(key_required=False, _env_file=None)
