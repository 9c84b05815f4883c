"""The session time zone (``spark.sql.session.timeZone``) as a Python tzinfo."""

from __future__ import annotations

import datetime
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spate import _native


def tzinfo_for(name: str) -> datetime.tzinfo:
    """A tzinfo for a zone as Spark reads it (the engine's resolver): a region
    ("America/Los_Angeles", "PST"), "UTC"/"Z"/"GMT", or an offset ("+08:00", "GMT-3",
    "UTC+5:30"). UTC for a zone Spark rejects."""
    try:
        _, region, offset = _native.resolve_time_zone(name)
    except Exception:  # noqa: BLE001 - an invalid zone fails in the query, not here
        return datetime.timezone.utc
    if region:
        try:
            return ZoneInfo(region)
        except (ZoneInfoNotFoundError, ValueError):
            return datetime.timezone.utc
    return datetime.timezone(datetime.timedelta(seconds=offset)) if offset else datetime.timezone.utc


def session_tzinfo(session: Optional[object] = None) -> datetime.tzinfo:
    """The time zone of ``session``, else of the active session, else UTC."""
    from spate.sql.session import SparkSession

    session = session or SparkSession.getActiveSession()
    if session is None:
        return datetime.timezone.utc
    return tzinfo_for(session.conf.get("spark.sql.session.timeZone", "UTC") or "UTC")
