"""`python -m bot playground`: the real bot, driven from a Slack-like page in the browser, with a
fake Slack and a fake platform seeded with a demo evaluation. No Slack app, no platform key.

app.py: the server (page, actions, the bot and the fakes mounted); world.py: the fakes and the
person's actions, sent to the bot signed as Slack sends them; timeline.py: what Slack would show;
page.py and render.py: that as HTML; seed.py: the demo's people and evaluation.
"""
