"""The fault injector itself: it forwards, a cut breaks what is open and refuses what is new, a restore heals."""

from __future__ import annotations

import pytest
import sqlalchemy
from sqlalchemy import text

from tests.faults.proxy import BreakableProxy

pytestmark = pytest.mark.postgres


def test_cut_breaks_open_connections_refuses_new_ones_and_restore_heals(
    db_proxy: BreakableProxy, proxied_postgres_url: str
) -> None:
    engine = sqlalchemy.create_engine(proxied_postgres_url, pool_pre_ping=True)
    try:
        with engine.connect() as held:
            assert held.execute(text("SELECT 1")).scalar_one() == 1
            assert db_proxy.open_connections == 1
            db_proxy.cut()
            with pytest.raises(sqlalchemy.exc.OperationalError):
                held.execute(text("SELECT 1"))  # the open connection is gone mid-session
        with pytest.raises(sqlalchemy.exc.OperationalError, match=r"(?i)refused"), engine.connect() as fresh:
            fresh.execute(text("SELECT 1"))
        db_proxy.restore()
        with engine.connect() as healed:  # the pool's pre-ping replaces what the cut killed
            assert healed.execute(text("SELECT 2")).scalar_one() == 2
    finally:
        engine.dispose()
    assert db_proxy.accepted >= 2
