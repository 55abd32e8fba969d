"""The main form, `/assign <evaluation> <tasks> [to] <people>`: the default subcommand, used
whenever the first word names no other.

    [assign] <evaluation id or URL> <task ids...> [to] <assignees...>
    [assign] <evaluation id or URL> next <count> [to] <assignees...>
    [assign] <evaluation id or URL> unassigned [to] <assignees...>

Task ids are separated by spaces, commas, semicolons, new lines or `and`. `next <count>` and
`unassigned` in their place pick the evaluation's pending tasks that nobody has (see
`core.query`): the words are keywords only when they are all there is between the evaluation
and the people. Assignees are Slack mentions, `me` or `sgp:<platform user id>`; `to` may be
left out when the last words are people. After the people, `split by load` sizes the shares by
each person's pending tasks in the evaluation and `max <N> each` caps every share (see
`core.plan`); the even split is the default.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from bot.core import ids
from bot.core.commands.people import PERSON_FORMS, meant_as_person, not_a_person, person
from bot.core.commands.registry import Context, Subcommand
from bot.core.commands.tokens import EXAMPLE, Token, is_filler, is_to, number, quote, show
from bot.core.commands.types import AssigneeRef, Command, UsageError
from bot.core.plan import EVEN_SPLIT, SplitRule, dedupe
from bot.core.query import NextTasks, UnassignedTasks

_EXAMPLE_NEXT: Final = "`/assign eval_123 next 50 to @alice`"
_QUERY_WORDS: Final = frozenset({"next", "unassigned"})


@dataclass(frozen=True)
class Assign(Command):
    """Give these tasks of one evaluation to these people (shares are decided by `plan`).

    With a `query` the tasks are picked on the platform when the preview is made, and
    `task_ids` is empty.
    """

    evaluation_id: str
    task_ids: tuple[str, ...]
    duplicates_dropped: int
    assignees: tuple[AssigneeRef, ...]
    query: NextTasks | UnassignedTasks | None = None
    #: `split by load` and `max N each`, typed after the people; the default is an even split.
    split: SplitRule = EVEN_SPLIT


_EXAMPLE_SPLIT: Final = "`/assign eval_123 unassigned to @alice @bob split by load max 20 each`"


def _split_options(tokens: Sequence[Token], max_ids: int) -> tuple[int, SplitRule]:
    """Trailing `split by load` and `max N each` (either order, each once): where they start,
    and the rule they make. Anything else is left to the people's parser."""
    end = len(tokens)
    by_load = False
    cap: int | None = None
    while True:
        words = [token.word if not token.markup else "" for token in tokens[max(0, end - 3) : end]]
        if not by_load and words == ["split", "by", "load"]:
            by_load, end = True, end - 3
        elif cap is None and len(words) == 3 and words[0] == "max" and words[2] == "each":
            cap = number(tokens[end - 2])
            if cap is None or not 1 <= cap <= max_ids:
                raise UsageError(
                    f"`max` takes how many tasks each person gets at most, 1 to {max_ids:,}, "
                    f"not {show(tokens[end - 2])}: {_EXAMPLE_SPLIT}."
                )
            end -= 3
        else:
            return end, SplitRule(by_load=by_load, cap=cap)


def _evaluation_problem(token: Token) -> str:
    """Why a first word is no evaluation: a link without the id part, or a broken id."""
    if token.markup or "/" in token.text:
        return "a link needs an `/evaluations/<id>` part"
    return ids.id_problem(token.text) or ids.ID_RULE


def _foreign_link(first: Token, hosts: Collection[str]) -> UsageError | None:
    """The refusal of an evaluation link to a host that is not the platform's; else None."""
    problem = ids.link_host_problem(first.text, hosts)
    if problem is None:
        return None
    return UsageError(f"I can't take the evaluation from {show(first)}: {problem}.")


def _thread_evaluation(first: Token, default: str, hosts: Collection[str]) -> tuple[str, int]:
    """The evaluation in a conversation about `default`, and where the task ids start.

    A link first still wins, and a first word equal to `default` names it; any other first
    word is a task id.
    """
    if not ids.is_valid_id(default):
        raise UsageError(
            f"This conversation's evaluation {quote(default)} is not a valid "
            f"id: {ids.id_problem(default)}. Name one: {EXAMPLE}."
        )
    named = None if first.markup and not first.text.startswith("<http") else first.text
    if named is None or ("/" not in named and named != default):
        return default, 0
    evaluation_id = ids.evaluation_id_from(named, hosts)
    if evaluation_id is None:
        raise _foreign_link(first, hosts) or UsageError(
            f"{show(first)} is not an evaluation link: {_evaluation_problem(first)}. "
            "Leave it out to use this thread's evaluation."
        )
    return evaluation_id, 1


def _named_evaluation(first: Token, hosts: Collection[str]) -> str:
    """The evaluation the first word names, or an error that says how to name one."""
    if meant_as_person(first) or is_to(first):
        raise UsageError(
            f"Start with the evaluation id or link, then the task ids, then the people: {EXAMPLE}."
        )
    if not first.markup and first.word in _QUERY_WORDS:
        raise UsageError(
            f"Which evaluation should `{first.word}` pick tasks from? Start with its id or "
            f"link: {_EXAMPLE_NEXT}."
        )
    evaluation_id = ids.evaluation_id_from(first.text, hosts)
    if evaluation_id is None:
        raise _foreign_link(first, hosts) or UsageError(
            f"{show(first)} is not an evaluation id or link: {_evaluation_problem(first)}. "
            "Paste its id (like `eval_123`) or its link "
            "(like `https://app.sgp.scale.com/evaluations/eval_123`)."
        )
    return evaluation_id


def _split(tokens: Sequence[Token], start: int) -> tuple[int, int, bool]:
    """Where the task ids end and the people start, and whether a `to` is between them.

    Without `to`, the people are the trailing words meant as people.
    """
    end = len(tokens)
    to_at = next((i for i in range(start, end) if is_to(tokens[i])), None)
    if to_at is not None:
        return to_at, to_at + 1, True
    ids_end = end
    while ids_end > start and (
        meant_as_person(tokens[ids_end - 1]) or is_filler(tokens[ids_end - 1])
    ):
        ids_end -= 1
    return ids_end, ids_end, False


def _bad_task_id(token: Token) -> UsageError:
    """The error for the first word among the task ids that is not one."""
    if person(token) is not None:
        return UsageError(
            f"{show(token)} is a person, not a task id: put people last, after `to`, "
            f"as in {EXAMPLE}."
        )
    if not token.markup and token.text.startswith("@"):
        return not_a_person(token)
    problem = (
        "it is a Slack mention or link, and task ids are plain words like `t1`"
        if token.markup
        else ids.id_problem(token.text) or ids.ID_RULE
    )
    return UsageError(
        f"{show(token)} is not a valid task id: {problem}. "
        "Separate task ids with spaces or commas: `t1, t2, t3`."
    )


def _task_ids(words: Sequence[Token], max_ids: int) -> tuple[tuple[str, ...], int]:
    """The typed task ids, duplicates dropped, and how many were dropped."""
    for token in words:
        if token.markup or meant_as_person(token) or not ids.is_valid_id(token.text):
            raise _bad_task_id(token)
    task_ids, duplicates = dedupe([token.text for token in words])
    if not task_ids:
        raise UsageError(f"Which tasks? Put task ids after the evaluation: {EXAMPLE}.")
    if len(task_ids) > max_ids:
        raise UsageError(
            f"{len(task_ids)} task ids is more than the {max_ids} a request may hold; "
            f"split it into requests of at most {max_ids}."
        )
    return task_ids, duplicates


def _query(words: Sequence[Token], max_ids: int) -> NextTasks | UnassignedTasks | None:
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
                f"`unassigned` picks the tasks itself; remove {show(rest[0])}, or list task "
                f"ids without it: `/assign eval_123 unassigned to @alice @bob`."
            )
        return UnassignedTasks()
    if not rest:
        raise UsageError(f"How many tasks should `next` pick? Add a number: {_EXAMPLE_NEXT}.")
    count = number(rest[0])
    if count is None:
        raise UsageError(
            f"{show(rest[0])} is not a number: `next` takes how many tasks to pick, "
            f"as in {_EXAMPLE_NEXT}."
        )
    if not 1 <= count <= max_ids:
        raise UsageError(
            f"`next` picks 1 to {max_ids:,} tasks, not {quote(rest[0].word)}: {_EXAMPLE_NEXT}."
        )
    if len(rest) > 1:
        raise UsageError(
            f"`next {count}` picks the tasks itself; remove {show(rest[1])}, or list task ids "
            f"without `next`: {EXAMPLE}."
        )
    return NextTasks(count=count)


def _people(tokens: Sequence[Token], after_to: bool) -> tuple[AssigneeRef, ...]:
    """The assignees, each once, in the order given; an error says who is missing or wrong."""
    people: list[AssigneeRef] = []
    for token in tokens:
        if is_filler(token) or is_to(token):
            continue
        named = person(token)
        if named is None:
            raise not_a_person(token)
        people.append(named)
    if not people:
        if after_to:
            raise UsageError(f"`to` needs someone after it: {PERSON_FORMS}. Example: {EXAMPLE}.")
        raise UsageError(
            "Who should get these tasks? End with `to @alice`, `to me` or "
            f"`to sgp:<platform user id>`: {EXAMPLE}."
        )
    return tuple(dict.fromkeys(people))


def _parse_assign(tokens: Sequence[Token], context: Context) -> Assign:
    """`<evaluation> <task ids...> [to] <people...>`; `tokens` starts at the evaluation."""
    if context.evaluation_id is not None:
        evaluation_id, start = _thread_evaluation(tokens[0], context.evaluation_id, context.hosts)
    else:
        evaluation_id, start = _named_evaluation(tokens[0], context.hosts), 1
    options_at, split = _split_options(tokens, context.max_ids)
    tokens = tokens[: max(options_at, start)]
    ids_end, people_start, after_to = _split(tokens, start)
    words = [token for token in tokens[start:ids_end] if not is_filler(token)]
    query = _query(words, context.max_picked)
    task_ids, duplicates = ((), 0) if query is not None else _task_ids(words, context.max_ids)
    return Assign(
        evaluation_id=evaluation_id,
        task_ids=task_ids,
        duplicates_dropped=duplicates,
        assignees=_people(tokens[people_start:], after_to),
        query=query,
        split=split,
    )


DECLARED: Final = (
    Subcommand(
        name="assign",
        parse=_parse_assign,
        command=Assign,
        examples=(
            (
                "eval_123 t1 t2 t3 to @alice",
                "Assign tasks t1, t2 and t3 of evaluation eval_123 to @alice.",
            ),
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
            (
                "eval_123 t6 to sgp:user_42",
                "Assign to a platform user by id (someone not on Slack).",
            ),
            (
                "eval_123 unassigned to @alice @bob @carol split by load",
                "More to whoever has fewer pending tasks in the evaluation; the preview shows "
                "each share and why.",
            ),
            (
                "eval_123 next 60 to @alice @bob max 20 each",
                "Nobody gets more than 20; what is left stays unassigned (the preview says so).",
            ),
        ),
        rank=0,
        default=True,
    ),
)
