#!/usr/bin/env bash
# Builds the self-contained wheel (scripts/build_wheel.sh), installs it into a fresh
# venv (which gets pyarrow from the package index, as a user's would) and runs there,
# from an empty folder, the smoke test and the fresh-process import-order checks.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/wheel-test
rm -rf "$out"
mkdir -p "$out"
wheel=$(scripts/build_wheel.sh "$out/wheelhouse" | tail -1)
echo "wheel-test: built $wheel ($(du -h "$wheel" | cut -f1))"

python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install -q "$wheel"
# What the import-order checks load beside Spate, at the versions the tests pin.
"$out/venv/bin/python" -m pip install -q $(grep -E '^(pandas|requests|grpcio|pyiceberg|confluent-kafka)' requirements.txt)
# From an empty folder, without the repository or the .venv on any path.
(cd "$out" && env -u LD_LIBRARY_PATH -u PYTHONPATH venv/bin/python "$OLDPWD/tests/wheel/smoke.py")
(cd "$out" && env -u LD_LIBRARY_PATH -u PYTHONPATH venv/bin/python "$OLDPWD/tests/python/isolation_checks.py")
