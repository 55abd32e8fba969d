"""Block Kit views of the modal: the form, its preview, "Assigning..." and the outcome.

Built as `slack_sdk.models.views.View`, so each view is checked against Slack's limits when it
is built. private_metadata only ever holds a Redis key (a draft key on the form, a confirmation
token on the preview); Slack caps it and hands it back from the client, so nothing there is
trusted beyond looking it up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from slack_sdk.models.blocks import (
    Block,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View as SlackView

from bot.core.confirmation import Confirmation
from bot.core.form import NOTE_MAX_LENGTH, PICK_NEXT, PICK_UNASSIGNED, TEXT_MAX_LENGTH
from bot.core.plan import SPLIT_EVEN, SPLIT_LOAD
from bot.slack import mrkdwn as md
from bot.slack.blocks.kit import Blocks, context_block, plain, section_block
from bot.slack.blocks.notices import error_blocks
from bot.slack.blocks.preview import assigning_blocks, preview_models
from bot.slack.ui_ids import Block as BlockId
from bot.slack.ui_ids import Callback, Field

#: A view as `views.open`/`views.update` and `response_action` take it.
View = dict[str, Any]

TITLE: Final = "Assign tasks"
#: Most people one form assigns to; each gets a section in the preview (a modal holds 100).
MAX_ASSIGNEES: Final = 40
CARRIED_SHOWN: Final = 10
EVALUATION_MAX_LENGTH: Final = 500


def _modal(
    content: Sequence[Block | dict[str, Any]],
    *,
    close: str,
    submit: str | None = None,
    callback_id: str | None = None,
    private_metadata: str | None = None,
) -> View:
    """The view as JSON; slack_sdk raises here on a title, button or block Slack would refuse."""
    view = SlackView(
        type="modal",
        title=plain(TITLE),
        blocks=content,
        callback_id=callback_id,
        private_metadata=private_metadata,
        submit=plain(submit) if submit else None,
        close=plain(close),
    )
    return view.to_dict()


def _input(
    field: Field,
    label: str,
    element: InputInteractiveElement,
    *,
    hint: str | None = None,
    optional: bool,
) -> InputBlock:
    """An input whose block_id and action_id are both `field`, as the listeners read them."""
    element.action_id = field.value
    return InputBlock(
        block_id=field.value,
        label=plain(label),
        element=element,
        hint=plain(hint) if hint else None,
        optional=optional,
    )


def _text_input(
    initial: str | None, placeholder: str, *, multiline: bool, max_length: int
) -> PlainTextInputElement:
    return PlainTextInputElement(
        placeholder=plain(placeholder),
        initial_value=initial or None,
        multiline=multiline,
        max_length=max_length,
    )


def form_view(
    *,
    draft_key: str,
    requester_id: str,
    channel_id: str | None,
    max_task_ids: int,
    evaluation_id: str | None = None,
    task_ids_text: str | None = None,
    carried: Sequence[str] = (),
    from_message: bool = False,
) -> View:
    """The form; pre-filled from a message when the message shortcut opened it.

    `carried`: ids read from the message that are too many for the text input; the draft keeps
    them and the form says so.
    """
    content: list[Block] = []
    if from_message:
        found = _found_text(evaluation_id, task_ids_text, carried)
        content.append(context_block(found))
    content.extend(_id_inputs(evaluation_id, task_ids_text, carried, max_task_ids))
    content.extend(_pick_inputs(max_task_ids))
    content.append(_assignees_input(requester_id))
    content.extend(_split_inputs(max_task_ids))
    content.append(_destination_input(channel_id, from_message))
    content.append(_note_input())
    return _modal(
        content,
        callback_id=Callback.FORM.value,
        private_metadata=draft_key,
        submit="Preview",
        close="Cancel",
    )


def _id_inputs(
    evaluation_id: str | None, task_ids_text: str | None, carried: Sequence[str], max_ids: int
) -> list[Block]:
    """The evaluation, then the task ids: typed, carried over from a message, or in a file."""
    evaluation = _text_input(
        evaluation_id,
        "eval_123 or a link to it",
        multiline=False,
        max_length=EVALUATION_MAX_LENGTH,
    )
    ids = _text_input(task_ids_text, "t1, t2, t3", multiline=True, max_length=TEXT_MAX_LENGTH)
    content: list[Block] = [
        _input(Field.EVALUATION, "Evaluation", evaluation, optional=False),
        _input(
            Field.TASK_IDS,
            "Task ids",
            ids,
            hint="Separate them with commas, spaces or new lines.",
            optional=True,
        ),
    ]
    if carried:
        content.append(
            section_block(
                f"*Also {md.plural(len(carried), 'task id')} from the message:* "
                f"{md.id_list(list(carried), CARRIED_SHOWN)}",
                block_id=BlockId.FORM_CARRIED,
            )
        )
    content.append(
        _input(
            Field.FILE,
            "Or a file of task ids",
            FileInputElement(filetypes=["txt", "csv"], max_files=1),
            hint=f"A .txt or .csv with up to {max_ids:,} ids. A CSV with a header row gives "
            "its task_id (or id) column.",
            optional=True,
        )
    )
    return content


def _pick_inputs(max_task_ids: int) -> list[Block]:
    """ "Or pick tasks for me": the next N, or every, pending task nobody has (instead of ids)."""
    options = [
        (PICK_NEXT, "The next pending tasks nobody has (how many below)"),
        (PICK_UNASSIGNED, "Every pending task nobody has"),
    ]
    pick = _choice("Instead of task ids", options)
    count = _whole_number(max_task_ids, "50")
    return [
        _input(
            Field.PICK,
            "Or pick tasks for me",
            pick,
            hint="Pending tasks with no assignee, highest priority first; the preview shows "
            "which ones before anything is assigned.",
            optional=True,
        ),
        _input(Field.PICK_COUNT, "How many (for the next pending tasks)", count, optional=True),
    ]


def _choice(placeholder: str, options: list[tuple[str, str]]) -> StaticSelectElement:
    """A select of (value, label) options."""
    return StaticSelectElement(
        placeholder=plain(placeholder),
        options=[Option(value=value, text=plain(text)) for value, text in options],
    )


def _whole_number(most: int, placeholder: str) -> NumberInputElement:
    """A count from 1 to `most`."""
    return NumberInputElement(
        is_decimal_allowed=False, min_value="1", max_value=str(most), placeholder=plain(placeholder)
    )


def _assignees_input(requester_id: str) -> InputBlock:
    people = UserMultiSelectElement(
        initial_users=[requester_id],
        max_selected_items=MAX_ASSIGNEES,
        placeholder=plain("Who gets the tasks"),
    )
    return _input(
        Field.ASSIGNEES,
        "Assignees",
        people,
        hint="Several people share the tasks in the order given (evenly unless split below).",
        optional=False,
    )


def _split_inputs(max_task_ids: int) -> list[Block]:
    """How the tasks are shared: evenly (the default) or by load, and a cap per person."""
    options = [
        (SPLIT_EVEN, "Evenly, in the order given"),
        (SPLIT_LOAD, "By load: more to whoever has fewer pending tasks"),
    ]
    split = _choice("Evenly", options)
    cap = _whole_number(max_task_ids, "No limit")
    return [
        _input(
            Field.SPLIT,
            "Split",
            split,
            hint="By load counts each person's pending tasks in this evaluation; the preview "
            "shows each share and why.",
            optional=True,
        ),
        _input(
            Field.SPLIT_CAP,
            "At most this many each",
            cap,
            hint="What no one can take stays unassigned; the preview says how many.",
            optional=True,
        ),
    ]


def _destination_input(channel_id: str | None, from_message: bool) -> InputBlock:
    """Where the summary goes: channels only, since a DM with someone else is no place the bot
    can post; the form's own channel when it has one."""
    in_channel = channel_id is not None and channel_id[:1] in ("C", "G")
    destination = ConversationSelectElement(
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        initial_conversation=channel_id if in_channel else None,
        default_to_current_conversation=None if in_channel else True,
    )
    return _input(
        Field.DESTINATION,
        "Post the summary in",
        destination,
        hint="In the message's channel, the summary is a reply in its thread."
        if from_message
        else None,
        optional=False,
    )


def _note_input() -> InputBlock:
    note = _text_input(
        None, "Anything the assignees should know", multiline=True, max_length=NOTE_MAX_LENGTH
    )
    return _input(
        Field.NOTE,
        "Note",
        note,
        hint="Shown in the summary and in each assignee's direct message.",
        optional=True,
    )


def _found_text(evaluation_id: str | None, text: str | None, carried: Sequence[str]) -> str:
    """What the message shortcut read out of the message, so the person knows what to check."""
    count = len(carried) + (len(text.split()) if text else 0)
    if not evaluation_id and not count:
        return "I found no evaluation or task ids in that message: fill them in below."
    found = []
    if evaluation_id:
        found.append(f"evaluation {md.code(evaluation_id)}")
    if count:
        found.append(md.plural(count, "task id"))
    return f"From the message: {' and '.join(found)}. Check them, then pick who gets the tasks."


def preview_view(confirmation: Confirmation, token: str) -> View:
    """The form turned into its preview; submitting it assigns."""
    where = f"<#{md.escape(confirmation.channel_id)}>"
    if confirmation.thread_ts:
        where = f"the message's thread in {where}"
    content = preview_models(confirmation)
    content.insert(-1, section_block(f"*Summary:* posted in {where}, with every task listed."))
    return _modal(
        content,
        callback_id=Callback.FORM_PREVIEW.value,
        private_metadata=token,
        submit="Assign",
        close="Cancel",
    )


def status_view(content: Blocks) -> View:
    """Progress, a result or an error: nothing more to submit."""
    return _modal(content, close="Close")


def assigning_view(confirmation: Confirmation) -> View:
    return status_view(assigning_blocks(confirmation))


def error_view(text: str) -> View:
    """`text` is mrkdwn the caller built (user text inside it already escaped)."""
    return status_view(error_blocks(text))
