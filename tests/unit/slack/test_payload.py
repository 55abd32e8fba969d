"""Payload fields of the wrong shape read as absent."""

from __future__ import annotations

from bot.slack.payload import dig, mapping, text


def test_dig_mapping_and_text() -> None:
    body = {"view": {"id": "V1", "state": {"values": {"b": 1}}, "n": 3, "flag": True}, "x": "s"}
    assert dig(body, "view", "state", "values") == {"b": 1}
    assert dig(body, "x", "y") is None and dig(body, "nope") is None
    assert mapping(body, "view", "id") == {} and mapping("not a dict") == {}
    assert text(body, "view", "id") == "V1" and text(body, "view", "n") == "3"
    assert text(body, "view", "flag") == "" and text(body, "view") == "" and text(None, "a") == ""
