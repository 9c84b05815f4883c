"""Runs one program of a test module on PySpark 4.1 in this process's own JVM and writes its
outcome (pickled) to a file: ``pyspark_child.py MODULE_FILE PROGRAM OUT_FILE``.

PROGRAM names a module-level function, or ``DICT[key]`` for a program held in a dict. The
oracle runs programs whose long-running tasks could outlive them this way (continuous
queries), so that a JVM left waiting cannot stop the test session."""

import importlib.util
import os
import pickle
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle import Engine  # noqa: E402


def program_of(module_file, name):
    spec = importlib.util.spec_from_file_location("program_module", module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    held = re.fullmatch(r"(\w+)\[(\w+)\]", name)
    return getattr(module, held.group(1))[held.group(2)] if held else getattr(module, name)


def main(module_file, name, out_file):
    engine = Engine("pyspark")
    # The program's queries are left running: stopping a continuous one can wait forever.
    outcome = engine.run(program_of(module_file, name), False, keep_views=True)
    with open(out_file, "wb") as out:
        pickle.dump(outcome, out)
    # The JVM's own shutdown could wait on the queries this run leaves: the outcome is written.
    os._exit(0)


if __name__ == "__main__":
    main(*sys.argv[1:])
