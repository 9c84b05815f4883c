#!/usr/bin/env bash
# Installs the local servers the gs:// and abfs:// tests run against, into
# build/object-store-servers: fake-gcs-server (Google Cloud Storage's JSON API;
# a Go module built with `go install` through the Go module proxy) and Azurite
# (Azure Blob Storage's emulator; the npm package, on Node.js). Does nothing
# when those versions are already there. Without Go or Node.js it says so and
# installs the other; the tests then fail under CI=true and skip otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${SPATE_OBJECT_STORE_SERVERS_DIR:-$ROOT/build/object-store-servers}"
GCS_VERSION=v1.56.1
AZURITE_VERSION=3.35.0
mkdir -p "$DEST"

# fake-gcs-server needs Go 1.26: without it, the Go toolchain comes from the Go module
# proxy (golang.org/toolchain, the same archive `GOTOOLCHAIN` downloads) into $DEST.
GO_TOOLCHAIN=go1.26.8
go_is_recent() { command -v go >/dev/null && go version | grep -Eq 'go1\.(2[6-9]|[3-9][0-9])'; }
if [ ! -x "$DEST/bin/fake-gcs-server-$GCS_VERSION" ] && ! go_is_recent; then
  if [ ! -x "$DEST/go/bin/go" ]; then
    echo "fetch.sh: fetching the Go toolchain $GO_TOOLCHAIN from the Go module proxy" >&2
    zip="$DEST/go-toolchain.zip"
    curl -fsSL -o "$zip" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-$GO_TOOLCHAIN.linux-amd64.zip" &&
      rm -rf "$DEST/go-unpacked" && python3 -m zipfile -e "$zip" "$DEST/go-unpacked" &&
      mv "$DEST/go-unpacked/golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-amd64" "$DEST/go" &&
      chmod -R u+x "$DEST/go/bin" "$DEST/go/pkg/tool" || echo "fetch.sh: could not fetch the Go toolchain" >&2
    rm -rf "$zip" "$DEST/go-unpacked"
  fi
  [ -x "$DEST/go/bin/go" ] && export PATH="$DEST/go/bin:$PATH" GOROOT="$DEST/go"
fi

if [ ! -x "$DEST/bin/fake-gcs-server-$GCS_VERSION" ]; then
  if command -v go >/dev/null; then
    echo "fetch.sh: building fake-gcs-server $GCS_VERSION into $DEST/bin" >&2
    GOBIN="$DEST/bin" go install "github.com/fsouza/fake-gcs-server@$GCS_VERSION" > "$DEST/go.log" 2>&1 ||
      { cat "$DEST/go.log" >&2; echo "fetch.sh: go install fake-gcs-server failed" >&2; exit 1; }
    mv "$DEST/bin/fake-gcs-server" "$DEST/bin/fake-gcs-server-$GCS_VERSION"
  else
    echo "fetch.sh: Go is not installed (https://go.dev/dl/): the gs:// tests need fake-gcs-server" >&2
  fi
fi

if [ ! -x "$DEST/azurite-$AZURITE_VERSION/node_modules/.bin/azurite-blob" ]; then
  if ! command -v npm >/dev/null; then
    echo "fetch.sh: installing Debian's nodejs and npm" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || true
  fi
  if command -v npm >/dev/null; then
    echo "fetch.sh: installing Azurite $AZURITE_VERSION into $DEST" >&2
    npm install --no-audit --no-fund --prefix "$DEST/azurite-$AZURITE_VERSION" "azurite@$AZURITE_VERSION" \
      > "$DEST/npm.log" 2>&1 ||
      { cat "$DEST/npm.log" >&2; echo "fetch.sh: npm install azurite failed" >&2; exit 1; }
  else
    echo "fetch.sh: npm is not installed (Debian's nodejs and npm): the abfs:// tests need Azurite" >&2
  fi
fi
