"""Importing Spate before pyarrow makes pyarrow's allocator keep the memory a query
frees for the next one, instead of handing it back to the system (where taking it
again means the kernel zeroes it page by page). Each case runs in a fresh process,
as a user's script does."""

import subprocess
import sys
import textwrap

# Allocates and fills 512 MiB through Arrow's default pool, frees it, waits past
# mimalloc's default purge delay (10 ms), and prints how much of it the process
# still holds, in MiB, and whether the variable is left in the environment.
PROGRAM = textwrap.dedent("""
    import os, time
    {imports}
    import pyarrow as pa

    def rss_mib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024

    before = rss_mib()
    buf = pa.allocate_buffer(512 << 20)
    memoryview(buf).cast("B")[::4096] = b"\\x01" * ((512 << 20) // 4096)
    del buf
    time.sleep(0.5)
    pa.default_memory_pool().release_unused()  # what mimalloc would do after its delay
    time.sleep(0.5)
    print(rss_mib() - before, "MIMALLOC_PURGE_DELAY" in os.environ)
""")


def run(imports, env_extra=None):
    import os
    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    env.update(env_extra or {})
    out = subprocess.run([sys.executable, "-c", PROGRAM.format(imports=imports)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), out[1] == "True"


def test_spate_first_keeps_freed_memory_for_reuse():
    held, leaked_env = run("import spate.sql")
    assert held > 400, f"only {held} MiB of the freed 512 MiB kept"
    assert not leaked_env


def test_pyarrow_alone_returns_freed_memory():
    # The control: without Spate the same program gives the memory back, so the
    # check above measures Spate's setting, not the program.
    held, _ = run("")
    assert held < 100, f"{held} MiB kept without Spate"


def test_users_own_setting_is_left_alone():
    held, kept_env = run("import spate.sql", {"MIMALLOC_PURGE_DELAY": "0"})
    assert held < 100, f"{held} MiB kept although the user asked for immediate purging"
    assert kept_env
