// gRPC edge of value-scoring (queries of its customer-value read model).
#ifndef PHARMACRM_SERVICES_VALUE_SCORING_API_VALUE_SCORING_SERVICE_H_
#define PHARMACRM_SERVICES_VALUE_SCORING_API_VALUE_SCORING_SERVICE_H_

#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/value_scoring.grpc.pb.h"

namespace pharmacrm::value_scoring {

// Reads per-customer activity counts (merged customers answer for their survivor). Thread-safe;
// `store` must outlive it.
class ValueScoringService final : public v1::ValueScoring::Service {
 public:
  explicit ValueScoringService(const store::Store& store) : store_(store) {}
  grpc::Status GetCustomerValue(grpc::ServerContext* context,
                                const v1::GetCustomerValueRequest* request,
                                v1::CustomerValue* response) override;

 private:
  const store::Store& store_;
};

}  // namespace pharmacrm::value_scoring

#endif  // PHARMACRM_SERVICES_VALUE_SCORING_API_VALUE_SCORING_SERVICE_H_
