"""The corpus's notifications as Block Kit, rich text, attachments and files, and the odd ones."""

from __future__ import annotations

from tests.unit.core.notices import APP, OTHER, Notice, line, rich, section, t

RICH: tuple[Notice, ...] = (
    # --- Block Kit and rich text ---------------------------------------------------------------
    Notice(
        "rich text with code and bold",
        {
            "text": "3 tasks need annotators",
            "blocks": [
                rich(
                    line(t("Evaluation "), t("eval_rt", code=True), t(" is ready.")),
                    line(t("Tasks:", bold=True), t(" x1, "), t("x2", code=True), t(" and x3")),
                )
            ],
        },
        ("eval_rt",),
        ("x1", "x2", "x3"),
    ),
    Notice(
        "rich text list",
        {
            "blocks": [
                rich(
                    line(t("Tasks in evaluation "), t("eval_rl", bold=True), t(":")),
                    {
                        "type": "rich_text_list",
                        "style": "bullet",
                        "elements": [line(t("rl_1")), line(t("rl_2", code=True))],
                    },
                )
            ]
        },
        ("eval_rl",),
        ("rl_1", "rl_2"),
    ),
    Notice(
        "rich text link",
        {
            "blocks": [
                rich(
                    line(
                        {"type": "link", "url": f"{APP}/evaluations/eval_rk", "text": "this eval"},
                        t(" has task "),
                        t("rk_1", code=True),
                    )
                )
            ]
        },
        ("eval_rk",),
        ("rk_1",),
    ),
    Notice(
        "rich text preformatted table",
        {
            "blocks": [
                rich(
                    line(t("Evaluation: eval_pre")),
                    {
                        "type": "rich_text_preformatted",
                        "elements": [t("task_id  status\npre_1    PENDING\npre_2    PENDING")],
                    },
                )
            ]
        },
        ("eval_pre",),
        ("pre_1", "pre_2"),
    ),
    Notice(
        "section fields",
        {
            "text": "New annotation work",
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "New annotation work"}},
                section("", "*Evaluation*\neval_f", "*Status*\nPENDING", "*Tasks*\nf_1, f_2"),
                {"type": "context", "elements": [{"type": "mrkdwn", "text": "Sent by sgp-bot"}]},
            ],
        },
        ("eval_f",),
        ("f_1", "f_2"),
    ),
    Notice(
        "section fields with labels and colons",
        {"blocks": [section("*New tasks*", "*Evaluation ID:*\neval_fc", "*Task IDs:*\nfc1\nfc2")]},
        ("eval_fc",),
        ("fc1", "fc2"),
    ),
    # --- attachments of other bots ---------------------------------------------------------------
    Notice(
        "issue tracker attachment",
        {
            "attachments": [
                {
                    "color": "#5e6ad2",
                    "title": "EVAL-12 Annotate the refusal tasks",
                    "title_link": OTHER,
                    "text": "Evaluation eval_jira needs annotators for tasks j_1, j_2 and j_3.",
                    "fields": [
                        {"title": "Status", "value": "In Progress", "short": True},
                        {"title": "Priority", "value": "P1", "short": True},
                    ],
                    "footer": "Linear",
                }
            ]
        },
        ("eval_jira",),
        ("j_1", "j_2", "j_3"),
    ),
    Notice(
        "incident tool attachment with fields",
        {
            "text": ":rotating_light: Annotation backlog alert",
            "attachments": [
                {
                    "fallback": "Backlog in eval_inc",
                    "fields": [
                        {"title": "Evaluation", "value": "eval_inc", "short": True},
                        {"title": "Severity", "value": "SEV2", "short": True},
                        {"title": "Task ids", "value": "i_1\ni_2\ni_3"},
                    ],
                }
            ],
        },
        ("eval_inc",),
        ("i_1", "i_2", "i_3"),
    ),
    Notice(
        "attachment that is only a fallback",
        {"attachments": [{"fallback": "Evaluation: eval_fb \u2014 tasks: fb_1, fb_2"}]},
        ("eval_fb",),
        ("fb_1", "fb_2"),
    ),
    Notice(
        "forwarded email",
        {
            "text": "",
            "files": [
                {
                    "mode": "email",
                    "subject": "Fwd: Evaluation eval_mail ready for review",
                    "plain_text": "Hi team,\n\nThe following tasks need an annotator:\n\n"
                    "  - m_101\n  - m_102\n\nThanks,\nThe SGP team",
                }
            ],
        },
        ("eval_mail",),
        ("m_101", "m_102"),
    ),
    Notice(
        "forwarded message in an attachment",
        {
            "text": "FYI",
            "attachments": [
                {
                    "is_share": True,
                    "message_blocks": [
                        {
                            "message": {
                                "blocks": [section("Evaluation eval_share: tasks sh_1, sh_2")]
                            }
                        }
                    ],
                }
            ],
        },
        ("eval_share",),
        ("sh_1", "sh_2"),
    ),
    # --- tricky -------------------------------------------------------------------------------
    Notice(
        "statuses in code are no tasks",
        "Evaluation: `eval_7` has `PENDING` tasks `a1` `a2`",
        ("eval_7",),
        ("a1", "a2"),
    ),
    Notice(
        "enum values and priorities are no ids",
        "Task type EVALUATION_AUDIT, status PENDING_REDO, priority P1. Evaluation eval_en, "
        "task en_1.",
        ("eval_en",),
        ("en_1",),
    ),
    Notice(
        "dates, times and percentages",
        "Evaluation eval_dt: 80% done by 2024-06-01 10:30 UTC. Tasks: dt_1.",
        ("eval_dt",),
        ("dt_1",),
    ),
    Notice(
        "emoji and mentions in a list",
        "Tasks: :white_check_mark: em_1 @alice, :hourglass: em_2 @bob\nEvaluation: eval_em",
        ("eval_em",),
        ("em_1", "em_2"),
    ),
    Notice(
        "the evaluation repeated is not a task",
        "Evaluation eval_rep\nTask ids: eval_rep, rp_1",
        ("eval_rep",),
        ("rp_1",),
    ),
    Notice(
        "duplicates once",
        "Tasks: d_1, d_1, d_2\nAlso tasks d_2 and d_1 again. Evaluation: eval_dup",
        ("eval_dup",),
        ("d_1", "d_2"),
    ),
    Notice(
        "ordinary words after a label are no ids",
        "Evaluation: see below\nTasks: none yet",
        (),
        (),
    ),
    Notice(
        "reevaluation and sub-evaluation are no labels",
        "Reevaluation: eval_no\nSub-evaluation: eval_neither\nTasks: ok_1",
        (),
        ("ok_1",),
    ),
    Notice(
        "ids with dots and colons inside",
        "Evaluation: eval.v1:run_3\nTasks: t.1, t:2.",
        ("eval.v1:run_3",),
        ("t.1", "t:2"),
    ),
    Notice(
        "short labels",
        "eval: eval_3\ntasks: a_1 a_2",
        ("eval_3",),
        ("a_1", "a_2"),
    ),
    Notice(
        "celebration with ids in code after a short label",
        ":tada: 5 new tasks landed in evaluation `rag-eval-0612`! IDs: `task-881`, `task-882`, "
        "`task-883`",
        ("rag-eval-0612",),
        ("task-881", "task-882", "task-883"),
    ),
    Notice(
        "ids in brackets after prose",
        "Hey folks \u2014 evaluation eval_991 still has unassigned tasks (task_12, task_13). "
        "Can someone grab them?",
        ("eval_991",),
        ("task_12", "task_13"),
    ),
    Notice(
        "quoted lines of a bot",
        f"*Annotation needed* for <{APP}/evaluations/eval_55|Toxicity v3>\n>Tasks: tox_1, tox_2"
        "\n>Due: 2024-07-01",
        ("eval_55",),
        ("tox_1", "tox_2"),
    ),
    Notice(
        "a weekly summary names nothing",
        "Weekly summary: 3 evaluations, 120 tasks completed, 45 pending. Great job team!",
        (),
        (),
    ),
    Notice(
        "a range is not read as ids",
        "Evaluation eval_8 \u2014 tasks #1 through #20 are ready; please assign t1-t5 first",
        ("eval_8",),
        (),
    ),
    Notice(
        "very long message",
        "Evaluation: eval_long\nTask ids: "
        + ", ".join(f"long_{n}" for n in range(500))
        + ".\n"
        + "Lorem ipsum dolor sit amet. " * 200,
        ("eval_long",),
        tuple(f"long_{n}" for n in range(500)),
    ),
)
