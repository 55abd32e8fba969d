"""Block Kit views of the modal: the form, its preview, "Assigning..." and the outcome.

Pure: data in, JSON-ready view dicts out. private_metadata only ever holds a Redis key (a draft
key on the form, a confirmation token on the preview); Slack caps it and hands it back from the
client, so nothing there is trusted beyond looking it up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bot.core.confirmation import Confirmation
from bot.core.form import NOTE_MAX_LENGTH, PICK_NEXT, PICK_UNASSIGNED, TEXT_MAX_LENGTH
from bot.slack import blocks
from bot.slack import mrkdwn as md
from bot.slack.ui_ids import Block, Callback, Field

View = dict[str, Any]

TITLE: Final = "Assign tasks"
#: Most people one form assigns to; each gets a section in the preview (a modal holds 100).
MAX_ASSIGNEES: Final = 40
CARRIED_SHOWN: Final = 10
#: Channels the summary may go to; a DM with someone else is no place the bot can post.
_DESTINATIONS: Final = {"include": ["public", "private"], "exclude_bot_users": True}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _modal(content: blocks.Blocks, **extra: Any) -> View:
    return {"type": "modal", "title": _plain(TITLE), "blocks": content, **extra}


def _input(
    field: Field, label: str, element: dict[str, Any], *, hint: str | None = None, optional: bool
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.value,
        "label": _plain(label),
        "element": {**element, "action_id": field.value},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(
    initial: str | None, placeholder: str, *, multiline: bool, max_length: int
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
        "placeholder": _plain(placeholder),
    }
    if initial:
        element["initial_value"] = initial
    return element


def form_view(
    *,
    draft_key: str,
    requester_id: str,
    channel_id: str | None,
    max_task_ids: int,
    evaluation_id: str | None = None,
    other_evaluations: Sequence[str] = (),
    task_ids_text: str | None = None,
    carried: Sequence[str] = (),
    from_message: bool = False,
) -> View:
    """The form; pre-filled from a message when the message shortcut opened it.

    `carried`: ids read from the message that are too many for the text input; the draft keeps
    them and the form says so.
    """
    content: blocks.Blocks = []
    if from_message:
        found = _found_text(evaluation_id, other_evaluations, task_ids_text, carried)
        content.append(blocks.context(found))
    content.append(
        _input(
            Field.EVALUATION,
            "Evaluation",
            _text_input(evaluation_id, "eval_123 or a link to it", multiline=False, max_length=500),
            optional=False,
        )
    )
    content.append(
        _input(
            Field.TASK_IDS,
            "Task ids",
            _text_input(task_ids_text, "t1, t2, t3", multiline=True, max_length=TEXT_MAX_LENGTH),
            hint="Separate them with commas, spaces or new lines.",
            optional=True,
        )
    )
    if carried:
        content.append(
            {
                "type": "section",
                "block_id": Block.FORM_CARRIED,
                "text": {
                    "type": "mrkdwn",
                    "text": f"*Also {md.plural(len(carried), 'task id')} from the message:* "
                    f"{md.id_list(list(carried), CARRIED_SHOWN)}",
                },
            }
        )
    content.append(
        _input(
            Field.FILE,
            "Or a file of task ids",
            {"type": "file_input", "filetypes": ["txt", "csv"], "max_files": 1},
            hint=f"A .txt or .csv with up to {max_task_ids:,} ids. A CSV with a header row gives "
            "its task_id (or id) column.",
            optional=True,
        )
    )
    content.extend(_pick_inputs(max_task_ids))
    content.append(
        _input(
            Field.ASSIGNEES,
            "Assignees",
            {
                "type": "multi_users_select",
                "initial_users": [requester_id],
                "max_selected_items": MAX_ASSIGNEES,
                "placeholder": _plain("Who gets the tasks"),
            },
            hint="Several people split the tasks evenly, in the order given.",
            optional=False,
        )
    )
    destination: dict[str, Any] = {"type": "conversations_select", "filter": _DESTINATIONS}
    if channel_id and channel_id[:1] in ("C", "G"):
        destination["initial_conversation"] = channel_id
    else:
        destination["default_to_current_conversation"] = True
    content.append(
        _input(
            Field.DESTINATION,
            "Post the summary in",
            destination,
            hint="In the message's channel, the summary is a reply in its thread."
            if from_message
            else None,
            optional=False,
        )
    )
    content.append(
        _input(
            Field.NOTE,
            "Note",
            _text_input(
                None,
                "Anything the assignees should know",
                multiline=True,
                max_length=NOTE_MAX_LENGTH,
            ),
            hint="Shown in the summary and in each assignee's direct message.",
            optional=True,
        )
    )
    return _modal(
        content,
        callback_id=Callback.FORM.value,
        private_metadata=draft_key,
        submit=_plain("Preview"),
        close=_plain("Cancel"),
    )


def _pick_inputs(max_task_ids: int) -> blocks.Blocks:
    """ "Or pick tasks for me": the next N, or every, pending task nobody has (instead of ids)."""
    options = [
        (PICK_NEXT, "The next pending tasks nobody has (how many below)"),
        (PICK_UNASSIGNED, "Every pending task nobody has"),
    ]
    return [
        _input(
            Field.PICK,
            "Or pick tasks for me",
            {
                "type": "static_select",
                "placeholder": _plain("Instead of task ids"),
                "options": [{"text": _plain(text), "value": value} for value, text in options],
            },
            hint="Pending tasks with no assignee, highest priority first; the preview shows "
            "which ones before anything is assigned.",
            optional=True,
        ),
        _input(
            Field.PICK_COUNT,
            "How many (for the next pending tasks)",
            {
                "type": "number_input",
                "is_decimal_allowed": False,
                "min_value": "1",
                "max_value": str(max_task_ids),
                "placeholder": _plain("50"),
            },
            optional=True,
        ),
    ]


def _found_text(
    evaluation_id: str | None, others: Sequence[str], text: str | None, carried: Sequence[str]
) -> str:
    """What the message shortcut read out of the message, so the person knows what to check."""
    count = len(carried) + (len(text.split()) if text else 0)
    if not evaluation_id and not count:
        return "I found no evaluation or task ids in that message: fill them in below."
    found = []
    if evaluation_id:
        found.append(f"evaluation {md.code(evaluation_id)}")
    if count:
        found.append(md.plural(count, "task id"))
    said = f"From the message: {' and '.join(found)}. Check them, then pick who gets the tasks."
    if others:
        named = ", ".join(md.code(other) for other in others[:5])
        said += f" It also names {named}: I filled in the first."
    return said


def preview_view(confirmation: Confirmation, token: str) -> View:
    """The form turned into its preview; submitting it assigns."""
    where = f"<#{md.escape(confirmation.channel_id)}>"
    if confirmation.thread_ts:
        where = f"the message's thread in {where}"
    content = blocks.preview_body(confirmation)
    content.insert(-1, blocks.section(f"*Summary:* posted in {where}, with every task listed."))
    return _modal(
        content,
        callback_id=Callback.FORM_PREVIEW.value,
        private_metadata=token,
        submit=_plain("Assign"),
        close=_plain("Cancel"),
    )


def status_view(content: blocks.Blocks) -> View:
    """Progress, a result or an error: nothing more to submit."""
    return _modal(content, close=_plain("Close"))


def assigning_view(confirmation: Confirmation) -> View:
    return status_view(blocks.assigning_blocks(confirmation))


def error_view(text: str) -> View:
    """`text` is mrkdwn the caller built (user text inside it already escaped)."""
    return status_view(blocks.error_blocks(text))
