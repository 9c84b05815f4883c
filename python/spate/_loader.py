"""Loads the native libraries Spate shares with pyarrow in an order that keeps
each library's calls inside its own code.

pyarrow's C++ libraries (``libarrow``, ``libarrow_compute``, ``libparquet``, ...)
export the third-party code they carry: OpenSSL, Abseil, RE2, protobuf, simdjson
and some of libstdc++. The dynamic loader binds a library's undefined symbols to
the first library of its lookup scope that defines them, and a library's scope is
the dependency tree of whatever ``dlopen`` loaded it. So, before the extension
``spate._native`` is loaded:

* libstdc++ is loaded on its own (ctypes: ``dlopen`` with RTLD_LOCAL), so that its
  calls to its own functions stay in it rather than going to the copies that
  ``libarrow_compute`` exports (when pyarrow was imported before Spate, this has
  happened already and the step changes nothing);
* pyarrow is imported, which loads all of its libraries with only each other in
  scope: their calls stay in pyarrow's copies (``libparquet``'s OpenSSL, for one).

The extension then lists its own dependencies (the system libcrypto, libcurl,
RocksDB, ...) ahead of pyarrow's libraries (cmake/SpateNativeDeps.cmake), so that
they bind to each other, not to pyarrow's copies. docs/architecture.md, "Native
libraries in one process", has the whole story.

Before pyarrow loads, its allocator (mimalloc) is told to keep the memory it frees
for reuse instead of returning it to the system ten milliseconds later: every
batch of a query allocates and frees buffers of the same sizes, and memory taken
back from the system is zeroed again page by page, which can cost more than the
query's own work (docs/architecture.md, "Memory"). A ``MIMALLOC_PURGE_DELAY`` the
user set is left alone, and the variable is not left in the environment of the
processes this one starts.
"""

import ctypes
import os
import sys

# mimalloc's option: milliseconds before freed memory goes back to the system;
# -1 keeps it.
_PURGE_DELAY = "MIMALLOC_PURGE_DELAY"


def prepare():
    try:
        ctypes.CDLL("libstdc++.so.6")
    except OSError:  # no shared C++ runtime to order
        pass
    keep_memory = _PURGE_DELAY not in os.environ and "pyarrow" not in sys.modules
    if keep_memory:
        os.environ[_PURGE_DELAY] = "-1"
    try:
        import pyarrow  # noqa: F401
    finally:
        if keep_memory:
            del os.environ[_PURGE_DELAY]
