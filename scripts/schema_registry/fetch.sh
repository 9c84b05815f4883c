#!/usr/bin/env bash
# Fetches Apicurio Registry (its Quarkus distribution from Maven Central, which
# runs on Java 17) into build/schema-registry, for the tests of from_avro /
# to_avro's schema-registry form: a real registry speaking Confluent's REST API
# under /apis/ccompat/v7. Does nothing when that version is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VERSION=3.0.9
DEST="${SPATE_SCHEMA_REGISTRY_DIR:-$ROOT/build/schema-registry}"
JAR="$DEST/apicurio-registry-app-$VERSION-runner.jar"
[ -f "$JAR" ] && exit 0
command -v mvn >/dev/null || { echo "fetch.sh: mvn is not installed (scripts/bootstrap.sh installs maven)" >&2; exit 1; }
echo "fetch.sh: fetching Apicurio Registry $VERSION into $DEST" >&2
rm -rf "$DEST" && mkdir -p "$DEST"
mvn -q -B -Dstyle.color=never dependency:copy \
  -Dartifact="io.apicurio:apicurio-registry-app:$VERSION:tar.gz:all" -DoutputDirectory="$DEST" \
  > "$DEST.log" 2>&1 || { cat "$DEST.log" >&2; echo "fetch.sh: fetching Apicurio Registry failed" >&2; exit 1; }
tar xzf "$DEST/apicurio-registry-app-$VERSION-all.tar.gz" -C "$DEST"
rm "$DEST/apicurio-registry-app-$VERSION-all.tar.gz"
[ -f "$JAR" ] || { echo "fetch.sh: $JAR is missing from the distribution" >&2; exit 1; }
