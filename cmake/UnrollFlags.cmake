# Compiler flags shared by every target: warnings on, built for the machine unless UNROLL_NATIVE is off,
# never -ffast-math (it would remove the NaN/Inf checks the trainers rely on).
add_library(unroll_flags INTERFACE)
target_compile_options(unroll_flags INTERFACE
  -Wall -Wextra
  # GCC 12 with Eigen's AVX-512 kernels reports false positives here.
  -Wno-maybe-uninitialized)
if(UNROLL_NATIVE)
  target_compile_options(unroll_flags INTERFACE -march=native)
endif()
if(UNROLL_SANITIZE)
  target_compile_options(unroll_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
  target_link_options(unroll_flags INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(UNROLL_TSAN)
  # -O1 -g keeps the reports readable; every target (core, ui, tests) is instrumented, Qt's libraries are not.
  target_compile_options(unroll_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(unroll_flags INTERFACE -fsanitize=thread)
endif()
if(UNROLL_FUZZ)
  # Coverage instrumentation for libFuzzer plus the sanitizers that turn silent corruption into a report.
  target_compile_options(unroll_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(unroll_flags INTERFACE -fsanitize=address,undefined)
endif()
