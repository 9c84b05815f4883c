"""The console progress line: a bar of the files an availableNow run has read and a status line
for a long batch, on stderr only when it is a terminal, off with spark.ui.showConsoleProgress=false."""

import os
import subprocess
import sys

CHILD = """
import sys, time
from spate.sql import SparkSession
src, chk, show = sys.argv[1], sys.argv[2], sys.argv[3]
spark = (SparkSession.builder.config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", show).getOrCreate())
df = spark.readStream.schema("a INT").option("maxFilesPerTrigger", 1).json(src)
def slow_first(batch, batch_id):
    if batch_id == 0:
        time.sleep(4.5)
q = (df.writeStream.queryName("console_bar").foreachBatch(slow_first).trigger(availableNow=True)
     .option("checkpointLocation", chk).start())
q.awaitTermination()
print("done", file=sys.stderr)
"""


def run_child(tmp_path, show, tty):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(4):
        (src / ("f%d.json" % i)).write_text('{"a": %d}\n' % i)
    args = [sys.executable, "-c", CHILD, str(src), str(tmp_path / "chk"), show]
    if not tty:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr
    master, slave = os.openpty()
    proc = subprocess.Popen(args, stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


def test_bar_and_long_batch_status_on_a_terminal(tmp_path):
    out = run_child(tmp_path, "true", tty=True)
    assert "[console_bar] batch 0 running for 3 s" in out
    assert "[console_bar] [" in out and "] 1/4 files" in out
    assert "[" + "=" * 30 + "] 4/4 files" in out
    assert "\r" in out and "done" in out


def test_silent_when_off_or_not_a_terminal(tmp_path):
    (tmp_path / "off").mkdir()
    (tmp_path / "pipe").mkdir()
    assert "[console_bar]" not in run_child(tmp_path / "off", "false", tty=True)
    assert "[console_bar]" not in run_child(tmp_path / "pipe", "true", tty=False)
