// ChannelService: the product catalogue (UpsertProduct, GetProduct,
// ListProducts) and what every command of the class shares.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/channel_service.h"
#include "api/publish.h"
#include "domain/channel/catalogue.h"
#include "domain/channel/dates.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 500;

}  // namespace

// A domain error about a field of `record` renamed as the request names it
// ("lines[2].quantity" -> "shipment.lines[2].quantity").
absl::Status ChannelService::Under(absl::string_view record, const absl::Status& status) {
  if (status.ok()) return status;
  std::optional<std::string> field = core::FieldOf(status);
  std::string message(status.message());
  if (field && absl::StartsWith(message, absl::StrCat(*field, ": "))) {
    message.erase(0, field->size() + 2);
  }
  return core::FieldStatus(status.code(),
                           field ? absl::StrCat(record, ".", *field) : std::string(record),
                           message);
}

absl::CivilDay ChannelService::Today() const { return channel::ChinaDay(host_.clock().Now()); }

void ChannelService::Publish(store::Batch& batch, absl::string_view aggregate_kind,
                             const std::string& aggregate_id, int64_t version,
                             const std::string& key, const std::string& actor,
                             const std::string& request_id,
                             const google::protobuf::Message& event) {
  PublishSalesEvent(host_, batch, aggregate_kind, aggregate_id, version, key, actor, request_id,
                    event);
}

grpc::Status ChannelService::UpsertProduct(grpc::ServerContext* context,
                                           const v1::UpsertProductRequest* request,
                                           v1::Product* response) {
  return rpc::HandleRpc("SalesChannel/UpsertProduct", context,
                        [&] { return Upsert(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::Upsert(const v1::UpsertProductRequest& request,
                                    const std::string& actor, v1::Product* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_product()) return core::FieldError("product", "must be set");
  v1::Product product = request.product();
  product.clear_version();
  product.clear_updated_at();
  product.clear_updated_by();
  product.clear_change_reason();
  RETURN_IF_ERROR(Under("product", channel::ValidateProduct(product)));
  if (request.expected_version() < 0) {
    return core::FieldError("expected_version", "must not be negative");
  }
  absl::MutexLock lock(&locks_.For(product.id()));
  return runtime::ExecuteOnce(
      host_.store(), "UpsertProduct", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Product> current, repo_.Product(product.id()));
        const int64_t version = current ? current->version() : 0;
        if (request.expected_version() != 0 && request.expected_version() != version) {
          return core::FieldStatus(
              absl::StatusCode::kAborted, "expected_version",
              absl::StrCat("the product is at version ", version, ", not ",
                           request.expected_version(), ": read it again and redo the change"));
        }
        v1::ProductChanged event;
        if (current) {
          std::vector<std::string> changed = channel::ChangedFields(*current, product);
          if (changed.empty()) {  // Nothing to change: the current version answers.
            *response = *current;
            return absl::OkStatus();
          }
          *event.mutable_previous() = *current;
          for (std::string& field : changed) event.add_changed_fields(std::move(field));
        }
        product.set_version(version + 1);
        *product.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        product.set_updated_by(actor);
        product.set_change_reason(request.reason());
        repo_.PutProduct(batch, product);
        *event.mutable_product() = product;
        Publish(batch, "product", product.id(), product.version(), product.id(), actor,
                request.request_id(), event);
        *response = product;
        return absl::OkStatus();
      });
}

grpc::Status ChannelService::GetProduct(grpc::ServerContext* context,
                                        const v1::GetProductRequest* request,
                                        v1::Product* response) {
  return rpc::HandleRpc("SalesChannel/GetProduct", context, [&]() -> absl::Status {
    if (request->product_id().empty()) return core::FieldError("product_id", "must be set");
    if (request->version() < 0) return core::FieldError("version", "must not be negative");
    ASSIGN_OR_RETURN(std::optional<v1::Product> product,
                     request->version() == 0
                         ? repo_.Product(request->product_id())
                         : repo_.ProductVersion(request->product_id(), request->version()));
    if (!product) {
      return core::FieldStatus(
          absl::StatusCode::kNotFound, request->version() == 0 ? "product_id" : "version",
          request->version() == 0
              ? absl::StrCat("no product '", request->product_id(), "'")
              : absl::StrCat("product '", request->product_id(), "' has no version ",
                             request->version()));
    }
    *response = *std::move(product);
    return absl::OkStatus();
  });
}

grpc::Status ChannelService::ListProducts(grpc::ServerContext* context,
                                          const v1::ListProductsRequest* request,
                                          v1::ListProductsResponse* response) {
  return rpc::HandleRpc("SalesChannel/ListProducts", context, [&]() -> absl::Status {
    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
      return core::FieldError("page_size", absl::StrCat("must be 0..", kMaxPageSize));
    }
    const size_t page = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
    std::string after = request->page_token();
    while (static_cast<size_t>(response->products_size()) < page) {
      // Read one more than needed to know whether a next page exists.
      ASSIGN_OR_RETURN(std::vector<v1::Product> batch, repo_.Products(after, page + 1));
      if (batch.empty()) break;
      for (v1::Product& product : batch) {
        after = product.id();
        if (product.discontinued() && !request->include_discontinued()) continue;
        if (static_cast<size_t>(response->products_size()) == page) {
          response->set_next_page_token(response->products().rbegin()->id());
          return absl::OkStatus();
        }
        *response->add_products() = std::move(product);
      }
      if (batch.size() < page + 1) break;
    }
    return absl::OkStatus();
  });
}

}  // namespace pharmacrm::sales_pipeline
