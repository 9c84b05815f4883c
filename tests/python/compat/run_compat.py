"""Runs the compatibility programs on one engine and prints or checks the results.

    python tests/python/compat/run_compat.py spate             # compare with expected/
    python tests/python/compat/run_compat.py pyspark           # the same, on PySpark
    python tests/python/compat/run_compat.py spate --record    # rewrite expected/

The expected outputs are what Spark's semantics give; both engines must match them.
"""

import argparse
import importlib
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from programs import PROGRAMS  # noqa: E402


def expected_path(name):
    return os.path.join(HERE, "expected", name + ".json")


# The same settings on both engines; put back afterwards (the session may be shared).
CONF = {"spark.sql.session.timeZone": "UTC", "spark.sql.shuffle.partitions": "2"}


def run(engine, program):
    sql = importlib.import_module(engine + ".sql")
    spark = sql.SparkSession.builder.appName("compat").master("local[2]").getOrCreate()
    saved = {key: spark.conf.get(key) for key in CONF}
    for key, value in CONF.items():
        spark.conf.set(key, value)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = program(sql, spark, tmp)
    finally:
        for key, value in saved.items():
            spark.conf.set(key, value)
    return json.loads(json.dumps(result))  # what the recorded file holds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["spate", "pyspark"])
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    failed = 0
    for program in PROGRAMS:
        got = run(args.engine, program)
        if args.record:
            with open(expected_path(program.__name__), "w") as out:
                json.dump(got, out, indent=1, sort_keys=True)
                out.write("\n")
            continue
        with open(expected_path(program.__name__)) as src:
            want = json.load(src)
        status = "ok" if got == want else "DIFFERS"
        failed += got != want
        print("%-40s %s" % (program.__name__, status))
        if got != want:
            print("  expected:", json.dumps(want, sort_keys=True))
            print("  got:     ", json.dumps(got, sort_keys=True))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
