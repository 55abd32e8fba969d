"""Reading notifications: a Slack message -> text (`message`), links to the platform
(`links`), words that can be ids (`words`), lists, tables and lines. `bot.core.extract` is
the entry point the listeners use."""
