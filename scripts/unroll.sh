#!/usr/bin/env bash
# One entry point for people and CI: installs what is missing (scripts/install-deps.sh), configures, builds, then
#   run       launches the app (extra arguments go to it, e.g. --lab home)
#   test      runs the whole test suite (CTest; GUI tests run on Qt's offscreen platform)
#   sanitize  builds unroll_core and its tests with AddressSanitizer + UBSan (-O1 -g) and runs them
#   build     only builds
# Build folders: build/ (or $UNROLL_BUILD_DIR) and build-asan/ for the sanitizer pass.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
what=${1:-run}
[ $# -gt 0 ] && shift

bash "$root/scripts/install-deps.sh"
build=${UNROLL_BUILD_DIR:-$root/build}
jobs=$(nproc)

case "$what" in
  build | run | test)
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
    cmake --build "$build" -j "$jobs"
    case "$what" in
      run) exec "$build/app/unroll" "$@" ;;
      test) ctest --test-dir "$build" --output-on-failure -j "$jobs" ;;
    esac
    ;;
  sanitize)
    asan="$root/build-asan"
    cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DUNROLL_SANITIZE=ON -DUNROLL_BUILD_GUI=OFF
    cmake --build "$asan" -j "$jobs" --target core_tests
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$asan" -L core --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: scripts/unroll.sh run|test|sanitize|build [app arguments]" >&2
    exit 2
    ;;
esac
