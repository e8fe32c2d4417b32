// Test support: the sales process's API tests start from here: a
// ChannelTestHost with a SalesProcessService, and an organisation of
// territories, alignments, metrics and sales facts put where the
// projections and the channel would have put them (SetUpOrganisation).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_PROCESS_TEST_HOST_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_PROCESS_TEST_HOST_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api/channel_test_host.h"
#include "api/example_rep.h"
#include "api/sales_process_service.h"
#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "storage/control_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

// 2026-03-15 10:00 China time (a Sunday): the target year 2026 has begun.
inline const absl::Time kProcessNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 15, 2, 0, 0), absl::UTCTimeZone());

class ProcessTestHost : public ChannelTestHost {
 protected:
  ProcessTestHost() : ChannelTestHost(kProcessNow) {}

  void SetUp() override {
    ChannelTestHost::SetUp();
    process_service_ = &host_->EmplaceService<SalesProcessService>(*host_);
  }

  size_t Outbox() {
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(10'000);
    return entries.ok() ? entries->size() : 0;
  }

  void Write(const std::function<void(store::Batch&)>& fill) {
    store::Batch batch;
    fill(batch);
    ASSERT_TRUE(host_->store().Write(std::move(batch)).ok());
  }

  // Nation CN > region N > area N-BJ > territories T1 (北京东城) and T2
  // (北京西城). H-PUMC in T1, H2 and pharmacy P1 in T2, H3 unaligned.
  // 2025 sales of P001: H-PUMC 6,000 (2024: 5,000), H2 3,000, P1 1,000;
  // 2026 so far: H-PUMC 1,500. Metrics of 2025 for H-PUMC only.
  void SetUpOrganisation() {
    SetUpBeijingChannel();
    Known("H2", v1::CUSTOMER_KIND_HOSPITAL, "北京市第二医院", "北京市", "北京市西城区");
    Known("P1", v1::CUSTOMER_KIND_PHARMACY, "同仁堂药店", "北京市", "北京市西城区");
    Known("H3", v1::CUSTOMER_KIND_HOSPITAL, "未分区医院", "北京市", "北京市");
    ProcessRepository repo(host_->store());
    ControlRepository control(host_->store());
    Write([&](store::Batch& b) {
      repo.PutTerritory(b,
                        testing_data::TestTerritory("CN", v1::TERRITORY_LEVEL_NATION, "", "全国"));
      repo.PutTerritory(
          b, testing_data::TestTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN", "华北大区"));
      repo.PutTerritory(
          b, testing_data::TestTerritory("N-BJ", v1::TERRITORY_LEVEL_AREA, "N", "北京地区"));
      repo.PutTerritory(
          b, testing_data::TestTerritory("T1", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ", "北京东城"));
      repo.PutTerritory(
          b, testing_data::TestTerritory("T2", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ", "北京西城"));
      for (const auto& [customer, territory] : std::vector<std::pair<std::string, std::string>>{
               {"H-PUMC", "T1"}, {"H2", "T2"}, {"P1", "T2"}}) {
        v1::AlignmentHistory h;
        *h.add_alignments() = testing_data::TestAlignment(
            customer, territory, absl::CivilDay(2024, 1, 1), kProcessNow - absl::Hours(24 * 400));
        repo.PutCustomerAlignment(b, customer, h);
      }
      v1::AlignmentHistory rep;
      *rep.add_alignments() = testing_data::TestAlignment("li.na", "T1", absl::CivilDay(2025, 6, 1),
                                                          kProcessNow - absl::Hours(24 * 400));
      repo.PutRepAlignment(b, "li.na", rep);
      v1::CustomerMetrics m;
      m.set_customer_id("H-PUMC");
      m.set_period("2025-06");
      m.set_version(1);
      v1::DrugClassFigure* all = m.mutable_hospital()->add_prescriptions();
      all->set_drug_class("心血管");
      all->set_volume(40'000);
      repo.PutMetrics(b, m);
    });
    AddFacts({Fact("H-PUMC", "2024-05", 5'000), Fact("H-PUMC", "2025-02", 1'000),
              Fact("H-PUMC", "2025-09", 5'000), Fact("H2", "2025-04", 3'000),
              Fact("P1", "2025-11", 1'000), Fact("H-PUMC", "2026-02", 1'500)});
  }

  // A flow fact of P001 bought through D1.
  static v1::SalesFact Fact(const std::string& customer, const std::string& month,
                            int64_t quantity) {
    v1::SalesFact f;
    f.set_customer_id(customer);
    f.set_product_id("P001");
    f.set_month(month);
    f.set_source(v1::SALES_FACT_SOURCE_FLOW);
    f.set_distributor_id("D1");
    f.set_quantity(quantity);
    return f;
  }

  void AddFacts(const std::vector<v1::SalesFact>& facts) {
    ControlRepository control(host_->store());
    Write([&](store::Batch& b) { ASSERT_TRUE(control.AddFacts(b, facts).ok()); });
  }

  static v1::Rep Person(const std::string& id, v1::SalesRole role, const std::string& manager) {
    return sales_pipeline::testing_data::ExampleRep(id, role, manager);
  }

  absl::StatusOr<v1::Rep> Upsert(const v1::Rep& rep, const std::string& request_id,
                                 int64_t expected_version = 0) {
    v1::UpsertRepRequest request;
    request.set_request_id(request_id);
    *request.mutable_rep() = rep;
    request.set_expected_version(expected_version);
    v1::Rep out;
    RETURN_IF_ERROR(process_service_->Upsert(request, "director.zhao", &out));
    return out;
  }

  static v1::SetCompanyTargetRequest ByLastYear(const std::string& request_id, double growth) {
    v1::SetCompanyTargetRequest r;
    r.set_request_id(request_id);
    r.set_product_id("P001");
    r.set_year(2026);
    r.set_expected_growth(growth);
    r.mutable_weights()->set_last_year_sales(0.8);
    r.mutable_weights()->set_market_size(0.2);
    r.set_drug_class("心血管");
    r.set_reason("2026 plan");
    return r;
  }

  absl::StatusOr<v1::TargetAllocation> Set(const v1::SetCompanyTargetRequest& r) {
    v1::TargetAllocation out;
    RETURN_IF_ERROR(process_service_->SetTarget(r, "director.zhao", &out));
    return out;
  }

  absl::StatusOr<v1::TargetAllocation> AdjustNode(const std::string& request_id,
                                                  const std::string& node, int64_t amount,
                                                  int64_t expected_version,
                                                  const std::string& reason = "tender won") {
    v1::AdjustTargetRequest r;
    r.set_request_id(request_id);
    r.set_product_id("P001");
    r.set_year(2026);
    r.set_node_id(node);
    r.set_amount_units(amount);
    r.set_expected_version(expected_version);
    r.set_reason(reason);
    v1::TargetAllocation out;
    RETURN_IF_ERROR(process_service_->Adjust(r, "manager.wang", &out));
    return out;
  }

  absl::StatusOr<v1::TargetAllocation> Get(int64_t version, int depth) {
    v1::GetTargetAllocationRequest r;
    r.set_product_id("P001");
    r.set_year(2026);
    r.set_version(version);
    r.set_depth(depth);
    v1::TargetAllocation out;
    grpc::ServerContext context;
    grpc::Status s = process_service_->GetTargetAllocation(&context, &r, &out);
    if (!s.ok())
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    return out;
  }

  static int64_t AmountOf(const v1::TargetAllocation& a, const std::string& id) {
    for (const v1::TargetNode& n : a.nodes()) {
      if (n.node_id() == id) return n.amount_units();
    }
    return -1;
  }

  SalesProcessService* process_service_ = nullptr;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_PROCESS_TEST_HOST_H_
