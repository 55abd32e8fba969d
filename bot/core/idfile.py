"""A .txt or .csv file of task ids (the form's file input) -> the ids, or a FieldProblem.

Pure and bounded: a file larger than MAX_FILE_BYTES is refused before it is decoded, and
reading stops as soon as it holds more distinct ids than a request may, so a huge or hostile
upload costs little. A CSV with a header row gives the column named like `task_id` or `id`;
without one, every cell is an id, as in a .txt (separated by spaces, commas or new lines).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, Literal

from bot.core import ids
from bot.core.form import BAD_IDS_NAMED, FieldProblem, bad_ids_problem, split_ids

MAX_FILE_BYTES: Final = 4 * 1024 * 1024
#: Header names of the ids column, most specific first (compared lower-case, `_` for spaces).
ID_COLUMNS: Final = ("task_id", "taskid", "task_ids", "task", "tasks", "id", "ids")
Kind = Literal["txt", "csv"]
_HEADER_SPACES_RE: Final = re.compile(r"[\s\-]+")
_PREFIX: Final = "In the file, "


def kind_of(name: str, filetype: str | None = None) -> Kind | None:
    """A .txt or .csv by Slack's filetype or by the name's extension; None for anything else."""
    declared = (filetype or "").lower()
    if declared in ("text", "txt", "csv"):
        return "csv" if declared == "csv" else "txt"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("txt", "csv"):
        return "csv" if extension == "csv" else "txt"
    return None


def read_ids(content: bytes, *, kind: Kind, max_ids: int) -> list[str]:
    """The ids in file order (duplicates kept, `form.combine` counts them)."""
    if len(content) > MAX_FILE_BYTES:
        raise FieldProblem(
            f"The file is {len(content) / 1_048_576:.1f} MB; files up to "
            f"{MAX_FILE_BYTES // 1_048_576} MB are read. Split it, or keep only the task ids."
        )
    text = _decode(content)
    cells = _csv_cells(text) if kind == "csv" else iter(split_ids(text))
    found: list[str] = []
    distinct: set[str] = set()
    bad: list[str] = []
    bad_count = 0
    for cell in cells:
        if not ids.is_valid_id(cell):
            bad_count += 1
            if len(bad) < BAD_IDS_NAMED:
                bad.append(cell)
            continue
        found.append(cell)
        distinct.add(cell)
        if len(distinct) > max_ids:
            raise FieldProblem(
                f"The file holds more than {max_ids:,} task ids, the most one request may "
                "hold; split it into several files."
            )
    if bad:
        raise bad_ids_problem(bad, bad_count, prefix=_PREFIX)
    if not found:
        raise FieldProblem("The file holds no task ids: put one id per line, or a task_id column.")
    return found


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16 with a BOM (Excel's "Unicode text")."""
    try:
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = content.decode("utf-16")
        else:
            text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FieldProblem(
            "The file is not UTF-8 text: save it as plain text or \u201cCSV UTF-8\u201d and "
            "attach it again."
        ) from None
    if "\x00" in text:
        raise FieldProblem("The file is not a text file: attach a .txt or .csv of task ids.")
    return text


def _csv_cells(text: str) -> Iterator[str]:
    """The ids column under a header naming it; without one, every cell of a list of ids."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    delimiter = "\t" if "\t" in first and delimiter not in first else delimiter
    try:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if any(map(str.strip, row))]
    except csv.Error as exc:
        raise FieldProblem(f"The CSV could not be read ({exc}); check its quotes.") from None
    if not rows:
        return iter(())
    column = _ids_column(rows[0])
    if column is not None:
        return _cells(rows[1:], column)
    # No header naming the ids: a one-line or one-column list of ids is fine; a table is not,
    # as its first row is most likely a header such as "name,status".
    if len(rows) > 1 and max(len(row) for row in rows) > 1:
        raise FieldProblem(
            "The CSV has no task_id or id column: name the column of task ids "
            "\u201ctask_id\u201d, or put one id per line."
        )
    return _cells(rows)


def _cells(rows: Iterable[list[str]], column: int | None = None) -> Iterator[str]:
    """Non-empty cells of the rows, or of one column of them."""
    for row in rows:
        picked = row if column is None else row[column : column + 1]
        for cell in picked:
            value = cell.strip().strip("\"'")
            if value:
                yield value


def _ids_column(header: Sequence[str]) -> int | None:
    names = [_HEADER_SPACES_RE.sub("_", cell.strip().lower()) for cell in header]
    for wanted in ID_COLUMNS:
        if wanted in names:
            return names.index(wanted)
    return None
