// Reads served from the in-memory index: search (characters, pinyin,
// initials, filters, pages), completeness and the worklist of what to
// collect.
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "api/customer_master_service.h"
#include "api/internal.h"
#include "domain/completeness/completeness.h"
#include "domain/customers/lifecycle.h"
#include "domain/search/search.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {

using internal::kMaxCandidates;
using internal::kMaxTerritoryMembers;
using internal::kSearchCounted;

grpc::Status CustomerMasterService::GetCompleteness(grpc::ServerContext* context,
                                                    const v1::GetCompletenessRequest* request,
                                                    v1::Completeness* response) {
  return rpc::HandleRpc("CustomerMaster/GetCompleteness", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(v1::Customer customer, Load(request->customer_id(), "customer_id"));
    *response = ScoreCompleteness(customer.profile(), rules_);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetWorklist(grpc::ServerContext* context,
                                                const v1::GetWorklistRequest* request,
                                                v1::Worklist* response) {
  return rpc::HandleRpc("CustomerMaster/GetWorklist", context, [&]() -> absl::Status {
    if (request->kind() == v1::CUSTOMER_KIND_UNSPECIFIED || !v1::CustomerKind_IsValid(request->kind())) {
      return core::FieldError("kind", "must be a customer kind");
    }
    if (request->limit() < 0 || request->limit() > 500) {
      return core::FieldError("limit", "must be 0 (default 50) to 500");
    }
    bool truncated = false;
    std::vector<std::string> ids;
    if (request->territory_id().empty()) {
      ids = index_.IdsInRegion(request->kind(), request->province(), request->city(), kMaxCandidates,
                               &truncated);
    } else {
      // Customers aligned now to the territory or below it.
      ASSIGN_OR_RETURN(ids, AlignedNow(request->territory_id(), /*include_descendants=*/true,
                                       kMaxCandidates, &truncated));
    }
    std::vector<v1::Customer> customers;
    for (const auto& id : ids) {
      absl::StatusOr<v1::Customer> c = repo_.Customer(id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      if (!IsActive(*c)) continue;  // Nothing to collect.
      const v1::CustomerProfile& p = c->profile();
      if (p.kind() != request->kind() ||
          (!request->province().empty() && p.province() != request->province()) ||
          (!request->city().empty() && p.city() != request->city())) {
        continue;
      }
      customers.push_back(*std::move(c));
    }
    for (auto& item : BuildWorklist(customers, rules_, request->limit() == 0 ? 50 : request->limit())) {
      *response->add_items() = std::move(item);
    }
    response->set_partial(truncated);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::SearchCustomers(grpc::ServerContext* context,
                                                    const v1::SearchCustomersRequest* request,
                                                    v1::SearchCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/SearchCustomers", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Search(*request));
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::SearchCustomersResponse> CustomerMasterService::Search(
    const v1::SearchCustomersRequest& request) const {
  RETURN_IF_ERROR(ValidateSearch(request));
  ASSIGN_OR_RETURN(ParsedQuery query, ParseSearchQuery(request.query()));
  // The index holds the filters and the sort key and pages the matches:
  // only the page's customers are read from the store.
  std::optional<absl::flat_hash_set<std::string>> aligned;
  bool members_truncated = false;
  if (!request.territory_id().empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     AlignedNow(request.territory_id(), /*include_descendants=*/false,
                                kMaxTerritoryMembers, &members_truncated));
    aligned.emplace(std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end()));
  }
  ASSIGN_OR_RETURN(CustomerIndex::Found found,
                   index_.Search(query, request, kSearchCounted, aligned ? &*aligned : nullptr));
  const SearchPage& page = found.page;
  v1::SearchCustomersResponse out;
  out.set_total_size(page.total_size);
  out.set_total_is_lower_bound(found.truncated || members_truncated);
  out.set_next_page_token(page.next_page_token);
  ASSIGN_OR_RETURN(std::vector<std::optional<v1::Customer>> customers,
                   repo_.Customers(page.ids));
  for (size_t i = 0; i < customers.size(); ++i) {
    if (!customers[i]) {
      return absl::NotFoundError(
          absl::StrCat("customer '", page.ids[i], "' is indexed but not stored"));
    }
    *out.add_customers() = *std::move(customers[i]);
  }
  return out;
}

}  // namespace pharmacrm::customer_master
