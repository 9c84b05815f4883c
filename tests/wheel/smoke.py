"""Runs in a fresh venv where the spate wheel (and its dependencies) is installed:
the package imports from site-packages, finds libspate, the native libraries the
wheel carries and Arrow's libraries by itself, and runs a batch and a streaming
query."""

import os
import sys
import sysconfig
import tempfile

import spate
from spate import _native
from spate.errors import AnalysisException
from spate.sql import SparkSession, functions as f

site = sysconfig.get_paths()["platlib"]
assert spate.__file__.startswith(site), spate.__file__
assert os.path.dirname(_native.__file__) == os.path.join(site, "spate")
assert os.path.exists(os.path.join(site, "spate", "_native.pyi"))
assert os.path.exists(os.path.join(site, "spate", "py.typed"))
assert "LD_LIBRARY_PATH" not in os.environ
# The native libraries in use are the wheels' own, from this venv.
with open("/proc/self/maps") as maps:
    loaded = {line.split()[-1] for line in maps if ".so" in line}
for name in ("libspate.so", "libarrow.so", "librdkafka"):
    paths = [p for p in loaded if os.path.basename(p).startswith(name)]
    assert paths and all(p.startswith(site) for p in paths), (name, paths)

# Self-contained: every library the extension needs resolves inside this venv (the
# wheel's spate.libs/, pyarrow's and confluent-kafka's folders), but those the
# manylinux policy lets a wheel take from the system (glibc's, the C++ runtime, zlib).
import subprocess
RUNTIME = ("linux-vdso", "ld-linux", "libc.so", "libm.so", "libdl.so", "librt.so", "libpthread.so",
           "libresolv.so", "libstdc++.so", "libgcc_s.so", "libz.so")
ldd = subprocess.run(["ldd", _native.__file__], capture_output=True, text=True, check=True).stdout
for line in ldd.splitlines():
    name = os.path.basename(line.split()[0])
    if name.startswith(RUNTIME):
        continue
    assert "=> " + site in line, "resolved outside the venv: " + line.strip()
assert os.path.isdir(os.path.join(site, "spate.libs")), "no spate.libs/ in the wheel"

spark = SparkSession.builder.appName("wheel-smoke").getOrCreate()
df = spark.createDataFrame([(1, "a", 10), (2, "b", 20), (3, "a", 5)], "id INT, k STRING, v INT")
got = [tuple(r) for r in df.groupBy("k").agg(f.sum("v").alias("s")).orderBy("k").collect()]
assert got == [("a", 15), ("b", 20)], got
assert df.toArrow().num_rows == 3

try:
    df.select("nope")
    raise SystemExit("expected an AnalysisException")
except AnalysisException as e:
    assert e.getErrorClass().startswith("UNRESOLVED_COLUMN"), e.getErrorClass()

with tempfile.TemporaryDirectory() as tmp:
    seen = []
    stream = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 4).load()
    q = (stream.select((f.col("value") * 2).alias("twice")).writeStream
         .foreachBatch(lambda batch, batch_id: seen.extend(r.twice for r in batch.collect()))
         .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(once=True).start())
    q.awaitTermination()
    assert sorted(seen) == [0, 2, 4, 6], seen
    assert q.lastProgress.numInputRows == 4

spark.stop()
print("wheel smoke test passed: spate %s from %s (Python %s)"
      % (spate.__version__, os.path.dirname(spate.__file__), sys.version.split()[0]))
