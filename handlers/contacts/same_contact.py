"""When two reports are the same contact — one rule, for the chat and for imports alike.

Same parties (in any order or case, after the text rule), and either two reports with an hour within two hours of
each other, or a date-only report and any report on that day. The later report is stored, linked to the first,
and opens no second readiness window.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.contacts import window_root
from storage.models import ContactReport

SAME_CONTACT_WITHIN = timedelta(hours=2)  # two reports with an hour, same parties: one contact within this
SAME_CONTACT_DAY = timedelta(hours=24)  # a date-only report is the same contact as any report on its day


def first_report_of(session: Session, contact: ContactReport) -> ContactReport | None:
    """The live, original report of the contact `contact` reports again, or None when it is a new contact."""
    return window_root(
        session,
        contact.parties_key,
        contact.occurred_at,
        SAME_CONTACT_WITHIN,
        time_known=contact.time_known,
        day=SAME_CONTACT_DAY,
    )
