#!/usr/bin/env bash
# Builds the self-contained wheel into the folder given (default dist/): `pip wheel .`,
# then scripts/repair_wheel.py (auditwheel repair: the native libraries copied in, a
# manylinux tag) and its `auditwheel show` check. Prints the wheel's path last.
# The build reuses the .venv's build tools (--no-build-isolation) so that the
# compiler calls match `make build`'s and ccache serves them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
work=build/wheel-raw
rm -rf "$work"
mkdir -p "$work" "$out"
.venv/bin/python -m pip wheel -q --no-build-isolation --no-deps -w "$work" .
wheel=$(.venv/bin/python scripts/repair_wheel.py repair "$(ls "$work"/spate-*.whl)" "$out" | tail -1)
.venv/bin/python scripts/repair_wheel.py check "$wheel" >&2
echo "$wheel"
