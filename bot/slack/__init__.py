"""The Slack adapter: slash commands, the report forms, alert buttons, over Socket Mode or HTTP."""

from bot.slack.app import build_slack_app
from bot.slack.notifier import SlackNotifier
from bot.slack.run import run_slack
from bot.slack.web import build_web_app

__all__ = ["SlackNotifier", "build_slack_app", "build_web_app", "run_slack"]
