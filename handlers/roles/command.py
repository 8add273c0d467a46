"""/role — who may write. Admins only."""

from __future__ import annotations

import re

from handlers.chat.command import Command, always
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Table
from handlers.chat.request import ChatRequest, Platform, Role
from handlers.text import arguments
from handlers.text.times import show_time
from storage import audit, roles

USAGE = """\
/role grant user=USER role=admin|reporter|viewer|none
/role list
USER is a platform id: U123 (on Slack also @-mention it), telegram:456, or platform:id from another platform.
role=none withdraws a grant. Admins named in CALLWATCH_ADMINS are admins whatever is granted here."""

_SLACK_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    first, _, rest = request.text.strip().partition(" ")
    try:
        match first.lower():
            case "grant":
                return _grant(request, ctx, rest)
            case "list":
                if rest.strip():
                    raise arguments.ArgumentError("/role list takes no arguments")
                return _list(request, ctx)
            case "":
                return Reply(title="/role", text=USAGE)
        raise arguments.ArgumentError(f"unknown /role action {first!r}: use grant or list")
    except arguments.ArgumentError as error:
        return Reply.error(f"{error}\nUsage:\n{USAGE}")


def normalise_user(raw: str, platform: Platform) -> str:
    """`U123`, `<@U123|ann>`, `slack:U123`, `telegram:456` → `platform:id` (the caller's platform by default)."""
    text = raw.strip().lstrip("@")
    mention = _SLACK_MENTION.match(raw.strip())
    if mention:
        return f"slack:{mention.group(1)}"
    prefix, separator, user = text.partition(":")
    if separator:
        if prefix.lower() not in {p.value for p in Platform}:
            raise ValueError(f"unknown platform {prefix!r}: use slack:, telegram: or console:")
        platform, text = Platform(prefix.lower()), user
    if not _USER_ID.match(text):
        raise ValueError("is not a user id: give the platform's id (Slack U123…, Telegram's number)")
    if platform is Platform.TELEGRAM and not text.lstrip("-").isdigit():
        raise ValueError("Telegram user ids are numbers; the user sees theirs when the bot refuses them")
    return f"{platform}:{text}"


def _grant(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    spec = {
        "user": lambda raw: normalise_user(raw, request.platform),
        "role": arguments.choice("admin", "reporter", "viewer", "none"),
    }
    parsed = arguments.parse(text, spec, command="role", notes=False)
    if "user" not in parsed.values or "role" not in parsed.values:
        raise arguments.ArgumentError("both user= and role= are required")
    user, role = parsed.values["user"], parsed.values["role"]
    if user == request.caller and role != Role.ADMIN:
        return Reply.error("You cannot lower your own role; ask another admin.")
    now = ctx.now()
    with ctx.db.transaction() as session:
        _row, previous = roles.grant(session, user=user, role=role, granted_by=request.caller, at=now)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="role.grant",
            at=now,
            entity="user_role",
            details={"user": user, "role": role, "previous": previous},
        )
    ctx.forget_role(user)
    note = " (also an admin through CALLWATCH_ADMINS)" if user in ctx.settings.admin_ids else ""
    was = f", was {previous}" if previous and previous != role else ""
    return Reply(title="Role granted", text=f"{user} is now {role}{was}.{note}")


def _list(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    with ctx.db.reader() as session:
        rows = roles.listing(session)
    table_rows = [(admin, "admin", "CALLWATCH_ADMINS", "") for admin in sorted(ctx.settings.admin_ids)]
    table_rows += [
        (row.user, row.role, row.granted_by, show_time(row.granted_at, zone)) for row in rows if row.role != Role.NONE
    ]
    return Reply(
        title=f"Roles · {len(table_rows)} users",
        text="Users without a grant: Slack members may read; Telegram users are refused.",
        table=Table(("user", "role", "granted by", "when"), tuple(table_rows)),
    )


COMMAND = Command(
    name="role",
    summary="grant roles and list who may write (admins only)",
    usage=USAGE,
    handler=handle,
    role_for=always(Role.ADMIN),
)
