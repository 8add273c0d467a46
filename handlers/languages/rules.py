"""Which language a caller is answered in: the one place it is decided.

In order: what they chose with `/lang`; what their platform says they use (Telegram's app language, the console's
locale); English.
"""

from __future__ import annotations

from handlers.chat.context import HandlerContext
from handlers.chat.request import ChatRequest
from handlers.i18n import DEFAULT_LANGUAGE, supported


def language_of(request: ChatRequest, ctx: HandlerContext) -> str:
    return supported(ctx.chosen_language(request.caller)) or supported(request.language) or DEFAULT_LANGUAGE
