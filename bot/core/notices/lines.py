"""Reading a notification's text (links already taken out) line by line: labelled fields,
prose, lists, tables, and ids in code or bold as a last resort.

Each rule says where ids are and what they are: `Evaluation: x` and "in evaluation x" name
an evaluation; `Tasks: ...`, "tasks t1 and t2", a list after "...tasks...:" and a table's
task column name tasks. Ids in code or bold are kept apart (`spans`): the caller reads them
only when no rule found a task, because notifications put statuses in code too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.core.notices.links import END_MARK, EVALUATION_MARK, TASK_MARK
from bot.core.notices.lists import item_text, read_items, read_list
from bot.core.notices.tables import is_table_row, read_table
from bot.core.notices.words import Kind, accepted, clean, kind

_BEFORE: Final = r"(?<![\w/.\-])"
_EVALUATION_LABEL: Final = re.compile(
    _BEFORE + r"(evaluation|eval)(s)?([ _-]?ids?)?[\"'*_]*\s*[:=][*_]*", re.IGNORECASE
)
_TASK_LABEL: Final = re.compile(
    _BEFORE + r"tasks?([ _-]?ids?)?(?:\s*\(\d+\))?[\"'*_]*\s*[:=][*_]*", re.IGNORECASE
)
#: A label alone on its line, its value on the next (Block Kit fields: `*Evaluation*\neval_1`).
_ALONE: Final = re.compile(r"\W*(evaluation|eval|task)(s)?([ _-]?ids?)?\W*", re.IGNORECASE)
_EVALUATION_PROSE: Final = re.compile(_BEFORE + r"evaluation(s)?\s+(ids?\s+)?", re.IGNORECASE)
#: `evaluation "Safety v2" (eval_9)`: a name, then the id in brackets.
_NAMED: Final = re.compile(
    _BEFORE + r"evaluation\s+(?:\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\*[^*\n]+\*)\s*"
    r"\(\s*([^()\s]+)\s*\)",
    re.IGNORECASE,
)
_TASK_PROSE: Final = re.compile(_BEFORE + r"tasks?\s+(ids?\s+)?", re.IGNORECASE)
_MENTIONS_TASK: Final = re.compile(r"\btasks?\b", re.IGNORECASE)
_MENTIONS_EVALUATIONS: Final = re.compile(r"\bevaluations\b", re.IGNORECASE)
_MENTIONS_EVALUATION: Final = re.compile(r"\bevaluation\b", re.IGNORECASE)
_COLON: Final = re.compile(r":(?=\s|$)")
_IN_BRACKETS: Final = re.compile(r"\(\s*([^()\s]+)\s*\)")
_CODE_SPAN: Final = re.compile(r"`([^`\n]{1,200})`")
_BOLD_SPAN: Final = re.compile(r"(?<![\w*])\*([^*\n]{1,200})\*(?![\w*])")
_LINKED: Final = re.compile(f"([{TASK_MARK}{EVALUATION_MARK}])([^{END_MARK}]*){END_MARK}")
#: Nothing but emphasis to the end of the line: the label's value is on the next one.
_BLANK_REST: Final = re.compile(r"[\s*_`]*$")
#: A label's single value is within this many characters of it.
_WINDOW: Final = 300
_FENCE_LINE: Final = re.compile(r"^[ \t]*```[ \t]*\n?", re.MULTILINE)


@dataclass
class Reading:
    evaluations: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    #: Ids in code or bold that no rule placed: read only when nothing else names a task.
    spans: list[str] = field(default_factory=list)


def read_text(text: str) -> Reading:
    """Everything the text's tables and lines name, in the order written."""
    reading = Reading()
    pieces = text.split("```")
    for index in range(1, len(pieces), 2):  # the code blocks
        table = read_table(pieces[index].split("\n"), aligned=True)
        if table is not None:
            _linked(pieces[index], reading)
            reading.evaluations += table.evaluations
            reading.tasks += table.tasks
            pieces[index] = ""
    joined = _FENCE_LINE.sub("", "```".join(pieces)).replace("```", "\n")
    _read_lines(joined.split("\n"), reading)
    return reading


def _read_lines(lines: Sequence[str], reading: Reading) -> None:
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and is_table_row(lines[end]):
            end += 1
        table = read_table(lines[index:end], aligned=False) if end - index >= 2 else None
        if table is not None:
            _linked("\n".join(lines[index:end]), reading)
            reading.evaluations += table.evaluations
            reading.tasks += table.tasks
        else:
            for at in range(index, max(end, index + 1)):
                _read_line(lines, at, reading)
        index = max(end, index + 1)


def _read_line(lines: Sequence[str], index: int, reading: Reading) -> None:
    line = lines[index]
    _linked(line, reading)
    reading.evaluations += _evaluation_labels(lines, index)
    reading.evaluations += _evaluation_prose(line)
    reading.tasks += _task_labels(lines, index)
    reading.tasks += _task_prose(line)
    tasks, evaluations = _headed_lists(lines, index)
    reading.tasks += tasks
    reading.evaluations += evaluations
    reading.spans += _spans(line)


def _linked(text: str, reading: Reading) -> None:
    """What the platform links in `text` named (their markers)."""
    for mark, linked in _LINKED.findall(text):
        (reading.tasks if mark == TASK_MARK else reading.evaluations).append(linked)


def _next_line(lines: Sequence[str], index: int) -> str:
    following = lines[index + 1 : index + 3]
    return next((line for line in following if line.strip()), "")


def _evaluation_labels(lines: Sequence[str], index: int) -> list[str]:
    """`Evaluation: x`, `evaluation_id=x`, `Evaluations: x, y`, or the label alone on its line."""
    line = lines[index]
    found: list[str] = []
    labels = [(m.group(2), m.group(3), m.end()) for m in _EVALUATION_LABEL.finditer(line)]
    alone = _ALONE.fullmatch(line)
    if alone and alone.group(1).lower() != "task" and ":" not in line:
        labels.append((alone.group(2), alone.group(3), len(line)))
    for plural, has_id, at in labels:
        text = line
        if _BLANK_REST.match(line, at):
            text, at = _next_line(lines, index), 0
        if plural:
            found += read_list(text, at, loose=bool(has_id))
        else:
            found += _one_evaluation(text[at : at + _WINDOW], loose=bool(has_id))
    return found


def _one_evaluation(rest: str, *, loose: bool) -> list[str]:
    """The evaluation a label's value names: its first word, else an id in brackets after a
    name (`Evaluation: Safety v2 (eval_9)`)."""
    words = rest.split()
    if not words:
        return []
    first = clean(words[0])
    alone = len(words) == 1 and kind(first.text) is Kind.WORD and not first.text.istitle()
    if accepted(first, loose=loose) or alone:
        return [first.text]
    bracket = _IN_BRACKETS.search(rest)
    if bracket is not None and accepted(clean(bracket.group(1)), loose=False):
        return [clean(bracket.group(1)).text]
    return []


def _evaluation_prose(line: str) -> list[str]:
    """ "evaluation eval_1 is ready", "in evaluation `x`", "evaluations e1 and e2"."""
    found = [clean(m.group(1)).text for m in _NAMED.finditer(line)]
    found = [name for name in found if accepted(clean(name), loose=False)]
    for match in _EVALUATION_PROSE.finditer(line):
        if match.group(1):
            found += read_list(line, match.end())
        elif (words := line[match.end() : match.end() + _WINDOW].split(maxsplit=1)) and accepted(
            clean(words[0]), loose=False
        ):
            found.append(clean(words[0]).text)
    return found


def _task_labels(lines: Sequence[str], index: int) -> list[str]:
    """`Tasks: t1, t2`, `task_ids=[...]`, or a label with its list on the lines below."""
    line = lines[index]
    found: list[str] = []
    labels = [(m.group(1), m.end()) for m in _TASK_LABEL.finditer(line)]
    alone = _ALONE.fullmatch(line)
    if alone and alone.group(1).lower() == "task" and ":" not in line:
        labels.append((alone.group(3), len(line)))
    for has_id, at in labels:
        if _BLANK_REST.match(line, at):
            found += read_items(lines, index + 1, loose=bool(has_id))
        else:
            found += read_list(line, at, loose=bool(has_id))
    return found


def _task_prose(line: str) -> list[str]:
    """ "tasks t1, t2 and t3 need annotators", "task `t9` failed"."""
    found: list[str] = []
    for match in _TASK_PROSE.finditer(line):
        found += read_list(line, match.end(), loose=bool(match.group(1)))
    return found


def _headed_lists(lines: Sequence[str], index: int) -> tuple[list[str], list[str]]:
    """(tasks, evaluations) listed under a heading: after "...tasks...:" on the same line or
    below it, below "...evaluations:", or as the list right below "...evaluation...:"."""
    line = lines[index]
    task = _MENTIONS_TASK.search(line)
    colon = _COLON.search(line, task.end()) if task else None
    if colon is not None:
        if _BLANK_REST.match(line, colon.end()):
            return read_items(lines, index + 1), []
        return read_list(line, colon.end()), []
    below = item_text(_next_line(lines, index)) is not None
    if task is not None:
        return (read_items(lines, index + 1) if below else []), []
    heading = line.rstrip(" *_").endswith(":")
    if _MENTIONS_EVALUATIONS.search(line) and (heading or below):
        return [], read_items(lines, index + 1)
    if _MENTIONS_EVALUATION.search(line) and heading and not _EVALUATION_LABEL.search(line):
        return read_items(lines, index + 1), []
    return [], []


def _spans(line: str) -> list[str]:
    """Single ids in code (`` `t1` ``) or bold (`*t1*`): a fallback for the caller."""
    found = [
        word.text
        for span in _CODE_SPAN.findall(line)
        if len(span.split()) == 1 and accepted(word := clean(f"`{span.strip()}`"), loose=False)
    ]
    for span in _BOLD_SPAN.findall(line):
        word = clean(span.strip())
        if len(span.split()) == 1 and kind(word.text) is Kind.ID:
            found.append(word.text)
    return found
