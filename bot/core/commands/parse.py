"""The entry point: text -> a Command, dispatched on the first word through the registry."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

from bot.core.commands import registry
from bot.core.commands.help import Help
from bot.core.commands.registry import Context
from bot.core.commands.tokens import EXAMPLE, MAX_TEXT_CHARS, Token, quote, tokenize, too_long
from bot.core.commands.types import Command, UsageError
from bot.core.ids import DEFAULT_PLATFORM_HOSTS

_LETTERS_RE: Final = re.compile(r"[a-z]{1,16}")


def parse(
    text: str,
    *,
    max_ids: int = 10_000,
    max_picked: int | None = None,
    evaluation_id: str | None = None,
    hosts: Collection[str] = DEFAULT_PLATFORM_HOSTS,
) -> Command:
    """Read a command; raise UsageError (and nothing else) when the text is not one.

    `evaluation_id` is the evaluation the conversation is about (a mention in a notification's
    thread): the text may then leave it out. An evaluation link first in the text still wins,
    and a first word equal to `evaluation_id` is read as naming it; any other first word is a
    task id. An evaluation link counts only on the platform's `hosts` (ASSIGN_PLATFORM_HOSTS,
    `*` for any); a link to another host is refused, naming it. Linear in the length of `text`.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise too_long(len(text))
    tokens = tokenize(text)
    default = registry.registry().default
    if tokens and tokens[0].word == default.name:  # `/assign assign ...`, `@bot assign ...`
        tokens = tokens[1:]
    if not tokens or _is_question(tokens[0]):
        return Help()
    head, rest = tokens[0], tokens[1:]
    picked = max_ids if max_picked is None else max_picked
    context = Context(max_ids=max_ids, evaluation_id=evaluation_id, hosts=hosts, max_picked=picked)
    named = registry.find(head.word.rstrip("?!."))
    if named is not None:
        return named.parse(rest, context)
    mistyped = _unknown_command(head, alone=not rest)
    if mistyped is not None:
        raise mistyped
    return default.parse(tokens, context)


def _is_question(token: Token) -> bool:
    """A bare `?` (or `??`) asks for help like nothing at all does."""
    return bool(token.word) and not token.word.strip("?")


def _unknown_command(head: Token, alone: bool) -> UsageError | None:
    """An error for a first word that looks like a mistyped command rather than an evaluation.

    Only plain letters count (evaluation ids are not English words), and only when the word is
    alone or close to a command's name (`lnik`, `hepl`, `asign`).
    """
    name = head.word.rstrip("?!.")
    if _LETTERS_RE.fullmatch(name) is None:
        return None
    closest = registry.suggest(name)
    if closest is None and not alone:
        return None
    hint = f" (did you mean `{closest}`?)" if closest is not None else ""
    return UsageError(
        f"I don't know {quote(head.text)}{hint}. Commands are {_listing()}; to assign tasks, "
        f"write {EXAMPLE}."
    )


def _listing() -> str:
    """The subcommands' names as a sentence: "`help`, `link` ... and `history`"."""
    shown = [f"`{name}`" for name in registry.names()]
    return f"{', '.join(shown[:-1])} and {shown[-1]}" if len(shown) > 1 else "".join(shown)
