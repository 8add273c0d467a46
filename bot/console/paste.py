"""How the console, which reads line by line, recognises a pasted Air Force report.

Lines that are not commands are gathered into one pasted text. The paste ends at the next command, at two empty
lines in a row (a report's paragraphs are separated by one), or at the end of the input; it is then read as a
report (`/strike preview`). A terminal that pastes in one piece (readline's bracketed paste) hands over a line with
line breaks inside: that is a whole paste at once, or, when it starts with `/`, a command with its text on the
lines below (`/strike` followed by the report).

Outside a paste, empty lines and `#` comments are skipped as before; inside one they are part of the text (a
post's hashtags start with `#`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    line: str


@dataclass(frozen=True)
class Pasted:
    text: str

    @property
    def one_line(self) -> bool:
        return "\n" not in self.text


Unit = Command | Pasted


@dataclass
class PasteReader:
    lines: list[str] = field(default_factory=list)
    blanks: int = 0  # empty lines in a row since the last text line of the paste

    @property
    def gathering(self) -> bool:
        return bool(self.lines)

    def take(self, line: str) -> list[Unit]:
        """What is ready to run once `line` has been read (often nothing yet, while a paste goes on)."""
        text = line.rstrip("\r\n")
        if "\n" in text.strip("\n"):  # a terminal's bracketed paste: several lines in one
            ready = self.finish()
            whole = text.strip("\n")
            return [*ready, Command(whole) if whole.lstrip().startswith("/") else Pasted(whole.strip())]
        stripped = text.strip()
        if stripped.startswith("/"):
            return [*self.finish(), Command(text)]
        if not self.gathering:
            if not stripped or stripped.startswith("#"):
                return []
            self.lines.append(text)
            return []
        if not stripped:
            self.blanks += 1
            return self.finish() if self.blanks >= 2 else []
        self.lines += [""] * self.blanks + [text]
        self.blanks = 0
        return []

    def finish(self) -> list[Unit]:
        """The paste gathered so far, if any (at the end of the input, or before a command)."""
        if not self.gathering:
            return []
        pasted = Pasted("\n".join(self.lines).strip())
        self.lines, self.blanks = [], 0
        return [pasted]
