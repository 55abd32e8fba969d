"""The form's uploaded file of task ids: checked, downloaded with the bot token, and read.

Every failure is a FieldProblem worded for the file input, so the form answers within Slack's
3 seconds with an error on that input instead of the generic "trouble connecting".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.form import FieldProblem
from bot.core.idfile import MAX_FILE_BYTES, kind_of, read_ids

log = logging.getLogger(__name__)

TOO_SLOW: Final = "I could not read the file in time: try again, or paste the ids."
UNREADABLE: Final = "I could not download the file: try again, or paste the ids."


async def ids_from_file(
    client: AsyncWebClient, file: Mapping[str, Any], *, max_ids: int, seconds: float
) -> list[str]:
    """The ids in a `file_input` file (as in view_submission state), read within `seconds`;
    a FieldProblem for the file input otherwise."""
    name = str(file.get("name") or file.get("title") or "")
    kind = kind_of(name, str(file.get("filetype") or ""))
    if kind is None:
        raise FieldProblem("Attach a .txt or .csv file of task ids.")
    size = file.get("size")
    if isinstance(size, int) and size > MAX_FILE_BYTES:
        raise FieldProblem(
            f"The file is {size / 1_048_576:.1f} MB; files up to "
            f"{MAX_FILE_BYTES // 1_048_576} MB are read. Split it, or keep only the task ids."
        )
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    try:
        async with asyncio.timeout(seconds):
            content = await _download(client, url, seconds)
    except TimeoutError:
        raise FieldProblem(TOO_SLOW) from None
    return read_ids(content, kind=kind, max_ids=max_ids)


def _may_carry_token(url: str, api_base: str) -> bool:
    """Only Slack (or the configured Slack API host, e.g. a proxy) ever sees the bot token."""
    host = (urlsplit(url).hostname or "").lower()
    api_host = (urlsplit(api_base).hostname or "").lower()
    return bool(host) and (host == "slack.com" or host.endswith(".slack.com") or host == api_host)


async def _download(client: AsyncWebClient, url: str, seconds: float) -> bytes:
    if not client.token or not _may_carry_token(url, client.base_url):
        log.warning("refusing to download a file from %s", urlsplit(url).hostname)
        raise FieldProblem(UNREADABLE)
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        async with (
            httpx.AsyncClient(timeout=seconds, follow_redirects=True) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code != 200 or "text/html" in response.headers.get(
                "content-type", ""
            ):
                # Slack answers a download it refuses with its HTML sign-in page, not a 4xx.
                log.warning("file download refused: HTTP %d", response.status_code)
                raise FieldProblem(UNREADABLE)
            content = bytearray()
            async for piece in response.aiter_bytes():
                content.extend(piece)
                if len(content) > MAX_FILE_BYTES:
                    raise FieldProblem(
                        f"The file is larger than {MAX_FILE_BYTES // 1_048_576} MB, the most "
                        "I read. Split it, or keep only the task ids."
                    )
            return bytes(content)
    except httpx.TimeoutException:
        raise FieldProblem(TOO_SLOW) from None
    except httpx.HTTPError as exc:
        log.warning("file download failed: %s", type(exc).__name__)
        raise FieldProblem(UNREADABLE) from None
