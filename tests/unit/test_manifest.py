"""The manifest is what an operator pastes into Slack: it must be valid and match the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.ui_ids import COMMAND
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
    }


def test_a_broken_manifest_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("display_information: {name: ''}\nfeatures: {slash_commands: []}\n")
    assert len(manifest_errors(broken, SCHEMA)) >= 2
