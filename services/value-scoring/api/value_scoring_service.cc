#include "api/value_scoring_service.h"

#include "domain/customer_value.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::value_scoring {

grpc::Status ValueScoringService::GetCustomerValue(grpc::ServerContext* context,
                                                   const v1::GetCustomerValueRequest* request,
                                                   v1::CustomerValue* response) {
  return rpc::HandleRpc("ValueScoring/GetCustomerValue", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response,
                     runtime::ReadMergedEntry<v1::CustomerValue>(
                         store_, kCustomerValue, request->customer_id(), FoldCustomerValue));
    return absl::OkStatus();
  });
}

}  // namespace pharmacrm::value_scoring
