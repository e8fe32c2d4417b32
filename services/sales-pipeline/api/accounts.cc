// ChannelService: distributor accounts (SetDistributorAccount,
// GetDistributorAccount) and manual credit holds (SetCreditHold).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/channel_service.h"
#include "domain/channel/catalogue.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int kMaxPaymentDays = 365;
constexpr int64_t kMaxCreditLimitFen = int64_t{1'000'000'000'000};  // ¥10 billion
constexpr int kMaxListEntries = 100;

absl::Status ValidateAccountRequest(const v1::SetDistributorAccountRequest& r) {
  if (r.distributor_id().empty()) return core::FieldError("distributor_id", "must be set");
  if (!channel::IsChannel(r.channel())) {
    return core::FieldError("channel", absl::StrCat("'", r.channel(),
                                                    "' is not a channel: tier1, tier2 or direct"));
  }
  if (r.credit_limit_fen() < 0 || r.credit_limit_fen() > kMaxCreditLimitFen) {
    return core::FieldError("credit_limit_fen", absl::StrCat("must be 0..", kMaxCreditLimitFen));
  }
  if (r.payment_days() < 0 || r.payment_days() > kMaxPaymentDays) {
    return core::FieldError("payment_days", absl::StrCat("must be 0..", kMaxPaymentDays));
  }
  if (r.key_account_manager().size() > 200) {
    return core::FieldError("key_account_manager", "at most 200 bytes");
  }
  if (r.authorised_provinces().empty()) {
    return core::FieldError("authorised_provinces",
                            "name at least one province the distributor may sell in");
  }
  for (const auto* list : {&r.authorised_provinces(), &r.authorised_sub_distributors()}) {
    const char* name = list == &r.authorised_provinces() ? "authorised_provinces"
                                                         : "authorised_sub_distributors";
    if (list->size() > kMaxListEntries) {
      return core::FieldError(name, absl::StrCat("at most ", kMaxListEntries, " entries"));
    }
    for (int i = 0; i < list->size(); ++i) {
      if (absl::StripAsciiWhitespace(list->Get(i)).empty()) {
        return core::FieldError(absl::StrCat(name, "[", i, "]"), "must not be blank");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::DistributorAccount> ChannelService::RequireAccount(
    const std::string& distributor_id, absl::string_view field) const {
  return repo_.RequireAccount(distributor_id, field);
}

grpc::Status ChannelService::SetDistributorAccount(grpc::ServerContext* context,
                                                   const v1::SetDistributorAccountRequest* request,
                                                   v1::DistributorAccount* response) {
  return rpc::HandleRpc("SalesChannel/SetDistributorAccount", context,
                        [&] { return SetAccount(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::SetAccount(const v1::SetDistributorAccountRequest& request,
                                        const std::string& actor,
                                        v1::DistributorAccount* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(ValidateAccountRequest(request));
  absl::MutexLock lock(&locks_.For(request.distributor_id()));
  return runtime::ExecuteOnce(
      host_.store(), "SetDistributorAccount", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Customer> customer,
                         repo_.KnownCustomer(request.distributor_id()));
        if (!customer) {
          return core::FieldStatus(
              absl::StatusCode::kNotFound, "distributor_id",
              absl::StrCat("'", request.distributor_id(),
                           "' is not (yet) known to sales-pipeline; register it in customer-master"));
        }
        if (customer->profile().kind() != v1::CUSTOMER_KIND_DISTRIBUTOR &&
            customer->profile().kind() != v1::CUSTOMER_KIND_HOSPITAL) {
          return core::FieldError("distributor_id",
                                  absl::StrCat("'", request.distributor_id(),
                                               "' is not a distributor or a hospital supplied "
                                               "directly"));
        }
        if (customer->status() != v1::CUSTOMER_STATUS_ACTIVE) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "distributor_id",
                                   absl::StrCat("'", request.distributor_id(), "' is not active"));
        }
        ASSIGN_OR_RETURN(std::optional<v1::DistributorAccount> current,
                         repo_.Account(request.distributor_id()));
        v1::DistributorAccount account = current.value_or(v1::DistributorAccount());
        account.set_distributor_id(request.distributor_id());
        account.set_channel(request.channel());
        account.mutable_authorised_provinces()->CopyFrom(request.authorised_provinces());
        account.set_credit_limit_fen(request.credit_limit_fen());
        account.set_payment_days(request.payment_days());
        account.mutable_authorised_sub_distributors()->CopyFrom(
            request.authorised_sub_distributors());
        account.set_key_account_manager(request.key_account_manager());
        account.set_version(account.version() + 1);
        *account.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        repo_.PutAccount(batch, account);
        v1::DistributorAccountChanged event;
        *event.mutable_account() = account;
        Publish(batch, "distributor_account", account.distributor_id(), account.version(),
                account.distributor_id(), actor, request.request_id(), event);
        *response = account;
        return absl::OkStatus();
      });
}

grpc::Status ChannelService::GetDistributorAccount(grpc::ServerContext* context,
                                                   const v1::GetDistributorAccountRequest* request,
                                                   v1::DistributorAccount* response) {
  return rpc::HandleRpc("SalesChannel/GetDistributorAccount", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, RequireAccount(request->distributor_id(), "distributor_id"));
    return absl::OkStatus();
  });
}

grpc::Status ChannelService::SetCreditHold(grpc::ServerContext* context,
                                           const v1::SetCreditHoldRequest* request,
                                           v1::DistributorAccount* response) {
  return rpc::HandleRpc("SalesChannel/SetCreditHold", context,
                        [&] { return Hold(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::Hold(const v1::SetCreditHoldRequest& request,
                                  const std::string& actor, v1::DistributorAccount* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.on_hold() && absl::StripAsciiWhitespace(request.reason()).empty()) {
    return core::FieldError("reason", "say why the distributor is put on hold");
  }
  absl::MutexLock lock(&locks_.For(request.distributor_id()));
  return runtime::ExecuteOnce(
      host_.store(), "SetCreditHold", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::DistributorAccount account,
                         RequireAccount(request.distributor_id(), "distributor_id"));
        account.set_on_hold(request.on_hold());
        account.set_hold_is_manual(request.on_hold());
        account.set_hold_reason(request.on_hold() ? request.reason() : "");
        account.set_version(account.version() + 1);
        *account.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        repo_.PutAccount(batch, account);
        v1::CreditHoldChanged event;
        *event.mutable_account() = account;
        Publish(batch, "distributor_account", account.distributor_id(), account.version(),
                account.distributor_id(), actor, request.request_id(), event);
        *response = account;
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::sales_pipeline
