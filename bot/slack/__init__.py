"""The Slack adapter: slash commands, the report forms, alert buttons, over Socket Mode or HTTP.

`platform.py` is what the rest of the bot sees; the rest loads slack-bolt and is imported only when Slack is used.
"""
