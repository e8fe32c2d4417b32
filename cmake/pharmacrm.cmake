# Small helpers so each folder's CMakeLists.txt stays short.

# pharmacrm_library(NAME SRCS ... DEPS ...): a static library whose public
# headers live in ./include.
function(pharmacrm_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# pharmacrm_test(NAME SRCS ... DEPS ... LABELS ... [RESOURCE_LOCK lock]): a
# GoogleTest binary registered with ctest under the given labels.
function(pharmacrm_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS;RESOURCE_LOCK" ${ARGN})
  add_executable(${name} ${ARG_SRCS} ${PHARMACRM_TSAN_EXTRA_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main
                                        GTest::gmock)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                           ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  if(name IN_LIST PHARMACRM_CONCURRENCY_TESTS)  # cmake/checks.cmake
    list(APPEND ARG_LABELS concurrency)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  if(PHARMACRM_TEST_ENVIRONMENT)  # cmake/checks.cmake
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${PHARMACRM_TEST_ENVIRONMENT}")
  endif()
  foreach(label IN LISTS ARG_LABELS)
    set_property(GLOBAL APPEND PROPERTY PHARMACRM_TESTS_${label} ${name})
  endforeach()
  if(ARG_RESOURCE_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${ARG_RESOURCE_LOCK}")
  endif()
endfunction()

# pharmacrm_service(NAME SRCS ... DEPS ...): a service binary named
# pharmacrm-NAME, on jemalloc (docs/DEPENDENCIES.md: glibc's allocator cost
# about a third of the import path's CPU).
function(pharmacrm_service name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(pharmacrm-${name} ${ARG_SRCS} ${PHARMACRM_TSAN_EXTRA_SRCS})
  if(PHARMACRM_SANITIZE)
    # The sanitizers bring their own allocator.
    target_link_libraries(pharmacrm-${name} PRIVATE ${ARG_DEPS})
  else()
    target_link_libraries(pharmacrm-${name} PRIVATE ${ARG_DEPS} PkgConfig::JEMALLOC)
  endif()
endfunction()

# pharmacrm_fuzz_target(NAME SRCS ... DEPS ... [CORPUS folder]): a fuzz
# target, a source defining LLVMFuzzerTestOneInput. Always built, with any
# compiler, as NAME_corpus_test: tests/fuzz/replay_main.cc feeds it every
# file of the corpus (default tests/fuzz/NAME/corpus), registered with ctest
# under the labels unit and fuzz. With PHARMACRM_FUZZ (clang) also built as
# the libFuzzer binary NAME_fuzzer (make fuzz). Sources may include
# tests/fuzz/fuzz_check.h.
function(pharmacrm_fuzz_target name)
  cmake_parse_arguments(ARG "" "CORPUS" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_CORPUS)
    set(ARG_CORPUS ${CMAKE_SOURCE_DIR}/tests/fuzz/${name}/corpus)
  endif()
  add_executable(${name}_corpus_test ${ARG_SRCS} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.cc)
  target_include_directories(${name}_corpus_test PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(${name}_corpus_test PRIVATE ${ARG_DEPS})
  set_target_properties(${name}_corpus_test PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name}_corpus_test COMMAND ${name}_corpus_test ${ARG_CORPUS})
  set_tests_properties(${name}_corpus_test PROPERTIES LABELS "unit;fuzz" TIMEOUT 300)
  set_property(GLOBAL APPEND PROPERTY PHARMACRM_TESTS_unit ${name}_corpus_test)
  set_property(GLOBAL APPEND PROPERTY PHARMACRM_TESTS_fuzz ${name}_corpus_test)
  if(PHARMACRM_FUZZ)
    add_executable(${name}_fuzzer ${ARG_SRCS})
    target_include_directories(${name}_fuzzer PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz)
    target_link_libraries(${name}_fuzzer PRIVATE ${ARG_DEPS})
    target_compile_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer)
    target_link_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer)
    set_target_properties(${name}_fuzzer PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/fuzz)
    set_property(GLOBAL APPEND PROPERTY PHARMACRM_FUZZERS ${name}_fuzzer)
  endif()
endfunction()

# pharmacrm_add_test_targets(): after every folder was added, one build
# target per test label, building just those tests (make sanitize builds
# `unit_tests` and `concurrency_tests`), and `fuzzers` with PHARMACRM_FUZZ.
function(pharmacrm_add_test_targets)
  foreach(label unit concurrency fuzz)
    get_property(tests GLOBAL PROPERTY PHARMACRM_TESTS_${label})
    add_custom_target(${label}_tests)
    if(tests)
      add_dependencies(${label}_tests ${tests})
    endif()
  endforeach()
  if(PHARMACRM_FUZZ)
    get_property(fuzzers GLOBAL PROPERTY PHARMACRM_FUZZERS)
    add_custom_target(fuzzers)
    add_dependencies(fuzzers ${fuzzers})
  endif()
endfunction()
