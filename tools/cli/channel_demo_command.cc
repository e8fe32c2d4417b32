#include "channel_demo_command.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "flow_command.h"
#include "grpc_retry.h"
#include "google/protobuf/util/json_util.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/v1/channel_control_service.grpc.pb.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

namespace pharmacrm::cli {
namespace {

struct Party {
  std::string key;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  std::string name, province, city, address;
};

struct FlowFile {
  std::string key, month, file, mapping;
};

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The tab-separated lines of a file, each split into its cells.
absl::StatusOr<std::vector<std::vector<std::string>>> ReadTsv(const std::string& path) {
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  std::vector<std::vector<std::string>> lines;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    lines.push_back(absl::StrSplit(line, '\t'));
  }
  return lines;
}

template <typename Message>
absl::StatusOr<std::vector<Message>> ReadJsonLines(const std::string& path) {
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  std::vector<Message> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    ++line_no;
    Message m;
    const auto status = google::protobuf::util::JsonStringToMessage(std::string(line), &m);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " line ", line_no, ": ", status.ToString()));
    }
    out.push_back(std::move(m));
  }
  return out;
}

// ¥12,345.67
std::string Money(int64_t fen) {
  const bool negative = fen < 0;
  uint64_t v = negative ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string yuan = absl::StrCat(v / 100);
  for (int i = static_cast<int>(yuan.size()) - 3; i > 0; i -= 3) yuan.insert(i, ",");
  return absl::StrFormat("%s¥%s.%02d", negative ? "-" : "", yuan, v % 100);
}

class Loader {
 public:
  Loader(const ChannelDemoOptions& options, std::FILE* out)
      : options_(options),
        out_(out),
        customers_(v1::CustomerMaster::NewStub(rpc::MakeChannel(options.server))),
        sales_(v1::SalesChannel::NewStub(rpc::MakeChannel(options.sales_pipeline, 16 << 20))),
        control_(
            v1::ChannelControl::NewStub(rpc::MakeChannel(options.sales_pipeline, 16 << 20))) {}

  absl::Status Run();

 private:
  absl::Status ReadFiles();
  absl::Status ResolveDistributors();
  absl::StatusOr<std::string> FindCustomer(const Party& party);
  absl::Status LoadProducts();
  absl::Status LoadAccounts();
  absl::Status LoadSellInAndPayments();
  absl::Status LoadFlows();
  absl::Status ResolveWorklist();
  absl::Status ReportStock();
  absl::Status AnnounceDue();
  absl::Status RunChecks();

  std::string Rid(absl::string_view what) const {
    return absl::StrCat(options_.request_prefix, "-", what);
  }
  std::string Path(absl::string_view file) const { return absl::StrCat(options_.dir, "/", file); }
  std::string NameOf(const std::string& customer_id) const {
    auto it = names_.find(customer_id);
    return it == names_.end() ? customer_id : it->second;
  }
  void Print(const std::string& line) { std::fprintf(out_, "%s\n", line.c_str()); }

  template <typename Call>
  grpc::Status Retry(bool retry_not_found, Call call) {
    return RetryCall(options_.wait, retry_not_found, call);
  }

  const ChannelDemoOptions& options_;
  std::FILE* out_;
  std::unique_ptr<v1::CustomerMaster::Stub> customers_;
  std::unique_ptr<v1::SalesChannel::Stub> sales_;
  std::unique_ptr<v1::ChannelControl::Stub> control_;

  std::string as_of_;
  std::vector<Party> parties_;
  std::vector<std::vector<std::string>> planted_;
  std::vector<v1::Product> products_;
  std::vector<v1::DistributorAccount> accounts_;
  std::vector<v1::Shipment> shipments_;
  std::vector<v1::Payment> payments_;
  std::vector<v1::StockReport> stock_reports_;
  std::vector<FlowFile> flows_;
  std::map<std::string, std::string> ids_;    // key -> customer id
  std::map<std::string, std::string> names_;  // customer id -> name
};

absl::Status Loader::ReadFiles() {
  absl::StatusOr<std::string> settings = ReadText(Path("channel.txt"));
  if (!settings.ok()) return settings.status();
  for (absl::string_view line : absl::StrSplit(*settings, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.first == "as_of") as_of_ = kv.second;
  }
  absl::StatusOr<std::vector<std::vector<std::string>>> parties = ReadTsv(Path("parties.tsv"));
  if (!parties.ok()) return parties.status();
  for (const std::vector<std::string>& cells : *parties) {
    if (cells.size() < 6) return absl::InvalidArgumentError("parties.tsv: a line without 6 cells");
    Party p{cells[0], v1::CUSTOMER_KIND_UNSPECIFIED, cells[2], cells[3], cells[4], cells[5]};
    v1::CustomerKind_Parse(cells[1], &p.kind);
    parties_.push_back(std::move(p));
  }
  absl::StatusOr<std::vector<std::vector<std::string>>> flows = ReadTsv(Path("flows.tsv"));
  if (!flows.ok()) return flows.status();
  for (const std::vector<std::string>& cells : *flows) {
    if (cells.size() < 4) return absl::InvalidArgumentError("flows.tsv: a line without 4 cells");
    flows_.push_back({cells[0], cells[1], cells[2], cells[3]});
  }
  absl::StatusOr<std::vector<std::vector<std::string>>> planted = ReadTsv(Path("planted.tsv"));
  if (planted.ok()) planted_ = *std::move(planted);
  auto read = [this](auto* field, const char* file) {
    using Message = typename std::remove_pointer_t<decltype(field)>::value_type;
    absl::StatusOr<std::vector<Message>> records = ReadJsonLines<Message>(Path(file));
    if (!records.ok()) return records.status();
    *field = *std::move(records);
    return absl::OkStatus();
  };
  if (absl::Status s = read(&products_, "products.jsonl"); !s.ok()) return s;
  if (absl::Status s = read(&accounts_, "accounts.jsonl"); !s.ok()) return s;
  if (absl::Status s = read(&shipments_, "shipments.jsonl"); !s.ok()) return s;
  if (absl::Status s = read(&payments_, "payments.jsonl"); !s.ok()) return s;
  return read(&stock_reports_, "stock-reports.jsonl");
}

absl::StatusOr<std::string> Loader::FindCustomer(const Party& party) {
  v1::SearchCustomersRequest request;
  request.set_query(party.name);
  request.set_kind(party.kind);
  request.set_province(party.province);
  request.set_page_size(50);
  v1::SearchCustomersResponse response;
  grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
    return customers_->SearchCustomers(c, request, &response);
  });
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  const v1::Customer* found = nullptr;
  for (const v1::Customer& c : response.customers()) {
    if (c.profile().name() != party.name) continue;
    if (found == nullptr || c.profile().address() == party.address) found = &c;
  }
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat(party.key, " ", party.name, " (", party.province,
                                            ") is not in customer-master: import the demo "
                                            "customers first (pharmacrm-demo-data --size=small)"));
  }
  return found->id();
}

absl::Status Loader::ResolveDistributors() {
  for (const Party& p : parties_) {
    if (p.kind != v1::CUSTOMER_KIND_DISTRIBUTOR) continue;
    absl::StatusOr<std::string> id = FindCustomer(p);
    if (!id.ok()) return id.status();
    ids_[p.key] = *id;
    names_[*id] = p.name;
  }
  Print(absl::StrCat(ids_.size(), " demo distributors found in customer-master"));
  return absl::OkStatus();
}

absl::Status Loader::LoadProducts() {
  for (const v1::Product& product : products_) {
    v1::UpsertProductRequest request;
    request.set_request_id(Rid(absl::StrCat("product-", product.id())));
    *request.mutable_product() = product;
    request.set_reason("demo data / 演示数据");
    v1::Product reply;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->UpsertProduct(c, request, &reply);
    });
    if (!s.ok()) {
      return absl::Status(rpc::FromGrpcStatus(s).code(),
                          absl::StrCat("product ", product.id(), ": ", s.error_message()));
    }
  }
  Print(absl::StrCat(products_.size(), " products"));
  return absl::OkStatus();
}

absl::Status Loader::LoadAccounts() {
  for (const v1::DistributorAccount& account : accounts_) {
    v1::SetDistributorAccountRequest request;
    request.set_request_id(Rid(absl::StrCat("account-", account.distributor_id())));
    request.set_distributor_id(ids_[account.distributor_id()]);
    request.set_channel(account.channel());
    *request.mutable_authorised_provinces() = account.authorised_provinces();
    request.set_credit_limit_fen(account.credit_limit_fen());
    request.set_payment_days(account.payment_days());
    for (const std::string& sub : account.authorised_sub_distributors()) {
      request.add_authorised_sub_distributors(ids_[sub]);
    }
    request.set_key_account_manager(account.key_account_manager());
    v1::DistributorAccount reply;
    // NOT_FOUND until sales-pipeline has consumed the imported customers.
    grpc::Status s = Retry(true, [&](grpc::ClientContext* c) {
      return sales_->SetDistributorAccount(c, request, &reply);
    });
    if (!s.ok()) {
      return absl::Status(rpc::FromGrpcStatus(s).code(),
                          absl::StrCat("account of ", NameOf(request.distributor_id()), ": ",
                                       s.error_message()));
    }
  }
  Print(absl::StrCat(accounts_.size(), " distributor accounts"));
  return absl::OkStatus();
}

absl::Status Loader::LoadSellInAndPayments() {
  std::map<std::string, std::string> shipment_ids;  // generator's -> service's
  size_t p = 0;
  int shipped = 0, returns = 0, refused = 0, paid = 0;
  int64_t amount = 0, collected = 0;
  auto pay = [&](const v1::Payment& payment) -> absl::Status {
    v1::RecordPaymentRequest request;
    request.set_request_id(Rid(absl::StrCat("payment-", payment.id())));
    *request.mutable_payment() = payment;
    request.mutable_payment()->clear_id();
    request.mutable_payment()->set_distributor_id(ids_[payment.distributor_id()]);
    v1::Payment reply;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->RecordPayment(c, request, &reply);
    });
    if (!s.ok()) {
      return absl::Status(rpc::FromGrpcStatus(s).code(),
                          absl::StrCat("payment ", payment.id(), ": ", s.error_message()));
    }
    ++paid;
    collected += payment.amount_fen();
    return absl::OkStatus();
  };
  for (const v1::Shipment& shipment : shipments_) {
    for (; p < payments_.size() && payments_[p].received_on() <= shipment.ship_date(); ++p) {
      if (absl::Status s = pay(payments_[p]); !s.ok()) return s;
    }
    v1::RecordShipmentRequest request;
    request.set_request_id(Rid(absl::StrCat("shipment-", shipment.id())));
    v1::Shipment& sent = *request.mutable_shipment() = shipment;
    sent.clear_id();
    sent.clear_amount_fen();
    sent.set_distributor_id(ids_[shipment.distributor_id()]);
    if (!shipment.returns_shipment_id().empty()) {
      sent.set_returns_shipment_id(shipment_ids[shipment.returns_shipment_id()]);
    }
    v1::RecordShipmentResponse reply;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->RecordShipment(c, request, &reply);
    });
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      ++refused;
      Print(absl::StrCat("shipment ", shipment.id(), " refused: ", s.error_message()));
      continue;
    }
    if (!s.ok()) {
      return absl::Status(rpc::FromGrpcStatus(s).code(),
                          absl::StrCat("shipment ", shipment.id(), ": ", s.error_message()));
    }
    shipment_ids[shipment.id()] = reply.shipment().id();
    (shipment.is_return() ? returns : shipped) += 1;
    amount += shipment.is_return() ? -reply.shipment().amount_fen() : reply.shipment().amount_fen();
  }
  for (; p < payments_.size(); ++p) {
    if (absl::Status s = pay(payments_[p]); !s.ok()) return s;
  }
  Print(absl::StrFormat("%d shipments and %d returns (net %s), %d refused; %d payments (%s)",
                        shipped, returns, Money(amount), refused, paid, Money(collected)));
  return absl::OkStatus();
}

absl::Status Loader::LoadFlows() {
  int64_t rows = 0, accepted = 0, matched = 0, unresolved = 0, rejected = 0;
  for (const FlowFile& f : flows_) {
    FlowImportOptions o;
    o.server = options_.sales_pipeline;
    o.file = Path(f.file);
    o.encoding = "auto";
    o.distributor_id = ids_[f.key];
    o.month = f.month;
    if (!f.mapping.empty()) o.mapping_file = Path(f.mapping);
    o.request_id = Rid(absl::StrCat("flow-", f.key, "-", f.month));
    o.progress = false;
    absl::StatusOr<v1::ImportFlowSummary> summary = RunFlowImport(o);
    for (int attempt = 0; !summary.ok() && absl::IsUnavailable(summary.status()) && attempt < 20;
         ++attempt) {
      absl::SleepFor(absl::Milliseconds(500));
      summary = RunFlowImport(o);
    }
    if (!summary.ok()) {
      return absl::Status(summary.status().code(),
                          absl::StrCat("flow ", f.file, ": ", summary.status().message()));
    }
    rows += summary->rows_read();
    accepted += summary->accepted();
    matched += summary->matched();
    unresolved += summary->unresolved();
    rejected += summary->rejected();
    for (const v1::FlowRowError& e : summary->errors()) {
      Print(absl::StrCat("flow ", f.file, " line ", e.line(), " ", e.field(), ": ", e.reason()));
    }
  }
  Print(absl::StrFormat(
      "%d flow files: %d rows, %d accepted (%d matched to a customer, %d waiting), %d rejected",
      flows_.size(), rows, accepted, matched, unresolved, rejected));
  return absl::OkStatus();
}

absl::Status Loader::ResolveWorklist() {
  std::map<std::string, std::string> ours;  // customer id -> key, of our distributors
  for (const auto& [key, id] : ids_) ours[id] = key;
  std::vector<v1::TerminalTask> open;
  v1::ListTerminalTasksRequest request;
  request.set_page_size(500);
  while (true) {
    v1::ListTerminalTasksResponse response;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->ListTerminalTasks(c, request, &response);
    });
    if (!s.ok()) return rpc::FromGrpcStatus(s);
    for (const v1::TerminalTask& t : response.tasks()) {
      if (ours.contains(t.distributor_id()) && t.state() == v1::TERMINAL_TASK_STATE_OPEN) {
        open.push_back(t);
      }
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  int resolved = 0;
  std::vector<std::string> waiting;
  for (const v1::TerminalTask& task : open) {
    const Party* party = nullptr;
    for (const Party& p : parties_) {
      if (p.name == task.row().terminal_name() && p.address == task.row().terminal_address()) {
        party = &p;
      }
    }
    if (party == nullptr) {
      waiting.push_back(absl::StrCat(task.row().terminal_name(), " (",
                                     NameOf(task.distributor_id()), " ", task.month(), ")"));
      continue;
    }
    absl::StatusOr<std::string> id = FindCustomer(*party);
    if (!id.ok()) return id.status();
    v1::ResolveTerminalTaskRequest resolve;
    resolve.set_request_id(Rid(absl::StrCat("task-", task.id())));
    resolve.set_task_id(task.id());
    resolve.set_customer_id(*id);
    v1::TerminalTask reply;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->ResolveTerminalTask(c, resolve, &reply);
    });
    if (!s.ok()) return rpc::FromGrpcStatus(s);
    ++resolved;
  }
  Print(absl::StrFormat("terminal worklist: %d rows resolved to their demo customer, %d wait for "
                        "a data steward",
                        resolved, waiting.size()));
  for (const std::string& w : waiting) Print(absl::StrCat("  waiting / 待匹配: ", w));
  return absl::OkStatus();
}

absl::Status Loader::ReportStock() {
  int reported = 0;
  for (const v1::StockReport& report : stock_reports_) {
    v1::ReportStockRequest request;
    request.set_request_id(
        Rid(absl::StrCat("stock-", report.distributor_id(), "-", report.as_of())));
    *request.mutable_report() = report;
    request.mutable_report()->set_distributor_id(ids_[report.distributor_id()]);
    v1::StockReport reply;
    grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
      return control_->ReportStock(c, request, &reply);
    });
    if (!s.ok()) return rpc::FromGrpcStatus(s);
    ++reported;
  }
  Print(absl::StrCat(reported, " stock reports"));
  return absl::OkStatus();
}

absl::Status Loader::AnnounceDue() {
  v1::AnnounceDueInvoicesRequest request;
  request.set_request_id(Rid(absl::StrCat("due-", as_of_)));
  request.set_as_of(as_of_);
  v1::AnnounceDueInvoicesResponse reply;
  grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
    return sales_->AnnounceDueInvoices(c, request, &reply);
  });
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  Print(absl::StrFormat("due invoices as of %s: %d fell due, %d overdue, %d credit holds set",
                        as_of_, reply.fell_due(), reply.overdue(), reply.holds_set()));
  for (const v1::DistributorAccount& account : accounts_) {
    v1::GetReceivablesRequest get;
    get.set_distributor_id(ids_[account.distributor_id()]);
    get.set_as_of(as_of_);
    v1::ReceivablesSummary r;
    grpc::Status g = Retry(false, [&](grpc::ClientContext* c) {
      return sales_->GetReceivables(c, get, &r);
    });
    if (!g.ok()) return rpc::FromGrpcStatus(g);
    if (r.aging().days_over_90_fen() == 0 && !r.on_hold()) continue;
    Print(absl::StrCat("  overdue / 逾期: ", NameOf(get.distributor_id()), ": open ",
                       Money(r.open_fen()), ", over 90 days ", Money(r.aging().days_over_90_fen()),
                       r.on_hold() ? absl::StrCat("; on credit hold: ", r.hold_reason()) : ""));
  }
  return absl::OkStatus();
}

absl::Status Loader::RunChecks() {
  v1::RunChannelChecksRequest request;
  request.set_request_id(Rid("checks"));
  v1::ChannelChecksSummary summary;
  grpc::Status s = Retry(false, [&](grpc::ClientContext* c) {
    return control_->RunChannelChecks(c, request, &summary);
  });
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  Print(absl::StrFormat(
      "channel checks %s..%s: %d flow rows, %d positions, %d reconciliations (%d with a gap), "
      "%d open findings",
      summary.from_month(), summary.to_month(), summary.flow_rows(), summary.positions(),
      summary.reconciliations(), summary.gaps(), summary.open_findings()));
  std::map<std::string, std::string> product_names;
  for (const v1::Product& p : products_) product_names[p.id()] = p.generic_name();
  v1::ListFindingsRequest list;
  list.set_page_size(500);
  std::vector<v1::Finding> findings;
  while (true) {
    v1::ListFindingsResponse response;
    grpc::Status l = Retry(false, [&](grpc::ClientContext* c) {
      return control_->ListFindings(c, list, &response);
    });
    if (!l.ok()) return rpc::FromGrpcStatus(l);
    for (const v1::Finding& f : response.findings()) {
      if (names_.contains(f.distributor_id())) findings.push_back(f);
    }
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  Print(absl::StrFormat("findings / 发现的问题 (%d):", findings.size()));
  for (const v1::Finding& f : findings) {
    std::string kind = v1::FindingKind_Name(f.kind());
    std::string severity = v1::Severity_Name(f.severity());
    // Stock differences carry no amount.
    Print(absl::StrFormat("  [%s] %s %s: %s %s batch %s, %s%s, %d packs%s", severity.substr(9),
                          kind.substr(13), NameOf(f.distributor_id()), f.product_id(),
                          product_names[f.product_id()], f.batch_no(), f.month(),
                          f.province().empty() ? "" : absl::StrCat(", ", f.province()),
                          f.quantity(),
                          f.amount_fen() == 0 ? "" : absl::StrCat(", ", Money(f.amount_fen()))));
    Print(absl::StrCat("      ", f.summary()));
    Print(absl::StrCat("      ", f.summary_zh()));
  }
  return absl::OkStatus();
}

absl::Status Loader::Run() {
  if (options_.dir.empty()) {
    return absl::InvalidArgumentError(
        "--dir: the directory pharmacrm-demo-data --what=channel wrote");
  }
  if (absl::Status s = ReadFiles(); !s.ok()) return s;
  Print(absl::StrCat("planted cases / 预置案例 (as of ", as_of_, "):"));
  for (const std::vector<std::string>& c : planted_) {
    if (c.size() >= 10) Print(absl::StrCat("  (", c[0], ") ", c[8], " / ", c[9]));
  }
  for (auto step : {&Loader::ResolveDistributors, &Loader::LoadProducts, &Loader::LoadAccounts,
                    &Loader::LoadSellInAndPayments, &Loader::LoadFlows, &Loader::ResolveWorklist,
                    &Loader::ReportStock, &Loader::AnnounceDue, &Loader::RunChecks}) {
    if (absl::Status s = (this->*step)(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunChannelDemo(const ChannelDemoOptions& options, std::FILE* out) {
  Loader loader(options, out);
  return loader.Run();
}

}  // namespace pharmacrm::cli
