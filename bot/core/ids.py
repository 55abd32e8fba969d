"""Rules for evaluation, task and platform user ids, and reading them out of Slack text.

Ids go into API paths and request bodies and are echoed back into Slack, so only a small, safe
character set is accepted. Anything else is nearly always a paste mistake, and saying so early
beats a confusing 404 from the platform later.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final
from urllib.parse import SplitResult, unquote, urlsplit

ID_MIN_LENGTH: Final = 1
ID_MAX_LENGTH: Final = 128
ID_PUNCTUATION: Final = "_-.:"
ID_RULE: Final = (
    "ids use only letters, digits and `_ - . :`, start with a letter or digit, "
    f"and are at most {ID_MAX_LENGTH} characters"
)
PLATFORM_USER_PREFIX: Final = "sgp:"

_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]*")
_ID_CHAR_RE: Final = re.compile(r"[A-Za-z0-9_.:\-]")
_SLACK_USER_RE: Final = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_EVALUATIONS_SEGMENT: Final = "evaluations"
#: The platform's app, whose links name evaluations (ASSIGN_PLATFORM_HOSTS, by default).
DEFAULT_PLATFORM_HOSTS: Final = ("app.sgp.scale.com",)
#: Among the hosts, allows a link to any host.
ANY_HOST: Final = "*"
_URL_SCHEMES: Final = frozenset({"", "http", "https"})


def is_valid_id(token: str) -> bool:
    """True when `token` is safe to use as an evaluation, task or platform user id."""
    return ID_MIN_LENGTH <= len(token) <= ID_MAX_LENGTH and _ID_RE.fullmatch(token) is not None


def id_problem(token: str) -> str | None:
    """Why `token` is not a valid id, as a phrase for a person; None when it is valid.

    Error messages name the broken rule, so a person can fix the id without guessing.
    """
    if len(token) < ID_MIN_LENGTH:
        return "it is empty"
    if len(token) > ID_MAX_LENGTH:
        return f"it is {len(token)} characters long and ids are at most {ID_MAX_LENGTH}"
    for char in token:
        if _ID_CHAR_RE.fullmatch(char) is None:
            return f"it contains `{char}`, and ids use only letters, digits and `_ - . :`"
    if _ID_RE.fullmatch(token) is None:
        return f"it starts with `{token[0]}`, and ids start with a letter or digit"
    return None


def _unwrap_link(token: str) -> str | None:
    """`<url>` or `<url|label>` (Slack's escaped link) -> url; other tokens pass through."""
    if not token.startswith("<"):
        return token
    if not token.endswith(">"):
        return None
    url = token[1:-1].split("|", 1)[0]
    if not url or url[0] in "@#!":
        return None  # a mention or a special like <!here>, never a link
    return url


def _evaluation_id_in_url(url: str, hosts: Collection[str] | None) -> str | None:
    """The id segment after `/evaluations/` in a URL's path; query and fragment are ignored.

    With `hosts`, a link to another host names nothing (a path with no host at all still does).
    """
    try:
        parts = _split(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _URL_SCHEMES:
        return None
    if hosts is not None and parts.hostname is not None and not _allowed(parts.hostname, hosts):
        return None
    segments = parts.path.split("/")
    for index, segment in enumerate(segments[:-1]):
        if segment.lower() == _EVALUATIONS_SEGMENT:
            candidate = unquote(segments[index + 1])
            if is_valid_id(candidate):
                return candidate
    return None


def _split(url: str) -> SplitResult:
    """`host.tld/path` pasted without a scheme still has a host; `evaluations/x` has none."""
    if "://" in url or "." not in url.split("/", 1)[0]:
        return urlsplit(url)
    return urlsplit(f"//{url}")


def _allowed(host: str, hosts: Collection[str]) -> bool:
    allowed = {h.strip().lower() for h in hosts}
    return ANY_HOST in allowed or host.lower() in allowed


def evaluation_id_from(token: str, hosts: Collection[str] | None = None) -> str | None:
    """An evaluation id from a bare id or an evaluation URL (bare or Slack-escaped); else None.

    People paste whatever they have open: the id from an API response, or the page's address.
    `hosts` (ASSIGN_PLATFORM_HOSTS) are the platform's; a link to any other host names no
    evaluation. None accepts a link to any host.
    """
    token = token.strip()
    if is_valid_id(token):
        return token
    url = _unwrap_link(token)
    if url is None or "/" not in url:
        return None
    return _evaluation_id_in_url(url, hosts)


def link_host_problem(token: str, hosts: Collection[str]) -> str | None:
    """Why an evaluation link is refused: its host is not the platform's; None otherwise.

    A phrase for a person, naming the host and the setting that lists the allowed ones.
    """
    url = _unwrap_link(token.strip())
    if url is None or "/" not in url or _evaluation_id_in_url(url, None) is None:
        return None
    if _evaluation_id_in_url(url, hosts) is not None:
        return None
    try:
        host = _split(url).hostname or "no host"
    except ValueError:
        host = "no host"
    shown = ", ".join(sorted(hosts)) or "none"
    return (
        f"it links to {host}, not to the platform ({shown}); paste the evaluation id, or ask "
        "whoever runs the bot to add the host to ASSIGN_PLATFORM_HOSTS"
    )


def link_host(hosts: Collection[str]) -> str:
    """Where the bot's own links point: the first configured host that is a host.

    `*` accepts links from anywhere but names no place to link to; the default host stands in.
    """
    named = [host.strip().lower() for host in hosts if host.strip() and host.strip() != ANY_HOST]
    return named[0] if named else DEFAULT_PLATFORM_HOSTS[0]


def slack_user_from(token: str) -> str | None:
    """The Slack user id in a mention as Slack escapes it: `<@U123>` or `<@W123|name>`."""
    match = _SLACK_USER_RE.fullmatch(token.strip())
    if match is None or not is_valid_id(match.group(1)):
        return None
    return match.group(1)


def platform_user_from(token: str) -> str | None:
    """The platform user id in `sgp:<id>` (prefix in any case), when the id is valid."""
    token = token.strip()
    if token[: len(PLATFORM_USER_PREFIX)].lower() != PLATFORM_USER_PREFIX:
        return None
    user_id = token[len(PLATFORM_USER_PREFIX) :]
    return user_id if is_valid_id(user_id) else None
