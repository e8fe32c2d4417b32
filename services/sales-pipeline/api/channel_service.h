// gRPC edge of the distributor channel (proto/pharmacrm/v1/channel_service.proto),
// one class in a file per aggregate: api/products.cc (catalogue),
// api/accounts.cc (distributor terms and credit holds), api/receivables.cc
// (shipments, payments, receivables, due dates), api/flow.cc (flow files
// and the terminal worklist). The rules are pure
// functions of domain/channel/; keys are storage/channel_repository's.
// Every command runs once per request id (runtime::ExecuteOnce) under the
// lock of its aggregate: a product's id, or the distributor's id for its
// account, shipments, invoices and payments (so a credit check and the
// shipment it allows are one step). Time rules read host.clock().
// Thread-safe; `host` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/message.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"

namespace pharmacrm::sales_pipeline {

class ChannelService final : public v1::SalesChannel::Service {
 public:
  // `pinyin` (for matching flow terminals) must outlive the service.
  ChannelService(runtime::ServiceHost& host, const matching::PinyinConverter& pinyin)
      : host_(host), pinyin_(pinyin), repo_(host.store()), control_(host.store()) {}

  grpc::Status UpsertProduct(grpc::ServerContext* context, const v1::UpsertProductRequest* request,
                             v1::Product* response) override;
  grpc::Status GetProduct(grpc::ServerContext* context, const v1::GetProductRequest* request,
                          v1::Product* response) override;
  grpc::Status ListProducts(grpc::ServerContext* context, const v1::ListProductsRequest* request,
                            v1::ListProductsResponse* response) override;
  grpc::Status SetDistributorAccount(grpc::ServerContext* context,
                                     const v1::SetDistributorAccountRequest* request,
                                     v1::DistributorAccount* response) override;
  grpc::Status GetDistributorAccount(grpc::ServerContext* context,
                                     const v1::GetDistributorAccountRequest* request,
                                     v1::DistributorAccount* response) override;
  grpc::Status SetCreditHold(grpc::ServerContext* context, const v1::SetCreditHoldRequest* request,
                             v1::DistributorAccount* response) override;
  grpc::Status RecordShipment(grpc::ServerContext* context,
                              const v1::RecordShipmentRequest* request,
                              v1::RecordShipmentResponse* response) override;
  grpc::Status RecordPayment(grpc::ServerContext* context, const v1::RecordPaymentRequest* request,
                             v1::Payment* response) override;
  grpc::Status GetReceivables(grpc::ServerContext* context,
                              const v1::GetReceivablesRequest* request,
                              v1::ReceivablesSummary* response) override;
  grpc::Status ImportFlow(grpc::ServerContext* context, grpc::ServerReader<v1::FlowChunk>* reader,
                          v1::ImportFlowSummary* response) override;
  grpc::Status GetFlowPeriod(grpc::ServerContext* context, const v1::GetFlowPeriodRequest* request,
                             v1::FlowPeriod* response) override;
  grpc::Status ListTerminalTasks(grpc::ServerContext* context,
                                 const v1::ListTerminalTasksRequest* request,
                                 v1::ListTerminalTasksResponse* response) override;
  grpc::Status ResolveTerminalTask(grpc::ServerContext* context,
                                   const v1::ResolveTerminalTaskRequest* request,
                                   v1::TerminalTask* response) override;
  grpc::Status AnnounceDueInvoices(grpc::ServerContext* context,
                                   const v1::AnnounceDueInvoicesRequest* request,
                                   v1::AnnounceDueInvoicesResponse* response) override;

  // A domain error about a field of `record` renamed as the request names
  // it ("lines[2].quantity" -> "shipment.lines[2].quantity").
  static absl::Status Under(absl::string_view record, const absl::Status& status);

  // The body of ImportFlow once the stream is read: `header` is the first
  // chunk (without its data), `file` the whole file (api/flow.cc).
  absl::Status LoadFlow(const v1::FlowChunk& header, const std::string& file,
                        const std::string& actor, v1::ImportFlowSummary* response);

 private:
  absl::Status Upsert(const v1::UpsertProductRequest& request, const std::string& actor,
                      v1::Product* response);
  absl::Status SetAccount(const v1::SetDistributorAccountRequest& request,
                          const std::string& actor, v1::DistributorAccount* response);
  absl::Status Hold(const v1::SetCreditHoldRequest& request, const std::string& actor,
                    v1::DistributorAccount* response);
  absl::Status Ship(const v1::RecordShipmentRequest& request, const std::string& actor,
                    v1::RecordShipmentResponse* response);
  absl::Status Pay(const v1::RecordPaymentRequest& request, const std::string& actor,
                   v1::Payment* response);
  absl::Status Receivables(const v1::GetReceivablesRequest& request,
                           v1::ReceivablesSummary* response);
  absl::Status ResolveTask(const v1::ResolveTerminalTaskRequest& request, const std::string& actor,
                           v1::TerminalTask* response);
  // Publishes FlowPeriodLoaded with the sales facts of `rows` into `batch`,
  // and makes them the period's stored facts.
  absl::StatusOr<v1::FlowPeriodLoaded> PeriodLoaded(const v1::DistributorAccount& account,
                                    const v1::FlowPeriod& period,
                                    const std::vector<v1::Product>& products,
                                    const std::vector<v1::FlowRow>& rows, store::Batch& batch,
                                    const std::string& actor, const std::string& request_id);
  absl::Status AnnounceDue(const v1::AnnounceDueInvoicesRequest& request,
                           const std::string& actor, v1::AnnounceDueInvoicesResponse* response);
  // One distributor's due dates and automatic hold as of `today`, into
  // `batch`; counts into `response`.
  absl::Status AnnounceDueFor(const std::string& distributor_id, absl::CivilDay today,
                              const std::string& request_id, const std::string& actor,
                              store::Batch& batch, v1::AnnounceDueInvoicesResponse* response);

  // The distributor's account, NOT_FOUND naming `field` when there is none.
  absl::StatusOr<v1::DistributorAccount> RequireAccount(const std::string& distributor_id,
                                                        absl::string_view field) const;
  // Queues `event` on the sales topic, keyed by `key` (the distributor or
  // product), in `batch`.
  void Publish(store::Batch& batch, absl::string_view aggregate_kind,
               const std::string& aggregate_id, int64_t version, const std::string& key,
               const std::string& actor, const std::string& request_id,
               const google::protobuf::Message& event);
  // Today in China Standard Time by the host's clock.
  absl::CivilDay Today() const;

  runtime::ServiceHost& host_;
  const matching::PinyinConverter& pinyin_;
  ChannelRepository repo_;
  ControlRepository control_;  // Sales facts.
  runtime::StripedLocks locks_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_SERVICE_H_
