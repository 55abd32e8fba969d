"""The playground's world: a workspace with people and a channel, a platform with a demo
evaluation, and a notification in the channel to mention the bot under.

The numbers are a realistic small evaluation: 300 tasks, 60 completed, 40 already assigned.
Alice is linked to her platform account; Bob and Cara are matched by email, as people who
never ran `/assign link` are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.fakes.sgp_server import FakeSGP
from bot.fakes.slack_server import FakeSlack
from bot.store.connection import Store

TEAM: Final = "TPLAY"
CHANNEL: Final = "CEVALS"
CHANNEL_NAME: Final = "evals"
BOT_USER: Final = "UBOT"
NOTIFIER: Final = "USGPNOTIFY"
EVALUATION: Final = "eval_support_w12"
EVALUATION_NAME: Final = "Support answers, week 12"
TASK_COUNT: Final = 300
COMPLETED: Final = 60
ALREADY_ASSIGNED: Final = 40
NOTIFICATION_TS: Final = "1699990000.000100"


@dataclass(frozen=True)
class Person:
    slack_id: str
    name: str
    handle: str
    role: str  # lead, admin or annotator: what the switch shows
    email: str
    platform_id: str
    linked: bool = False  # linked with `/assign link`; otherwise matched by email


PEOPLE: Final = (
    Person("ULENA", "Lena Park", "lena", "lead", "lena@example.com", "user_lena"),
    Person("UADA", "Ada Okafor", "ada", "admin", "ada@example.com", "user_ada"),
    Person("UALICE", "Alice Chen", "alice", "annotator", "alice@example.com", "user_alice", True),
    Person("UBOB", "Bob Diaz", "bob", "annotator", "bob@example.com", "user_bob"),
    Person("UCARA", "Cara Singh", "cara", "annotator", "cara@example.com", "user_cara"),
)
LEAD: Final = PEOPLE[0]
ADMINS: Final = ",".join(p.slack_id for p in PEOPLE if p.role == "admin")
#: Who may assign besides the admins: the lead. Annotators are refused, as a real policy would.
ALLOWED: Final = ",".join(p.slack_id for p in PEOPLE if p.role == "lead")

OTHER_NAMES: Final = {BOT_USER: "assign-bot", NOTIFIER: "SGP Notifications"}


def person(slack_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.slack_id == slack_id), None)


def display_name(slack_id: str) -> str:
    """The name a mention of this user shows."""
    found = person(slack_id)
    return found.name if found else OTHER_NAMES.get(slack_id, slack_id)


def task_ids() -> list[str]:
    return [f"task_{number:04d}" for number in range(1, TASK_COUNT + 1)]


def seed_platform(sgp: FakeSGP) -> None:
    """The demo evaluation: completed tasks first, then assigned ones, then the open rest."""
    ids = task_ids()
    sgp.add_evaluation(EVALUATION, name=EVALUATION_NAME, status="PENDING")
    sgp.add_tasks(EVALUATION, ids[COMPLETED + ALREADY_ASSIGNED :])
    sgp.add_tasks(EVALUATION, ids[:COMPLETED], status="COMPLETED", assigned_to="user_bob")
    half = COMPLETED + ALREADY_ASSIGNED // 2
    sgp.add_tasks(EVALUATION, ids[COMPLETED:half], assigned_to="user_alice")
    sgp.add_tasks(EVALUATION, ids[half : COMPLETED + ALREADY_ASSIGNED], assigned_to="user_cara")
    sgp.add_org_users(
        *(
            {
                "id": p.platform_id,
                "email": p.email,
                "first_name": p.name.split()[0],
                "last_name": p.name.split()[-1],
            }
            for p in PEOPLE
        )
    )


def seed_slack(slack: FakeSlack) -> None:
    """Names and emails (users.info), and the notification the bot can be mentioned under."""
    slack.bot_user_id = BOT_USER
    slack.team_id = TEAM
    for p in PEOPLE:
        slack.user_names[p.slack_id] = p.handle
        slack.user_emails[p.slack_id] = p.email
    slack.add_message(CHANNEL, NOTIFICATION_TS, notification())


def notification() -> dict[str, object]:
    """A platform notification as another app would post it: the evaluation is in its link."""
    url = f"https://app.sgp.scale.com/evaluations/{EVALUATION}"
    open_count = TASK_COUNT - COMPLETED - ALREADY_ASSIGNED
    text = (
        f":bell: Evaluation *{EVALUATION_NAME}* (<{url}|{EVALUATION}>) is ready: "
        f"{TASK_COUNT} tasks, {COMPLETED} completed, {open_count} waiting for an annotator."
    )
    return {
        "user": NOTIFIER,
        "bot_id": "BSGPNOTIFY",
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Mention @assign-bot in this thread to assign."}
                ],
            },
        ],
    }


async def seed_store(store: Store) -> None:
    """Alice linked her platform account; the others are found by email."""
    for p in PEOPLE:
        if p.linked:
            await store.identities.link(TEAM, p.slack_id, p.platform_id)


#: Things to try, shown in the channel's introduction (each fills the message box).
SUGGESTIONS: Final = (
    f"/assign {EVALUATION} next 10 to @alice",
    f"/assign {EVALUATION} unassigned to @bob @cara split by load max 5 each",
    f"/assign {EVALUATION} task_0150 task_0151 task_0152 to @cara",
    "/assign whoami",
    "/assign",
    "/assign help",
)
THREAD_SUGGESTION: Final = "@assign-bot next 5 to @bob"
