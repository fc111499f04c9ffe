#!/usr/bin/env bash
# Java 17 for the spark engine and its tests (pyspark bundles Spark, not a JVM): Debian's
# openjdk-17-jre-headless. Installs it with apt-get when java is missing and running as root
# (CI); otherwise stops and prints the one command to run. The duckdb engine needs no Java.
set -euo pipefail

PACKAGE="openjdk-17-jre-headless"

if command -v java >/dev/null 2>&1; then
    exit 0
fi

command_line="apt-get update && apt-get install -y --no-install-recommends $PACKAGE"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "java: missing; the spark engine and its tests need it. Run:" >&2
    echo "    sudo sh -c '$command_line'" >&2
    exit 1
fi

echo "java: installing $PACKAGE (apt-get, as root)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "$PACKAGE"
