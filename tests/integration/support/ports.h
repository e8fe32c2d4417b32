// Local resources for integration tests: free TCP ports and scratch folders.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_PORTS_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_PORTS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pharmacrm::itest {

// A TCP port on 127.0.0.1 that was free a moment ago: binds port 0, reads the
// port the kernel chose, closes the socket. Another process may take it before
// the caller binds it, so callers bind soon. Never returns the same port twice
// in one process. Aborts if no socket can be bound.
int FreePort();

// Creates a fresh, empty folder /tmp/<prefix>XXXXXX and returns its path.
// Aborts on failure.
std::string TempDir(absl::string_view prefix);

// True once the running test, or any test before it in this binary, has
// failed: suites shared by a fixture end after their last test, when the
// failure that makes their folders worth keeping may be long past.
bool AnyTestFailed();

// Deletes a scratch folder made by TempDir, unless PHARMACRM_ITEST_KEEP_DIRS
// is set to anything but "" or "0" (every folder is then left for a
// post-mortem) or `keep_anyway` (a failed test, say): then says on stderr
// where `what` stays.
void RemoveTestDir(const std::string& path, absl::string_view what, bool keep_anyway);

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_PORTS_H_
