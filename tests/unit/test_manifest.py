"""The manifest is what an operator pastes into Slack: it must be valid and match the code."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from bot.core import workflow
from bot.core.readback import DEFAULT_APP_HOST
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
        "users:read.email",
        "usergroups:read",
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "links:read",
        "links:write",
    }
    events = manifest["settings"]["event_subscriptions"]
    assert events["request_url"].endswith("/slack/events")
    assert events["bot_events"] == ["app_mention", "link_shared", "app_home_opened"]


def test_unfurl_domains_are_the_platform_app_the_bot_unfurls() -> None:
    for manifest in MANIFESTS:
        loaded = yaml.safe_load(manifest.read_text())
        assert loaded["features"]["unfurl_domains"] == [DEFAULT_APP_HOST], manifest.name


def test_shortcuts_match_the_listeners() -> None:
    manifest = yaml.safe_load((ROOT / "manifests" / "manifest.yml").read_text())
    shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {
        Callback.GLOBAL_SHORTCUT.value: "global",
        Callback.MESSAGE_SHORTCUT.value: "message",
    }


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifests" / name).read_text())
    return loaded


def _without_mode_and_urls(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest minus what differs between HTTP and Socket Mode."""
    stripped = copy.deepcopy(manifest)
    for command in stripped["features"]["slash_commands"]:
        command.pop("url", None)
    stripped["settings"]["event_subscriptions"].pop("request_url", None)
    stripped["settings"]["interactivity"].pop("request_url", None)
    stripped["settings"].pop("socket_mode_enabled")
    return stripped


def test_socket_manifest_is_the_http_one_without_request_urls() -> None:
    """Both variants stay in step: same commands, shortcuts, scopes and events."""
    http, socket = _load("manifest.yml"), _load("manifest.socket.yml")
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "example.com" not in (ROOT / "manifests" / "manifest.socket.yml").read_text()
    assert _without_mode_and_urls(socket) == _without_mode_and_urls(http)
    assert manifest_errors(ROOT / "manifests" / "manifest.socket.yml", SCHEMA) == []


def test_a_broken_manifest_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("display_information: {name: ''}\nfeatures: {slash_commands: []}\n")
    assert len(manifest_errors(broken, SCHEMA)) >= 2


def test_the_workflow_step_is_declared_as_the_code_reads_it() -> None:
    """The step's callback id, inputs and outputs are a contract; both manifests declare them
    in the flat form, run remotely (by this bot), with org-wide deploys allowed."""
    for name in ("manifest.yml", "manifest.socket.yml"):
        manifest = _load(name)
        step = manifest["functions"][workflow.CALLBACK_ID]
        inputs = step["input_parameters"]
        assert set(inputs) == {*workflow.INPUTS, workflow.INTERACTIVITY}, name
        assert all(inputs[key]["name"] == key for key in inputs)
        assert inputs["evaluation_id"]["is_required"] and inputs["assignees"]["is_required"]
        assert not inputs["task_ids"]["is_required"] and not inputs["query"]["is_required"]
        assert inputs["assignees"]["items"]["type"] == "slack#/types/user_id"
        assert inputs["auto_confirm"] == {**inputs["auto_confirm"], "type": "boolean"}
        assert inputs["auto_confirm"]["default"] is False
        assert set(step["output_parameters"]) == set(workflow.OUTPUTS), name
        assert manifest["settings"]["function_runtime"] == "remote"
        assert manifest["settings"]["org_deploy_enabled"] is True


def test_the_step_and_the_global_shortcut_share_a_callback_id_bolt_keeps_apart() -> None:
    """Slack keeps functions and shortcuts in separate sections; Bolt routes a `shortcut`
    payload and a `function_executed` event by their type before the callback id."""
    from slack_bolt.listener_matcher.builtins import function_executed, shortcut

    assert Callback.GLOBAL_SHORTCUT.value == workflow.CALLBACK_ID
    function_body = {
        "type": "event_callback",
        "event": {
            "type": "function_executed",
            "function": {"callback_id": workflow.CALLBACK_ID},
            "function_execution_id": "Fx1",
        },
    }
    shortcut_body = {"type": "shortcut", "callback_id": workflow.CALLBACK_ID}
    step_matcher = function_executed(workflow.CALLBACK_ID)
    shortcut_matcher = shortcut(workflow.CALLBACK_ID)
    assert step_matcher.func(body=function_body) and not step_matcher.func(body=shortcut_body)
    assert shortcut_matcher.func(body=shortcut_body)
    assert not shortcut_matcher.func(body=function_body)
