"""The session time zone (``spark.sql.session.timeZone``) as a Python tzinfo."""

from __future__ import annotations

import datetime
import re
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET_RE = re.compile(r"^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$")


def tzinfo_for(name: str) -> datetime.tzinfo:
    """A tzinfo for a Spark time zone id: a region ("America/Los_Angeles"),
    "UTC"/"Z", or an offset ("+08:00", "GMT-5")."""
    if name in ("Z", "UTC", "GMT", "UT"):
        return datetime.timezone.utc
    match = _OFFSET_RE.match(name)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = datetime.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return datetime.timezone(sign * delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.timezone.utc


def session_tzinfo(session: Optional[object] = None) -> datetime.tzinfo:
    """The time zone of ``session``, else of the active session, else UTC."""
    from spate.sql.session import SparkSession

    session = session or SparkSession.getActiveSession()
    if session is None:
        return datetime.timezone.utc
    return tzinfo_for(session.conf.get("spark.sql.session.timeZone", "UTC") or "UTC")
