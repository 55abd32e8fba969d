"""The uploaded file's checks that need no download: kind, size, and where the token may go."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.form import FieldProblem
from bot.core.idfile import MAX_FILE_BYTES
from bot.slack.forms.files import UNREADABLE, ids_from_file

CLIENT = AsyncWebClient(token="xoxb-secret", base_url="https://slack.com/api/")


async def problem(file: dict[str, Any]) -> str:
    with pytest.raises(FieldProblem) as caught:
        await ids_from_file(CLIENT, file, max_ids=10, seconds=0.5)
    return caught.value.message


async def test_only_text_and_csv_files() -> None:
    assert "Attach a .txt or .csv" in await problem({"name": "ids.xlsx", "filetype": "xlsx"})


async def test_too_large_is_refused_before_downloading() -> None:
    file = {"name": "ids.csv", "size": MAX_FILE_BYTES + 1, "url_private_download": "nowhere"}
    assert "files up to 4 MB" in await problem(file)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/files-pri/T1-F1/ids.txt",
        "https://slack.com.evil.example/ids.txt",
        "",
    ],
)
async def test_the_bot_token_never_leaves_slack(url: str) -> None:
    assert await problem({"name": "ids.txt", "url_private_download": url}) == UNREADABLE
