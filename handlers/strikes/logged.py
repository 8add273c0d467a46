"""The audit entry of a logged strike, the same whichever way it came in (typed, or confirmed from a preview)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers.chat.request import ChatRequest
from storage import audit
from storage.models import StrikeReport


def record_logged(session: Session, request: ChatRequest, stored: StrikeReport, at: datetime, **more: Any) -> None:
    audit.record(
        session,
        actor=request.caller,
        channel=request.channel,
        action="strike.log",
        at=at,
        entity="strike",
        entity_id=stored.id,
        details={
            "drones": stored.drones,
            "missiles": stored.missiles,
            "started_at": stored.started_at.isoformat(),
            **more,
        },
    )
