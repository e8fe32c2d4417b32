#include "api/http_api.h"

#include <cstring>
#include <optional>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "api/audit.h"
#include "domain/http_mapping.h"
#include "domain/masking.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::gateway {
namespace {

constexpr absl::string_view kCustomersPrefix = "/api/v1/customers";

// Percent-decoding of a query-string value ('+' is a space).
std::string PercentDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && absl::ascii_isxdigit(s[i + 1]) &&
               absl::ascii_isxdigit(s[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The decoded value of `name` in a query string, or "".
std::string QueryParam(absl::string_view query, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(query, '&')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.first == name) return PercentDecode(kv.second);
  }
  return "";
}

// Query parameter `name` as a number (int or double), nullopt if absent;
// INVALID_ARGUMENT naming it if it is not a number.
template <typename T>
absl::StatusOr<std::optional<T>> NumberParam(absl::string_view query, absl::string_view name) {
  std::string v = QueryParam(query, name);
  if (v.empty()) return std::nullopt;
  T n{};
  bool parsed = false;
  if constexpr (std::is_integral_v<T>) {
    parsed = absl::SimpleAtoi(v, &n);
  } else {
    parsed = absl::SimpleAtod(v, &n);
  }
  if (!parsed) return core::FieldError(name, "not a number");
  return n;
}

// The `kind` query parameter, UNSPECIFIED if absent; INVALID_ARGUMENT
// naming it if it is not a CustomerKind name.
absl::StatusOr<v1::CustomerKind> KindParam(absl::string_view query) {
  v1::CustomerKind k = v1::CUSTOMER_KIND_UNSPECIFIED;
  std::string kind = QueryParam(query, "kind");
  if (!kind.empty() && !v1::CustomerKind_Parse(kind, &k)) {
    return core::FieldError("kind", absl::StrCat("'", kind, "' is not a CustomerKind"));
  }
  return k;
}

absl::StatusOr<v1::SearchCustomersRequest> SearchRequestFromQuery(absl::string_view query) {
  v1::SearchCustomersRequest r;
  r.set_query(QueryParam(query, "query"));
  r.set_province(QueryParam(query, "province"));
  r.set_city(QueryParam(query, "city"));
  r.set_page_token(QueryParam(query, "page_token"));
  r.set_include_inactive(QueryParam(query, "include_inactive") == "true");
  r.set_territory_id(QueryParam(query, "territory_id"));
  ASSIGN_OR_RETURN(v1::CustomerKind kind, KindParam(query));
  r.set_kind(kind);
  if (std::string grade = QueryParam(query, "hospital_grade"); !grade.empty()) {
    v1::HospitalGrade g;
    if (!v1::HospitalGrade_Parse(grade, &g)) {
      return core::FieldError("hospital_grade", absl::StrCat("'", grade, "' is not a HospitalGrade"));
    }
    r.set_hospital_grade(g);
  }
  ASSIGN_OR_RETURN(std::optional<int> page_size, NumberParam<int>(query, "page_size"));
  if (page_size) r.set_page_size(*page_size);
  return r;
}

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response Error(const absl::Status& status) {
  return Json(HttpStatusFor(status.code()), ErrorJson(status));
}

http::Response MessageResponse(int status, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string body;
  auto s = google::protobuf::util::MessageToJsonString(message, &body, options);
  if (!s.ok()) return Error(absl::InternalError(absl::StrCat("json encode: ", s.ToString())));
  return Json(status, std::move(body));
}

absl::Status ParseBody(const http::Request& req, google::protobuf::Message* message) {
  if (req.body.empty()) return absl::InvalidArgumentError("request body: a JSON object is required");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto s = google::protobuf::util::JsonStringToMessage(req.body, message, options);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request body: invalid JSON for ",
                                                   message->GetDescriptor()->name(), ": ",
                                                   s.message().ToString()));
  }
  return absl::OkStatus();
}

// The id a body names in `field` (`body_id`) must be the path's, if given;
// it becomes the path's.
absl::Status TakePathId(absl::string_view id, absl::string_view field, std::string* body_id) {
  if (!body_id->empty() && *body_id != id) {
    return core::FieldError(std::string(field), "differs from the id in the path");
  }
  *body_id = std::string(id);
  return absl::OkStatus();
}

// What this gateway serves, and what one answer disclosed.
struct Policy {
  v1::DataClass max_class;
  Disclosure* disclosed;
};

// The answer as JSON, without what this gateway withholds (domain/masking.h);
// x-pharmacrm-withheld-fields says how many fields were left out.
template <typename T>
http::Response Reply(const Policy& policy, int ok_status, absl::StatusOr<T> result) {
  if (!result.ok()) return Error(result.status());
  *policy.disclosed = Disclose(&*result, policy.max_class);
  http::Response response = MessageResponse(ok_status, *result);
  if (int withheld = policy.disclosed->withheld; withheld > 0) {
    response.headers.emplace_back("x-pharmacrm-withheld-fields", std::to_string(withheld));
  }
  return response;
}

http::Response Route(Backends& backends, const Policy& policy, const http::Request& req,
                     std::string* route) {
  absl::string_view path = req.path;
  if (path == kCustomersPrefix && req.method == "GET") {
    *route = "customers?search";
    absl::StatusOr<v1::SearchCustomersRequest> request = SearchRequestFromQuery(req.query);
    if (!request.ok()) return Error(request.status());
    return Reply(policy, 200, backends.SearchCustomers(*request));
  }
  if (path == kCustomersPrefix) {
    *route = "customers";
    if (req.method != "POST") return Error(absl::UnimplementedError("use POST to register"));
    v1::RegisterCustomerRequest request;
    if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
    return Reply(policy, 201, backends.RegisterCustomer(request));
  }
  if (absl::StartsWith(path, absl::StrCat(kCustomersPrefix, "/"))) {
    *route = "customers/{id}";
    std::string id(path.substr(kCustomersPrefix.size() + 1));
    std::string sub;
    if (size_t slash = id.find('/'); slash != std::string::npos) {
      sub = id.substr(slash + 1);
      id = id.substr(0, slash);
    }
    if (id.empty()) {
      return Error(core::FieldStatus(absl::StatusCode::kNotFound, "customer_id", "bad path"));
    }
    if (sub == "history" && req.method == "GET") {
      *route = "customers/{id}/history";
      v1::GetCustomerHistoryRequest request;
      request.set_customer_id(id);
      return Reply(policy, 200, backends.GetCustomerHistory(request));
    }
    if (sub == "referring" && req.method == "GET") {
      *route = "customers/{id}/referring";
      v1::ListReferringCustomersRequest request;
      request.set_customer_id(id);
      request.set_include_inactive(QueryParam(req.query, "include_inactive") == "true");
      absl::StatusOr<std::optional<int>> limit = NumberParam<int>(req.query, "limit");
      if (!limit.ok()) return Error(limit.status());
      if (*limit) request.set_limit(**limit);
      return Reply(policy, 200, backends.ListReferringCustomers(request));
    }
    if (sub == "profile" && req.method == "GET") {
      *route = "customers/{id}/profile";
      v1::GetCustomerRequest request;
      request.set_customer_id(id);
      std::string as_of = QueryParam(req.query, "as_of");
      if (!as_of.empty() &&
          !google::protobuf::util::TimeUtil::FromString(as_of, request.mutable_as_of())) {
        return Error(core::FieldError("as_of", "not an RFC 3339 time, e.g. 2026-01-31T00:00:00Z"));
      }
      return Reply(policy, 200, backends.GetCustomer(request));
    }
    if (sub == "alignments" && req.method == "GET") {
      *route = "customers/{id}/alignments";
      v1::GetAlignmentRequest request;
      request.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
      request.set_subject_id(id);
      return Reply(policy, 200, backends.GetAlignmentHistory(request));
    }
    if (sub == "duplicates" && req.method == "GET") {
      *route = "customers/{id}/duplicates";
      v1::FindDuplicateCandidatesRequest request;
      request.set_customer_id(id);
      absl::StatusOr<std::optional<double>> min_score = NumberParam<double>(req.query, "min_score");
      if (!min_score.ok()) return Error(min_score.status());
      if (*min_score) request.set_min_score(**min_score);
      absl::StatusOr<std::optional<int>> limit = NumberParam<int>(req.query, "limit");
      if (!limit.ok()) return Error(limit.status());
      if (*limit) request.set_limit(**limit);
      return Reply(policy, 200, backends.FindDuplicateCandidates(request));
    }
    if (sub == "merge" && req.method == "POST") {
      *route = "customers/{id}/merge";
      v1::MergeCustomersRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "survivor_id", request.mutable_survivor_id()); !s.ok())
        return Error(s);
      return Reply(policy, 200, backends.MergeCustomers(request));
    }
    if (sub == "unmerge" && req.method == "POST") {
      *route = "customers/{id}/unmerge";
      v1::UnmergeCustomerRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "survivor_id", request.mutable_survivor_id()); !s.ok())
        return Error(s);
      return Reply(policy, 200, backends.UnmergeCustomer(request));
    }
    if (sub == "deactivate" && req.method == "POST") {
      *route = "customers/{id}/deactivate";
      v1::DeactivateCustomerRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "customer_id", request.mutable_customer_id()); !s.ok())
        return Error(s);
      return Reply(policy, 200, backends.DeactivateCustomer(request));
    }
    if (sub == "reactivate" && req.method == "POST") {
      *route = "customers/{id}/reactivate";
      v1::ReactivateCustomerRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "customer_id", request.mutable_customer_id()); !s.ok())
        return Error(s);
      return Reply(policy, 200, backends.ReactivateCustomer(request));
    }
    if (sub == "completeness" && req.method == "GET") {
      *route = "customers/{id}/completeness";
      v1::GetCompletenessRequest request;
      request.set_customer_id(id);
      return Reply(policy, 200, backends.GetCompleteness(request));
    }
    if (sub == "metrics" && req.method == "POST") {
      *route = "customers/{id}/metrics";
      v1::RecordMetricsRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "metrics.customer_id",
                                      request.mutable_metrics()->mutable_customer_id());
          !s.ok())
        return Error(s);
      return Reply(policy, 201, backends.RecordMetrics(request));
    }
    if (sub == "metrics" && req.method == "GET") {
      *route = "customers/{id}/metrics";
      v1::GetMetricsRequest request;
      request.set_customer_id(id);
      request.set_from_period(QueryParam(req.query, "from"));
      request.set_to_period(QueryParam(req.query, "to"));
      request.set_department(QueryParam(req.query, "department"));
      request.set_all_departments(QueryParam(req.query, "all_departments") == "true");
      return Reply(policy, 200, backends.GetMetrics(request));
    }
    if (!sub.empty()) {
      return Error(absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", req.path)));
    }
    if (req.method == "GET") return Reply(policy, 200, backends.GetCustomer360(id));
    if (req.method == "PATCH") {
      v1::UpdateCustomerRequest request;
      if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
      if (absl::Status s = TakePathId(id, "customer_id", request.mutable_customer_id()); !s.ok())
        return Error(s);
      return Reply(policy, 200, backends.UpdateCustomer(request));
    }
    return Error(absl::UnimplementedError("use GET or PATCH on a customer"));
  }
  if (path == "/api/v1/territories" && req.method == "POST") {
    *route = "territories";
    v1::CreateTerritoryRequest request;
    if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
    return Reply(policy, 201, backends.CreateTerritory(request));
  }
  if (path == "/api/v1/territories" && req.method == "GET") {
    *route = "territories";
    v1::ListTerritoriesRequest request;
    request.set_parent_id(QueryParam(req.query, "parent_id"));
    const std::string level = QueryParam(req.query, "level");
    if (!level.empty()) {
      v1::TerritoryLevel value;
      if (!v1::TerritoryLevel_Parse(level, &value)) {
        return Error(core::FieldError(
            "level",
            "not a territory level, e.g. TERRITORY_LEVEL_REGION or TERRITORY_LEVEL_TERRITORY"));
      }
      request.set_level(value);
    }
    return Reply(policy, 200, backends.ListTerritories(request));
  }
  if (absl::StartsWith(path, "/api/v1/territories/") && req.method == "PATCH") {
    std::string id(path.substr(strlen("/api/v1/territories/")));
    if (id.empty() || id.find('/') != std::string::npos) {
      return Error(absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", req.path)));
    }
    *route = "territories/{id}";
    v1::UpdateTerritoryRequest request;
    if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
    if (absl::Status s = TakePathId(id, "territory_id", request.mutable_territory_id()); !s.ok())
      return Error(s);
    return Reply(policy, 200, backends.UpdateTerritory(request));
  }
  if (absl::StartsWith(path, "/api/v1/territories/") && req.method == "GET") {
    std::string rest(path.substr(strlen("/api/v1/territories/")));
    std::string id = rest.substr(0, rest.find('/'));
    std::string sub = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
    if (sub.empty()) {
      *route = "territories/{id}";
      v1::GetTerritoryRequest request;
      request.set_territory_id(id);
      return Reply(policy, 200, backends.GetTerritory(request));
    }
    if (sub == "customers") {
      *route = "territories/{id}/customers";
      v1::ListTerritoryCustomersRequest request;
      request.set_territory_id(id);
      request.set_include_descendants(QueryParam(req.query, "include_descendants") == "true");
      request.set_page_token(QueryParam(req.query, "page_token"));
      absl::StatusOr<std::optional<int>> page_size = NumberParam<int>(req.query, "page_size");
      if (!page_size.ok()) return Error(page_size.status());
      if (*page_size) request.set_page_size(**page_size);
      std::string as_of = QueryParam(req.query, "as_of");
      if (!as_of.empty() &&
          !google::protobuf::util::TimeUtil::FromString(as_of, request.mutable_as_of())) {
        return Error(core::FieldError("as_of", "not an RFC 3339 time, e.g. 2026-01-31T00:00:00Z"));
      }
      return Reply(policy, 200, backends.ListTerritoryCustomers(request));
    }
  }
  if (path == "/api/v1/alignments" && req.method == "POST") {
    *route = "alignments";
    v1::AlignRequest request;
    if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
    return Reply(policy, 201, backends.Align(request));
  }
  if (path == "/api/v1/duplicates" && req.method == "GET") {
    *route = "duplicates";
    v1::ScanDuplicatesRequest request;
    absl::StatusOr<v1::CustomerKind> kind = KindParam(req.query);
    if (!kind.ok()) return Error(kind.status());
    request.set_kind(*kind);
    request.set_province(QueryParam(req.query, "province"));
    absl::StatusOr<std::optional<double>> min_score = NumberParam<double>(req.query, "min_score");
    if (!min_score.ok()) return Error(min_score.status());
    if (*min_score) request.set_min_score(**min_score);
    absl::StatusOr<std::optional<int>> limit = NumberParam<int>(req.query, "limit");
    if (!limit.ok()) return Error(limit.status());
    if (*limit) request.set_limit(**limit);
    return Reply(policy, 200, backends.ScanDuplicates(request));
  }
  if (path == "/api/v1/worklist" && req.method == "GET") {
    *route = "worklist";
    v1::GetWorklistRequest request;
    absl::StatusOr<v1::CustomerKind> kind = KindParam(req.query);
    if (!kind.ok()) return Error(kind.status());
    request.set_kind(*kind);
    request.set_province(QueryParam(req.query, "province"));
    request.set_city(QueryParam(req.query, "city"));
    request.set_territory_id(QueryParam(req.query, "territory_id"));
    absl::StatusOr<std::optional<int>> limit = NumberParam<int>(req.query, "limit");
    if (!limit.ok()) return Error(limit.status());
    if (*limit) request.set_limit(**limit);
    return Reply(policy, 200, backends.GetWorklist(request));
  }
  if (path == "/api/v1/visits") {
    *route = "visits";
    if (req.method != "POST") return Error(absl::UnimplementedError("use POST to log a visit"));
    v1::LogVisitRequest request;
    if (absl::Status s = ParseBody(req, &request); !s.ok()) return Error(s);
    return Reply(policy, 201, backends.LogVisit(request));
  }
  *route = "unknown";
  return Error(absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", req.path)));
}

}  // namespace

http::Handler MakeHttpHandler(Backends& backends, v1::DataClass max_class) {
  static core::IdGenerator* ids = new core::IdGenerator();
  static auto& requests = prometheus::BuildCounter()
                              .Name("pharmacrm_http_requests_total")
                              .Help("Gateway HTTP requests, by route and status")
                              .Register(core::Metrics());
  return [&backends, max_class](const http::Request& req) {
    auto it = req.headers.find("x-correlation-id");
    std::string correlation_id =
        it != req.headers.end() && !it->second.empty() ? it->second.substr(0, 128) : ids->Next();
    core::ScopedCorrelationId scoped(correlation_id);
    // The actor the caller declares (no authentication yet) goes with every
    // call to the services, so histories record it, and into the audit.
    auto declared = req.headers.find("x-pharmacrm-actor");
    std::string actor = declared != req.headers.end() && !declared->second.empty()
                            ? declared->second.substr(0, 128)
                            : "anonymous";
    rpc::ScopedActor scoped_actor(actor == "anonymous" ? "" : actor);
    std::string route;
    Disclosure disclosed;
    http::Response resp = Route(backends, {max_class, &disclosed}, req, &route);
    resp.headers.emplace_back("x-correlation-id", correlation_id);
    if (Audited(disclosed)) AuditRead(route, req.path, actor, disclosed);
    requests.Add({{"route", route}, {"code", std::to_string(resp.status)}}).Increment();
    return resp;
  };
}

}  // namespace pharmacrm::gateway
