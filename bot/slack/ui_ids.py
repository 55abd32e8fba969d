"""Identifiers shared by the Block Kit builders and the listeners that answer them."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CONFIRM = "assign_confirm"
    CANCEL = "assign_cancel"
    RETRY_FAILED = "assign_retry_failed"
    UNDO = "assign_undo"
    #: A button naming one of the evaluations a message names (`_<n>` added: one per button).
    CHOOSE_EVALUATION = "assign_choose_evaluation"
    STALLED_REMIND = "assign_stalled_remind"
    STALLED_REASSIGN = "assign_stalled_reassign"
    STALLED_SPLIT = "assign_stalled_split"


class Block(StrEnum):
    PREVIEW_ACTIONS = "assign_preview_actions"
    SUMMARY_ACTIONS = "assign_summary_actions"
    #: Its own block, so removing one of the summary's buttons leaves the other.
    SUMMARY_UNDO = "assign_summary_undo"
    STALLED_ACTIONS = "assign_stalled_actions"
    FORM_CARRIED = "assign_form_carried"


class Callback(StrEnum):
    """callback_id of the modal's views and of the shortcuts (the manifest names the latter)."""

    FORM = "assign_form"
    FORM_PREVIEW = "assign_form_preview"
    GLOBAL_SHORTCUT = "assign_tasks"
    MESSAGE_SHORTCUT = "assign_these_tasks"


class Field(StrEnum):
    """The form's inputs: each is both the input block's block_id and its element's action_id,
    so `state.values[field][field]` reads it and `errors={field: ...}` points at it."""

    EVALUATION = "assign_form_evaluation"
    TASK_IDS = "assign_form_task_ids"
    FILE = "assign_form_file"
    PICK = "assign_form_pick"
    PICK_COUNT = "assign_form_pick_count"
    ASSIGNEES = "assign_form_assignees"
    SPLIT = "assign_form_split"
    SPLIT_CAP = "assign_form_split_cap"
    DESTINATION = "assign_form_destination"
    NOTE = "assign_form_note"


COMMAND = "/assign"
