"""Built-in functions, as ``pyspark.sql.functions``: ``from spate.sql import functions as f``.

Arguments named ``col`` take a Column or a column name; other arguments
(patterns, formats, separators) are Python values used as literals. Each family
of functions lives in its own module of this package; all are exported here.
"""

import functools as _functools
import warnings as _warnings

from spate.sql.functions import (aggregates, collection, conditional, core, datetime, hashing, json,
                                 kll, math, misc, partitioning, sketches, string, user_defined,
                                 window_functions, xml)

# Module names differ from every function name (`aggregate` and `window` are functions).
_FAMILIES = (core, conditional, math, aggregates, string, datetime, collection, json, hashing,
             window_functions, misc, kll, sketches, xml, user_defined)

__all__ = []
for _module in _FAMILIES:
    for _name, _value in vars(_module).items():
        if (not _name.startswith("_") and callable(_value)
                and getattr(_value, "__module__", None) == _module.__name__):
            globals()[_name] = _value
            __all__.append(_name)
__all__.sort()
del _module, _name, _value


def _deprecated_transform(function):
    """The partition transforms at the top level, deprecated since Spark 4.0 as in PySpark."""
    @_functools.wraps(function)
    def deprecated(*args, **kwargs):
        _warnings.warn("Deprecated in 4.0.0, use partitioning.%s instead." % function.__name__, FutureWarning)
        return function(*args, **kwargs)
    return deprecated


for _function in (partitioning.years, partitioning.months, partitioning.days, partitioning.hours,
                  partitioning.bucket):
    globals()[_function.__name__] = _deprecated_transform(_function)
    __all__.append(_function.__name__)
__all__.sort()
del _function
