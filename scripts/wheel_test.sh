#!/usr/bin/env bash
# Builds the wheel with `pip wheel .`, installs it into a fresh venv (which gets
# pyarrow from the package index, as a user's would) and runs a smoke test there.
# The build reuses the .venv's build tools (--no-build-isolation) so that the
# compiler calls match `make build`'s and ccache serves them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/wheel-test
rm -rf "$out"
mkdir -p "$out"
.venv/bin/python -m pip wheel -q --no-build-isolation --no-deps -w "$out/dist" .
wheel=$(ls "$out"/dist/spate-*.whl)
echo "wheel-test: built $wheel ($(du -h "$wheel" | cut -f1))"
python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install -q "$wheel"
# From an empty folder, without the repository or the .venv on any path.
(cd "$out" && env -u LD_LIBRARY_PATH -u PYTHONPATH venv/bin/python "$OLDPWD/tests/wheel/smoke.py")
