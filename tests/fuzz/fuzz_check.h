// FUZZ_CHECK(condition): a property every input must keep. When it does not
// hold, the input is a finding: print where and abort, which both libFuzzer
// and the corpus replay (replay_main.cc) report as a failure. Unlike
// assert(), it stays on in release builds.
#ifndef PHARMACRM_TESTS_FUZZ_FUZZ_CHECK_H_
#define PHARMACRM_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                        \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__,     \
                   #condition);                                                      \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)

#endif  // PHARMACRM_TESTS_FUZZ_FUZZ_CHECK_H_
