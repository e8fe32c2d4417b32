// ChannelService: flow (流向) files (ImportFlow, GetFlowPeriod) and the
// terminal worklist (ListTerminalTasks, ResolveTerminalTask).
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "api/channel_service.h"
#include "api/terminal_matching.h"
#include "domain/channel/dates.h"
#include "domain/channel/flow_mapping.h"
#include "domain/channel/flow_products.h"
#include "domain/channel/flow_rows.h"
#include "domain/channel/sales_facts.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr size_t kMaxFlowFileBytes = size_t{512} << 20;  // 512 MiB
constexpr size_t kMaxReportedErrors = 1000;
constexpr int32_t kDefaultTaskPage = 100;
constexpr int32_t kMaxTaskPage = 500;

// Rows with at least one error (a row's bad cells are reported together).
int64_t CountRows(const std::vector<channel::FlowRowError>& errors) {
  int64_t rows = 0;
  int64_t last = -1;
  for (const channel::FlowRowError& error : errors) {
    if (error.line != last) ++rows;
    last = error.line;
  }
  return rows;
}

}  // namespace

absl::StatusOr<v1::FlowPeriodLoaded> ChannelService::PeriodLoaded(const v1::DistributorAccount& account,
                                                  const v1::FlowPeriod& period,
                                                  const std::vector<v1::Product>& products,
                                                  const std::vector<v1::FlowRow>& rows,
                                                  store::Batch& batch, const std::string& actor,
                                                  const std::string& request_id) {
  absl::flat_hash_map<std::string, int64_t> supply;
  for (const v1::Product& product : products) {
    for (const v1::ChannelPrice& price : product.channel_prices()) {
      if (price.channel() == account.channel()) supply[product.id()] = price.supply_price_fen();
    }
  }
  absl::StatusOr<absl::CivilMonth> month = channel::ParseMonth(period.month(), "month");
  channel::FlowSalesFacts facts = channel::FlowFacts(
      account.distributor_id(), month.value_or(absl::CivilMonth()), rows,
      [&](absl::string_view, absl::string_view product_id) -> int64_t {
        auto it = supply.find(product_id);
        return it == supply.end() ? 0 : it->second;
      });
  v1::FlowPeriodLoaded event;
  *event.mutable_period() = period;
  for (v1::SalesFact& fact : facts.facts) *event.add_facts() = std::move(fact);
  RETURN_IF_ERROR(control_.ReplacePeriodFacts(batch, period.distributor_id(), period.month(),
                                              event.facts()));
  Publish(batch, "flow_period", absl::StrCat(period.distributor_id(), "/", period.month()),
          period.version(), account.distributor_id(), actor, request_id, event);
  return event;
}

grpc::Status ChannelService::ImportFlow(grpc::ServerContext* context,
                                        grpc::ServerReader<v1::FlowChunk>* reader,
                                        v1::ImportFlowSummary* response) {
  return rpc::HandleRpc("SalesChannel/ImportFlow", context, [&]() -> absl::Status {
    v1::FlowChunk header;
    if (!reader->Read(&header)) return core::FieldError("request_id", "the stream was empty");
    std::string file = std::move(*header.mutable_data());
    v1::FlowChunk chunk;
    while (reader->Read(&chunk)) {
      if (file.size() + chunk.data().size() > kMaxFlowFileBytes) {
        return core::FieldError("data", absl::StrCat("the file is larger than ",
                                                     kMaxFlowFileBytes >> 20, " MiB"));
      }
      file.append(chunk.data());
    }
    return LoadFlow(header, file, rpc::ActorOf(*context), response);
  });
}

absl::Status ChannelService::LoadFlow(const v1::FlowChunk& header, const std::string& file,
                                      const std::string& actor, v1::ImportFlowSummary* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(header.request_id()));
  ASSIGN_OR_RETURN(const absl::CivilMonth month, channel::ParseMonth(header.month(), "month"));
  if (month > absl::CivilMonth(Today())) return core::FieldError("month", "is in the future");
  absl::StatusOr<channel::FlowColumnMapping> mapping =
      channel::ParseColumnMapping(header.column_mapping());
  RETURN_IF_ERROR(Under("column_mapping", mapping.status()));
  ASSIGN_OR_RETURN(v1::DistributorAccount account,
                   RequireAccount(header.distributor_id(), "distributor_id"));
  const std::string month_text = channel::FormatMonth(month);

  // Read the file (CSV, or an .xlsx workbook told by its first bytes)
  // against the catalogue. A workbook that cannot be read stores nothing.
  ASSIGN_OR_RETURN(std::vector<v1::Product> products, repo_.Products("", SIZE_MAX));
  channel::CatalogueResolver catalogue(products);
  std::vector<v1::FlowRow> rows;
  std::vector<channel::FlowRowError> errors;
  if (absl::Status read =
          channel::ReadFlowFile(file, *std::move(mapping), month, catalogue, {}, &rows, &errors);
      !read.ok()) {
    return core::FieldError("data", read.message());
  }

  // Match the buyers to customers.
  ASSIGN_OR_RETURN(std::vector<v1::Customer> customers, repo_.KnownCustomers());
  TerminalMatcher matcher(customers, pinyin_);
  const std::vector<v1::TerminalTask> tasks =
      matcher.ResolveRows(rows, account.distributor_id(), month_text);

  // The request the idempotency record keeps: the header with the file's
  // fingerprint instead of its bytes.
  v1::FlowChunk fingerprint = header;
  fingerprint.set_data(absl::StrCat(file.size(), ":", core::Fingerprint64(file)));
  absl::MutexLock lock(&locks_.For(account.distributor_id()));
  return runtime::ExecuteOnce(
      host_.store(), "ImportFlow", header.request_id(), fingerprint, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::FlowPeriod> previous,
                         repo_.FlowPeriod(account.distributor_id(), month_text));
        RETURN_IF_ERROR(repo_.DeleteFlowRows(batch, account.distributor_id(), month_text));
        ASSIGN_OR_RETURN(std::vector<v1::TerminalTask> old_tasks,
                         repo_.PeriodTasks(account.distributor_id(), month_text));
        for (v1::TerminalTask& old : old_tasks) {
          if (old.state() != v1::TERMINAL_TASK_STATE_OPEN) continue;
          old.set_state(v1::TERMINAL_TASK_STATE_SUPERSEDED);
          repo_.PutTerminalTask(batch, old);
        }
        for (const v1::FlowRow& row : rows) {
          repo_.PutFlowRow(batch, account.distributor_id(), month_text, row);
        }
        for (const v1::TerminalTask& task : tasks) repo_.PutTerminalTask(batch, task);

        const channel::FlowTotals totals = channel::Summarise(rows);
        v1::FlowPeriod period;
        period.set_distributor_id(account.distributor_id());
        period.set_month(month_text);
        period.set_version(previous ? previous->version() + 1 : 1);
        period.set_file_name(header.file_name());
        period.set_row_count(totals.row_count);
        period.set_quantity(totals.quantity);
        period.set_amount_fen(totals.amount_fen);
        period.set_unresolved_rows(static_cast<int64_t>(tasks.size()));
        *period.mutable_loaded_at() = core::ToTimestamp(host_.clock().Now());
        period.set_loaded_by(actor);
        if (previous) {
          period.set_previous_row_count(previous->row_count());
          period.set_previous_quantity(previous->quantity());
          period.set_previous_amount_fen(previous->amount_fen());
        }
        repo_.PutFlowPeriod(batch, period);

        ASSIGN_OR_RETURN(
            const v1::FlowPeriodLoaded event,
            PeriodLoaded(account, period, products, rows, batch, actor, header.request_id()));

        *response->mutable_period() = period;
        response->set_rows_read(static_cast<int64_t>(rows.size()) + CountRows(errors));
        response->set_accepted(static_cast<int64_t>(rows.size()));
        response->set_rejected(CountRows(errors));
        response->set_unresolved(static_cast<int64_t>(tasks.size()));
        response->set_matched(response->accepted() - response->unresolved());
        response->set_facts(event.facts_size());
        for (const channel::FlowRowError& error : errors) {
          if (static_cast<size_t>(response->errors_size()) == kMaxReportedErrors) break;
          v1::FlowRowError* out = response->add_errors();
          out->set_line(error.line);
          out->set_field(error.field);
          out->set_reason(error.reason);
        }
        return absl::OkStatus();
      });
}

grpc::Status ChannelService::GetFlowPeriod(grpc::ServerContext* context,
                                           const v1::GetFlowPeriodRequest* request,
                                           v1::FlowPeriod* response) {
  return rpc::HandleRpc("SalesChannel/GetFlowPeriod", context, [&]() -> absl::Status {
    if (request->distributor_id().empty()) return core::FieldError("distributor_id", "must be set");
    ASSIGN_OR_RETURN(const absl::CivilMonth month, channel::ParseMonth(request->month(), "month"));
    ASSIGN_OR_RETURN(std::optional<v1::FlowPeriod> period,
                     repo_.FlowPeriod(request->distributor_id(), channel::FormatMonth(month)));
    if (!period) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "month",
                               absl::StrCat("no flow of '", request->distributor_id(), "' for ",
                                            channel::FormatMonth(month), " was loaded"));
    }
    *response = *std::move(period);
    return absl::OkStatus();
  });
}

grpc::Status ChannelService::ListTerminalTasks(grpc::ServerContext* context,
                                               const v1::ListTerminalTasksRequest* request,
                                               v1::ListTerminalTasksResponse* response) {
  return rpc::HandleRpc("SalesChannel/ListTerminalTasks", context, [&]() -> absl::Status {
    if (request->page_size() < 0 || request->page_size() > kMaxTaskPage) {
      return core::FieldError("page_size", absl::StrCat("must be 0..", kMaxTaskPage));
    }
    const size_t page = request->page_size() == 0 ? kDefaultTaskPage : request->page_size();
    ASSIGN_OR_RETURN(
        std::vector<v1::TerminalTask> tasks,
        repo_.TerminalTasks(request->distributor_id(), request->page_token(), page + 1,
                            [&](const v1::TerminalTask& task) {
                              return task.state() == v1::TERMINAL_TASK_STATE_OPEN ||
                                     (request->include_resolved() &&
                                      task.state() == v1::TERMINAL_TASK_STATE_RESOLVED);
                            }));
    for (size_t i = 0; i < tasks.size() && i < page; ++i) *response->add_tasks() = tasks[i];
    if (tasks.size() > page) response->set_next_page_token(tasks[page - 1].id());
    return absl::OkStatus();
  });
}

grpc::Status ChannelService::ResolveTerminalTask(grpc::ServerContext* context,
                                                 const v1::ResolveTerminalTaskRequest* request,
                                                 v1::TerminalTask* response) {
  return rpc::HandleRpc("SalesChannel/ResolveTerminalTask", context, [&]() -> absl::Status {
    return ResolveTask(*request, rpc::ActorOf(*context), response);
  });
}

absl::Status ChannelService::ResolveTask(const v1::ResolveTerminalTaskRequest& request,
                                         const std::string& actor, v1::TerminalTask* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  ASSIGN_OR_RETURN(std::optional<v1::TerminalTask> found, repo_.TerminalTask(request.task_id()));
  if (!found) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "task_id",
                             absl::StrCat("no terminal task '", request.task_id(), "'"));
  }
  absl::MutexLock lock(&locks_.For(found->distributor_id()));
  return runtime::ExecuteOnce(
      host_.store(), "ResolveTerminalTask", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::TerminalTask> task,
                         repo_.TerminalTask(request.task_id()));
        if (task->state() != v1::TERMINAL_TASK_STATE_OPEN) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "task_id",
                                   absl::StrCat("the task is ",
                                                v1::TerminalTaskState_Name(task->state()),
                                                ", not open"));
        }
        ASSIGN_OR_RETURN(std::optional<v1::Customer> customer,
                         repo_.KnownCustomer(request.customer_id()));
        if (!customer) {
          return core::FieldStatus(absl::StatusCode::kNotFound, "customer_id",
                                   absl::StrCat("'", request.customer_id(),
                                                "' is not (yet) known to sales-pipeline"));
        }
        if (customer->status() != v1::CUSTOMER_STATUS_ACTIVE) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   absl::StrCat("'", request.customer_id(), "' is not active"));
        }
        v1::FlowRow row = task->row();
        row.set_terminal_id(customer->id());
        row.set_terminal_kind(customer->profile().kind());
        row.set_terminal_province(customer->profile().province());
        repo_.PutFlowRow(batch, task->distributor_id(), task->month(), row);
        task->set_state(v1::TERMINAL_TASK_STATE_RESOLVED);
        task->set_resolved_customer_id(customer->id());
        task->set_resolved_by(actor);
        *task->mutable_resolved_at() = core::ToTimestamp(host_.clock().Now());
        *task->mutable_row() = row;
        repo_.PutTerminalTask(batch, *task);
        // The period's facts again, the resolved row now counted.
        ASSIGN_OR_RETURN(std::optional<v1::FlowPeriod> period,
                         repo_.FlowPeriod(task->distributor_id(), task->month()));
        ASSIGN_OR_RETURN(v1::DistributorAccount account,
                         RequireAccount(task->distributor_id(), "task_id"));
        ASSIGN_OR_RETURN(std::vector<v1::FlowRow> rows,
                         repo_.FlowRows(task->distributor_id(), task->month()));
        for (v1::FlowRow& stored : rows) {
          if (stored.line() == row.line()) stored = row;
        }
        ASSIGN_OR_RETURN(std::vector<v1::Product> products, repo_.Products("", SIZE_MAX));
        if (period) {
          period->set_unresolved_rows(std::max<int64_t>(0, period->unresolved_rows() - 1));
          repo_.PutFlowPeriod(batch, *period);
          RETURN_IF_ERROR(
              PeriodLoaded(account, *period, products, rows, batch, actor, request.request_id())
                  .status());
        }
        *response = *std::move(task);
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::sales_pipeline
