"""The guided dialog behind a bare `/contact` or `/strike`: one question at a time, buttons where they help.

The dialog only collects answers. At the end it writes them as the same `key=value` text a person could have
typed and routes that, so validation, messages and storage are exactly the handlers'. If the handler rejects
one answer (a time in the future, say), that question is asked again with the handler's own complaint.
`/cancel` leaves; ten idle minutes end the dialog by themselves. Nothing is stored before the last answer.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from dataclasses import dataclass
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

from bot.telegram.commands import CommandBridge
from bot.telegram.render import render
from bot.telegram.requests import chat_request, command_parts
from handlers.chat.reply import Form, Reply
from handlers.chat.request import Role

IDLE_TIMEOUT = timedelta(minutes=10)
CHOICE_PREFIX = "dialog|"
TYPE_IT = "\x00type"  # the "type a time" button: ask for text instead of taking a value
SKIP = "\x00skip"


@dataclass(frozen=True)
class Step:
    """One question: the argument it fills, how it is asked, the buttons offered, whether text is accepted."""

    key: str
    question: str
    choices: tuple[tuple[str, str], ...] = ()
    typed: bool = True
    numeric: bool = False


TIME_CHOICES = (("Now", "now"), ("1 hour ago", "1h ago"), ("Type a time", TYPE_IT))
TIME_QUESTION = "When did it happen?"
TYPE_TIME_PROMPT = "Type the time, e.g. 2025-07-03 14:00 Kyiv, today 09:30 or 3h ago."

STEPS: dict[Form, tuple[Step, ...]] = {
    Form.CONTACT: (
        Step(
            "kind",
            "What kind of contact?",
            (("Call", "call"), ("Meeting", "meeting"), ("Message", "message"), ("Envoy", "envoy")),
            typed=False,
        ),
        Step("parties", "Who took part? Type the parties separated by commas, e.g. Trump, Putin."),
        Step("at", TIME_QUESTION, TIME_CHOICES, typed=False),
        Step(
            "confidence",
            "How sure is the report?",
            (("Confirmed", "confirmed"), ("Reported", "reported"), ("Unverified", "unverified")),
            typed=False,
        ),
        Step("source", "Source? Type it (e.g. Reuters) or skip.", (("Skip", SKIP),)),
        Step("notes", "Any notes? Type them or skip.", (("Skip", SKIP),)),
    ),
    Form.STRIKE: (
        Step("at", TIME_QUESTION, TIME_CHOICES, typed=False),
        Step("drones", "How many drones? Type a number.", (("0", "0"),), numeric=True),
        Step("missiles", "How many missiles? Type a number.", (("0", "0"),), numeric=True),
        Step("region", "Which region? Type it or skip.", (("Skip", SKIP),)),
        Step("source", "Source? Type it or skip.", (("Skip", SKIP),)),
        Step("notes", "Any notes? Type them or skip.", (("Skip", SKIP),)),
    ),
}


@dataclass
class Answers:
    """The dialog in progress for one person in one chat (kept in PTB's per-user data)."""

    form: Form
    step: int = 0
    values: dict[str, str] | None = None
    typing: bool = False  # after "Type a time": the next text message answers the current step
    revisiting: bool = False  # re-asking one rejected answer: the others stand, so finish right after it

    @property
    def current(self) -> Step:
        return STEPS[self.form][self.step]


def arguments_text(form: Form, values: dict[str, str]) -> str:
    """The answers as `/contact` or `/strike` arguments; every value quoted, notes as trailing words."""
    parts = [f'{key}="{value}"' for key, value in values.items() if key != "notes"]
    if values.get("notes"):
        parts.append(values["notes"])
    return " ".join(parts)


def _typed_problem(step: Step, text: str) -> str | None:
    """What the argument grammar could not carry; everything else is the handler's to judge."""
    if '"' in text or "“" in text or "”" in text:
        return "Please leave out double quotes."
    if step.key == "notes" and "=" in text:
        return "Notes cannot contain '=' here; rephrase them, or skip."
    if step.numeric and not text.replace(",", "").replace(" ", "").isdigit():
        return "Please type a whole number, like 12."
    return None


class GuidedDialog:
    """The ConversationHandler and its callbacks; finished answers go through `CommandBridge`."""

    def __init__(self, bridge: CommandBridge, *, idle_timeout: timedelta = IDLE_TIMEOUT) -> None:
        self.bridge = bridge
        self.idle_timeout = idle_timeout

    def handler(self) -> ConversationHandler[Any]:
        answer = [
            CallbackQueryHandler(self.chosen, pattern=f"^{re.escape(CHOICE_PREFIX)}"),
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, self.typed),
        ]
        with warnings.catch_warnings():
            # PTB warns that callback queries are tracked per chat and user, not per message: that is intended.
            warnings.simplefilter("ignore", PTBUserWarning)
            return ConversationHandler(
                entry_points=[CommandHandler(["contact", "strike"], self.start, filters.UpdateType.MESSAGE)],
                states={
                    ANSWERING: answer,
                    ConversationHandler.TIMEOUT: [TypeHandler(Update, self.timed_out)],
                },
                fallbacks=[CommandHandler("cancel", self.cancel, filters.UpdateType.MESSAGE)],
                allow_reentry=True,
                conversation_timeout=self.idle_timeout,
                name="guided_report",
            )

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """`/contact` with arguments is logged at once; without, the dialog opens (for those who may write)."""
        assert update.message is not None and update.message.text is not None
        word, _, text = command_parts(update.message.text)
        if text:
            await self.bridge.route(update, context, word, text)
            return ConversationHandler.END
        request = chat_request(update, self.bridge.core.ctx, command=word, text="")
        role = await asyncio.to_thread(self.bridge.core.router.role_of, request)
        if not role.allows(Role.REPORTER):
            await self.bridge.answer(
                update,
                context,
                Reply.error(
                    f"/{word} needs the reporter role; you are a {role}. Ask an admin: "
                    f"/role grant user={request.caller} role=reporter"
                ),
            )
            return ConversationHandler.END
        reply = await self.bridge.core.router.handle_async(request)
        if reply.form is None:
            await self.bridge.answer(update, context, reply)
            return ConversationHandler.END
        answers = Answers(form=reply.form, values={})
        context.user_data["dialog"] = answers  # type: ignore[index]
        await self._ask(update, context, answers, intro=f"Logging a {reply.form}. Type /cancel to stop.\n\n")
        return ANSWERING

    async def chosen(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None and query.data is not None
        answers: Answers | None = context.user_data.get("dialog")  # type: ignore[union-attr]
        key, _, value = query.data.removeprefix(CHOICE_PREFIX).partition("|")
        if answers is None or key != answers.current.key:
            await query.answer("That question has already been answered.")
            return ANSWERING
        await query.answer()
        label = next((text for text, choice in answers.current.choices if choice == value), value)
        if query.message is not None:
            await query.edit_message_reply_markup(None)
        if value == TYPE_IT:
            answers.typing = True
            await self.bridge.answer(update, context, Reply(text=TYPE_TIME_PROMPT))
            return ANSWERING
        await self.bridge.answer(update, context, Reply(text=f"{answers.current.key}: {label}"))
        return await self._record(update, context, answers, "" if value == SKIP else value)

    async def typed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.message.text is not None
        answers: Answers | None = context.user_data.get("dialog")  # type: ignore[union-attr]
        if answers is None:
            return ConversationHandler.END
        step, text = answers.current, " ".join(update.message.text.split())
        if not step.typed and not answers.typing:
            await self._ask(update, context, answers, intro="Please choose one of the buttons.\n")
            return ANSWERING
        problem = _typed_problem(step, text)
        if problem:
            await self._ask(update, context, answers, intro=f"{problem}\n")
            return ANSWERING
        return await self._record(update, context, answers, text)

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        await self.bridge.answer(update, context, Reply(text="Cancelled. Nothing was stored."))
        return ConversationHandler.END

    async def timed_out(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        minutes = round(self.idle_timeout.total_seconds() / 60)
        await self.bridge.answer(
            update,
            context,
            Reply(
                text=f"The dialog ended after {minutes} minutes without an answer. Nothing was stored; "
                "type /contact or /strike to start again."
            ),
            quote=False,
        )

    async def _record(self, update: Update, context: ContextTypes.DEFAULT_TYPE, answers: Answers, value: str) -> int:
        assert answers.values is not None
        answers.typing = False
        if value:
            answers.values[answers.current.key] = value
        else:
            answers.values.pop(answers.current.key, None)
        if not answers.revisiting and answers.step + 1 < len(STEPS[answers.form]):
            answers.step += 1
            await self._ask(update, context, answers)
            return ANSWERING
        return await self._finish(update, context, answers)

    async def _finish(self, update: Update, context: ContextTypes.DEFAULT_TYPE, answers: Answers) -> int:
        """Route the answers as typed arguments; re-ask the one question the handler rejected, if any."""
        assert answers.values is not None
        reply = await self.bridge.route(
            update, context, str(answers.form), arguments_text(answers.form, answers.values), send=False
        )
        keys = [step.key for step in STEPS[answers.form]]
        rejected = next((key for key in reply.errors if key in keys), None)
        if not reply.ok and rejected is not None:
            answers.step, answers.revisiting = keys.index(rejected), True
            first_line = reply.text.split("\n", 1)[0]
            await self._ask(update, context, answers, intro=f"{first_line}\n")
            return ANSWERING
        await self.bridge.answer(update, context, reply)
        context.user_data.pop("dialog", None)  # type: ignore[union-attr]
        return ConversationHandler.END

    async def _ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE, answers: Answers, intro: str = "") -> None:
        step = answers.current
        rendered = render(Reply(text=intro + step.question))
        buttons = [
            InlineKeyboardButton(label, callback_data=f"{CHOICE_PREFIX}{step.key}|{value}")
            for label, value in step.choices
        ]
        keyboard = InlineKeyboardMarkup([buttons[index : index + 3] for index in range(0, len(buttons), 3)])
        await self.bridge.send(update, context, rendered.messages, keyboard if buttons else None)


ANSWERING = 1
