"""Text of `/assign` (or of a mention of the bot) -> a Command, or a UsageError that says the fix.

Pure: no Slack, no I/O. Slack delivers the text escaped (`should_escape`): people as
`<@U123|name>`, links as `<url|label>`, and a typed `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`.
Only Slack's own markup is read as a mention, so text a person types can never pose as one.

Grammar (words in any case; ids keep theirs):

    [assign] help | ?
    [assign] link <@person | me> [to] <platform user id | sgp:id>
    [assign] unlink <@person | me>
    [assign] whoami
    [assign] users
    [assign] history [count]
    [assign] <evaluation id or URL> <task ids...> [to] <assignees...>
    [assign] <evaluation id or URL> next <count> [to] <assignees...>
    [assign] <evaluation id or URL> unassigned [to] <assignees...>

Task ids are separated by spaces, commas, semicolons, new lines or `and`. `next <count>` and
`unassigned` in their place pick the evaluation's pending tasks that nobody has (see
`core.query`): the words are keywords only when they are all there is between the evaluation
and the people. Assignees are Slack
mentions, `me` or `sgp:<platform user id>`; `to` may be left out when the last words are people.

Text longer than MAX_TEXT_CHARS is refused before any other work, so a hostile megabyte costs
microseconds, not seconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple, TypeAlias

from bot.core import ids
from bot.core.plan import dedupe
from bot.core.query import NextTasks, UnassignedTasks


@dataclass(frozen=True)
class SlackUser:
    """A person named by a Slack mention; their platform user is looked up later."""

    user_id: str


@dataclass(frozen=True)
class Me:
    """Whoever sent the command; the parser does not know who that is, the caller does."""


@dataclass(frozen=True)
class PlatformUser:
    """A platform user named directly (`sgp:<id>`): for people not on Slack or not linked yet."""

    user_id: str


AssigneeRef: TypeAlias = SlackUser | Me | PlatformUser


@dataclass(frozen=True)
class Assign:
    """Give these tasks of one evaluation to these people (shares are decided by `plan`).

    With a `query` the tasks are picked on the platform when the preview is made, and
    `task_ids` is empty.
    """

    evaluation_id: str
    task_ids: tuple[str, ...]
    duplicates_dropped: int
    assignees: tuple[AssigneeRef, ...]
    query: NextTasks | UnassignedTasks | None = None


@dataclass(frozen=True)
class Link:
    """Remember which platform user a Slack user is, so mentions can be assigned to."""

    assignee: SlackUser | Me
    platform_user_id: str


@dataclass(frozen=True)
class Unlink:
    """Forget a Slack user's platform user."""

    assignee: SlackUser | Me


@dataclass(frozen=True)
class WhoAmI:
    """Show the requester's own link."""


@dataclass(frozen=True)
class ListUsers:
    """List the known links."""


@dataclass(frozen=True)
class Help:
    """Show the help message."""


HISTORY_DEFAULT: Final = 10
HISTORY_MAX: Final = 100


@dataclass(frozen=True)
class History:
    """Show the last `count` executed assignments (admins only; the service checks)."""

    count: int = HISTORY_DEFAULT


Command: TypeAlias = Assign | Link | Unlink | WhoAmI | ListUsers | History | Help

#: Longest text read. A Slack message holds at most 40,000 characters and escaping can make
#: one typed `&` five (`&amp;`), so real input stays under this; anything longer is hostile.
MAX_TEXT_CHARS: Final = 200_000


class UsageError(ValueError):
    """Text that is not a command; `message` says what is wrong and how to fix it.

    Quoted tokens are as the person typed them, unescaped: the renderer escapes them.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


HELP_EXAMPLES: Final[tuple[tuple[str, str], ...]] = (
    ("eval_123 t1 t2 t3 to @alice", "Assign tasks t1, t2 and t3 of evaluation eval_123 to @alice."),
    (
        "https://app.sgp.scale.com/evaluations/eval_123 t1, t2, t3, t4 to @alice @bob",
        "Paste the evaluation's link instead of its id; several people share the tasks "
        "in the order given.",
    ),
    ("eval_123 t5 to me", "Take task t5 yourself."),
    (
        "eval_123 next 50 to @alice",
        "Give @alice the next 50 pending tasks that nobody has (highest priority first).",
    ),
    (
        "eval_123 unassigned to @alice @bob",
        "Split every pending task that nobody has between @alice and @bob.",
    ),
    ("eval_123 t6 to sgp:user_42", "Assign to a platform user by id (someone not on Slack)."),
    ("link me sgp:user_42", "Remember that you are platform user user_42."),
    ("link @alice user_42", "Remember that @alice is platform user user_42."),
    ("unlink @alice", "Forget @alice's platform user."),
    ("whoami", "Show which platform user you are linked to."),
    ("users", "List who is linked to which platform user."),
    ("history 20", "(admins) Show the last 20 assignments and undos, newest first (default 10)."),
    ("help", "Show this help."),
)
"""(text after `/assign `, what it does), written as a person types it: Slack turns a picked
`@alice` into a mention (`<@U…|alice>`) before the text reaches `parse`. Tests parse each one."""

SUBCOMMANDS: Final = ("help", "link", "unlink", "whoami", "users", "history")

_EXAMPLE: Final = "`/assign eval_123 t1 t2 to @alice`"
_EXAMPLE_NEXT: Final = "`/assign eval_123 next 50 to @alice`"
_QUERY_WORDS: Final = frozenset({"next", "unassigned"})
_EXAMPLE_LINK: Final = "`/assign link @alice sgp:user_42`"
_PERSON_FORMS: Final = "a Slack mention like `@alice`, `me`, or `sgp:<platform user id>`"
_QUOTE_LIMIT: Final = 40

# Zero-width characters that NFKC keeps; NFKC already turns no-break and other spaces into " ".
_BLANKS: Final = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u180e"), " ")
# Slack markup `<...>` (labels may hold spaces), or a run of anything but separators; `&lt;` and
# friends stay inside a word although they end in the separator `;`. Linear: no nested repeats.
_TOKEN_RE: Final = re.compile(r"<[^<>]*>|(?:&(?:amp|lt|gt);|[^\s,;<])+|<")
_ENTITY_RE: Final = re.compile(r"&(amp|lt|gt);")
_ENTITIES: Final = {"amp": "&", "lt": "<", "gt": ">"}
# Quotes (straight, smart, guillemets, CJK) and brackets around a pasted token are not part of it.
_WRAPPERS: Final = (
    "\"'`()[]{}"
    "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b"  # smart double and single quotes
    "\u00ab\u00bb\u2039\u203a"  # guillemets
    "\u300c\u300d\u300e\u300f\u301d\u301e\u301f"  # CJK corner brackets and quotes
)
_CONNECTORS: Final = frozenset({"and", "&", "+"})
_LINK_FILLERS: Final = frozenset({"to", "as", "=", "->", "=>"})
_NOISE_RE: Final = re.compile(r"[.!?]+")
_LETTERS_RE: Final = re.compile(r"[a-z]{1,16}")


class _Token(NamedTuple):
    """One word of the text: `markup` is Slack's raw `<...>`; a word is decoded and unquoted.

    `word` is the lower-cased word ("" for markup), for case-insensitive keywords. A tuple, not
    a dataclass: a megabyte of text makes hundreds of thousands of these.
    """

    text: str
    markup: bool
    word: str


def _decode(piece: str) -> str:
    """Undo Slack's escaping of a typed `&`, `<`, `>` (markup is never decoded)."""
    if "&" not in piece:
        return piece
    return _ENTITY_RE.sub(lambda match: _ENTITIES[match.group(1)], piece)


def _tokens(text: str) -> list[_Token]:
    """Split normalised text into tokens; empty words (a lone quote) are dropped."""
    normal = unicodedata.normalize("NFKC", text.translate(_BLANKS))
    if len(normal) > MAX_TEXT_CHARS:  # NFKC can make one character eighteen
        raise _too_long(len(normal))
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(normal):
        piece = match.group()
        if len(piece) > 1 and piece[0] == "<":
            tokens.append(_Token(piece, True, ""))
        else:
            word = _decode(piece).strip(_WRAPPERS)
            if word:
                tokens.append(_Token(word, False, word.lower()))
    return tokens


def _show(token: _Token) -> str:
    """The token as the person saw it in Slack (`@alice`, `#general`, `@here`), short."""
    text = token.text
    if token.markup and text.endswith(">"):
        target, _, label = text[1:-1].partition("|")
        if target.startswith("@") and label:
            text = "@" + label.lstrip("@")
        elif target.startswith("#") and label:
            text = "#" + label
        elif target.startswith("!subteam^") and label:
            text = label
        elif target.startswith("!") and target[1:].isalpha():
            text = "@" + target[1:]
        elif not target.startswith(("@", "#", "!")):
            text = target
    return _quote(text)


def _quote(text: str) -> str:
    """`text` as a short code span; long tokens are cut, so one bad paste stays readable."""
    text = " ".join(text.split()).replace("`", "'")
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "\u2026"
    return f"`{text}`"


def _is_to(token: _Token) -> bool:
    """`to` (or `to:`), the word between task ids and people."""
    return token.word.rstrip(":") == "to"


def _is_filler(token: _Token) -> bool:
    """Words that join or end items (`and`, `&`, a stray `.`) and carry no id."""
    word = token.word
    return word in _CONNECTORS or _NOISE_RE.fullmatch(word) is not None


def _person(token: _Token) -> AssigneeRef | None:
    """The assignee a token names, or None."""
    if token.markup:
        user_id = ids.slack_user_from(token.text)
        return SlackUser(user_id) if user_id is not None else None
    if token.word.rstrip(".!?") == "me":
        return Me()
    platform_id = ids.platform_user_from(token.text)
    return PlatformUser(platform_id) if platform_id is not None else None


def _meant_as_person(token: _Token) -> bool:
    """Tokens meant as people even when unusable (`@name` typed as text, `@here`, a channel,
    a user group, a bad `sgp:` id), so the error talks about people, not ids."""
    if token.markup:
        return token.text[1:2] in ("@", "#", "!")
    word = token.word
    return word.rstrip(".!?") == "me" or word.startswith(("@", "#", ids.PLATFORM_USER_PREFIX))


def _not_a_person(token: _Token, *, slack_only: bool = False) -> UsageError:
    """Why a token is not a person, and the forms that are.

    `slack_only` is for `link` and `unlink`, which take a Slack person, never `sgp:<id>`.
    """
    text = token.text
    shown = _show(token)
    if token.markup and text.startswith("<!subteam^"):
        return UsageError(
            f"User groups like {shown} are not supported yet: name each person instead, "
            "e.g. `to @alice @bob`."
        )
    if token.markup and text.startswith(("<!", "<#")):
        what = "a channel" if text.startswith("<#") else "a mention of everyone there"
        return UsageError(
            f"{shown} is {what}, not a person: name each person instead, e.g. `to @alice @bob`."
        )
    if not token.markup and text.startswith("@"):
        other = "" if slack_only else ", or use `sgp:<platform user id>`"
        return UsageError(
            f"{shown} is plain text, not a Slack mention: pick the person from the list Slack "
            f"shows when you type @{other}."
        )
    platform = token.word.startswith(ids.PLATFORM_USER_PREFIX)
    if platform and ids.platform_user_from(text) is None:
        problem = ids.id_problem(text[len(ids.PLATFORM_USER_PREFIX) :]) or ids.ID_RULE
        return UsageError(
            f"{shown} is not a valid platform user id: {problem}. Example: `sgp:user_42`."
        )
    if slack_only:
        return UsageError(f"{shown} is not a Slack person: use a mention like `@alice`, or `me`.")
    return UsageError(f"{shown} is not someone I can assign to: use {_PERSON_FORMS}.")


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit, the commonest typo."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1]


def _unknown_command(head: _Token, alone: bool) -> UsageError | None:
    """An error for a first word that looks like a mistyped command rather than an evaluation.

    Only plain letters count (evaluation ids are not English words), and only when the word is
    alone or one or two typos away from a command: `lnik`, `hepl`, `asign`.
    """
    name = head.word.rstrip("?!.")
    if _LETTERS_RE.fullmatch(name) is None:
        return None
    limit = 1 if len(name) <= 5 else 2
    distance, closest = min((_distance(name, known), known) for known in (*SUBCOMMANDS, "assign"))
    if distance > limit and not alone:
        return None
    hint = f" (did you mean `{closest}`?)" if distance <= limit else ""
    return UsageError(
        f"I don't know {_quote(head.text)}{hint}. Commands are `help`, `link`, `unlink`, "
        f"`whoami`, `users` and `history`; to assign tasks, write {_EXAMPLE}."
    )


def _no_arguments(name: str, rest: Sequence[_Token]) -> None:
    """Refuse trailing words: `users t1 to @a` is more likely a slip than something to ignore."""
    if rest:
        raise UsageError(
            f"`{name}` takes nothing after it, but got {_show(rest[0])}: send just "
            f"`/assign {name}`."
        )


def _slack_person(token: _Token) -> SlackUser | Me | None:
    """A person with a Slack account: only they can be linked to a platform user."""
    person = _person(token)
    return person if isinstance(person, SlackUser | Me) else None


def _parse_link(rest: Sequence[_Token]) -> Link:
    """`link <@person | me> [to] <platform user id | sgp:id>`."""
    words = [t for t in rest if t.word not in _LINK_FILLERS and not _is_filler(t)]
    if not words:
        raise UsageError(
            f"`link` needs a Slack person and their platform user id: {_EXAMPLE_LINK} "
            "(or `/assign link me sgp:user_42`)."
        )
    who = _slack_person(words[0])
    if who is None:
        if len(words) > 1 and _slack_person(words[1]) is not None:
            raise UsageError(
                f"Put the Slack person first, then the platform user id: {_EXAMPLE_LINK}."
            )
        raise _not_a_person(words[0], slack_only=True)
    if len(words) < 2:
        whose = "are you" if isinstance(who, Me) else f"is {_show(words[0])}"
        raise UsageError(f"Which platform user {whose}? Add the id: {_EXAMPLE_LINK}.")
    target = words[1]
    platform_id = None if target.markup else ids.platform_user_from(target.text)
    if platform_id is None:
        if _slack_person(target) is not None:
            raise UsageError(
                f"`link` takes one Slack person and one platform user id, but {_show(target)} "
                f"is a second person: {_EXAMPLE_LINK}."
            )
        if target.word.startswith(ids.PLATFORM_USER_PREFIX):
            raise _not_a_person(target)
        problem = "it is a Slack mention or link" if target.markup else ids.id_problem(target.text)
        if problem is not None:
            raise UsageError(
                f"{_show(target)} is not a valid platform user id: {problem}. "
                f"Example: {_EXAMPLE_LINK}."
            )
        platform_id = target.text
    if len(words) > 2:
        raise UsageError(
            f"`link` takes one Slack person and one platform user id; remove "
            f"{_show(words[2])}: {_EXAMPLE_LINK}."
        )
    return Link(assignee=who, platform_user_id=platform_id)


def _parse_unlink(rest: Sequence[_Token]) -> Unlink:
    """`unlink <@person | me>`."""
    words = [t for t in rest if not _is_filler(t)]
    if not words:
        raise UsageError("Whose link should I forget? `/assign unlink @alice` or `unlink me`.")
    who = _slack_person(words[0])
    if who is None:
        raise _not_a_person(words[0], slack_only=True)
    if len(words) > 1:
        raise UsageError(
            f"`unlink` takes one person; remove {_show(words[1])}: `/assign unlink @alice`."
        )
    return Unlink(assignee=who)


def _parse_history(rest: Sequence[_Token]) -> History:
    """`history [count]`: how many of the last assignments to show."""
    words = [t for t in rest if not _is_filler(t)]
    if not words:
        return History()
    if len(words) > 1:
        raise UsageError(
            f"`history` takes one number; remove {_show(words[1])}: `/assign history 20`."
        )
    count = _number(words[0])
    if count is None:
        raise UsageError(
            f"{_show(words[0])} is not a number: `/assign history 20` shows the last 20 "
            f"assignments (default {HISTORY_DEFAULT})."
        )
    if not 1 <= count <= HISTORY_MAX:
        raise UsageError(
            f"`history` shows 1 to {HISTORY_MAX} assignments, not {_quote(words[0].word)}: "
            "`/assign history 20`."
        )
    return History(count)


#: Past this many digits a number is only known to be huge (int() refuses very long digit
#: strings); every limit in the grammar is far below it.
_NUMBER_DIGITS = 12


def _number(token: _Token) -> int | None:
    """The value of a plain typed number (`20`), or None for anything else."""
    word = token.word
    if token.markup or not word.isascii() or not word.isdigit():
        return None
    return int(word) if len(word) <= _NUMBER_DIGITS else 10**_NUMBER_DIGITS


def _too_long(length: int) -> UsageError:
    return UsageError(
        f"That is {length:,} characters, more than the {MAX_TEXT_CHARS:,} I read. Send the "
        "task ids in several smaller requests."
    )


def _evaluation_problem(token: _Token) -> str:
    """Why a first word is no evaluation: a link without the id part, or a broken id."""
    if token.markup or "/" in token.text:
        return "a link needs an `/evaluations/<id>` part"
    return ids.id_problem(token.text) or ids.ID_RULE


def _bad_task_id(token: _Token) -> UsageError:
    """The error for the first word among the task ids that is not one."""
    if _person(token) is not None:
        return UsageError(
            f"{_show(token)} is a person, not a task id: put people last, after `to`, "
            f"as in {_EXAMPLE}."
        )
    if not token.markup and token.text.startswith("@"):
        return _not_a_person(token)
    problem = (
        "it is a Slack mention or link, and task ids are plain words like `t1`"
        if token.markup
        else ids.id_problem(token.text) or ids.ID_RULE
    )
    return UsageError(
        f"{_show(token)} is not a valid task id: {problem}. "
        "Separate task ids with spaces or commas: `t1, t2, t3`."
    )


def _parse_assign(
    tokens: Sequence[_Token], max_ids: int, context_evaluation_id: str | None
) -> Assign:
    """`<evaluation> <task ids...> [to] <people...>`; `tokens` starts at the evaluation."""
    first = tokens[0]
    start = 1
    if context_evaluation_id is not None:
        if not ids.is_valid_id(context_evaluation_id):
            raise UsageError(
                f"This conversation's evaluation {_quote(context_evaluation_id)} is not a valid "
                f"id: {ids.id_problem(context_evaluation_id)}. Name one: {_EXAMPLE}."
            )
        named = None if first.markup and not first.text.startswith("<http") else first.text
        if named is not None and ("/" in named or named == context_evaluation_id):
            evaluation_id = ids.evaluation_id_from(named)
        else:
            evaluation_id, start = context_evaluation_id, 0
        if evaluation_id is None:
            raise UsageError(
                f"{_show(first)} is not an evaluation link: {_evaluation_problem(first)}. "
                "Leave it out to use this thread's evaluation."
            )
    else:
        if _meant_as_person(first) or _is_to(first):
            raise UsageError(
                "Start with the evaluation id or link, then the task ids, then the people: "
                f"{_EXAMPLE}."
            )
        if not first.markup and first.word in _QUERY_WORDS:
            raise UsageError(
                f"Which evaluation should `{first.word}` pick tasks from? Start with its id or "
                f"link: {_EXAMPLE_NEXT}."
            )
        evaluation_id = ids.evaluation_id_from(first.text)
        if evaluation_id is None:
            raise UsageError(
                f"{_show(first)} is not an evaluation id or link: {_evaluation_problem(first)}. "
                "Paste its id (like `eval_123`) or its link "
                "(like `https://app.sgp.scale.com/evaluations/eval_123`)."
            )

    end = len(tokens)
    to_at = next((i for i in range(start, end) if _is_to(tokens[i])), None)
    if to_at is not None:
        ids_end, people_start = to_at, to_at + 1
    else:
        ids_end = end
        while ids_end > start and (
            _meant_as_person(tokens[ids_end - 1]) or _is_filler(tokens[ids_end - 1])
        ):
            ids_end -= 1
        people_start = ids_end

    words = [tokens[i] for i in range(start, ids_end) if not _is_filler(tokens[i])]
    query = _parse_query(words, max_ids)
    task_ids: tuple[str, ...] = ()
    duplicates = 0
    if query is None:
        for token in words:
            if token.markup or _meant_as_person(token) or not ids.is_valid_id(token.text):
                raise _bad_task_id(token)
        task_ids, duplicates = dedupe([token.text for token in words])
        if not task_ids:
            raise UsageError(f"Which tasks? Put task ids after the evaluation: {_EXAMPLE}.")
        if len(task_ids) > max_ids:
            raise UsageError(
                f"{len(task_ids)} task ids is more than the {max_ids} a request may hold; "
                f"split it into requests of at most {max_ids}."
            )

    people: list[AssigneeRef] = []
    for index in range(people_start, end):
        token = tokens[index]
        if _is_filler(token) or _is_to(token):
            continue
        person = _person(token)
        if person is None:
            raise _not_a_person(token)
        people.append(person)
    if not people:
        if to_at is not None:
            raise UsageError(f"`to` needs someone after it: {_PERSON_FORMS}. Example: {_EXAMPLE}.")
        raise UsageError(
            "Who should get these tasks? End with `to @alice`, `to me` or "
            f"`to sgp:<platform user id>`: {_EXAMPLE}."
        )
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=duplicates,
        assignees=tuple(dict.fromkeys(people)),
        query=query,
    )


def _parse_query(words: Sequence[_Token], max_ids: int) -> NextTasks | UnassignedTasks | None:
    """`next <count>` or `unassigned` as all the words between evaluation and people, else None.

    A first word `next` or `unassigned` is always the keyword, so a slip after it is explained
    as a slip in the query rather than read as a list of odd task ids.
    """
    if not words or words[0].markup or words[0].word not in _QUERY_WORDS:
        return None
    head, rest = words[0], words[1:]
    if head.word == "unassigned":
        if rest:
            raise UsageError(
                f"`unassigned` picks the tasks itself; remove {_show(rest[0])}, or list task "
                f"ids without it: `/assign eval_123 unassigned to @alice @bob`."
            )
        return UnassignedTasks()
    if not rest:
        raise UsageError(f"How many tasks should `next` pick? Add a number: {_EXAMPLE_NEXT}.")
    count = _number(rest[0])
    if count is None:
        raise UsageError(
            f"{_show(rest[0])} is not a number: `next` takes how many tasks to pick, "
            f"as in {_EXAMPLE_NEXT}."
        )
    if not 1 <= count <= max_ids:
        raise UsageError(
            f"`next` picks 1 to {max_ids:,} tasks, not {_quote(rest[0].word)}: {_EXAMPLE_NEXT}."
        )
    if len(rest) > 1:
        raise UsageError(
            f"`next {count}` picks the tasks itself; remove {_show(rest[1])}, or list task ids "
            f"without `next`: {_EXAMPLE}."
        )
    return NextTasks(count=count)


def parse(text: str, *, max_ids: int = 10_000, evaluation_id: str | None = None) -> Command:
    """Read a command; raise UsageError (and nothing else) when the text is not one.

    `evaluation_id` is the evaluation the conversation is about (a mention in a notification's
    thread): the text may then leave it out. An evaluation link first in the text still wins,
    and a first word equal to `evaluation_id` is read as naming it; any other first word is a
    task id. Linear in the length of `text`.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long(len(text))
    tokens = _tokens(text)
    if tokens and tokens[0].word == "assign":
        tokens = tokens[1:]
    if not tokens:
        return Help()
    head, rest = tokens[0], tokens[1:]
    word = head.word
    name = "help" if word and not word.strip("?") else word.rstrip("?!.")
    if name == "help":
        return Help()
    if name == "whoami":
        _no_arguments(name, rest)
        return WhoAmI()
    if name == "users":
        _no_arguments(name, rest)
        return ListUsers()
    if name == "history":
        return _parse_history(rest)
    if name == "link":
        return _parse_link(rest)
    if name == "unlink":
        return _parse_unlink(rest)
    mistyped = _unknown_command(head, alone=not rest)
    if mistyped is not None:
        raise mistyped
    return _parse_assign(tokens, max_ids, evaluation_id)
