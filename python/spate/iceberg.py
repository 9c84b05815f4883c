"""Iceberg table maintenance, as Iceberg's Spark procedures
``expire_snapshots`` and ``rewrite_data_files`` do it::

    from spate import iceberg
    iceberg.expire_snapshots(spark, "cat.db.events", retain_last=1)
    iceberg.rewrite_data_files(spark, "cat.db.events")
"""

import time
from typing import Optional

from spate import _native

__all__ = ["expire_snapshots", "rewrite_data_files"]


def expire_snapshots(spark, table: str, older_than: Optional[float] = None, retain_last: int = 1) -> int:
    """Removes snapshots older than ``older_than`` (seconds since the epoch;
    default: now), keeping the last ``retain_last`` and the current one, and
    deletes the files only they referenced. Returns the number removed."""
    if retain_last < 1:
        raise ValueError("retain_last must be at least 1, got %d" % retain_last)
    cutoff = time.time() if older_than is None else older_than
    return _native.iceberg_expire_snapshots(spark._jsession, table, int(cutoff * 1000), retain_last)


def rewrite_data_files(spark, table: str, target_file_size_bytes: int = 512 * 1024 * 1024) -> int:
    """Compacts each partition's data files smaller than the target into
    fewer files (a "replace" snapshot). Returns the number of files rewritten."""
    if target_file_size_bytes <= 0:
        raise ValueError("target_file_size_bytes must be positive, got %d" % target_file_size_bytes)
    return _native.iceberg_rewrite_data_files(spark._jsession, table, target_file_size_bytes)
