"""The command line's arguments, validated with the bot's own id rules into a Request."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core import form, idfile, ids
from bot.core.form import FieldProblem


class UsageProblem(Exception):
    """Arguments that cannot run; the message says what to change. Nothing has been sent."""


@dataclass(frozen=True)
class Request:
    """What the arguments ask for, validated: the evaluation, the ids (each once), who."""

    evaluation_id: str
    task_ids: tuple[str, ...]
    duplicates_dropped: int
    assignees: tuple[str, ...]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot assign",
        description=(
            "Assign an evaluation's tasks to platform users, as the Slack bot does after Confirm "
            "(no Slack needed: only the SGP_* variables)."
        ),
        epilog=(
            "Exit status: 0 all assigned, 1 anything not assigned, 2 usage or configuration "
            "error. Example: python -m bot assign eval_123 --ids-file ids.csv --to user_42"
        ),
    )
    parser.add_argument("evaluation", metavar="EVALUATION", help="evaluation id, or its link")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--ids-file",
        metavar="FILE",
        help="a .txt of ids (spaces, commas or new lines) or a .csv with a task_id or id column;"
        " - reads standard input",
    )
    source.add_argument(
        "--ids", nargs="+", metavar="TASK_ID", help="task ids (commas work as separators too)"
    )
    parser.add_argument(
        "--to",
        dest="assignees",
        action="append",
        required=True,
        metavar="SGP_USER_ID",
        help="platform user id (sgp: prefix optional); repeat it, or separate with commas, to "
        "split the tasks evenly, in order, like the bot",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and show the plan; send nothing to the platform",
    )
    return parser


def read_request(
    args: argparse.Namespace, max_ids: int, hosts: Collection[str] = ids.DEFAULT_PLATFORM_HOSTS
) -> Request:
    """Validate every argument with the bot's own rules; all id problems are named.

    An evaluation link counts only on the platform's `hosts` (ASSIGN_PLATFORM_HOSTS).
    """
    evaluation_id = ids.evaluation_id_from(args.evaluation, hosts)
    if evaluation_id is None:
        reason = (
            ids.link_host_problem(args.evaluation, hosts)
            or ids.id_problem(args.evaluation.strip())
            or "a link needs an /evaluations/<id> part"
        )
        raise UsageProblem(f"{args.evaluation!r} is not an evaluation id or link: {reason}")
    try:
        given = _ids_from_file(args.ids_file, max_ids) if args.ids_file else _typed(args.ids)
        if not given:
            raise FieldProblem("No task ids given: pass --ids or an --ids-file that holds some.")
        task_ids, dropped = form.combine([given], max_ids)
    except FieldProblem as problem:
        raise UsageProblem(problem.message.replace("\u201c", "'").replace("\u201d", "'")) from None
    return Request(evaluation_id, task_ids, dropped, _assignees(args.assignees))


def _typed(values: Sequence[str]) -> list[str]:
    return form.read_task_ids(" ".join(values))


def _ids_from_file(name: str, max_ids: int) -> list[str]:
    try:
        content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise FieldProblem(f"Cannot read {name}: {exc.strerror or exc}.") from None
    kind = idfile.kind_of(name) or "txt"
    return idfile.read_ids(content, kind=kind, max_ids=max_ids)


def _assignees(values: Iterable[str]) -> tuple[str, ...]:
    """Platform user ids, each once, in order; `sgp:` (the bot's prefix) is accepted."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            token = part.strip()
            if token[: len(ids.PLATFORM_USER_PREFIX)].lower() == ids.PLATFORM_USER_PREFIX:
                token = token[len(ids.PLATFORM_USER_PREFIX) :]
            if not token:
                continue
            problem = ids.id_problem(token)
            if problem is not None:
                raise UsageProblem(f"--to {part.strip()!r} is not a platform user id: {problem}")
            found.append(token)
    if not found:
        raise UsageProblem("--to needs a platform user id")
    return tuple(dict.fromkeys(found))
