"""The manifest is what an operator pastes into Slack: it must be valid and match the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.ui_ids import COMMAND, Callback
from tests.manifest_schema import manifest_errors

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "spec" / "slack" / "manifest.schema.1.0.0.json"
MANIFESTS = sorted((ROOT / "manifests").glob("*.yml"))


def test_every_manifest_is_valid_against_slacks_schema() -> None:
    assert MANIFESTS
    for manifest in MANIFESTS:
        assert manifest_errors(manifest, SCHEMA) == []


def test_http_manifest_routes_everything_to_slack_events() -> None:
    manifest = yaml.safe_load((ROOT / "manifests" / "manifest.yml").read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True and command["usage_hint"]
    assert command["url"].endswith("/slack/events")
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "chat:write.public",
        "files:write",
        "files:read",
        "users:read",
        "usergroups:read",
        "app_mentions:read",
        "channels:history",
        "groups:history",
    }
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"].endswith("/slack/events")
    assert events["bot_events"] == ["app_mention"]


def test_shortcuts_match_the_listeners() -> None:
    manifest = yaml.safe_load((ROOT / "manifests" / "manifest.yml").read_text())
    shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {
        Callback.GLOBAL_SHORTCUT.value: "global",
        Callback.MESSAGE_SHORTCUT.value: "message",
    }


def test_a_broken_manifest_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("display_information: {name: ''}\nfeatures: {slash_commands: []}\n")
    assert len(manifest_errors(broken, SCHEMA)) >= 2
