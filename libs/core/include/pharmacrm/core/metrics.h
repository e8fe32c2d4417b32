// Process-wide Prometheus metrics (prometheus-cpp's registry), served as text
// on each process's admin port.
#ifndef PHARMACRM_CORE_METRICS_H_
#define PHARMACRM_CORE_METRICS_H_

#include <string>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace pharmacrm::core {

// The registry every module adds its families to. Thread-safe.
prometheus::Registry& Metrics();

// Prometheus text exposition format of everything registered.
std::string SerializeMetrics();

// Latency buckets in seconds, 100 µs to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_METRICS_H_
