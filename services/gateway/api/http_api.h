// The HTTP/JSON API (proto3 JSON mapping, snake_case field names):
//
//   GET   /api/v1/customers/{id}   -> Customer360 (200; 404 unknown id)
//   POST  /api/v1/customers        RegisterCustomerRequest -> Customer (201)
//   GET   /api/v1/customers?query=&kind=&province=&city=&hospital_grade=
//         &page_size=&page_token=&include_inactive=true -> SearchCustomersResponse (values
//         percent-encoded; kind and grade by enum name)
//   PATCH /api/v1/customers/{id}   UpdateCustomerRequest   -> Customer (200)
//   GET   /api/v1/customers/{id}/profile[?as_of=RFC3339] -> Customer, as it
//         was at as_of if given
//   GET   /api/v1/customers/{id}/history -> CustomerHistory (who, when, why,
//         old and new values of every change)
//   POST  /api/v1/customers/{id}/deactivate  DeactivateCustomerRequest -> Customer
//   POST  /api/v1/customers/{id}/reactivate  ReactivateCustomerRequest -> Customer
//   GET   /api/v1/customers/{id}/duplicates?min_score=&limit= -> DuplicateCandidates
//   POST  /api/v1/customers/{id}/merge    MergeCustomersRequest (survivor = id) -> Customer
//   POST  /api/v1/customers/{id}/unmerge  UnmergeCustomerRequest (survivor = id) -> Customer
//   GET   /api/v1/customers/{id}/completeness -> Completeness
//   GET   /api/v1/worklist?kind=&province=&city=&territory_id=&limit= -> Worklist
//   POST  /api/v1/territories  CreateTerritoryRequest -> Territory (201)
//   GET   /api/v1/territories/{id} -> Territory
//   PATCH /api/v1/territories/{id} (UpdateTerritoryRequest) -> Territory
//   GET   /api/v1/territories/{id}/customers?as_of=&include_descendants=true
//         &page_size=&page_token= -> ListTerritoryCustomersResponse
//   POST  /api/v1/alignments  AlignRequest -> Alignment (201)
//   GET   /api/v1/customers/{id}/alignments -> AlignmentHistory
//   POST  /api/v1/customers/{id}/metrics  RecordMetricsRequest -> CustomerMetrics (201)
//   GET   /api/v1/customers/{id}/metrics?from=YYYY-MM&to=YYYY-MM&department=
//         &all_departments=true -> MetricsSeries (records + key figures)
//   POST  /api/v1/visits           LogVisitRequest         -> Visit (201)
//
// Fields above the gateway's --max_data_class are left out of every answer
// (header x-pharmacrm-withheld-fields: how many).
// Malformed JSON, unknown fields and wrong types are 400 naming the problem;
// errors from the services keep their field (see ErrorJson).
#ifndef PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_
#define PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_

#include "api/backends.h"
#include "pharmacrm/http/server.h"

namespace pharmacrm::gateway {

// Answers carry no field above `max_class` (domain/masking.h).
http::Handler MakeHttpHandler(Backends& backends, v1::DataClass max_class);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_
