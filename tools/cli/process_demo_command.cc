#include "process_demo_command.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "calls_demo.h"
#include "grpc_retry.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/change_alerts.grpc.pb.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/field_force.grpc.pb.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"

namespace pharmacrm::cli {
namespace {

struct Region {
  const char* code;
  const char* name;
  std::vector<const char*> provinces;
};

const std::vector<Region>& Regions() {
  static const auto* regions = new std::vector<Region>{
      {"N", "华北大区", {"北京市", "天津市", "河北省", "山西省", "内蒙古自治区"}},
      {"E", "华东大区", {"上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省"}},
      {"S", "华南大区", {"广东省", "广西壮族自治区", "海南省"}},
      {"C", "华中大区", {"河南省", "湖北省", "湖南省"}},
      {"SW", "西南大区", {"重庆市", "四川省", "贵州省", "云南省", "西藏自治区"}},
      {"NW", "西北大区", {"陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"}},
      {"NE", "东北大区", {"辽宁省", "吉林省", "黑龙江省"}},
  };
  return *regions;
}

// Demo people's names, handed out in order.
constexpr const char* kNames[] = {"赵敏", "钱伟", "孙丽", "李娜", "周杰", "吴芳", "郑强", "王磊",
                                  "冯静", "陈涛", "褚洁", "卫东", "蒋琳", "沈浩", "韩雪", "杨帆",
                                  "朱婷", "秦川", "许晴", "何平", "吕梁", "施敏", "张弛", "孔宁"};

v1::Rep Person(const std::string& id, const std::string& name, v1::SalesRole role,
               const std::string& manager, int64_t salary_yuan, int64_t allowance_yuan,
               int64_t expenses_yuan, int64_t samples) {
  v1::Rep rep;
  rep.set_id(id);
  rep.set_name(name);
  rep.set_role(role);
  rep.set_manager_id(manager);
  rep.set_start_date("2024-01-02");
  v1::RepCost* cost = rep.add_costs();
  cost->set_from_month("2024-01");
  cost->set_salary_fen(salary_yuan * 100);
  cost->set_allowance_fen(allowance_yuan * 100);
  cost->set_expenses_fen(expenses_yuan * 100);
  cost->set_samples_budget_units(samples);
  v1::RepCost* raise = rep.add_costs();
  raise->set_from_month("2026-01");
  raise->set_salary_fen(salary_yuan * 105);
  raise->set_allowance_fen(allowance_yuan * 100);
  raise->set_expenses_fen(expenses_yuan * 100);
  raise->set_samples_budget_units(samples);
  rep.set_reason("demo organisation");
  return rep;
}

// The metrics' drug class of a product's therapeutic class (the demo
// catalogue's classes are short forms of the metrics' ones).
std::string MetricsClass(const std::string& therapeutic_class) {
  static const std::map<std::string, std::string> kClasses = {
      {"心血管", "心血管系统用药"}, {"内分泌", "内分泌及代谢用药"}, {"消化", "消化系统用药"},
      {"呼吸", "呼吸系统用药"},     {"抗感染", "抗感染药"},         {"神经", "神经系统用药"},
      {"肿瘤", "抗肿瘤药"},         {"血液", "血液系统用药"},       {"中成药", "中成药"}};
  auto it = kClasses.find(therapeutic_class);
  return it == kClasses.end() ? therapeutic_class : it->second;
}

std::string Packs(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

class Loader {
 public:
  Loader(const ProcessDemoOptions& options, std::FILE* out) : options_(options), out_(out) {
    customers_ = v1::CustomerMaster::NewStub(rpc::MakeChannel(options.server));
    auto sales = rpc::MakeChannel(options.sales_pipeline);
    catalogue_ = v1::SalesChannel::NewStub(sales);
    process_ = v1::SalesProcess::NewStub(sales);
    field_ = v1::FieldForce::NewStub(sales);
    alerts_ = v1::ChangeAlerts::NewStub(sales);
  }

  absl::Status Run() {
    RETURN_IF_ERROR(ReadCustomers());
    plan_ = PlanDemoOrganisation(demo_);
    RETURN_IF_ERROR(CreateTerritories());
    RETURN_IF_ERROR(AlignCustomers());
    RETURN_IF_ERROR(AddPeople());
    RETURN_IF_ERROR(WaitForOrganisation());
    RETURN_IF_ERROR(SetTargets());
    RETURN_IF_ERROR(PrintRep());
    RETURN_IF_ERROR(LoadCalls());
    RETURN_IF_ERROR(PrintRepMonth());
    return ChangeCommittees();
  }

 private:
  std::string Rid(absl::string_view what) const {
    return absl::StrCat(options_.request_prefix, "-", what);
  }
  static absl::Status Failed(absl::string_view what, const grpc::Status& s) {
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        absl::StrCat(what, ": ", s.error_message()));
  }

  // Every active customer of `kind` in customer-master, page by page.
  absl::Status SearchAll(v1::CustomerKind kind,
                         const std::function<void(const v1::Customer&)>& visit) {
    std::string token;
    do {
      v1::SearchCustomersRequest req;
      req.set_kind(kind);
      req.set_page_size(200);
      req.set_page_token(token);
      v1::SearchCustomersResponse page;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return customers_->SearchCustomers(c, req, &page);
      });
      if (!s.ok()) return Failed("SearchCustomers", s);
      for (const v1::Customer& c : page.customers()) visit(c);
      token = page.next_page_token();
    } while (!token.empty());
    return absl::OkStatus();
  }

  absl::Status ReadCustomers() {
    for (v1::CustomerKind kind : {v1::CUSTOMER_KIND_HOSPITAL, v1::CUSTOMER_KIND_PHARMACY}) {
      RETURN_IF_ERROR(SearchAll(kind, [&](const v1::Customer& c) {
        demo_.push_back({c.id(), c.profile().name(), c.profile().province(), kind});
      }));
    }
    if (demo_.empty()) return absl::FailedPreconditionError("no demo customers: import them first");
    return absl::OkStatus();
  }

  absl::Status CreateTerritories() {
    for (const DemoOrganisation::Territory& t : plan_.territories) {
      v1::CreateTerritoryRequest req;
      req.set_request_id(Rid(absl::StrCat("territory-", t.code)));
      req.mutable_territory()->set_code(t.code);
      req.mutable_territory()->set_name(t.name);
      req.mutable_territory()->set_level(t.level);
      req.mutable_territory()->set_parent_id(t.parent_code.empty() ? "" : ids_[t.parent_code]);
      v1::Territory out;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return customers_->CreateTerritory(c, req, &out);
      });
      if (!s.ok()) return Failed(absl::StrCat("CreateTerritory ", t.code), s);
      ids_[t.code] = out.id();
      names_[out.id()] = t.name;
    }
    return absl::OkStatus();
  }

  // The organisation's first day: 1 January two years before the target
  // year, so that two years of calls have their territories.
  absl::CivilDay AlignedFrom() const { return absl::CivilDay(options_.year - 2, 1, 1); }

  absl::Status Align(v1::AlignmentSubject subject, const std::string& id,
                     const std::string& territory_code) {
    v1::AlignRequest req;
    const absl::CivilDay from = AlignedFrom();
    req.set_request_id(Rid(absl::StrCat("align-", id, "-", absl::FormatCivilTime(from))));
    req.set_subject(subject);
    req.set_subject_id(id);
    req.set_territory_id(ids_[territory_code]);
    const absl::Time effective = absl::FromCivil(from, absl::FixedTimeZone(8 * 3600));
    *req.mutable_effective_from() = core::ToTimestamp(effective);
    // Older than a year: the organisation's history, as a migration would
    // bring it.
    if (effective < absl::Now() - absl::Hours(24 * 365)) {
      req.set_history_source("PharmaCRM demo history");
    }
    req.set_reason("demo organisation");
    v1::Alignment out;
    grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
      return customers_->Align(c, req, &out);
    });
    if (!s.ok()) return Failed(absl::StrCat("Align ", id), s);
    return absl::OkStatus();
  }

  absl::Status AlignCustomers() {
    for (const auto& [customer, code] : plan_.customer_alignments) {
      RETURN_IF_ERROR(Align(v1::ALIGNMENT_SUBJECT_CUSTOMER, customer, code));
    }
    return absl::OkStatus();
  }

  absl::Status AddPeople() {
    for (const v1::Rep& person : plan_.people) {
      v1::UpsertRepRequest req;
      req.set_request_id(Rid(absl::StrCat("person-", person.id())));
      *req.mutable_rep() = person;
      v1::Rep out;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return process_->UpsertRep(c, req, &out);
      });
      // A person kept from an earlier run under another request id.
      if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) continue;
      if (!s.ok()) return Failed(absl::StrCat("UpsertRep ", person.id()), s);
    }
    for (const auto& [rep, code] : plan_.rep_alignments) {
      RETURN_IF_ERROR(Align(v1::ALIGNMENT_SUBJECT_REP, rep, code));
    }
    return absl::OkStatus();
  }

  // Until sales-pipeline has every territory, aligned customer and rep.
  absl::Status WaitForOrganisation() {
    const absl::Time deadline = absl::Now() + options_.wait;
    v1::GetOrganisationRequest req;
    req.set_as_of(absl::StrFormat("%04d-01-01", options_.year));
    while (true) {
      v1::Organisation org;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return process_->GetOrganisation(c, req, &org);
      });
      if (!s.ok()) return Failed("GetOrganisation", s);
      size_t customers = 0, reps = 0;
      for (const v1::OrganisationNode& n : org.nodes()) {
        customers += static_cast<size_t>(n.customers());
        reps += static_cast<size_t>(n.rep_ids_size());
      }
      organisation_ = org;
      if (static_cast<size_t>(org.nodes_size()) >= plan_.territories.size() &&
          customers >= plan_.customer_alignments.size() && reps >= plan_.rep_alignments.size()) {
        std::fprintf(out_,
                     "organisation / 销售组织: %d territories, %zu customers and %zu reps aligned "
                     "from %s (辖区 %d 个，客户 %zu 家，代表 %zu 名)\n",
                     org.nodes_size(), customers, reps,
                     absl::FormatCivilTime(AlignedFrom()).c_str(), org.nodes_size(), customers,
                     reps);
        return absl::OkStatus();
      }
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            "sales-pipeline has not consumed the demo organisation in time");
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
  }

  absl::Status SetTargets() {
    v1::ListProductsRequest req;
    req.set_page_size(500);
    v1::ListProductsResponse products;
    grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
      return catalogue_->ListProducts(c, req, &products);
    });
    if (!s.ok()) return Failed("ListProducts", s);
    if (products.products().empty()) {
      return absl::FailedPreconditionError("no products: load the demo channel first");
    }
    std::fprintf(out_, "company targets %d / %d 年公司目标 (last year + 12 %%):\n", options_.year,
                 options_.year);
    for (const v1::Product& p : products.products()) {
      v1::SetCompanyTargetRequest set;
      set.set_request_id(Rid(absl::StrCat("target-", p.id(), "-", options_.year)));
      set.set_product_id(p.id());
      set.set_year(options_.year);
      set.set_expected_growth(0.12);
      set.set_drug_class(MetricsClass(p.therapeutic_class()));
      v1::TargetWeights* w = set.mutable_weights();
      w->set_last_year_sales(0.5);
      w->set_market_size(0.2);
      w->set_grade_score(0.1);
      w->set_doctor_mix(0.1);
      w->set_growth(0.1);
      set.set_reason("demo annual plan / 演示年度计划");
      v1::TargetAllocation allocation;
      grpc::Status t = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return process_->SetCompanyTarget(c, set, &allocation);
      });
      if (!t.ok()) return Failed(absl::StrCat("SetCompanyTarget ", p.id()), t);
      std::fprintf(out_, "  %-8s %-16s %10s packs (2025: %s)\n", p.id().c_str(),
                   p.generic_name().c_str(), Packs(allocation.company_target_units()).c_str(),
                   Packs(allocation.last_year_units()).c_str());
      // The product with the largest target is the one shown below.
      if (first_.product_id().empty() ||
          allocation.company_target_units() > first_.company_target_units()) {
        first_ = allocation;
      }
    }
    std::fprintf(out_, "%s by region / 按大区:\n", first_.product_id().c_str());
    for (const v1::TargetNode& n : first_.nodes()) {
      if (n.level() != "region") continue;
      std::fprintf(out_, "  %-12s %10s packs  %5.1f %%\n", n.name().c_str(),
                   Packs(n.amount_units()).c_str(), 100 * n.share_of_nation());
    }
    return absl::OkStatus();
  }

  // The rep of the territory with the largest share of the product shown,
  // and their customers by target.
  absl::Status PrintRep() {
    std::map<std::string, const v1::OrganisationNode*> with_rep;
    for (const v1::OrganisationNode& n : organisation_.nodes()) {
      if (!n.rep_ids().empty()) with_rep[n.territory_id()] = &n;
    }
    const v1::TargetNode* largest = nullptr;
    for (const v1::TargetNode& n : first_.nodes()) {
      if (n.level() != "territory" || !with_rep.count(n.node_id())) continue;
      if (largest == nullptr || n.amount_units() > largest->amount_units()) largest = &n;
    }
    if (largest == nullptr) return absl::OkStatus();
    const v1::OrganisationNode& territory = *with_rep[largest->node_id()];
    v1::GetRepTargetsRequest req;
    req.set_rep_id(territory.rep_ids(0));
    req.set_year(options_.year);
    v1::RepTargets targets;
    grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
      return process_->GetRepTargets(c, req, &targets);
    });
    if (!s.ok()) return Failed("GetRepTargets", s);
    std::vector<v1::CustomerTarget> rows;
    for (const v1::CustomerTarget& c : targets.customers()) {
      if (c.product_id() == first_.product_id()) rows.push_back(c);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.target_units() > b.target_units();
    });
    shown_rep_ = req.rep_id();
    std::fprintf(out_, "rep %s, %s, %s %s packs: customers by target / 代表的客户目标（前 8）:\n",
                 req.rep_id().c_str(), territory.name().c_str(), first_.product_id().c_str(),
                 Packs(largest->amount_units()).c_str());
    std::fprintf(out_, "  %-24s %8s %8s %9s %8s %9s %8s\n", "customer 客户", "target", "2025",
                 "demand", "growth", "headroom", "sold");
    for (size_t i = 0; i < rows.size() && i < 8; ++i) {
      const v1::CustomerTarget& c = rows[i];
      std::fprintf(out_, "  %-24s %8s %8s %9s %8s %9s %8s\n", c.customer_name().c_str(),
                   Packs(c.target_units()).c_str(), Packs(c.last_year_units()).c_str(),
                   Packs(c.market_units()).c_str(),
                   c.growth_known() ? absl::StrFormat("%+.0f%%", 100 * c.growth()).c_str() : "-",
                   Packs(c.headroom_units()).c_str(), Packs(c.sold_so_far_units()).c_str());
    }
    return absl::OkStatus();
  }

  // Samples to every rep and a year of calls on their doctors
  // (PlanDemoCalls), the calls on 4 connections' worth of threads.
  absl::Status LoadCalls() {
    std::vector<DemoDoctor> doctors;
    RETURN_IF_ERROR(SearchAll(v1::CUSTOMER_KIND_DOCTOR, [&](const v1::Customer& c) {
      if (!c.profile().hospital_id().empty())
        doctors.push_back({c.id(), c.profile().hospital_id()});
    }));
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
    const DemoCallsPlan calls = PlanDemoCalls(plan_, doctors, first_.product_id(), today,
                                              AlignedFrom(), options_.request_prefix);
    size_t history_calls = 0;
    for (const v1::ImportCallHistoryRequest& req : calls.history) {
      v1::ImportCallHistoryResponse out;
      grpc::Status s = RetryCall(options_.wait, true, [&](grpc::ClientContext* c) {
        return field_->ImportCallHistory(c, req, &out);
      });
      if (!s.ok()) return Failed(absl::StrCat("ImportCallHistory ", req.request_id()), s);
      history_calls += static_cast<size_t>(req.calls_size());
    }
    for (const v1::IssueSamplesRequest& issue : calls.issues) {
      v1::SampleStock out;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return field_->IssueSamples(c, issue, &out);
      });
      if (!s.ok()) return Failed(absl::StrCat("IssueSamples ", issue.rep_id()), s);
    }
    constexpr size_t kThreads = 4;
    std::vector<absl::Status> failed(kThreads);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (size_t i = t; i < calls.calls.size() && failed[t].ok(); i += kThreads) {
          const v1::ReportCallRequest& req = calls.calls[i];
          v1::CallReport out;
          grpc::Status s = RetryCall(options_.wait, true, [&](grpc::ClientContext* c) {
            return field_->ReportCall(c, req, &out);
          });
          if (!s.ok()) failed[t] = Failed(absl::StrCat("ReportCall ", req.request_id()), s);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    for (const absl::Status& s : failed) RETURN_IF_ERROR(s);
    std::fprintf(out_,
                 "call reports / 拜访记录: %zu calls by %zu reps on %zu doctors over the %d months "
                 "before %s: %zu reported in the last 364 days, %zu imported as history (%zu 次拜访，"
                 "其中 %zu 次为历史导入)\n",
                 calls.calls.size() + history_calls, calls.issues.size(), doctors.size(),
                 kDemoCallMonths, absl::FormatCivilTime(today).c_str(), calls.calls.size(),
                 history_calls, calls.calls.size() + history_calls, history_calls);
    return absl::OkStatus();
  }

  // The shown rep's month (the last with the demo's metrics and flow):
  // KPIs, and this week's call plan.
  absl::Status PrintRepMonth() {
    if (shown_rep_.empty()) return absl::OkStatus();
    absl::CivilMonth month =
        absl::CivilMonth(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600))) - 1;
    absl::CivilMonth data_month;
    if (absl::ParseCivilTime(options_.last_data_month, &data_month) && data_month < month) {
      month = data_month;
    }
    v1::GetKpisRequest req;
    req.set_rep_id(shown_rep_);
    req.set_period(absl::StrFormat("%04d-%02d", month.year(), month.month()));
    v1::KpiReport report;
    grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
      return field_->GetKpis(c, req, &report);
    });
    if (!s.ok()) return Failed("GetKpis", s);
    const v1::KpiInputs& in = report.inputs();
    const v1::Kpis& k = report.kpis();
    auto pct = [](bool has, double v) {
      return has ? absl::StrFormat("%.1f %%", 100 * v) : std::string("-");
    };
    std::fprintf(out_, "rep %s, %s / 代表月度指标:\n", shown_rep_.c_str(), req.period().c_str());
    std::fprintf(out_, "  calls 拜访 %lld; coverage 覆盖率 %s (%lld of %lld target doctors)\n",
                 static_cast<long long>(in.calls()), pct(k.has_coverage(), k.coverage()).c_str(),
                 static_cast<long long>(in.target_doctors_called()),
                 static_cast<long long>(in.target_doctors()));
    std::fprintf(out_, "  frequency attainment 频次达成 %s (%lld of %lld)\n",
                 pct(k.has_frequency_attainment(), k.frequency_attainment()).c_str(),
                 static_cast<long long>(in.classed_doctors_attained()),
                 static_cast<long long>(in.classed_doctors()));
    std::fprintf(out_, "  target attainment 目标达成 %s (%s of %s packs); growth 增长 %s\n",
                 pct(k.has_target_attainment(), k.target_attainment()).c_str(),
                 Packs(in.sales_units()).c_str(), Packs(in.target_units()).c_str(),
                 pct(k.has_growth(), k.growth()).c_str());
    std::fprintf(
        out_,
        "  cost 费用 ¥%s, per pack 每盒 %s; new prescribers 新处方医生 %lld; samples 样品 "
        "%lld of %lld\n",
        Packs(in.cost_fen() / 100).c_str(),
        k.has_cost_per_unit() ? absl::StrFormat("¥%.2f", k.cost_per_unit_fen() / 100).c_str() : "-",
        static_cast<long long>(in.new_prescribers()), static_cast<long long>(in.samples_given()),
        static_cast<long long>(in.samples_budget()));
    v1::GetCallPlanRequest plan_req;
    plan_req.set_rep_id(shown_rep_);
    v1::CallPlan plan;
    s = RetryCall(options_.wait, false,
                  [&](grpc::ClientContext* c) { return field_->GetCallPlan(c, plan_req, &plan); });
    if (!s.ok()) return Failed("GetCallPlan", s);
    std::fprintf(out_, "  call plan, week of %s / 本周拜访计划 (%d doctors considered):\n",
                 plan.week_start().c_str(), plan.doctors_considered());
    for (int i = 0; i < plan.calls_size() && i < 5; ++i) {
      std::fprintf(out_, "    %-10s %s\n", plan.calls(i).name().c_str(),
                   plan.calls(i).reason_zh().c_str());
    }
    return absl::OkStatus();
  }

  // Two hospitals of the shown rep's territory change their people in
  // charge in customer-master (a new P&T committee member; a new
  // director); sales-pipeline raises an alert for each change to the rep,
  // printed with its suggested response. A hospital that already shows the
  // change (a second run) is left alone.
  absl::Status ChangeCommittees() {
    std::string code;
    for (const auto& [rep, territory] : plan_.rep_alignments) {
      if (rep == shown_rep_) code = territory;
    }
    std::vector<std::string> hospitals;
    for (const auto& [customer, territory] : plan_.customer_alignments) {
      if (territory != code) continue;
      for (const DemoCustomer& c : demo_) {
        if (c.id == customer && c.kind == v1::CUSTOMER_KIND_HOSPITAL) hospitals.push_back(c.id);
      }
    }
    std::sort(hospitals.begin(), hospitals.end());
    if (hospitals.size() > 2) hospitals.resize(2);
    for (size_t i = 0; i < hospitals.size(); ++i) {
      v1::GetCustomerRequest get;
      get.set_customer_id(hospitals[i]);
      v1::Customer hospital;
      grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return customers_->GetCustomer(c, get, &hospital);
      });
      if (!s.ok()) return Failed("GetCustomer", s);
      v1::UpdateCustomerRequest update;
      update.set_request_id(Rid(absl::StrCat("people-", hospitals[i])));
      update.set_customer_id(hospitals[i]);
      update.set_expected_version(hospital.version());
      *update.mutable_profile()->mutable_hospital() = hospital.profile().hospital();
      v1::HospitalDetails* h = update.mutable_profile()->mutable_hospital();
      bool changed = false;
      if (i == 0) {
        bool present = false;
        for (const v1::CommitteeMember& m : h->pharmacy_committee()) present |= m.name() == "陈静";
        if (!present) {
          v1::CommitteeMember* m = h->add_pharmacy_committee();
          m->set_name("陈静");
          m->set_role("委员");
          changed = true;
        }
        update.set_reason("药事委员会新增委员 / a new P&T committee member");
      } else if (h->legal_representative() != "刘建国") {
        h->set_legal_representative("刘建国");
        changed = true;
        update.set_reason("院长更换 / a new hospital director");
      }
      if (!changed) continue;
      update.mutable_update_mask()->add_paths("hospital");
      v1::Customer updated;
      s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
        return customers_->UpdateCustomer(c, update, &updated);
      });
      if (!s.ok()) return Failed(absl::StrCat("UpdateCustomer ", hospitals[i]), s);
    }
    // The alerts, once sales-pipeline has consumed the changes.
    std::vector<v1::Alert> raised;
    const absl::Time deadline = absl::Now() + options_.wait;
    for (const std::string& id : hospitals) {
      while (true) {
        v1::ListAlertsRequest req;
        req.set_customer_id(id);
        v1::ListAlertsResponse alerts;
        grpc::Status s = RetryCall(options_.wait, false, [&](grpc::ClientContext* c) {
          return alerts_->ListAlerts(c, req, &alerts);
        });
        if (!s.ok()) return Failed("ListAlerts", s);
        if (!alerts.alerts().empty()) {
          raised.insert(raised.end(), alerts.alerts().begin(), alerts.alerts().end());
          break;
        }
        if (absl::Now() >= deadline) {
          return absl::DeadlineExceededError("no alert raised for the demo's committee changes");
        }
        absl::SleepFor(absl::Milliseconds(300));
      }
    }
    std::fprintf(out_, "change alerts / 变化预警 (%zu):\n", raised.size());
    for (const v1::Alert& a : raised) {
      std::fprintf(out_, "  %s %s: %s → %s; owner %s; %s\n", a.customer_name().c_str(),
                   a.what().c_str(), a.before().empty() ? "-" : a.before().c_str(),
                   a.after().empty() ? "-" : a.after().c_str(),
                   a.owner().empty() ? "(unassigned)" : a.owner().c_str(),
                   a.suggestion_zh().c_str());
    }
    return absl::OkStatus();
  }

  const ProcessDemoOptions& options_;
  std::FILE* out_;
  std::unique_ptr<v1::FieldForce::Stub> field_;
  std::unique_ptr<v1::ChangeAlerts::Stub> alerts_;
  std::string shown_rep_;
  std::unique_ptr<v1::CustomerMaster::Stub> customers_;
  std::unique_ptr<v1::SalesChannel::Stub> catalogue_;
  std::unique_ptr<v1::SalesProcess::Stub> process_;
  std::vector<DemoCustomer> demo_;
  DemoOrganisation plan_;
  std::map<std::string, std::string> ids_;    // territory code -> id
  std::map<std::string, std::string> names_;  // territory id -> name
  v1::Organisation organisation_;
  v1::TargetAllocation first_;
};

}  // namespace

DemoOrganisation PlanDemoOrganisation(const std::vector<DemoCustomer>& customers) {
  DemoOrganisation plan;
  // Provinces with customers, by region, in the regions' order.
  std::map<std::string, std::vector<const DemoCustomer*>> by_province;
  for (const DemoCustomer& c : customers) by_province[c.province].push_back(&c);
  size_t next_name = 0;
  auto name = [&] { return std::string(kNames[next_name++ % std::size(kNames)]); };
  plan.territories.push_back({"CN", "全国", "", v1::TERRITORY_LEVEL_NATION});
  plan.people.push_back(
      Person("director", name(), v1::SALES_ROLE_NATIONAL_DIRECTOR, "", 60'000, 5'000, 10'000, 0));
  for (const Region& region : Regions()) {
    std::vector<std::pair<int, const char*>> present;
    for (size_t i = 0; i < region.provinces.size(); ++i) {
      if (by_province.count(region.provinces[i])) {
        present.emplace_back(static_cast<int>(i) + 1, region.provinces[i]);
      }
    }
    if (present.empty()) continue;
    const std::string region_code = absl::StrCat("CN-", region.code);
    const std::string lower = absl::AsciiStrToLower(region.code);
    plan.territories.push_back({region_code, region.name, "CN", v1::TERRITORY_LEVEL_REGION});
    const std::string regional = absl::StrCat("rm.", lower);
    plan.people.push_back(Person(regional, name(), v1::SALES_ROLE_REGIONAL_MANAGER, "director",
                                 35'000, 4'000, 8'000, 0));
    for (const auto& [index, province] : present) {
      const std::string area_code = absl::StrFormat("%s-%02d", region_code, index);
      std::string short_name(province);
      for (absl::string_view suffix :
           {"维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"}) {
        if (absl::EndsWith(short_name, suffix)) {
          short_name.resize(short_name.size() - suffix.size());
          break;
        }
      }
      plan.territories.push_back(
          {area_code, absl::StrCat(short_name, "地区"), region_code, v1::TERRITORY_LEVEL_AREA});
      const std::string territory_code = area_code + "-01";
      plan.territories.push_back({territory_code, absl::StrCat(short_name, "一区"), area_code,
                                  v1::TERRITORY_LEVEL_TERRITORY});
      const std::string district = absl::StrFormat("dm.%s%02d", lower, index);
      plan.people.push_back(Person(district, name(), v1::SALES_ROLE_DISTRICT_MANAGER, regional,
                                   20'000, 3'000, 6'000, 20));
      const std::string rep = absl::StrFormat("rep.%s%02d", lower, index);
      plan.people.push_back(
          Person(rep, name(), v1::SALES_ROLE_REP, district, 12'000, 2'000, 3'500, 60));
      plan.rep_alignments.emplace_back(rep, territory_code);
      for (const DemoCustomer* c : by_province[province]) {
        plan.customer_alignments.emplace_back(c->id, territory_code);
      }
    }
  }
  return plan;
}

absl::Status RunProcessDemo(const ProcessDemoOptions& options, std::FILE* out) {
  return Loader(options, out).Run();
}

}  // namespace pharmacrm::cli
