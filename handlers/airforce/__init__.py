"""The Ukrainian Air Force's overnight reports, read into counts: `parse_report` (pure, no I/O)."""

from handlers.airforce.parser import parse_report
from handlers.airforce.report import Hits, ParsedReport, Refusal, WeaponCount

__all__ = ["Hits", "ParsedReport", "Refusal", "WeaponCount", "parse_report"]
