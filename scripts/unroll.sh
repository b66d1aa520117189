#!/usr/bin/env bash
# One entry point for people and CI: installs what is missing (scripts/install-deps.sh), configures, builds, then
#   run       launches the app (extra arguments go to it, e.g. --lab home)
#   test      runs the whole test suite (CTest; GUI tests run on Qt's offscreen platform)
#   sanitize  builds unroll_core and its tests with AddressSanitizer + UBSan (-O1 -g1) and runs them
#   tsan      builds the tests that run a training thread with ThreadSanitizer (-O1 -g1) and runs them
#             (-g1: line tables are all a sanitizer report needs, and they compile faster than full debug info)
#   build     only builds
# Build folders: build/ (or $UNROLL_BUILD_DIR), build-asan/ and build-tsan/ for the sanitizer passes.
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
    cmake -S "$root" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DUNROLL_SANITIZE=ON -DUNROLL_BUILD_GUI=OFF
    cmake --build "$asan" -j "$jobs" --target core_tests
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$asan" -L core --output-on-failure -j "$jobs"
    ;;
  tsan)
    # The tests whose code runs on more than one thread: the pool, one spectrogram engine used from several threads,
    # the worker, the labs that train or check off the GUI thread, and the main window driving them. Qt's own
    # libraries are not instrumented, so TSan cannot see the locks they take: ignore_noninstrumented_modules stops it
    # checking the accesses Qt makes inside them (its thread pool, the test watchdog), while every access our code
    # makes is still checked. No suppressions.
    tsan="$root/build-tsan"
    tests=(tst_threads tst_spectrogram tst_trainingworker tst_traininglab tst_charlmlab tst_bpttlab tst_mainwindow tst_vectorslab tst_translatorlab tst_triggerlab tst_emojifylab tst_jazzlab)
    cmake -S "$root" -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
      -DUNROLL_TSAN=ON -DUNROLL_TEST_TIMEOUT_SCALE=10
    cmake --build "$tsan" -j "$jobs" --target "${tests[@]}"
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1" \
      ctest --test-dir "$tsan" --output-on-failure -j "$jobs" -R "^($(IFS='|'; echo "${tests[*]}"))\$"
    ;;
  *)
    echo "usage: scripts/unroll.sh run|test|sanitize|tsan|build [app arguments]" >&2
    exit 2
    ;;
esac
