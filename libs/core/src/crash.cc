#include "pharmacrm/core/crash.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/log.h"

ABSL_FLAG(std::string, crash_at, "",
          "Fault injection for tests only: <point>[:<n>] kills the process with SIGKILL the "
          "n-th time it passes <point>. Empty in production.");

namespace pharmacrm::core {
namespace {
std::atomic<bool> g_enabled{false};
std::string* g_point = new std::string();
std::atomic<int64_t> g_remaining{0};
}  // namespace

absl::Status ConfigureCrashPoint(absl::string_view spec) {
  g_enabled.store(false);
  if (spec.empty()) return absl::OkStatus();
  int64_t n = 1;
  size_t colon = spec.rfind(':');
  absl::string_view point = spec;
  if (colon != absl::string_view::npos) {
    if (!absl::SimpleAtoi(spec.substr(colon + 1), &n) || n < 1) {
      return absl::InvalidArgumentError(absl::StrCat("crash_at: bad count in '", spec, "'"));
    }
    point = spec.substr(0, colon);
  }
  *g_point = std::string(point);
  g_remaining.store(n);
  g_enabled.store(true);
  return absl::OkStatus();
}

void InitCrashPointsFromFlags() {
  absl::Status s = ConfigureCrashPoint(absl::GetFlag(FLAGS_crash_at));
  if (!s.ok()) {
    std::fprintf(stderr, "configuration error: %s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
}

bool CrashPointHitForTest(absl::string_view point) {
  if (!g_enabled.load(std::memory_order_relaxed)) return false;
  if (point != *g_point) return false;
  return g_remaining.fetch_sub(1) == 1;
}

void CrashPoint(absl::string_view point) {
  if (CrashPointHitForTest(point)) {
    Log(LogLevel::kWarning, "crash point reached, killing process", {{"point", point}});
    std::raise(SIGKILL);
  }
}

}  // namespace pharmacrm::core
