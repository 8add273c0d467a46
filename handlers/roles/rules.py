"""Who someone is allowed to be: the one place a caller's role is decided.

In order: an admin named in CALLWATCH_ADMINS; the owner of a local database on a platform whose owner is trusted
(the console on SQLite); a role granted with /role; the platform's default for everyone else.
"""

from __future__ import annotations

from handlers.chat.context import HandlerContext
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import _


def role_of(request: ChatRequest, ctx: HandlerContext) -> Role:
    if request.caller in ctx.settings.admin_ids:
        return Role.ADMIN
    rules = ctx.platforms.get(str(request.platform))
    if rules is None:
        return Role.NONE  # a platform nobody registered: nobody from there gets in
    if rules.owner_is_admin and ctx.db.is_sqlite:
        return Role.ADMIN
    granted = ctx.granted_role(request.caller)
    return Role(granted) if granted else rules.default_role


def refusal(request: ChatRequest, role: Role, needed: Role, doing: str) -> str:
    """What a caller is told when their role does not allow what they asked, with the way to get it."""
    if role is Role.NONE:
        return _(
            "You are not registered with callwatch. Ask an admin to run /role grant user={user} role=reporter"
        ).format(user=request.caller)
    return _(
        "{doing} needs the {needed} role; you are a {role}. Ask an admin to run /role grant user={user} role={needed}"
    ).format(doing=doing, needed=needed, role=role, user=request.caller)
