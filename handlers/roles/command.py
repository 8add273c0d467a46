"""/role — who may write. Admins only; the rules that decide a caller's role are in `rules.py`."""

from __future__ import annotations

from collections.abc import Mapping

from handlers.chat.command import Action, Command, explained
from handlers.chat.context import HandlerContext
from handlers.chat.platform_rules import PlatformRules
from handlers.chat.reply import Reply, Table
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import N_, _, ngettext
from handlers.text import arguments
from handlers.text.times import show_time
from storage import audit, roles

USAGE = N_("""\
/role grant user=USER role=admin|reporter|viewer|none
/role list
USER is a platform id: U123 (on Slack also @-mention it), telegram:456, or platform:id from another platform.
role=none withdraws a grant. Admins named in CALLWATCH_ADMINS are admins whatever is granted here.""")

# Roles as read in prose and tables; `role=` still takes the English word.
ROLE_NAMES = {
    Role.ADMIN: N_("admin"),
    Role.REPORTER: N_("reporter"),
    Role.VIEWER: N_("viewer"),
    Role.NONE: N_("no role"),
}


def role_name(role: str) -> str:
    """A role for reading ("viewer" → "глядач" in Ukrainian); an unknown value is shown as stored."""
    return _(ROLE_NAMES[Role(role)]) if role in ROLE_NAMES else role


def normalise_user(raw: str, caller_platform: str, platforms: Mapping[str, PlatformRules]) -> str:
    """A user as typed → `platform:id`: `slack:U123`, `telegram:456`, or an id on the caller's own platform.

    Each platform reads its own ids (`<@U123|ann>` on Slack, numbers on Telegram), so a new platform brings its rule.
    """
    text = raw.strip()
    prefix, separator, rest = text.partition(":")
    named = bool(separator) and prefix.lower() in platforms  # `telegram:456`: the platform is named
    if named:
        name, text = prefix.lower(), rest
    else:
        name = caller_platform  # an id of the caller's own platform, which may itself hold a colon (@ann:matrix.org)
    rules = platforms.get(name)
    if rules is None:
        raise ValueError(_("users of {platform} cannot be granted roles here").format(platform=repr(name)))
    try:
        return f"{name}:{rules.parse_user(text)}"
    except ValueError:
        if separator and not named and prefix.isalpha():  # `matrix:ann` typed where no matrix exists
            known = ", ".join(f"{known}:" for known in sorted(platforms))
            raise ValueError(
                _("unknown platform {platform}: use {known}").format(platform=repr(prefix), known=known)
            ) from None
        raise


def _usage(_request: ChatRequest, _ctx: HandlerContext) -> Reply:
    return Reply(title="/role", text=_(USAGE))


def _grant(request: ChatRequest, ctx: HandlerContext) -> Reply:
    spec = {
        "user": lambda raw: normalise_user(raw, str(request.platform), ctx.platforms),
        "role": arguments.choice("admin", "reporter", "viewer", "none"),
    }
    parsed = arguments.parse(request.text, spec, command="role", notes=False)
    if "user" not in parsed.values or "role" not in parsed.values:
        raise arguments.ArgumentError(_("both user= and role= are required"))
    user, role = parsed.values["user"], parsed.values["role"]
    if user == request.caller and role != Role.ADMIN:
        return Reply.error(_("You cannot lower your own role; ask another admin."))
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
    changed = previous not in (None, "", role, Role.NONE)  # "was no role" says nothing
    if role == Role.NONE and changed:
        text = _("{user} no longer has a role, was {previous}.").format(user=user, previous=role_name(previous))
    elif role == Role.NONE:
        text = _("{user} has no role.").format(user=user)
    elif changed:
        text = _("{user} is now {role}, was {previous}.").format(
            user=user, role=role_name(role), previous=role_name(previous)
        )
    else:
        text = _("{user} is now {role}.").format(user=user, role=role_name(role))
    if user in ctx.settings.admin_ids:
        text += " " + _("(also an admin through CALLWATCH_ADMINS)")
    return Reply(title=_("Role granted"), text=text)


def _list(request: ChatRequest, ctx: HandlerContext) -> Reply:
    if request.text.strip():
        raise arguments.ArgumentError(_("/role list takes no arguments"))
    zone = ctx.channel_zone(request.channel)
    with ctx.db.reader() as session:
        rows = roles.listing(session)
    admin = role_name(Role.ADMIN)
    table_rows = [(user, admin, "CALLWATCH_ADMINS", "") for user in sorted(ctx.settings.admin_ids)]
    table_rows += [
        (row.user, role_name(row.role), row.granted_by, show_time(row.granted_at, zone))
        for row in rows
        if row.role != Role.NONE
    ]
    refused = _("refused")
    defaults = "; ".join(
        f"{name}: {role_name(rules.default_role) if rules.default_role is not Role.NONE else refused}"
        for name, rules in sorted(ctx.platforms.items())
    )
    count = len(table_rows)
    return Reply(
        title=ngettext("Roles · {n} user", "Roles · {n} users", count).format(n=count),
        text=_("Users without a grant — {defaults}.").format(defaults=defaults),
        table=Table((_("user"), _("role"), _("granted by"), _("when")), tuple(table_rows)),
    )


COMMAND = Command(
    name="role",
    summary=N_("grant roles and list who may write (admins only)"),
    usage=USAGE,
    actions=(
        Action("grant", Role.ADMIN, explained(_grant, USAGE), word="grant", writes=True),
        Action("list", Role.ADMIN, explained(_list, USAGE), word="list"),
        Action("help", Role.ADMIN, _usage, word="help", bare=True),
    ),
)
