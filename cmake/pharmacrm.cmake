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
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main
                                        GTest::gmock)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                           ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  if(ARG_RESOURCE_LOCK)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK "${ARG_RESOURCE_LOCK}")
  endif()
endfunction()

# pharmacrm_service(NAME SRCS ... DEPS ...): a service binary named
# pharmacrm-NAME, on jemalloc (docs/DEPENDENCIES.md: glibc's allocator cost
# about a third of the import path's CPU).
function(pharmacrm_service name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(pharmacrm-${name} ${ARG_SRCS})
  target_link_libraries(pharmacrm-${name} PRIVATE ${ARG_DEPS} PkgConfig::JEMALLOC)
endfunction()
