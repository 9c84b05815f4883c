"""``spark.conf``: the session's runtime configuration, as ``pyspark.sql.conf.RuntimeConfig``."""

from __future__ import annotations

from typing import Any, Dict, Optional

from spate import _native
from spate.errors import SparkNoSuchElementException, _raise


class _NoValue:
    pass


_UNSET = "\x00unset"


class RuntimeConfig:
    """String keys and values (``spark.sql.session.timeZone``, ``spark.sql.ansi.enabled``, ...)
    with Spark's defaults."""

    def __init__(self, jsession: _native.Session) -> None:
        self._jsession = jsession

    def set(self, key: str, value: Any) -> None:
        """Sets a key; booleans are stored as ``"true"``/``"false"`` as in Spark."""
        if isinstance(value, bool):
            value = "true" if value else "false"
        self._jsession.conf_set(key, str(value))

    def get(self, key: str, default: Any = _NoValue) -> Optional[str]:
        """The value of a key, else ``default``, else Spark's default; an unknown key without a
        default raises SparkNoSuchElementException."""
        if default is _NoValue:
            value = self._jsession.conf_get(key)
            if value is None:
                _raise(SparkNoSuchElementException, "SQL_CONF_NOT_FOUND",
                       'The SQL config "%s" cannot be found. Please verify that the config exists. '
                       "SQLSTATE: 42K0I" % key, sqlConf=key)
            return value
        # A key set in this session wins over the default given; Spark's default does not.
        value = self._jsession.conf_get_or(key, _UNSET)
        if value != _UNSET:
            return value
        return None if default is None else str(default)

    def unset(self, key: str) -> None:
        """Goes back to Spark's default for a key."""
        self._jsession.conf_unset(key)

    @property
    def getAll(self) -> Dict[str, str]:
        """Every key with its value."""
        return dict(self._jsession.conf_get_all())

    def isModifiable(self, key: str) -> bool:
        return key.startswith("spark.sql.")
