#include "pharmacrm/core/metrics.h"

#include <ctime>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

// Value of the first sample line of `name` in a text exposition, or -1.
double Sample(const std::string& text, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, name + " ")) {
      double v = 0;
      if (absl::SimpleAtod(line.substr(name.size() + 1), &v)) return v;
    }
  }
  return -1;
}

TEST(Metrics, ServesProcessCpuAndMemory) {
  double before = Sample(SerializeMetrics(), "process_cpu_seconds_total");
  ASSERT_GE(before, 0);
  // Burn about 50 ms of CPU; the counter must move by about as much. CPU
  // time, not wall time: on a loaded machine the test gets less CPU than
  // wall time passes.
  const std::clock_t end = std::clock() + CLOCKS_PER_SEC / 20;
  volatile uint64_t x = 0;
  while (std::clock() < end) x = x + 1;
  std::string text = SerializeMetrics();
  EXPECT_GT(Sample(text, "process_cpu_seconds_total"), before + 0.02) << text;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos) << text;
  EXPECT_GT(Sample(text, "process_resident_memory_bytes"), 1 << 20) << text;
}

}  // namespace
}  // namespace pharmacrm::core
