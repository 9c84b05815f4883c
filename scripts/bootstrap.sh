#!/usr/bin/env bash
# Installs what building and testing Spate needs on a Debian 12 machine:
# Debian packages (only those missing, with apt-get as root) and a .venv with
# the pinned Python packages of requirements.txt. Safe to run repeatedly: it
# does nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  librdkafka-dev rapidjson-dev librocksdb-dev libavro-dev
  libcurl4-openssl-dev libpq-dev libfmt-dev libcli11-dev libxml2-dev liblzma-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-venv python3-dev
  openjdk-17-jre-headless maven openssl postgresql strace
  chromium
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv is rebuilt when requirements.txt changes (a stamp holds its hash).
PYTHON=${PYTHON:-python3}
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
if [ "$(cat .venv/.requirements-stamp 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing pinned Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > .venv/.requirements-stamp
fi

# The schema registry the Avro tests run against (Apicurio Registry, from Maven
# Central); fetched once into build/schema-registry.
scripts/schema_registry/fetch.sh

# The Google Cloud Storage and Azure emulators the gs:// and abfs:// tests run
# against (fake-gcs-server with Go, Azurite with npm); built once into
# build/object-store-servers.
scripts/object_store_servers/fetch.sh
