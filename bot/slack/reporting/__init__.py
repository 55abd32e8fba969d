"""How a job is reported in Slack: the jobs' `Publisher` port and what it posts.

`publisher` implements the port (progress and the final word on the requester's `surfaces`,
the channel `summary` with its thread and DMs); `workflow_step` and `reminders` wrap it, each
adding one duty. Every message carries the assignment's `metadata`, so the bot can read its own
messages back.
"""
