"""The guided dialog on Telegram: a bare `/contact` or `/strike` asks its form's questions one at a time.

The questions and their buttons come from the handler's form through `bot.dialog` (the console runs the same
dialog); this module only draws them as messages with inline keyboards and feeds back what was pressed or typed.
At the end the answers are routed as the command's text, so validation, messages and storage are exactly the
handler's; an answer the handler rejects (a time in the future, say) is asked again with its complaint.
`/cancel` leaves; ten idle minutes end the dialog by themselves. Nothing is stored before the last answer.

A button whose command answers with a form (Edit under a report preview: `strike edit|17`) opens the same dialog,
starting from the values it already holds.

The dialog speaks the language of the reply that opened it (the caller's), to the end, its timeout included.
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.dialog import Ask, Dialog, Outcome, Submit
from bot.telegram.buttons import NO_LONGER_WORKS
from bot.telegram.commands import CommandBridge
from bot.telegram.render import parse_callback, render
from bot.telegram.requests import command_parts
from handlers.chat.reply import Reply
from handlers.i18n import N_, _, activate, ngettext

IDLE_TIMEOUT = timedelta(minutes=10)
CHOICE_PREFIX = "dialog|"  # callback data: `dialog|FIELD|VALUE`
BUTTONS_PER_ROW = 3
ANSWERING = 1
_BARE_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@\w+)?\s*$")  # a command with nothing after it may open a form
FORM_BUTTON = r"^[a-z]+ edit\|"  # callback data of a button that answers with a form: `strike edit|17`
POPUP_LIMIT = 200
CANCELLED = N_("Cancelled. Nothing was stored.")
ANSWERED = N_("That question has already been answered.")


def idle_message(timeout: timedelta, language: str) -> str:
    """What a dialog left idle for `timeout` says as it ends, in `language`."""
    minutes = round(timeout.total_seconds() / 60)
    with activate(language):
        return ngettext(
            "The dialog ended after {n} minute without an answer. Nothing was stored; send the command again "
            "to start over.",
            "The dialog ended after {n} minutes without an answer. Nothing was stored; send the command again "
            "to start over.",
            minutes,
        ).format(n=minutes)


class GuidedDialog:
    """The ConversationHandler and its callbacks; finished answers go through `CommandBridge`."""

    def __init__(self, bridge: CommandBridge, *, idle_timeout: timedelta = IDLE_TIMEOUT) -> None:
        self.bridge = bridge
        self.idle_timeout = idle_timeout

    def handler(self) -> ConversationHandler[Any]:
        """Any bare command word the router knows may open a form: whichever answers with one does."""
        answer = [
            CallbackQueryHandler(self.chosen, pattern=f"^{re.escape(CHOICE_PREFIX)}"),
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, self.typed),
        ]
        bare = filters.UpdateType.MESSAGE & filters.Regex(_BARE_COMMAND)
        with warnings.catch_warnings():
            # PTB warns that callback queries are tracked per chat and user, not per message: that is intended.
            warnings.simplefilter("ignore", PTBUserWarning)
            return ConversationHandler(
                entry_points=[
                    CommandHandler(sorted(self.bridge.core.router.commands), self.start, bare),
                    CallbackQueryHandler(self.start_from_button, pattern=FORM_BUTTON),
                ],
                states={
                    ANSWERING: answer,
                    ConversationHandler.TIMEOUT: [TypeHandler(Update, self.timed_out)],
                },
                fallbacks=[CommandHandler("cancel", self.cancel, filters.UpdateType.MESSAGE)],
                allow_reentry=True,
                conversation_timeout=self.idle_timeout,
                name="guided_report",
            )

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        """A bare command: routed like any other; if its answer is a form, the dialog opens (a viewer is refused by
        the router, as for the typed command).

        Any other answer is shown, and a dialog in progress stays as it was (None keeps its state). END when there
        is none, so PTB does not start an idle timer for a conversation that never began.
        """
        assert update.message is not None and update.message.text is not None
        word, _addressee, _text = command_parts(update.message.text)
        reply = await self.bridge.route(update, context, word, "", send=False)
        if reply.form is None:
            await self.bridge.answer(update, context, reply)
            in_dialog = context.user_data.get("dialog") is not None  # type: ignore[union-attr]
            return None if in_dialog else ConversationHandler.END
        dialog = Dialog(reply.form, language=reply.language)
        context.user_data["dialog"] = dialog  # type: ignore[index]
        await self._show(update, context, dialog.start(), intro=dialog.intro)
        return ANSWERING

    async def start_from_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
        """An Edit press: routed as the command it names, by the presser; a form opens the dialog, anything else
        (a refusal: someone else's preview, an expired one) answers the press."""
        query = update.callback_query
        assert query is not None
        in_dialog = context.user_data.get("dialog") is not None  # type: ignore[union-attr]
        parsed = parse_callback(query.data or "")
        if parsed is None:
            with activate(await self.bridge.language(update)):
                await query.answer(_(NO_LONGER_WORKS))
            return None if in_dialog else ConversationHandler.END
        command, text = parsed
        reply = await self.bridge.route(update, context, command, text, send=False)
        if reply.form is None:
            result = "\n".join(part for part in (reply.title, reply.text) if part) or reply.plain()
            await query.answer(result[:POPUP_LIMIT], show_alert=not reply.ok)
            return None if in_dialog else ConversationHandler.END
        await query.answer()
        dialog = Dialog(reply.form, language=reply.language)
        context.user_data["dialog"] = dialog  # type: ignore[index]
        await self._show(update, context, dialog.start(), intro=dialog.intro)
        return ANSWERING

    async def chosen(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and query.data is not None
        dialog: Dialog | None = context.user_data.get("dialog")  # type: ignore[union-attr]
        name, _bar, value = query.data.removeprefix(CHOICE_PREFIX).partition("|")
        outcome = dialog.choose(name, value) if dialog is not None else None
        if dialog is None or outcome is None:
            language = dialog.language if dialog is not None else await self.bridge.language(update)
            with activate(language):
                await query.answer(_(ANSWERED))
            return ANSWERING
        await query.answer()
        if query.message is not None:
            await query.edit_message_reply_markup(None)
        return await self._next(update, context, dialog, outcome)

    async def typed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.message.text is not None
        dialog: Dialog | None = context.user_data.get("dialog")  # type: ignore[union-attr]
        if dialog is None:
            return ConversationHandler.END
        return await self._next(update, context, dialog, dialog.type(update.message.text))

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        dialog: Dialog | None = context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        language = dialog.language if dialog is not None else await self.bridge.language(update)
        with activate(language):
            await self.bridge.answer(update, context, Reply(text=_(CANCELLED), language=language))
        return ConversationHandler.END

    async def timed_out(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        dialog: Dialog | None = context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        language = dialog.language if dialog is not None else await self.bridge.language(update)
        ended = idle_message(self.idle_timeout, language)
        await self.bridge.answer(update, context, Reply(text=ended, language=language), quote=False)

    async def _next(self, update: Update, context: ContextTypes.DEFAULT_TYPE, dialog: Dialog, outcome: Outcome) -> int:
        if isinstance(outcome, Ask):
            await self._show(update, context, outcome)
            return ANSWERING
        return await self._submit(update, context, dialog, outcome)

    async def _submit(self, update: Update, context: ContextTypes.DEFAULT_TYPE, dialog: Dialog, submit: Submit) -> int:
        """Route the answers as typed arguments; ask again the one question the handler rejected, if any."""
        reply = await self.bridge.route(update, context, submit.command, submit.text, send=False)
        again = None if reply.ok else dialog.rejected(reply.errors, reply.text)
        if again is not None:
            await self._show(update, context, again)
            return ANSWERING
        await self.bridge.answer(update, context, reply)
        context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        return ConversationHandler.END

    async def _show(self, update: Update, context: ContextTypes.DEFAULT_TYPE, ask: Ask, intro: str = "") -> None:
        if ask.said:
            await self.bridge.answer(update, context, Reply(text=ask.said))
        question = ask.question
        text = f"{intro}\n\n{question.text}" if intro else question.text
        buttons = [
            InlineKeyboardButton(option.label, callback_data=f"{CHOICE_PREFIX}{question.field.name}|{option.value}")
            for option in question.options
        ]
        rows = [buttons[index : index + BUTTONS_PER_ROW] for index in range(0, len(buttons), BUTTONS_PER_ROW)]
        keyboard = InlineKeyboardMarkup(rows) if buttons else None
        await self.bridge.send(update, context, render(Reply(text=text)).messages, keyboard)
