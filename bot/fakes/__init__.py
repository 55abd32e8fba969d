"""Fakes of the bot's peers (Slack, the platform) and of Slack's side of a request.

One set, shared by the tests and by `python -m bot playground`, so the two cannot drift apart.
"""
