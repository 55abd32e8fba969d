"""The corpus's notifications in plain text: prose, labelled fields, lists, tables, links."""

from __future__ import annotations

from tests.unit.core.notices import APP, OTHER, Notice

PLAIN: tuple[Notice, ...] = (
    # --- prose ----------------------------------------------------------------------------
    Notice(
        "prose, ready with a count",
        "Evaluation eval_X is ready for annotation: 12 tasks are waiting.",
        ("eval_X",),
        (),
    ),
    Notice(
        "prose, tasks after a colon",
        "New tasks in evaluation eval_Y need annotators: t10, t11, t12",
        ("eval_Y",),
        ("t10", "t11", "t12"),
    ),
    Notice(
        "prose, tasks of evaluation",
        "Please pick up tasks t1, t2 and t3 of evaluation eval_5.",
        ("eval_5",),
        ("t1", "t2", "t3"),
    ),
    Notice(
        "prose, in evaluation, sentence end",
        "Heads up: 3 tasks in evaluation eval_77 expire tomorrow. Tasks: t1, t2, t3.",
        ("eval_77",),
        ("t1", "t2", "t3"),
    ),
    Notice(
        "prose, id in code",
        "Evaluation `eval_9` has new work; task `task_0042` was sent back for redo.",
        ("eval_9",),
        ("task_0042",),
    ),
    Notice(
        "prose, named evaluation with id in brackets",
        'Evaluation "Safety v2" (eval_safety_2) has 40 tasks PENDING: tasks s_1 and s_2 first.',
        ("eval_safety_2",),
        ("s_1", "s_2"),
    ),
    Notice(
        "prose, no evaluation",
        "Could someone take tasks t_100 and t_101? They have been waiting since Monday.",
        (),
        ("t_100", "t_101"),
    ),
    Notice(
        "prose, nothing at all",
        "Reminder: annotation sync at 3pm today, 2nd floor. Bring your laptops!",
        (),
        (),
    ),
    Notice(
        "prose, counts and versions are no ids",
        "Evaluation eval_31 (v2) finished 250 of 300 tasks in 24h; 50 are left for Q3.",
        ("eval_31",),
        (),
    ),
    Notice(
        "prose, two evaluations",
        "Evaluations eval_a1 and eval_b2 both have new tasks.",
        ("eval_a1", "eval_b2"),
        (),
    ),
    Notice(
        "prose, uuid ids",
        "Evaluation 3f2a9c1e-7b4d-4e2a-9f00-1c2d3e4f5a6b is ready. Tasks: "
        "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4, 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.",
        ("3f2a9c1e-7b4d-4e2a-9f00-1c2d3e4f5a6b",),
        ("9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
    ),
    Notice(
        "prose, exclamation and question marks",
        "Evaluation eval_12! Tasks t1, t2? Yes: task t3 too.",
        ("eval_12",),
        ("t1", "t2", "t3"),
    ),
    # --- labelled fields -------------------------------------------------------------------
    Notice(
        "labels with sentence periods",
        "Evaluation: eval_77.\nTasks: t1, t2.",
        ("eval_77",),
        ("t1", "t2"),
    ),
    Notice(
        "labels, id variants",
        "Evaluation ID: eval_8\nTask IDs: x1; x2; x3",
        ("eval_8",),
        ("x1", "x2", "x3"),
    ),
    Notice(
        "labels, key=value log line",
        "[sgp-notifier] evaluation_id=eval_8 task_ids=x1,x2 status=PENDING count=2",
        ("eval_8",),
        ("x1", "x2"),
    ),
    Notice(
        "labels, JSON",
        '{"evaluation_id": "eval_json", "task_ids": ["j1", "j2"], "status": "READY"}',
        ("eval_json",),
        ("j1", "j2"),
    ),
    Notice(
        "labels, bold",
        "*Evaluation:* eval_bold\n*Tasks:* *b1*, *b2* and _b3_",
        ("eval_bold",),
        ("b1", "b2", "b3"),
    ),
    Notice(
        "labels, statuses beside ids",
        "Evaluation: eval_s\nTasks: t1 (PENDING), t2 COMPLETED, t3 (in review), t4 NOT_READY",
        ("eval_s",),
        ("t1", "t2", "t3", "t4"),
    ),
    Notice(
        "labels, plain words need an id label",
        "Evaluation: eval_w\nTask ids: alpha, beta\nStatus: pending",
        ("eval_w",),
        ("alpha", "beta"),
    ),
    Notice(
        "labels, a count is no task",
        "Evaluation: eval_c\nTasks: 12 pending\nAssignee: unassigned",
        ("eval_c",),
        (),
    ),
    Notice(
        "labels, numeric ids under an id label",
        "Evaluation: eval_n\nTask ids: 1001, 1002 and 1003",
        ("eval_n",),
        ("1001", "1002", "1003"),
    ),
    Notice(
        "labels, name then id",
        "Evaluation: Safety benchmark v2 (eval_sb2)\nTasks (2): sb_1, sb_2",
        ("eval_sb2",),
        ("sb_1", "sb_2"),
    ),
    Notice(
        "labels, evaluation name is no id",
        "Evaluation name: Helpfulness\nEvaluation: eval_help\nTask type: EVALUATION_AUDIT",
        ("eval_help",),
        (),
    ),
    Notice(
        "labels, a lowercase word alone as evaluation",
        "Evaluation: helpfulness\nTasks: h_1",
        ("helpfulness",),
        ("h_1",),
    ),
    Notice(
        "labels, two evaluations",
        "Evaluation: eval_one\nTasks: a_1\n\nEvaluation: eval_two\nTasks: b_1",
        ("eval_one", "eval_two"),
        ("a_1", "b_1"),
    ),
    Notice(
        "labels, ids in inline code",
        "Evaluation: `eval_code`\nTask ids: `c1`, `c2`, `c3`",
        ("eval_code",),
        ("c1", "c2", "c3"),
    ),
    Notice(
        "labels, task label then list below",
        "Evaluation: eval_l\nTask ids:\nl1\nl2\nl3\n\nThanks!",
        ("eval_l",),
        ("l1", "l2", "l3"),
    ),
    # --- lists -------------------------------------------------------------------------------
    Notice(
        "bulleted list under a tasks heading",
        "New tasks in evaluation eval_b:\n• t_a (PENDING)\n• t_b (PENDING)\n• t_c — redo",
        ("eval_b",),
        ("t_a", "t_b", "t_c"),
    ),
    Notice(
        "numbered list",
        "Evaluation eval_num needs annotators for these tasks:\n1. n_1 — summarise the doc\n"
        "2. n_2 — rate the answer\n3) n_3\n\nDeadline: Friday 5pm.",
        ("eval_num",),
        ("n_1", "n_2", "n_3"),
    ),
    Notice(
        "dash list with markdown",
        "*Evaluation:* eval_dash\n*Tasks*\n- `d1`\n- `d2`\n- `d3`",
        ("eval_dash",),
        ("d1", "d2", "d3"),
    ),
    Notice(
        "list under an evaluation heading",
        "Waiting in evaluation eval_h:\n- h1\n- h2",
        ("eval_h",),
        ("h1", "h2"),
    ),
    Notice(
        "ids one per line after a colon",
        "Tasks waiting for an annotator in evaluation eval_nl:\nnl_1\nnl_2\nnl_3",
        ("eval_nl",),
        ("nl_1", "nl_2", "nl_3"),
    ),
    Notice(
        "list of evaluations",
        "Evaluations ready for annotation:\n- eval_r1\n- eval_r2\n- eval_r3",
        ("eval_r1", "eval_r2", "eval_r3"),
        (),
    ),
    Notice(
        "list, heading without a colon, blank line",
        "Evaluation eval_gap has 2 new tasks\n\n• g_1\n• g_2",
        ("eval_gap",),
        ("g_1", "g_2"),
    ),
    Notice(
        "list, heading without a colon",
        "Evaluation eval_nc has 2 new tasks\n• nc_1\n• nc_2",
        ("eval_nc",),
        ("nc_1", "nc_2"),
    ),
    Notice(
        "ids joined with and, ampersand and slashes",
        "Tasks t_1 & t_2 / t_3 and t_4 of evaluation eval_join are urgent",
        ("eval_join",),
        ("t_1", "t_2", "t_3", "t_4"),
    ),
    # --- tables ------------------------------------------------------------------------------
    Notice(
        "markdown table in a code block",
        "Evaluation eval_tab: tasks waiting\n```\n| task_id | status  | assignee |\n"
        "|---------|---------|----------|\n| tt1     | PENDING | -        |\n"
        "| tt2     | PENDING | bob      |\n```",
        ("eval_tab",),
        ("tt1", "tt2"),
    ),
    Notice(
        "aligned table in a code block",
        "Daily report\n```\nTASK ID     STATUS      PRIORITY\nq_101       PENDING     1\n"
        "q_102       NOT_READY   2\n```\nEvaluation: eval_q",
        ("eval_q",),
        ("q_101", "q_102"),
    ),
    Notice(
        "table with an evaluation column",
        "```\nevaluation   task    status\neval_m1      m_1     PENDING\neval_m1      m_2     "
        "PENDING\neval_m2      m_3     PENDING\n```",
        ("eval_m1", "eval_m2"),
        ("m_1", "m_2", "m_3"),
    ),
    Notice(
        "table without an id column is not read",
        "```\nannotator   done   left\nalice_1     12     3\nbob_2       7      8\n```",
        (),
        (),
    ),
    Notice(
        "box-drawn table",
        "Evaluation: eval_box\n```\n\u2502 Task \u2502 Status \u2502\n\u2502 bx_1 \u2502 "
        "PENDING \u2502\n\u2502 bx_2 \u2502 PENDING \u2502\n```",
        ("eval_box",),
        ("bx_1", "bx_2"),
    ),
    Notice(
        "pipe table outside a code block",
        "Evaluation eval_pipe\n| Task | Status |\n| --- | --- |\n| p_1 | PENDING |\n"
        "| p_2 | FIXED |",
        ("eval_pipe",),
        ("p_1", "p_2"),
    ),
    # --- links -------------------------------------------------------------------------------
    Notice(
        "platform link with label",
        f"3 tasks of <{APP}/evaluations/eval_42|Eval 42> need annotators\nTask ids: t1, t2, t3",
        ("eval_42",),
        ("t1", "t2", "t3"),
    ),
    Notice(
        "platform link without label",
        f"New work: <{APP}/evaluations/eval_43> (tasks k_1 and k_2)",
        ("eval_43",),
        ("k_1", "k_2"),
    ),
    Notice(
        "bare link with a sentence period",
        f"See {APP}/evaluations/eval_44. Task: z_9.",
        ("eval_44",),
        ("z_9",),
    ),
    Notice(
        "task links",
        f"Sent back for redo: <{APP}/evaluations/eval_45/tasks/r_1|r_1>, "
        f"<{APP}/evaluations/eval_45/tasks/r_2|r_2>",
        ("eval_45",),
        ("r_1", "r_2"),
    ),
    Notice(
        "link with query and fragment",
        f"<{APP}/evaluations/eval_46?tab=tasks#pending|Open the evaluation> \u2014 tasks: w1 w2",
        ("eval_46",),
        ("w1", "w2"),
    ),
    Notice(
        "links to other tools are not the platform",
        f"<{OTHER}|EVAL-12> Re-run <https://github.com/acme/evals/tree/main/evaluations/x_1|"
        "the config> for evaluation eval_47",
        ("eval_47",),
        (),
    ),
    Notice(
        "two platform links",
        f"Compare <{APP}/evaluations/eval_a|A> with <{APP}/evaluations/eval_b|B>",
        ("eval_a", "eval_b"),
        (),
    ),
    Notice(
        "mentions and specials are never ids",
        "<!here> <@U123ABC> please take tasks t_7 and t_8 in evaluation eval_ping <#C1|general>",
        ("eval_ping",),
        ("t_7", "t_8"),
    ),
    Notice(
        "escaped text",
        "Evaluation &lt;eval_esc&gt; &amp; tasks: e_1, e_2",
        ("eval_esc",),
        ("e_1", "e_2"),
    ),
)
