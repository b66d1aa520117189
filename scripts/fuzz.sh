#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (build-fuzz/, -DUNROLL_FUZZ=ON, core only) and runs each for
# SECONDS (default 30) from its seed corpus; a crash leaves its input in build-fuzz/findings/<target>/ and fails.
#   scripts/fuzz.sh [SECONDS] [TARGET…]        e.g. scripts/fuzz.sh 600 modelfile
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(charcorpus modelfile wordvectors audio pairs sentences)
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DUNROLL_FUZZ=ON -DUNROLL_BUILD_GUI=OFF -DUNROLL_BUILD_TESTS=OFF -DUNROLL_NATIVE=OFF
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
status=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t" findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  echo "== fuzz_$t for ${seconds}s"
  # -rss_limit_mb: a loader that allocates beyond this for a small input is a finding too.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/fuzz_$t" "$work" "$root/tests/fuzz/corpus/$t" -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=20 -artifact_prefix="$findings/" -print_final_stats=1; then
    echo "fuzz_$t: FOUND A CRASH (inputs in $findings)" >&2
    status=1
  fi
done
exit $status
