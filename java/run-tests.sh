#!/usr/bin/env bash
# Builds the WIT corpus's guest components, then the Java package the way a
# user does (`mvn install`: cargo builds the JNI library, the jar bundles
# it), runs its JUnit suite on that build (the component tests replay the
# corpus through the generated Java glue in wit-tools/golden/java),
# puts dev.kiln:kiln in the local Maven repository, and runs java/examples,
# a separate project that depends on it by coordinates. Installs a JDK and
# Maven from Debian when missing.
#
# The library is built in the dev profile, as the Python and Node tests
# build theirs: it shares the engine that `cargo test` compiled, where the
# users' `dist` profile would compile the whole engine again with fat LTO.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    echo "== installing a JDK and Maven"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq openjdk-17-jdk-headless maven
fi

# The WIT corpus's guest components, which the component tests
# (src/test/java/dev/kiln/corpus) replay the case files on.
cargo run --quiet -p kiln-wit-guests

maven=(mvn -B --no-transfer-progress -Dstyle.color=never)
"${maven[@]}" -Dkiln.cargo.profile=dev -Dkiln.native.dir="$PWD/../target/debug" -f pom.xml install

expected=$'fib(20) = 6765\nsquare(3) + square(4) = 25\nWASI program wrote: args hello from Java'
# Maven 3.8 writes colour resets even when told not to colour: strip them.
actual="$("${maven[@]}" -q -f examples/pom.xml compile exec:java | sed 's/\x1b\[[0-9;]*m//g' | sed '/^$/d')"
if [ "$actual" != "$expected" ]; then
    echo "java/examples printed:" >&2
    echo "$actual" >&2
    echo "expected:" >&2
    echo "$expected" >&2
    echo "1 passed, 1 failed (java/examples)"
    exit 1
fi
echo "1 passed, 0 failed (java/examples)"
