"""Durable assignment jobs: the queue, their records, the runner, one job's execution, the worker.

A confirmed request becomes a job on a Redis Stream (`queue`); whichever worker claims it
(`worker`) executes it (`execute`): an undo snapshot, the chunks (`runner`, each result kept in
`records`), then the outcome, published once through the `Publisher` port that the Slack side
implements. Nothing here knows Slack.
"""
