"""ASSIGN_PLATFORM_HOSTS, one setting everywhere an evaluation link is read: /assign, the form,
a mention (in a thread or not) and the Workflow step refuse a link to another host, naming it
and the setting; `*` accepts any host; the default accepts the platform's own app."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from bot.core import ids
from bot.core.commands import Assign, UsageError, parse
from bot.core.extract import Extracted, extract_from_text
from bot.core.form import FieldProblem, read_evaluation
from bot.core.mention import answer_choice, parse_mention
from bot.core.readback import platform_link
from bot.core.workflow import step_request
from bot.settings import load_platform_settings

DEFAULT = ids.DEFAULT_PLATFORM_HOSTS
FOREIGN = "https://evil.example/evaluations/eval_7"
OWN = "https://app.sgp.scale.com/evaluations/eval_7"
THREAD = Extracted("eval_1", ("t1",), ("eval_1",))

Reader = Callable[[str, Collection[str]], str]


def by_command(link: str, hosts: Collection[str]) -> str:
    parsed = parse(f"{link} t1 to me", hosts=hosts)
    assert isinstance(parsed, Assign)
    return parsed.evaluation_id


def by_command_in_a_thread(link: str, hosts: Collection[str]) -> str:
    parsed = parse(f"{link} t1 to me", hosts=hosts, evaluation_id="eval_1")
    assert isinstance(parsed, Assign)
    return parsed.evaluation_id


def by_form(link: str, hosts: Collection[str]) -> str:
    try:
        return read_evaluation(link, hosts)
    except FieldProblem as problem:  # the form's errors are plain text, not UsageErrors
        raise UsageError(problem.message) from problem


def by_mention(link: str, hosts: Collection[str]) -> str:
    parsed = parse_mention(f"{link} t1 to me", max_ids=100, thread=None, hosts=hosts)
    assert isinstance(parsed, Assign)
    return parsed.evaluation_id


def by_mention_in_a_thread(link: str, hosts: Collection[str]) -> str:
    """A foreign link in a notification's thread is refused, never swapped for the thread's."""
    parsed = parse_mention(f"<{link}|the eval> t1 to me", max_ids=100, thread=THREAD, hosts=hosts)
    assert isinstance(parsed, Assign)
    return parsed.evaluation_id


def by_mention_choice(link: str, hosts: Collection[str]) -> str:
    parsed = answer_choice(f"{link} t1 to me", "eval_1", max_ids=100, hosts=hosts)
    assert isinstance(parsed, Assign)
    return parsed.evaluation_id


def by_workflow_step(link: str, hosts: Collection[str]) -> str:
    inputs = {
        "evaluation_id": link,
        "task_ids": "t1",
        "assignees": ["UALICE"],
        "auto_confirm": True,
        "channel_id": "CTEAM",
    }
    return step_request(inputs, 100, hosts).command.evaluation_id


READERS: tuple[Reader, ...] = (
    by_command,
    by_command_in_a_thread,
    by_form,
    by_mention,
    by_mention_in_a_thread,
    by_mention_choice,
    by_workflow_step,
)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("link", "hosts", "host_named"),
    [
        (FOREIGN, DEFAULT, "evil.example"),
        ("http://evil.example/evaluations/eval_7/tasks/t1", DEFAULT, "evil.example"),
        (OWN, ("platform.example.com",), "app.sgp.scale.com"),
        ("https://app.sgp.scale.com.evil.example/evaluations/eval_7", DEFAULT, "evil.example"),
    ],
)
def test_a_link_to_another_host_is_refused_naming_the_host_and_the_setting(
    reader: Reader, link: str, hosts: Collection[str], host_named: str
) -> None:
    with pytest.raises(UsageError) as caught:
        reader(link, hosts)
    assert host_named in caught.value.message
    assert "ASSIGN_PLATFORM_HOSTS" in caught.value.message


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("link", "hosts"),
    [
        (OWN, DEFAULT),  # the default accepts the platform's app
        ("https://APP.SGP.SCALE.COM/evaluations/eval_7?tab=tasks", DEFAULT),
        (FOREIGN, ("*",)),  # `*` accepts any host
        (FOREIGN, ("app.sgp.scale.com", "evil.example")),
    ],
)
def test_a_link_to_a_configured_host_names_its_evaluation(
    reader: Reader, link: str, hosts: Collection[str]
) -> None:
    assert reader(link, hosts) == "eval_7"


@pytest.mark.parametrize("reader", [by_command, by_form, by_mention, by_workflow_step])
def test_a_bare_id_needs_no_host(reader: Reader) -> None:
    assert reader("eval_7", ("platform.example.com",)) == "eval_7"


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (("app.sgp.scale.com",), "app.sgp.scale.com"),
        (("platform.example.com", "app.sgp.scale.com"), "platform.example.com"),
        (("*",), "app.sgp.scale.com"),  # `*` is no place to link to
        (("*", "platform.example.com"), "platform.example.com"),
        ((), "app.sgp.scale.com"),
    ],
)
def test_the_bots_own_links_point_at_the_first_host_never_at_a_star(
    hosts: tuple[str, ...], expected: str
) -> None:
    assert ids.link_host(hosts) == expected


def test_notifications_and_unfurls_read_links_only_on_the_configured_hosts() -> None:
    text = f"Evaluation ready: {FOREIGN}"
    assert extract_from_text(text, DEFAULT).evaluation_id is None
    assert extract_from_text(text, ("*",)).evaluation_id == "eval_7"
    assert platform_link(FOREIGN, DEFAULT) is None
    assert platform_link(FOREIGN, ("*",)) is not None
    assert platform_link(FOREIGN, ("evil.example",)) is not None


@pytest.mark.parametrize(
    ("value", "link_host"),
    [(None, "app.sgp.scale.com"), ("*", "app.sgp.scale.com"), ("*, Our.Example", "our.example")],
)
def test_the_setting_gives_the_hosts_and_where_links_point(
    monkeypatch: pytest.MonkeyPatch, value: str | None, link_host: str
) -> None:
    monkeypatch.setenv("SGP_API_KEY", "key")
    if value is None:
        monkeypatch.delenv("ASSIGN_PLATFORM_HOSTS", raising=False)
    else:
        monkeypatch.setenv("ASSIGN_PLATFORM_HOSTS", value)
    settings = load_platform_settings(_env_file=None)
    assert settings.link_host == link_host
    assert settings.platform_hosts == (
        DEFAULT if value is None else tuple(host.strip().lower() for host in value.split(","))
    )
