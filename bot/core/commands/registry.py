"""The subcommands of `/assign`, declared once: parsing, help, "did you mean" and the docs
test all read them from here.

A subcommand is declared by a module of this package: a module-level `DECLARED` tuple of
`Subcommand` records (name, parser, Command type, help lines). `registry()` finds every such
module itself, so `/assign status` is one new module here plus the code that answers it.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Final

from bot.core.commands.tokens import Token
from bot.core.commands.types import Command
from bot.core.ids import DEFAULT_PLATFORM_HOSTS

#: How alike a mistyped word and a name must be (difflib's ratio) to suggest the name: one
#: typo in a four-letter word (`lnik`, `hepl`) is 0.75; `eval` against `help` is 0.5.
SUGGESTION_CUTOFF: Final = 0.75
#: A typo adds or drops at most this many letters: `unassigned` is no typo of `assign`.
SUGGESTION_LENGTH_SLACK: Final = 2


@dataclass(frozen=True)
class Context:
    """What a parser may need beyond the words: the id limit, the conversation's evaluation
    and the platform's hosts (ASSIGN_PLATFORM_HOSTS), whose evaluation links are accepted."""

    max_ids: int
    evaluation_id: str | None
    hosts: Collection[str] = DEFAULT_PLATFORM_HOSTS
    #: Most tasks `next N` may pick (ASSIGN_MAX_PICKED_TASKS); typed ids keep `max_ids`.
    max_picked: int = 10_000


Parser = Callable[[Sequence[Token], Context], Command]
Example = tuple[str, str]


@dataclass(frozen=True)
class Subcommand:
    """One subcommand, declared once.

    `parse` gets the words after the name (the `default` form gets every word: it has no
    name to skip, and its name is only an optional leading word, `/assign assign ...`).
    `examples` are (text after `/assign `, what it does), as a person types them: the help
    shows them and the tests parse each one to `command`. `rank` orders the names wherever
    they are listed; `help_rank` (default: `rank`) orders the examples in the help.
    """

    name: str
    parse: Parser
    command: type[Command]
    examples: tuple[Example, ...]
    rank: int
    help_rank: int | None = None
    default: bool = False


@dataclass(frozen=True)
class Registry:
    """Every declared subcommand: the default form and the named ones, in rank order."""

    default: Subcommand
    named: Mapping[str, Subcommand]


def _modules() -> Iterator[ModuleType]:
    """Every module of this package, imported (each one that declares subcommands counts)."""
    package = importlib.import_module(__package__ or "bot.core.commands")
    for info in pkgutil.iter_modules(package.__path__):
        yield importlib.import_module(f"{package.__name__}.{info.name}")


def _declared() -> list[Subcommand]:
    found: list[Subcommand] = []
    for module in _modules():
        declared = getattr(module, "DECLARED", ())
        found.extend(sub for sub in declared if isinstance(sub, Subcommand))
    return sorted(found, key=lambda sub: (sub.rank, sub.name))


@cache
def registry() -> Registry:
    """The subcommands, found once; a clash between declarations is a bug, raised at once."""
    declared = _declared()
    defaults = [sub for sub in declared if sub.default]
    names = [sub.name for sub in declared]
    if len(defaults) != 1 or len(set(names)) != len(names):
        raise RuntimeError(f"subcommands clash: {names}, default {[d.name for d in defaults]}")
    bad = [name for name in names if not (name.isascii() and name.isalpha() and name.islower())]
    if bad:
        raise RuntimeError(f"subcommand names are lower-case letters: {bad}")
    named = {sub.name: sub for sub in declared if not sub.default}
    return Registry(default=defaults[0], named=named)


def subcommands() -> tuple[Subcommand, ...]:
    """Every subcommand, the default form first, then by rank."""
    found = registry()
    return (found.default, *found.named.values())


def find(name: str) -> Subcommand | None:
    """The named subcommand called `name` (lower case); never the default form."""
    return registry().named.get(name)


def names() -> tuple[str, ...]:
    """The names of the named subcommands, in rank order."""
    return tuple(registry().named)


def help_examples() -> tuple[Example, ...]:
    """Every subcommand's examples, in help order: what the help message shows."""
    ordered = sorted(
        subcommands(), key=lambda sub: sub.rank if sub.help_rank is None else sub.help_rank
    )
    return tuple(example for sub in ordered for example in sub.examples)


def suggest(word: str) -> str | None:
    """The subcommand name (or the default form's) that `word` is most likely a typo of."""
    known = (*names(), registry().default.name)
    close = difflib.get_close_matches(word, known, n=len(known), cutoff=SUGGESTION_CUTOFF)
    return next(
        (name for name in close if abs(len(name) - len(word)) <= SUGGESTION_LENGTH_SLACK), None
    )
