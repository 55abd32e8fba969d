"""The docs that mirror the code cannot drift from it: the settings table, `.env.example`, links.

docs/configuration.md's table and `.env.example` are `bot.settings.Settings` in words; the
README stays a short front page whose links all lead somewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import AliasChoices
from pydantic.fields import FieldInfo

from bot.settings import PlatformSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
ENV_EXAMPLE = ROOT / ".env.example"
_ROW = re.compile(r"^\|\s*`([A-Z0-9_]+)`\s*\|([^|]*)\|")
#: `NAME=value` or `# NAME=default`: a setting, set or shown with its default.
_ENV_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
#: A Markdown link's target: a path (maybe empty: this page), then maybe `#anchor`.
_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")
README_MAX_LINES = 150


def documented() -> dict[str, str]:
    """Variable -> default cell, from the first table under `## Environment variables`."""
    text = CONFIGURATION.read_text()
    section = text.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("\n|") :].split("\n\n", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        match = _ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"{match.group(1)} is documented twice"
            rows[match.group(1)] = match.group(2).strip()
    return rows


def example_lines() -> list[tuple[bool, str, str]]:
    """(commented out, variable, value) of every setting line of `.env.example`."""
    found: list[tuple[bool, str, str]] = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = _ENV_LINE.match(line)
        if match:
            found.append((match.group(1) is not None, match.group(2), match.group(3)))
    return found


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


def variables() -> set[str]:
    return {variable(name, field) for name, field in Settings.model_fields.items()}


def shown(default: object) -> str:
    """A default as the docs write it: `60`, `false`, `INFO`."""
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def test_the_table_lists_exactly_the_settings_variables() -> None:
    assert set(documented()) == variables()


def test_the_table_gives_the_settings_defaults() -> None:
    rows = documented()
    for name, field in Settings.model_fields.items():
        cell = rows[variable(name, field)]
        if field.is_required():
            assert cell.startswith("required"), (name, cell)
        elif field.default is None:
            assert "`" not in cell, f"{name} has no default, the docs show {cell}"
        elif field.default == frozenset():
            assert cell == "empty", (name, cell)
        else:
            assert cell == f"`{shown(field.default)}`", (name, cell)


def test_the_command_line_reads_only_documented_platform_variables() -> None:
    rows = documented()
    for name, field in PlatformSettings.model_fields.items():
        assert variable(name, field) in rows


def test_the_env_example_names_exactly_the_settings_variables() -> None:
    names = [name for _, name, _ in example_lines()]
    assert len(names) == len(set(names)), "a variable appears twice in .env.example"
    assert set(names) == variables()


def test_the_env_example_leaves_secrets_blank_and_shows_true_defaults() -> None:
    secrets = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SGP_API_KEY"}
    fields = {variable(name, field): field for name, field in Settings.model_fields.items()}
    for commented, name, value in example_lines():
        field = fields[name]
        if name in secrets or field.is_required():
            assert not commented and value == "", f"{name} must be an active, blank line"
        elif commented:
            assert value == shown(field.default), f"{name}: the comment shows {value!r}"
        else:
            assert value == "", f"{name}: an active line of .env.example must be blank"


def test_the_env_example_loads_once_the_secrets_are_filled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in variables():
        monkeypatch.delenv(name, raising=False)
    values = {name: value for commented, name, value in example_lines() if not commented}
    values |= {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SGP_API_KEY": "k"}
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    assert settings.redis_url is None
    assert settings.sgp_account_id is None
    assert settings.assign_admins == frozenset()
    assert not settings.socket_mode


def test_the_readme_stays_a_short_front_page() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation gone, `-` for spaces."""
    found: set[str] = set()
    fenced = False
    for line in page.read_text().splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("#") and not fenced:
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_relative_links_lead_to_files_and_headings_that_exist(page: Path) -> None:
    for target, anchor in _LINK.findall(page.read_text()):
        if "://" in target or target.startswith("mailto:"):
            continue
        linked = page.parent / target if target else page
        assert linked.exists(), f"{page.name} links to missing {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{page.name} links to missing {target}#{anchor}"
