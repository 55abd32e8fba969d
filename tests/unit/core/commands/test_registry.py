"""The registry is the one list of subcommands: its examples, suggestions and docs agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.commands import HELP_EXAMPLES, SUBCOMMANDS, UsageError, parse, registry
from bot.core.commands.registry import Subcommand
from tests.unit.core.commands.cases import as_slack_sends

USAGE = Path(__file__).resolve().parents[4] / "docs" / "usage.md"
EVERY = registry.subcommands()


def ids(sub: Subcommand) -> str:
    return sub.name


def refusal(text: str) -> str:
    with pytest.raises(UsageError) as raised:
        parse(text)
    return raised.value.message


def test_one_default_form_and_the_named_ones() -> None:
    defaults = [sub for sub in EVERY if sub.default]
    assert len(defaults) == 1
    assert tuple(sub.name for sub in EVERY if not sub.default) == SUBCOMMANDS
    assert registry.help_examples() == HELP_EXAMPLES


@pytest.mark.parametrize("sub", EVERY, ids=ids)
def test_each_example_parses_to_its_subcommand(sub: Subcommand) -> None:
    assert sub.examples, f"{sub.name} has no help example"
    for text, meaning in sub.examples:
        assert meaning
        assert type(parse(as_slack_sends(text))) is sub.command, text


@pytest.mark.parametrize("sub", EVERY, ids=ids)
def test_a_typo_of_a_name_is_met_with_did_you_mean(sub: Subcommand) -> None:
    dropped = sub.name[:-1]  # `hel`, `lin`, `histor`
    swapped = sub.name[:-2] + sub.name[-1] + sub.name[-2]  # `hepl`, `likn`, `usesr`
    for typo in (dropped, swapped, f"{swapped} t1 to me"):
        assert f"(did you mean `{sub.name}`?)" in refusal(typo), typo


def test_an_unknown_word_alone_lists_every_subcommand() -> None:
    message = refusal("frobnicate")
    assert "did you mean" not in message
    for name in SUBCOMMANDS:
        assert f"`{name}`" in message


def test_a_word_far_from_every_name_is_an_evaluation() -> None:
    assert "Which tasks?" in refusal("evaluation to me")


@pytest.mark.parametrize("sub", [sub for sub in EVERY if not sub.default], ids=ids)
def test_docs_name_every_subcommand(sub: Subcommand) -> None:
    assert f"/assign {sub.name}" in USAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "meaning"), HELP_EXAMPLES)
def test_docs_show_every_help_example(text: str, meaning: str) -> None:
    assert f"/assign {text}" in USAGE.read_text(encoding="utf-8")
