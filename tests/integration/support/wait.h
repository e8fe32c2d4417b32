// Polling for eventually-true conditions in integration tests.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_WAIT_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_WAIT_H_

#include <algorithm>
#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pharmacrm::itest {

// Calls `pred` every `poll` until it returns true (then returns true) or
// `timeout` has passed (then returns false). `pred` is always called at least
// once, and once more at the deadline.
inline bool WaitUntil(std::function<bool()> pred, absl::Duration timeout = absl::Seconds(30),
                      absl::Duration poll = absl::Milliseconds(50)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (pred()) return true;
    const absl::Time now = absl::Now();
    if (now >= deadline) return false;
    absl::SleepFor(std::min(poll, deadline - now));
  }
}

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_WAIT_H_
