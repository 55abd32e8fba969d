"""Link unfurls: a link to an evaluation on the platform's app shows its name, status and
progress, with an "Assign tasks..." button that opens the form filled with it.

Slack sends `link_shared` for links to the manifests' `unfurl_domains`; the bot answers with
chat.unfurl. An unfurl is seen by everyone in the conversation, so it shows only the
evaluation's overview (`GET /v4/evaluations/{id}`, cached briefly): never a task's content.
Events are redelivered, so each delivery first claims its `event_id`, as mentions do.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.core.readback import EvaluationOverview, PlatformLink
from bot.core.tasks import PlatformError
from bot.metrics import RequestOutcome
from bot.slack import mrkdwn as md
from bot.slack import payload
from bot.slack.blocks.kit import (
    Blocks,
    actions_block,
    button_element,
    context_block,
    render,
    section_block,
)
from bot.slack.deps import Deps
from bot.slack.forms.opening import Opening
from bot.slack.forms.reassign import open_or_refuse
from bot.slack.listener import Incoming, listener

log = logging.getLogger(__name__)

OPEN_FORM_ACTION: Final = "assign_unfurl_open_form"
UNFURL_ACTIONS_BLOCK: Final = "assign_unfurl_actions"
#: Slack sends at most a few links an event; more than this are left plain.
MAX_UNFURLS: Final = 5
NAME_LIMIT: Final = 150


def register(app: AsyncApp, deps: Deps) -> None:
    app.event("link_shared")(listener(deps, "link_shared", handle_link_shared))
    app.action(OPEN_FORM_ACTION)(listener(deps, "action", handle_open_form))


async def handle_link_shared(incoming: Incoming, deps: Deps) -> RequestOutcome | None:
    """Unfurl each link to an evaluation that the platform knows; leave the others alone."""
    event = incoming.event
    event_id = payload.text(incoming.body, "event_id")
    if event_id and not await deps.events.first_delivery(event_id):
        log.info("ignoring a repeated delivery of %s", event_id)
        return None
    unfurls: dict[str, dict[str, Any]] = {}
    for item in list(event.get("links") or [])[:MAX_UNFURLS]:
        link = deps.usecases.evaluations.link(payload.text(item, "url"))
        if link is None:
            continue
        try:
            overview = await deps.usecases.evaluations.overview(link.evaluation_id)
        except PlatformError as exc:  # unknown evaluation, platform down: the link stays plain
            log.info("no unfurl for %s: %s", link.evaluation_id, exc)
            continue
        unfurls[link.url] = {"blocks": unfurl_blocks(link, overview)}
    if not unfurls:
        return None
    await _send(incoming, unfurls)
    return "ok"


async def _send(incoming: Incoming, unfurls: dict[str, dict[str, Any]]) -> None:
    """chat.unfurl: by unfurl_id and source when Slack gave them (the composer), else by ts."""
    event = incoming.event
    unfurl_id, source = payload.text(event, "unfurl_id"), payload.text(event, "source")
    where: dict[str, Any] = (
        {"unfurl_id": unfurl_id, "source": source}
        if unfurl_id and source
        else {"channel": payload.text(event, "channel"), "ts": payload.text(event, "message_ts")}
    )
    try:
        await incoming.client.chat_unfurl(unfurls=unfurls, **where)
    except SlackApiError as exc:
        log.warning("Slack refused the unfurl: %s", exc.response.get("error"))


def unfurl_blocks(link: PlatformLink, overview: EvaluationOverview) -> Blocks:
    """Name, status and progress, and the button: nothing of any task's content."""
    name = md.escape(md.truncate(overview.name or link.evaluation_id, NAME_LIMIT))
    facts = [f"Evaluation {md.code(link.evaluation_id)}"]
    if overview.status:
        facts.append(f"status *{md.escape(overview.status)}*")
    done, total = overview.completed_test_case_result_count, overview.total_test_case_result_count
    if done is not None and total is not None:
        facts.append(f"{done:,} of {total:,} results completed")
    value = " ".join(filter(None, (link.evaluation_id, link.task_id)))
    return render(
        [
            section_block(f"*{name}*"),
            context_block(" · ".join(facts)),
            actions_block(
                UNFURL_ACTIONS_BLOCK, button_element("Assign tasks...", OPEN_FORM_ACTION, value)
            ),
        ]
    )


async def handle_open_form(incoming: Incoming, deps: Deps) -> RequestOutcome:
    """The unfurl's button: the form with the evaluation (and the linked task) filled in."""
    evaluation_id, _, task_id = incoming.action_value.partition(" ")
    body = incoming.body
    message_ts = payload.text(body, "container", "message_ts")
    opening = Opening(
        trigger_id=incoming.trigger_id,
        team_id=incoming.team_id,
        user_id=incoming.user_id,
        channel_id=incoming.channel_id or None,
        # The summary answers the link's message, in its thread.
        thread_ts=payload.text(body, "container", "thread_ts") or message_ts or None,
        evaluation_id=evaluation_id or None,
        task_ids=(task_id,) if task_id else (),
        from_message=True,
    )
    return await open_or_refuse(incoming, deps, opening)
