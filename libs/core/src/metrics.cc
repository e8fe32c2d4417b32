#include "pharmacrm/core/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <vector>

#include "prometheus/metric_family.h"
#include "prometheus/text_serializer.h"

namespace pharmacrm::core {
namespace {

prometheus::MetricFamily Single(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

// The standard process metrics of Prometheus client libraries, which
// prometheus-cpp does not provide: CPU time and resident memory.
std::vector<prometheus::MetricFamily> ProcessMetrics() {
  std::vector<prometheus::MetricFamily> out;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out.push_back(Single("process_cpu_seconds_total", "User and system CPU time spent in seconds.",
                         prometheus::MetricType::Counter, cpu));
  }
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (statm >> pages_total >> pages_resident) {
    out.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.",
                         prometheus::MetricType::Gauge,
                         static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE))));
  }
  return out;
}

}  // namespace

prometheus::Registry& Metrics() {
  static prometheus::Registry* registry = new prometheus::Registry();
  return *registry;
}

std::string SerializeMetrics() {
  prometheus::TextSerializer serializer;
  std::vector<prometheus::MetricFamily> families = Metrics().Collect();
  for (auto& f : ProcessMetrics()) families.push_back(std::move(f));
  return serializer.Serialize(families);
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  return *buckets;
}

}  // namespace pharmacrm::core
