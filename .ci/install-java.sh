#!/usr/bin/env bash
# Install what the Spark engine's tests (tests/engine/test_spark.py) need besides the `spark`
# extra: a Java 17+ runtime for the local Spark driver, Debian's OpenJDK 17 if `java` is missing.
# Idempotent; safe to call on every CI run.
set -euo pipefail
if ! command -v java >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  mkdir -p /usr/share/man/man1  # the JRE's post-install step expects it on slim images
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
echo "java ok: $(java -version 2>&1 | head -1)"
