"""`python -m bot check`: can this bot, as configured, reach everything it needs?

One line per dependency, with what to do when it fails, so an operator can fix a deployment
before users meet the problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.exceptions import RedisError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import platform_client
from bot.settings import Settings
from bot.sgp.client import SGPClient
from bot.sgp.errors import AuthenticationError, PermissionDeniedError, SGPError
from bot.store.connection import Store, open_store, redacted_url
from bot.store.server import inspect_server


@dataclass(frozen=True)
class Check:
    """One line of the report; a `warning` passes (exit 0) but needs the operator's eye."""

    name: str
    ok: bool
    detail: str
    warning: bool = False

    def line(self) -> str:
        mark = "FAIL" if not self.ok else "warn" if self.warning else "ok  "
        return f"{mark} {self.name}: {self.detail}"


def check_settings(settings: Settings) -> list[Check]:
    """What was read, said as it is (the values were validated when they were loaded).

    Settings that load but leave a feature unusable are warnings: with no ASSIGN_ADMINS,
    nobody can link a Slack user to a platform account, the first thing a new team does.
    """
    slack = "SLACK_APP_TOKEN (Socket Mode)" if settings.socket_mode else "SLACK_SIGNING_SECRET"
    checks = [Check("settings", True, f"SLACK_BOT_TOKEN, {slack} and SGP_API_KEY are set")]
    if not settings.assign_admins:
        themselves = (
            " other than themselves (ASSIGN_ALLOW_SELF_LINK)"
            if settings.assign_allow_self_link
            else ""
        )
        checks.append(
            Check(
                "admins",
                True,
                "ASSIGN_ADMINS is not set, so nobody can link Slack users to platform "
                f"accounts{themselves}: set ASSIGN_ADMINS to the Slack member ids of the "
                "admins, comma-separated (e.g. ASSIGN_ADMINS=U0123ABCD).",
                warning=True,
            )
        )
    return checks


async def check_slack(client: AsyncWebClient) -> Check:
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        return Check(
            "Slack",
            False,
            f"Slack refused SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token (xoxb-...) "
            "from the app's OAuth & Permissions page, and reinstall the app if it changed.",
        )
    except Exception as exc:  # network: DNS, refused, TLS...
        return Check(
            "Slack",
            False,
            f"could not reach the Slack API ({type(exc).__name__}): check SLACK_API_URL and the "
            "network.",
        )
    return Check("Slack", True, f"authenticated as {auth.get('user')} in team {auth.get('team')}")


async def check_store(store: Store, where: str | None) -> Check:
    """`where`: the Redis as an operator named it (redacted), None for the in-memory store."""
    if await store.ping():
        note = "" if where else " (REDIS_URL is not set: state is lost on restart)"
        return Check("Redis", True, f"{where or 'the in-memory store'} answers{note}")
    return Check(
        "Redis",
        False,
        f"{where} does not answer: start Redis or fix REDIS_URL (or REDIS_SENTINELS).",
    )


def redis_where(settings: Settings) -> str | None:
    if settings.redis_sentinels:
        return (
            f"the primary {settings.redis_sentinel_master!r} of sentinels "
            f"{settings.redis_sentinels}"
        )
    return redacted_url(settings.redis_url) if settings.redis_url else None


async def check_server(store: Store, where: str | None) -> list[Check]:
    """Version, eviction policy and persistence of a real Redis (the embedded one has none)."""
    if not where:
        return []
    try:
        report = await inspect_server(store)
    except (RedisError, OSError, TimeoutError):
        return []  # the ping's line already says Redis does not answer
    if report.refusal is not None:
        return [Check("Redis server", False, report.refusal)]
    lines = [Check("Redis server", True, f"version {report.version}")]
    return lines + [Check("Redis server", True, text, warning=True) for text in report.warnings]


async def check_platform(sgp: SGPClient) -> Check:
    try:
        user = await sgp.get_user_info()
    except (AuthenticationError, PermissionDeniedError) as exc:
        return Check(
            "Scale GP",
            False,
            f"{exc}: set SGP_API_KEY to a valid key (and SGP_ACCOUNT_ID if the key needs one).",
        )
    except SGPError as exc:
        return Check("Scale GP", False, f"{exc}: check SGP_CLIENT_BASE_URL and the network.")
    return Check("Scale GP", True, f"the API key belongs to {user.email or user.id}")


async def run_checks(settings: Settings, client: AsyncWebClient | None = None) -> list[Check]:
    from bot.slack.app import web_client

    store = open_store(
        settings.redis_url,
        settings.redis_key_prefix,
        sentinels=settings.redis_sentinels,
        sentinel_master=settings.redis_sentinel_master,
    )
    sgp = platform_client(settings, timeout=min(settings.sgp_timeout_seconds, 10.0), max_retries=0)
    try:
        return [
            *check_settings(settings),
            await check_slack(client or web_client(settings)),
            await check_store(store, redis_where(settings)),
            *await check_server(store, redis_where(settings)),
            *await check_workers(store, settings.redis_url or settings.redis_sentinels),
            await check_platform(sgp),
        ]
    finally:
        await sgp.aclose()
        await store.aclose()


async def check_workers(store: Store, redis_url: str | None) -> list[Check]:
    """The workers whose heartbeat is live in this Redis (none is a warning: jobs would wait).

    The embedded store is this process's own: no worker elsewhere can share it.
    """
    from bot.jobs.queue import JobQueue

    if not redis_url:
        return []
    try:
        alive = await JobQueue(store.redis, store.key).live_workers()
    except Exception:  # the ping's line already says what is wrong with Redis
        return []
    if not alive:
        return [
            Check(
                "workers",
                True,
                "no live worker: confirmed jobs wait until one runs (python -m bot worker, "
                "or a web process with its worker)",
                warning=True,
            )
        ]
    return [Check("workers", True, f"{len(alive)} live: {', '.join(sorted(alive))}")]
