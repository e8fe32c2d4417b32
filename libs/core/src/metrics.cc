#include "pharmacrm/core/metrics.h"

#include "prometheus/text_serializer.h"

namespace pharmacrm::core {

prometheus::Registry& Metrics() {
  static prometheus::Registry* registry = new prometheus::Registry();
  return *registry;
}

std::string SerializeMetrics() {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(Metrics().Collect());
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  return *buckets;
}

}  // namespace pharmacrm::core
