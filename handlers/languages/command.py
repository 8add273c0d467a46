"""/lang — the language replies come in, per person: `/lang uk` or `/lang en`.

Choosing is a write (it is remembered for every platform session of that person), so it needs the reporter role,
as every write does: viewers and strangers store nothing, whatever they type. Their replies follow the language
their app reports (Telegram), which `/lang` alone shows.
"""

from __future__ import annotations

from handlers.chat.command import Action, Command, explained
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import LANGUAGES, N_, _, activate, supported
from handlers.text.arguments import ArgumentError
from storage import audit, preferences

USAGE = N_("""\
/lang — show the language I answer you in
/lang uk · /lang en — answer me in Ukrainian · in English from now on
Channels choose the language of their automatic posts with /alerts subscribe lang=uk|en.""")

NAMES = {"en": N_("English"), "uk": N_("Ukrainian")}


def _show(request: ChatRequest, _ctx: HandlerContext) -> Reply:
    name = _(NAMES.get(request.language or "en", NAMES["en"]))
    return Reply(title=_("Language: {name}").format(name=name), text=_(USAGE))


def _choose(request: ChatRequest, ctx: HandlerContext) -> Reply:
    words = request.text.split()
    chosen = supported(words[0]) if len(words) == 1 else None
    if chosen is None:
        raise ArgumentError(
            _("say which language: {choices}").format(choices=", ".join(f"/lang {code}" for code in LANGUAGES))
        )
    now = ctx.now()
    with ctx.db.transaction() as session:
        previous = preferences.set_language(session, request.caller, chosen, at=now)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="user.language",
            at=now,
            entity="user_preference",
            details={"language": chosen, "previous": previous},
        )
    ctx.forget_language(request.caller)
    with activate(chosen):  # the confirmation is already in the new language
        return Reply(
            title=_("Language: {name}").format(name=_(NAMES[chosen])),
            text=_("I will answer you in {name} from now on.").format(name=_(NAMES[chosen])),
            language=chosen,
        )


COMMAND = Command(
    name="lang",
    summary=N_("the language I answer you in (uk, en)"),
    usage=USAGE,
    actions=(
        Action("show", Role.VIEWER, _show, bare=True),
        Action("choose", Role.REPORTER, explained(_choose, USAGE), default=True, writes=True),
    ),
)
