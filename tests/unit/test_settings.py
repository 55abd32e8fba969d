from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

REQUIRED = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret", "SGP_API_KEY": "key-1"}
ACCESS = (
    "ASSIGN_ALLOWED_USERS",
    "ASSIGN_ALLOWED_GROUPS",
    "ASSIGN_ALLOWED_CHANNELS",
    "ASSIGN_ALLOW_SELF_LINK",
    "ASSIGN_AUDIT_MAX_ENTRIES",
)


@pytest.fixture(autouse=True)
def empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*REQUIRED, "SLACK_APP_TOKEN", "ASSIGN_ADMINS", "REDIS_URL", "PORT", *ACCESS):
        monkeypatch.delenv(name, raising=False)


def test_every_missing_variable_is_named_with_its_purpose() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    for name in REQUIRED:
        assert f"missing {name}:" in message
    assert "Signing Secret".lower() in message.lower() and "x-api-key" in message


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(
        _env_file=None, SLACK_BOT_TOKEN="xoxb", SGP_API_KEY="k", SLACK_APP_TOKEN="xapp-1"
    )
    assert settings.socket_mode and settings.slack_signing_secret is None


def test_defaults_and_parsing() -> None:
    settings = load_settings(_env_file=None, **REQUIRED, ASSIGN_ADMINS=" U1, U2 ,,", REDIS_URL="")
    assert settings.assign_admins == frozenset({"U1", "U2"})
    assert settings.redis_url is None
    assert (settings.port, settings.chunk_size, settings.confirmation_ttl_seconds) == (
        3000,
        500,
        900,
    )
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.sgp_base_url == "https://api.egp.scale.com"


def test_environment_and_dotenv_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSGP_API_KEY=from-file\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "from-env")
    monkeypatch.setenv("SGP_CLIENT_BASE_URL", "http://sgp.local")
    settings = load_settings()
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert settings.sgp_base_url == "http://sgp.local"


def test_invalid_values_are_explained_without_echoing_them() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **REQUIRED, PORT="not-a-port-secret")
    assert "invalid PORT" in str(caught.value)
    assert "not-a-port-secret" not in str(caught.value)


def test_secrets_do_not_show_in_repr() -> None:
    settings = load_settings(_env_file=None, **REQUIRED)
    assert "s3cret" not in repr(settings) and "key-1" not in repr(settings)


def test_access_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings(_env_file=None, **REQUIRED)
    assert defaults.assign_allowed_users == frozenset()
    assert defaults.assign_allowed_groups == frozenset()
    assert defaults.assign_allowed_channels == frozenset()
    assert defaults.assign_allow_self_link is False
    assert (defaults.group_cache_seconds, defaults.audit_max_entries) == (300, 10_000)

    monkeypatch.setenv("ASSIGN_ALLOWED_USERS", "U1, U2")
    monkeypatch.setenv("ASSIGN_ALLOWED_GROUPS", "@eval-leads,S0123")
    monkeypatch.setenv("ASSIGN_ALLOWED_CHANNELS", " C1 ,")
    monkeypatch.setenv("ASSIGN_ALLOW_SELF_LINK", "true")
    monkeypatch.setenv("ASSIGN_AUDIT_MAX_ENTRIES", "500")
    settings = load_settings(_env_file=None, **REQUIRED)
    assert settings.assign_allowed_users == frozenset({"U1", "U2"})
    assert settings.assign_allowed_groups == frozenset({"@eval-leads", "S0123"})
    assert settings.assign_allowed_channels == frozenset({"C1"})
    assert settings.assign_allow_self_link is True
    assert settings.audit_max_entries == 500


def test_bad_access_settings_are_explained() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **REQUIRED, ASSIGN_ALLOW_SELF_LINK="perhaps")
    assert "invalid ASSIGN_ALLOW_SELF_LINK" in str(caught.value)
