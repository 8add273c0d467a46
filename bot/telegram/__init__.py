"""The Telegram adapter: PTB `Application` in, neutral requests to the router, HTML replies out.

`platform.py` is what the rest of the bot sees; the rest loads python-telegram-bot and is imported only when used.
"""
