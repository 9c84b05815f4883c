"""Built-in functions, as ``pyspark.sql.functions``: ``from spate.sql import functions as f``.

Arguments named ``col`` take a Column or a column name; other arguments
(patterns, formats, separators) are Python values used as literals. Each family
of functions lives in its own module of this package; all are exported here.
"""

from spate.sql.functions import (aggregates, collection, conditional, core, datetime, hashing, json,
                                 math, misc, string, user_defined, window_functions)

# Module names differ from every function name (`aggregate` and `window` are functions).
_FAMILIES = (core, conditional, math, aggregates, string, datetime, collection, json, hashing,
             window_functions, misc, user_defined)

__all__ = []
for _module in _FAMILIES:
    for _name, _value in vars(_module).items():
        if (not _name.startswith("_") and callable(_value)
                and getattr(_value, "__module__", None) == _module.__name__):
            globals()[_name] = _value
            __all__.append(_name)
__all__.sort()
del _module, _name, _value
