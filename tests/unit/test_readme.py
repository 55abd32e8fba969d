"""The README's configuration table is the settings class, in words: it cannot drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices
from pydantic.fields import FieldInfo

from bot.settings import PlatformSettings, Settings

README = Path(__file__).resolve().parents[2] / "README.md"
_ROW = re.compile(r"^\|\s*`([A-Z0-9_]+)`\s*\|([^|]*)\|")


def documented() -> dict[str, str]:
    """Variable -> default cell, from the first table under `## Configuration`."""
    text = README.read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("\n|") :].split("\n\n", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        match = _ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"{match.group(1)} is documented twice"
            rows[match.group(1)] = match.group(2).strip()
    return rows


def variable(name: str, field: FieldInfo) -> str:
    """The environment variable of a field: its alias, or the first of its alias choices."""
    if field.alias:
        return field.alias
    if isinstance(field.validation_alias, AliasChoices):
        first = field.validation_alias.choices[0]
        assert isinstance(first, str)
        return first
    if isinstance(field.validation_alias, str):
        return field.validation_alias
    return name.upper()


def shown(default: object) -> str:
    """A default as the README writes it: `60`, `false`, `INFO`."""
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def test_the_table_lists_exactly_the_settings_variables() -> None:
    variables = {variable(name, field) for name, field in Settings.model_fields.items()}
    assert set(documented()) == variables


def test_the_table_gives_the_settings_defaults() -> None:
    rows = documented()
    for name, field in Settings.model_fields.items():
        cell = rows[variable(name, field)]
        if field.is_required():
            assert cell.startswith("required"), (name, cell)
        elif field.default is None:
            assert "`" not in cell, f"{name} has no default, the README shows {cell}"
        elif field.default == frozenset():
            assert cell == "empty", (name, cell)
        else:
            assert cell == f"`{shown(field.default)}`", (name, cell)


def test_the_command_line_reads_only_documented_platform_variables() -> None:
    rows = documented()
    for name, field in PlatformSettings.model_fields.items():
        assert variable(name, field) in rows
