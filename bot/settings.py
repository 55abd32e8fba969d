"""Every environment variable the bot reads, typed and validated once at start-up."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.ids import DEFAULT_PLATFORM_HOSTS, link_host

#: What each required variable is for, so a missing one can be explained to an operator.
REQUIRED_VARIABLES: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the bot token (xoxb-...) from the Slack app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": (
        "the signing secret from the Slack app's Basic Information page "
        "(needed in HTTP mode, i.e. when SLACK_APP_TOKEN is not set)"
    ),
    "SGP_API_KEY": "the Scale GP API key the bot uses to assign tasks (sent as x-api-key)",
}

#: Values sent in HTTP headers (or, for the signing secret, used as a key): an HTTP library
#: refuses a control or non-ASCII character only when a request is made, which users would
#: meet as "the platform could not be reached", so such a value is refused at start instead.
HEADER_VARIABLES: tuple[str, ...] = (
    "SGP_API_KEY",
    "SGP_ACCOUNT_ID",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
)

BLANK: Final = "blank"
#: The platform's app, whose links name evaluations: one default, kept in bot.core.ids.
PLATFORM_HOSTS: Final = ",".join(DEFAULT_PLATFORM_HOSTS)


def header_value(value: object, *, required: bool) -> object:
    """A secret or id as pasted -> the value, stripped; blank is missing (None, or an error).

    Surrounding whitespace (a secret file's trailing newline) is never part of a secret.
    Never quotes the value in the error: it may be a secret.
    """
    if not isinstance(value, str):
        return value
    value = value.strip()
    if not value:
        if required:
            raise PydanticCustomError(BLANK, "is set but blank")
        return None
    if not all(" " <= char <= "~" for char in value):
        raise PydanticCustomError(
            "header_value",
            "has a control or non-ASCII character, which cannot be sent in an HTTP header; "
            "copy the value again",
        )
    return value


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class PlatformSettings(BaseSettings):
    """What talking to the platform needs: all `python -m bot assign` reads (no Slack, no Redis).

    The bot's `Settings` extend it, so the command line and the bot share one client
    configuration, one retry policy and one set of names.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    sgp_api_key: SecretStr = Field(alias="SGP_API_KEY")
    sgp_account_id: str | None = Field(default=None, alias="SGP_ACCOUNT_ID")
    sgp_base_url: str = Field(
        default="https://api.egp.scale.com",
        validation_alias=AliasChoices("SGP_CLIENT_BASE_URL", "sgp_base_url"),
    )
    sgp_timeout_seconds: float = Field(default=60.0, gt=0, alias="SGP_TIMEOUT_SECONDS")
    sgp_max_retries: int = Field(default=2, ge=0, le=10, alias="SGP_MAX_RETRIES")

    chunk_size: int = Field(default=500, ge=1, le=10_000, alias="ASSIGN_CHUNK_SIZE")
    concurrency: int = Field(default=4, ge=1, le=32, alias="ASSIGN_CONCURRENCY")
    # Every process's requests to the platform together, through Redis (leased slots).
    platform_max_in_flight: int = Field(
        default=16, ge=1, le=256, alias="ASSIGN_PLATFORM_MAX_IN_FLIGHT"
    )
    max_task_ids: int = Field(default=10_000, ge=1, le=100_000, alias="ASSIGN_MAX_TASK_IDS")
    # Ids a query (`next N`, `unassigned`) or an uploaded file may bring: whole evaluations.
    max_picked_tasks: int = Field(
        default=100_000, ge=1, le=1_000_000, alias="ASSIGN_MAX_PICKED_TASKS"
    )

    # The hosts whose evaluation links are accepted (`*` for any), comma-separated.
    platform_hosts_value: str = Field(default=PLATFORM_HOSTS, alias="ASSIGN_PLATFORM_HOSTS")

    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")

    @field_validator("sgp_api_key", mode="before")
    @classmethod
    def _api_key(cls, value: object) -> object:
        return header_value(value, required=True)

    @field_validator("sgp_account_id", mode="before")
    @classmethod
    def _account_id(cls, value: object) -> object:
        return header_value(value, required=False)

    @field_validator("sgp_base_url", mode="before")
    @classmethod
    def _strip_url(cls, value: object) -> object:
        return _stripped(value)

    @field_validator("platform_hosts_value", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        """Lower-case host names; blank means the default."""
        if not isinstance(value, str):
            return value
        hosts = [part.strip().lower() for part in value.split(",") if part.strip()]
        return ",".join(hosts) or PLATFORM_HOSTS

    @property
    def platform_hosts(self) -> tuple[str, ...]:
        return tuple(self.platform_hosts_value.split(","))

    @property
    def link_host(self) -> str:
        """Where the bot's own links point: the first host (`*` is none: the default then)."""
        return link_host(self.platform_hosts)

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


class Settings(PlatformSettings):
    """Configuration of one bot process. Field aliases are the environment variable names."""

    slack_bot_token: SecretStr = Field(alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")

    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    redis_key_prefix: str = Field(default="assignbot:", min_length=1, alias="REDIS_KEY_PREFIX")
    # Sentinel: the sentinels ("host:port,host:port") and the master's name they watch.
    redis_sentinels: str | None = Field(default=None, alias="REDIS_SENTINELS")
    redis_sentinel_master: str = Field(
        default="mymaster", min_length=1, alias="REDIS_SENTINEL_MASTER"
    )

    assign_admins: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="ASSIGN_ADMINS"
    )
    # Who may assign: all unset means everyone in the workspace; admins always may.
    assign_allowed_users: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="ASSIGN_ALLOWED_USERS"
    )
    assign_allowed_groups: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="ASSIGN_ALLOWED_GROUPS"
    )
    assign_allowed_channels: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="ASSIGN_ALLOWED_CHANNELS"
    )
    assign_allow_self_link: bool = Field(default=False, alias="ASSIGN_ALLOW_SELF_LINK")
    # The Slack user a Workflow Builder run nobody started (a schedule) acts as, checked against
    # the allow lists; unset: such runs go through only where /assign is open to everyone.
    workflow_runs_as: str | None = Field(default=None, alias="ASSIGN_WORKFLOW_RUNS_AS")
    group_cache_seconds: int = Field(default=300, ge=0, le=3600, alias="ASSIGN_GROUP_CACHE_SECONDS")
    audit_max_entries: int = Field(
        default=10_000, ge=100, le=10_000_000, alias="ASSIGN_AUDIT_MAX_ENTRIES"
    )
    confirmation_ttl_seconds: int = Field(
        default=900, ge=30, le=1800, alias="ASSIGN_CONFIRMATION_TTL_SECONDS"
    )
    thread_csv_threshold: int = Field(default=200, ge=1, alias="ASSIGN_THREAD_CSV_THRESHOLD")
    worker_in_web: bool = Field(default=True, alias="ASSIGN_WORKER_IN_WEB")
    # Web processes answering on PORT (HTTP mode), each with its own worker: a burst of
    # /assign uses every core. More than 1 needs a shared store (REDIS_URL or REDIS_SENTINELS).
    web_concurrency: int = Field(default=1, ge=1, le=64, alias="WEB_CONCURRENCY")
    worker_jobs: int = Field(default=8, ge=1, le=32, alias="ASSIGN_WORKER_JOBS")
    worker_lease_seconds: int = Field(default=30, ge=5, le=600, alias="ASSIGN_WORKER_LEASE_SECONDS")
    # Reminders (bot.usecases.reminders): hours before the earliest expiry; 0 turns them off.
    remind_before_hours: float = Field(
        default=24.0, ge=0, le=24 * 14, alias="ASSIGN_REMIND_BEFORE_HOURS"
    )
    reminder_poll_seconds: float = Field(
        default=15.0, gt=0, le=60, alias="ASSIGN_REMINDER_POLL_SECONDS"
    )

    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    host: str = Field(default="0.0.0.0", alias="HOST")

    @field_validator(
        "assign_admins",
        "assign_allowed_users",
        "assign_allowed_groups",
        "assign_allowed_channels",
        mode="before",
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        """Comma-separated lists, as one environment variable holds them."""
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("workflow_runs_as", mode="before")
    @classmethod
    def _slack_user(cls, value: object) -> object:
        """One Slack user id (U0123ABC); blank is unset."""
        if not isinstance(value, str):
            return value
        value = value.strip()
        if value and not re.fullmatch(r"[UW][A-Z0-9]{2,}", value):
            raise ValueError("expected one Slack user id, like U0123ABCD")
        return value or None

    @field_validator("slack_bot_token", mode="before")
    @classmethod
    def _bot_token(cls, value: object) -> object:
        return header_value(value, required=True)

    @field_validator("slack_app_token", "slack_signing_secret", mode="before")
    @classmethod
    def _optional_secret(cls, value: object) -> object:
        return header_value(value, required=False)

    @field_validator("redis_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("redis_sentinels", mode="before")
    @classmethod
    def _sentinel_list(cls, value: object) -> object:
        """host:port pairs, comma-separated; blank is unset (no Sentinel)."""
        if not isinstance(value, str):
            return value
        parts = [part.strip() for part in value.split(",") if part.strip()]
        for part in parts:
            port = part.rsplit(":", 1)[1] if part.count(":") == 1 or "]:" in part else "26379"
            if not port.isdigit():
                raise ValueError("expected host:port pairs, comma-separated")
        return ",".join(parts) or None

    @field_validator("slack_api_url", mode="before")
    @classmethod
    def _strip_slack_url(cls, value: object) -> object:
        return _stripped(value)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


class SettingsError(Exception):
    """The environment cannot run the bot; the message is for the operator."""


class _SlackMode(BaseSettings):
    """Just the two Slack secrets that decide the mode, read even when other settings fail."""

    model_config = Settings.model_config

    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line per problem an operator can act on.

    Every problem is reported at once, so an operator fixes the environment in one go.
    """
    mode = _SlackMode(**overrides)  # type: ignore[arg-type]
    problems: list[str] = []
    if not (mode.slack_app_token or "").strip() and not (mode.slack_signing_secret or "").strip():
        blank = mode.slack_signing_secret is not None
        problems.append(_missing_line("SLACK_SIGNING_SECRET", blank=blank))
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems[:0] = _explain(exc)
    else:
        problems.extend(_process_problems(settings))
    if problems:
        raise SettingsError("\n".join(problems))
    return settings


def _process_problems(settings: Settings) -> list[str]:
    """WEB_CONCURRENCY above 1 where several processes cannot share the work."""
    if settings.web_concurrency == 1:
        return []
    if settings.socket_mode:
        return [
            "WEB_CONCURRENCY: more than 1 web process applies to HTTP mode only; unset it with "
            "SLACK_APP_TOKEN set (Socket Mode runs one process)"
        ]
    if not settings.redis_url and not settings.redis_sentinels:
        return [
            "WEB_CONCURRENCY: more than 1 web process needs REDIS_URL or REDIS_SENTINELS "
            "(the embedded store is one process's own)"
        ]
    return []


#: Stands in for SGP_API_KEY when nothing will be sent (`assign --dry-run`).
NO_KEY: Final = "not-needed-for-a-dry-run"


def load_platform_settings(*, key_required: bool = True, **overrides: object) -> PlatformSettings:
    """The command line's settings: only the platform's, so it runs with no Slack app at all.

    Without `key_required` (a dry run sends nothing) a missing or blank SGP_API_KEY is no error.
    """
    try:
        return PlatformSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        if not key_required and not [e for e in exc.errors() if not _missing_key(e)]:
            return PlatformSettings(**{**overrides, "SGP_API_KEY": NO_KEY})  # type: ignore[arg-type]
        raise SettingsError("\n".join(_explain(exc))) from None


def _missing_key(error: Any) -> bool:
    return (
        bool(error["loc"])
        and error["loc"][0] == "SGP_API_KEY"
        and error["type"]
        in (
            "missing",
            BLANK,
        )
    )


def _missing_line(name: str, blank: bool = False) -> str:
    return f"missing {name}{' (set, but blank)' if blank else ''}: {REQUIRED_VARIABLES[name]}"


def _explain(exc: ValidationError) -> list[str]:
    lines: list[str] = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "settings"
        if error["type"] in ("missing", BLANK) and name in REQUIRED_VARIABLES:
            lines.append(_missing_line(name, blank=error["type"] == BLANK))
        else:
            # Never echo the input: it may be a secret.
            lines.append(f"invalid {name}: {error['msg']}")
    return lines
