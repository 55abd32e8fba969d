from __future__ import annotations

from pathlib import Path

import pytest

from bot.check import check_settings
from bot.settings import (
    HEADER_VARIABLES,
    SettingsError,
    load_platform_settings,
    load_settings,
)

REQUIRED = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret", "SGP_API_KEY": "key-1"}
OPTIONAL = ("SLACK_APP_TOKEN", "SGP_ACCOUNT_ID", "SLACK_API_URL", "SGP_CLIENT_BASE_URL")
ACCESS = (
    "ASSIGN_ALLOWED_USERS",
    "ASSIGN_ALLOWED_GROUPS",
    "ASSIGN_ALLOWED_CHANNELS",
    "ASSIGN_ALLOW_SELF_LINK",
    "ASSIGN_AUDIT_MAX_ENTRIES",
)


@pytest.fixture(autouse=True)
def empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*REQUIRED, *OPTIONAL, "ASSIGN_ADMINS", "REDIS_URL", "PORT", *ACCESS):
        monkeypatch.delenv(name, raising=False)
    for name in ("WEB_CONCURRENCY", "REDIS_SENTINELS"):
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


# -- settings pasted wrong (issue 13): each case as an operator would meet it -----------------

#: (variable, as pasted, the attribute, the value the bot uses)
STRIPPED = [
    ("SGP_API_KEY", "key-1\n", "sgp_api_key", "key-1"),
    ("SGP_API_KEY", "  key-1\r\n", "sgp_api_key", "key-1"),
    ("SLACK_BOT_TOKEN", "xoxb-1\n", "slack_bot_token", "xoxb-1"),
    ("SLACK_SIGNING_SECRET", "\ts3cret \n", "slack_signing_secret", "s3cret"),
    ("SGP_ACCOUNT_ID", " acct_1\n", "sgp_account_id", "acct_1"),
    ("SGP_ACCOUNT_ID", " \n", "sgp_account_id", None),
    ("SLACK_APP_TOKEN", "\n", "slack_app_token", None),
    ("SGP_CLIENT_BASE_URL", "http://sgp.local\n", "sgp_base_url", "http://sgp.local"),
    ("SLACK_API_URL", " http://slack.local/api/\n", "slack_api_url", "http://slack.local/api/"),
    ("REDIS_URL", "redis://r:6379/0\n", "redis_url", "redis://r:6379/0"),
    ("REDIS_URL", " \n", "redis_url", None),
]


@pytest.mark.parametrize(("name", "pasted", "attribute", "expected"), STRIPPED)
def test_surrounding_whitespace_is_not_part_of_a_value(
    name: str, pasted: str, attribute: str, expected: str | None
) -> None:
    settings = load_settings(_env_file=None, **(REQUIRED | {name: pasted}))
    value = getattr(settings, attribute)
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    assert value == expected


@pytest.mark.parametrize("name", ["SGP_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
@pytest.mark.parametrize("blank", ["", " ", "\n", " \t\r\n"])
def test_a_blank_required_variable_is_missing(name: str, blank: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **(REQUIRED | {name: blank}))
    [line] = str(caught.value).splitlines()
    assert line.startswith(f"missing {name} (set, but blank): ")


def test_every_blank_variable_gets_its_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, SGP_API_KEY="", SLACK_BOT_TOKEN="\n", SLACK_APP_TOKEN=" ")
    lines = str(caught.value).splitlines()
    assert sorted(line.split()[1].rstrip(":") for line in lines) == [
        "SGP_API_KEY",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    ]
    assert all(line.startswith("missing ") for line in lines)


#: Values an HTTP library refuses in a header (or that are not what was meant to be pasted).
BAD_HEADER_VALUES = [
    "k\u00e9y-secret-1",  # non-ASCII
    "key-secret-\u201cquoted\u201d",  # smart quotes from a document
    "key\x00secret-1",  # NUL
    "key\nsecret-1",  # a newline inside (two lines pasted)
    "key\tsecret-1",  # a tab inside
    "key-secret-1\x7f",  # DEL
    "\ufeffkey-secret-1",  # a byte-order mark from a file
]


@pytest.mark.parametrize("name", HEADER_VARIABLES)
@pytest.mark.parametrize("bad", BAD_HEADER_VALUES)
def test_a_header_value_with_a_bad_character_is_refused_in_one_line(name: str, bad: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **(REQUIRED | {name: bad}))
    [line] = str(caught.value).splitlines()
    assert line.startswith(f"invalid {name}: ") and "HTTP header" in line
    assert bad not in line and "secret-1" not in line, "never echo the value"


def test_printable_ascii_with_inner_spaces_is_kept() -> None:
    settings = load_settings(_env_file=None, **(REQUIRED | {"SGP_API_KEY": "a b~!"}))
    assert settings.sgp_api_key.get_secret_value() == "a b~!"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("key-1\n", None),
        ("", "missing SGP_API_KEY (set, but blank): "),
        ("k\u00e9y", "invalid SGP_API_KEY: "),
    ],
)
def test_the_command_line_reads_the_key_the_same_way(pasted: str, expected: str | None) -> None:
    if expected is None:
        settings = load_platform_settings(_env_file=None, SGP_API_KEY=pasted)
        assert settings.sgp_api_key.get_secret_value() == "key-1"
        return
    with pytest.raises(SettingsError) as caught:
        load_platform_settings(_env_file=None, SGP_API_KEY=pasted)
    [line] = str(caught.value).splitlines()
    assert line.startswith(expected)


# -- what `python -m bot check` says about the settings ------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"ASSIGN_ADMINS": "U1"}, ["ok   settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and"]),
        ({}, ["ok   settings:", "warn admins: ASSIGN_ADMINS is not set, so nobody can link"]),
        (
            {"ASSIGN_ALLOW_SELF_LINK": "true"},
            ["ok   settings:", "warn admins: ASSIGN_ADMINS is not set, so nobody can link"],
        ),
        (
            {"SLACK_APP_TOKEN": "xapp-1", "ASSIGN_ADMINS": "U1"},
            ["ok   settings: SLACK_BOT_TOKEN, SLACK_APP_TOKEN (Socket Mode) and SGP_API_KEY"],
        ),
    ],
)
def test_check_says_what_was_read(extra: dict[str, str], expected: list[str]) -> None:
    checks = check_settings(load_settings(_env_file=None, **(REQUIRED | extra)))
    lines = [check.line() for check in checks]
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line
    assert all(check.ok for check in checks), "a warning does not fail the check"
    if len(lines) == 2:
        assert "set ASSIGN_ADMINS" in lines[1]
        assert ("themselves" in lines[1]) == ("ASSIGN_ALLOW_SELF_LINK" in extra)


WEB_PROCESSES = [
    ({"REDIS_URL": "redis://r:6379/0"}, None),
    ({"REDIS_SENTINELS": "s1:26379"}, None),
    ({}, "WEB_CONCURRENCY: more than 1 web process needs REDIS_URL or REDIS_SENTINELS"),
    (
        {"REDIS_URL": "redis://r:6379/0", "SLACK_APP_TOKEN": "xapp-1"},
        "WEB_CONCURRENCY: more than 1 web process applies to HTTP mode only",
    ),
]


@pytest.mark.parametrize(("extra", "refusal"), WEB_PROCESSES)
def test_several_web_processes_need_a_shared_store_and_http(
    extra: dict[str, str], refusal: str | None
) -> None:
    if refusal is None:
        settings = load_settings(_env_file=None, **REQUIRED, WEB_CONCURRENCY="3", **extra)
        assert settings.web_concurrency == 3
        return
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **REQUIRED, WEB_CONCURRENCY="2", **extra)
    assert str(caught.value).splitlines() == [str(caught.value)]  # one line
    assert str(caught.value).startswith(refusal)


@pytest.mark.parametrize("bad", ["0", "-1", "many", "65"])
def test_a_bad_web_concurrency_is_refused_naming_it(bad: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **REQUIRED, WEB_CONCURRENCY=bad)
    assert "WEB_CONCURRENCY" in str(caught.value)


def test_one_web_process_is_the_default_and_needs_no_redis() -> None:
    assert load_settings(_env_file=None, **REQUIRED).web_concurrency == 1
