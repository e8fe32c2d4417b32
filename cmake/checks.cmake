# Compiler and runtime checks (docs/TESTING.md, "Compiler and runtime checks").
#
#   PHARMACRM_WERROR     ON by default: own code builds with -Wall -Wextra
#                        -Werror; with clang also -Wthread-safety, which checks
#                        the ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED
#                        annotations. Generated protobuf code is exempt.
#   PHARMACRM_SANITIZE   "" (default), "address" (ASan + UBSan, every error
#                        fatal) or "thread" (TSan). Applies to every target,
#                        generated code included; service binaries then use
#                        the sanitizer's allocator instead of jemalloc.
#   PHARMACRM_TSAN_ABSL  with "thread": the lib folder of an abseil built with
#                        TSan (deploy/local/absl_tsan.sh; Debian's is not
#                        instrumented, so TSan would not see absl::Mutex
#                        synchronise and would report every guarded access).
#                        Tests run with it first on LD_LIBRARY_PATH.
#   PHARMACRM_FUZZ       OFF by default. ON (clang only): each fuzz target is
#                        also built as a libFuzzer binary <name>_fuzzer. The
#                        corpus replays (<name>_corpus_test) are built with
#                        any compiler either way.

option(PHARMACRM_WERROR "Build own code with -Wall -Wextra -Werror" ON)
set(PHARMACRM_SANITIZE "" CACHE STRING "Sanitizer build: empty, address or thread")
set_property(CACHE PHARMACRM_SANITIZE PROPERTY STRINGS "" address thread)
option(PHARMACRM_FUZZ "Build libFuzzer binaries of the fuzz targets (clang)" OFF)

if(PHARMACRM_SANITIZE STREQUAL "address")
  set(PHARMACRM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                                -fno-omit-frame-pointer)
elseif(PHARMACRM_SANITIZE STREQUAL "thread")
  set(PHARMACRM_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT PHARMACRM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PHARMACRM_SANITIZE must be empty, address or thread, not "
                      "'${PHARMACRM_SANITIZE}'")
endif()
if(PHARMACRM_SANITIZE STREQUAL "thread")
  set(PHARMACRM_TSAN_ABSL "${CMAKE_SOURCE_DIR}/.cache/absl-tsan/lib" CACHE PATH
      "abseil built with TSan (deploy/local/absl_tsan.sh)")
  if(NOT EXISTS "${PHARMACRM_TSAN_ABSL}/libabsl_synchronization.so")
    message(FATAL_ERROR "PHARMACRM_SANITIZE=thread needs abseil built with TSan in "
                        "${PHARMACRM_TSAN_ABSL}: run bash deploy/local/absl_tsan.sh")
  endif()
  # Every test and every service process a test starts.
  set(PHARMACRM_TEST_ENVIRONMENT "LD_LIBRARY_PATH=${PHARMACRM_TSAN_ABSL}"
      "TSAN_OPTIONS=halt_on_error=1 second_deadlock_stack=1 suppressions=${CMAKE_SOURCE_DIR}/tests/sanitizers/tsan.supp")
  # librdkafka's C11 threads made visible to TSan (the file says how);
  # pharmacrm_test and pharmacrm_service add it to every test and service.
  set(PHARMACRM_TSAN_EXTRA_SRCS ${CMAKE_SOURCE_DIR}/tests/sanitizers/c11_threads_tsan.cc)
endif()
if(PHARMACRM_SANITIZER_FLAGS)
  add_compile_options(${PHARMACRM_SANITIZER_FLAGS})
  add_link_options(${PHARMACRM_SANITIZER_FLAGS})
endif()

if(PHARMACRM_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "PHARMACRM_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-14 (make fuzz does)")
endif()
if(PHARMACRM_FUZZ)
  # Coverage feedback from the libraries under test as well; only the
  # <name>_fuzzer binaries link libFuzzer itself.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Called by the top-level CMakeLists.txt after proto/ was added, so the flags
# reach every own target (helper-made or not) and none of the generated code.
macro(pharmacrm_add_warning_flags)
  add_compile_options(-Wall -Wextra)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-Wthread-safety)
  endif()
  if(PHARMACRM_WERROR)
    add_compile_options(-Werror)
  endif()
endmacro()

# Tests that start threads of their own, for a TSan run (ctest -L
# concurrency in a -DPHARMACRM_SANITIZE=thread build). pharmacrm_test adds
# the label.
set(PHARMACRM_CONCURRENCY_TESTS
    core_test                   # SerialWorker's thread
    http_test                   # server threads, many concurrent clients
    bus_test                    # relay and consumer threads on the mock cluster
    customer_master_domain_test # index sorted while a writer renames, scans on 1-4 threads
    matching_test               # pinyin and Simplified-folding tables filled by racing threads
    merge_race_test             # customer-master's handlers racing a merge, in its process
    store_test                  # writers on four threads: RocksDB's group commits
)
