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
"""

import ctypes


def prepare():
    try:
        ctypes.CDLL("libstdc++.so.6")
    except OSError:  # no shared C++ runtime to order
        pass
    import pyarrow  # noqa: F401
