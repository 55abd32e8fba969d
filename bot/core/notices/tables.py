"""Tables in notifications: markdown pipes, box drawing, or columns aligned with spaces in a
code block. The header says which column holds the task ids and which the evaluations, so
the other columns (status, assignee, counts) are never read as ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.core.notices.words import accepted, clean

_TASK_HEADERS: Final = frozenset({"task", "tasks", "task id", "task ids", "taskid", "id", "ids"})
_EVALUATION_HEADERS: Final = frozenset(
    {"evaluation", "evaluations", "evaluation id", "eval", "eval id", "evalid", "evaluationid"}
)
_RULE: Final = re.compile(r"[\s|:+=\-\u2500-\u257f]*")
_SPACED: Final = re.compile(r"\s{2,}|\t")
_BOX: Final = str.maketrans({"\u2502": "|", "\u2503": "|", "\u2551": "|"})


@dataclass
class TableReading:
    evaluations: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)


def is_table_row(line: str) -> bool:
    """A markdown or box-drawn row: two cells or more between pipes."""
    return line.translate(_BOX).count("|") >= 2


def read_table(lines: Sequence[str], *, aligned: bool) -> TableReading | None:
    """The ids in a table's task and evaluation columns; None when no header names either.

    `aligned`: columns may be separated by runs of spaces (a code block), not only pipes.
    """
    kept = [line for line in lines if line.strip() and not _RULE.fullmatch(line)]
    rows = [_cells(line, aligned) for line in kept]
    if aligned and rows and len(rows[0]) == 1:  # columns one space apart
        rows = [line.split() for line in kept]
    if not rows:
        return None
    header = [_header(cell) for cell in rows[0]]
    task_column = _column(header, _TASK_HEADERS)
    evaluation_column = _column(header, _EVALUATION_HEADERS)
    if task_column is None and evaluation_column is None:
        return None
    reading = TableReading()
    columns = ((task_column, reading.tasks), (evaluation_column, reading.evaluations))
    for row in rows[1:]:
        for column, into in columns:
            if column is not None and column < len(row):
                cell = row[column].split()
                word = clean(cell[0]) if cell else None
                if word is not None and accepted(word, loose=True):
                    into.append(word.text)
    return reading


def _cells(line: str, aligned: bool) -> list[str]:
    line = line.translate(_BOX).strip()
    if "|" in line:
        cells = line.split("|")
        return [cell.strip() for cell in cells[1 if not cells[0].strip() else 0 :]]
    return [cell for cell in (_SPACED.split(line) if aligned else [line]) if cell]


def _header(cell: str) -> str:
    return " ".join(cell.strip("*_` ").lower().replace("_", " ").replace("-", " ").split())


def _column(header: list[str], names: frozenset[str]) -> int | None:
    return next((index for index, name in enumerate(header) if name in names), None)
