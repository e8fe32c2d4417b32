// Crash points for fault-injection tests. A test starts a binary with
// --crash_at=<point>[:<n>]; the n-th time (default 1st) the process passes
// that point it kills itself with SIGKILL, exactly as `kill -9` would. With
// the flag unset (production) a crash point costs one relaxed atomic load.
#ifndef PHARMACRM_CORE_CRASH_H_
#define PHARMACRM_CORE_CRASH_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace pharmacrm::core {

// Parses "<point>" or "<point>:<n>"; empty disables. Called by ParseFlags
// users via InitCrashPointsFromFlags.
absl::Status ConfigureCrashPoint(absl::string_view spec);
void InitCrashPointsFromFlags();

// True if the call would kill the process (exposed for tests).
bool CrashPointHitForTest(absl::string_view point);

void CrashPoint(absl::string_view point);

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_CRASH_H_
