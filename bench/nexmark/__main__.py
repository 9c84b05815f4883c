"""Every Nexmark query of bench/nexmark on Spate, and with --vs-spark on PySpark 4.1 too.

The events are generated once, by Spate's format("nexmark"), into Parquet files that both
engines read one a micro-batch (runner.write_events); each query runs in a process of its
own (runner --json), so that its peak memory is its own. Per query it prints events a
second, events per CPU second (the figure per core: all the process's threads, and for
PySpark its JVM's, whatever the number of cores they used), batch p99 and peak RSS, then
PySpark's figures and the ratio of events per CPU second, and the per-core figures that
Flink and Feldera publish for the queries they report.

    cd bench && ../.venv/bin/python -m nexmark [--events N] [--files N] [--vs-spark] [q0 q5 ...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from . import QUERIES
from .runner import session, write_events

# Published events a second per core: the Nexmark project's Flink run, and Feldera's run on
# 16 cores, for the queries they report.
PUBLISHED = {"q0": (155_000, 436_000), "q5": (22_000, 412_000), "q7": (12_000, 196_000)}


def run_query(engine, query, args, folder):
    """The figures of one query on one engine, from a child process."""
    command = [sys.executable, "-m", "nexmark.runner", "--engine", engine, "--query", query,
               "--events", str(args.events), "--folder", folder, "--json"]
    done = subprocess.run(command, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          env=dict(os.environ, PYSPARK_PYTHON=sys.executable),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit("%s %s failed:\n%s" % (engine, query, done.stderr[-4000:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(figures):
    return "%-8s %-4s %10.0f ev/s %10.0f ev/CPU s  p99 %7.0f ms  RSS %6.0f MB" % (
        figures["engine"], figures["query"], figures["events_per_second"],
        figures["events_per_cpu_second"], figures["batch_p99_ms"], figures["peak_rss_mb"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--vs-spark", action="store_true", help="run each query on PySpark 4.1 too")
    parser.add_argument("queries", nargs="*", metavar="query", help="of %s (default: all)" % ", ".join(QUERIES))
    args = parser.parse_args()
    unknown = [q for q in args.queries if q not in QUERIES]
    if unknown:
        parser.error("unknown queries %s: the queries are %s" % (", ".join(unknown), ", ".join(QUERIES)))
    args.queries = args.queries or QUERIES
    with tempfile.TemporaryDirectory(prefix="nexmark-") as folder:
        events = write_events(session("spate"), os.path.join(folder, "events"), args.events, args.files)
        for query in args.queries:
            spate = run_query("spate", query, args, events)
            print(line(spate), flush=True)
            if args.vs_spark:
                spark = run_query("pyspark", query, args, events)
                print(line(spark) + "  Spate/PySpark per CPU s %.1fx" % (
                    spate["events_per_cpu_second"] / spark["events_per_cpu_second"]), flush=True)
            if query in PUBLISHED:
                print("%-8s %-4s %10.0f ev/s/core (Flink, Nexmark project)  %10.0f ev/s/core "
                      "(Feldera, 16 cores)" % (("published", query) + PUBLISHED[query]), flush=True)


if __name__ == "__main__":
    main()
