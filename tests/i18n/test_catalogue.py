"""Every reply, form, alert and error exists in English and Ukrainian.

Three nets: every message the code marks (`_`, `N_`, `ngettext`) has a Ukrainian translation with the same
placeholders and, for plurals, all three Ukrainian forms; no text a person reads is left unmarked (an AST scan of
the places replies, buttons, forms and errors are made); and replies really come out in Ukrainian for someone who
chose it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.i18n import activate, ngettext
from handlers.i18n.catalog import catalogue, plural_index
from handlers.i18n.maintain import ROOT, marked_messages, missing, placeholders

# Calls whose first argument, or whose named arguments below, are read by people.
MESSAGE_CALLS = {"Reply", "Reply.error", "Button", "ArgumentError", "ValueError", "TimeParseError", "UnknownZoneError"}
READ_KEYWORDS = {"title", "text", "footer", "label", "hint", "placeholder", "summary", "usage", "question", "message"}
# Where replies are made. The command line speaks English to operators; logs and benches are not replies.
SCANNED = ("handlers", "bot")
# Operators' text is English: the command line, logs, settings problems, start-up refusals, HTTP bodies for load
# balancers and platforms. Benches and the import report are the command line's.
NOT_REPLIES = (
    "bot/cli/",
    "bot/logs.py",
    "bot/health.py",
    "bot/platforms.py",
    "bot/supervisor.py",
    "bot/slack/platform.py",
    "bot/slack/startup.py",
    "bot/slack/web.py",
    "bot/telegram/platform.py",
    "bot/telegram/startup.py",
    "bot/telegram/webhook.py",
    "bot/console/platform.py",
    "handlers/chat/settings.py",
    "handlers/i18n/",
    "handlers/imports/",
)
# Files whose text is still being marked for translation; each must leave this list (tests/i18n is the gate).
NOT_YET: tuple[str, ...] = ()
INTERNAL = "i18n: internal"  # a comment on the line: the text is for developers (a programming error), not people


def test_every_marked_message_has_a_ukrainian_translation_with_the_same_placeholders() -> None:
    absent = missing("uk")
    assert not absent, "untranslated (run `python -m handlers.i18n.maintain`):\n" + "\n".join(
        f"{item.path}:{item.line}: {item.message!r}" for item in absent[:40]
    )
    uk = catalogue("uk")
    for marked in marked_messages():
        if isinstance(marked.message, tuple):
            forms = uk.plurals[marked.message]
            assert len(forms) == 3 and all(forms), (marked.path, marked.message)
            expected = placeholders(marked.message[0]) | placeholders(marked.message[1])
            for form in forms:
                assert placeholders(form) <= expected and placeholders(form) >= placeholders(marked.message[1]) - {
                    "n"
                }, (marked.path, marked.message, form)
        else:
            assert placeholders(uk.singles[marked.message]) == placeholders(marked.message), (
                marked.path,
                marked.message,
            )


def _unmarked(tree: ast.AST, lines: list[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            callee = f"{func.value.id}.{func.attr}" if isinstance(func.value, ast.Name) else func.attr
        else:
            callee = getattr(func, "id", "")
        candidates: list[ast.expr] = []
        if callee in MESSAGE_CALLS and node.args:
            candidates.append(node.args[0])
        candidates += [keyword.value for keyword in node.keywords if keyword.arg in READ_KEYWORDS]
        for value in candidates:
            if _is_words(value) and INTERNAL not in lines[value.lineno - 1]:
                yield value.lineno, ast.unparse(value)[:80]


def _is_words(node: ast.expr) -> bool:
    """A literal (or f-string) with English words in its literal parts: text someone must have marked."""
    parts: list[str] = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        parts = [part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    words = " ".join(parts).replace("callwatch", "")
    return sum(1 for word in words.split() if word.isalpha() and word.isascii() and len(word) > 2) >= 2


def test_no_reply_text_is_left_unmarked() -> None:
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative.startswith(NOT_REPLIES) or relative in NOT_YET:
                continue
            source = path.read_text()
            found += [f"{relative}:{line}: {text}" for line, text in _unmarked(ast.parse(source), source.splitlines())]
    assert not found, "text people read, not marked for translation:\n" + "\n".join(found[:60])


def test_files_waiting_for_translation_exist() -> None:
    for relative in NOT_YET:  # a stale entry would hide a new file of the same name later
        assert (ROOT / relative).is_file(), relative


@pytest.mark.parametrize(
    ("n", "form"), [(0, 2), (1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (12, 2), (14, 2), (21, 0), (22, 1), (111, 2)]
)
def test_ukrainian_plural_forms(n: int, form: int) -> None:
    assert plural_index("uk", n) == form


def test_english_needs_no_catalogue_and_plurals_follow_english_rules() -> None:
    with activate("en"):
        assert ngettext("{n} day", "{n} days", 1).format(n=1) == "1 day"
        assert ngettext("{n} day", "{n} days", 2).format(n=2) == "2 days"


def test_a_language_code_from_a_platform_is_read_or_ignored() -> None:
    from handlers.i18n import supported

    assert supported("uk") == supported("uk-UA") == supported("UK_ua.UTF-8") == "uk"
    assert supported("en-GB") == "en"
    assert supported("de") is None and supported("") is None and supported(None) is None


def test_catalogue_files_are_read_from_the_installed_package() -> None:
    folder = Path(str(ROOT / "handlers" / "i18n" / "locale" / "uk"))
    assert sorted(folder.glob("*.po")), "no Ukrainian catalogue"
