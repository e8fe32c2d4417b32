// Test support: a ChannelService and a ChannelControlService (with its
// ChannelChecks, whose worker is not started) over a real RocksDB store in
// a fresh temporary folder, with a FakeClock and a pinyin converter, and
// customers put where the known-customers projection would have put them.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_TEST_HOST_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_TEST_HOST_H_

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "api/channel_checks.h"
#include "api/channel_control_service.h"
#include "api/channel_service.h"
#include "api/example_product.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

class ChannelTestHost : public testing::Test {
 protected:
  explicit ChannelTestHost(absl::Time now) : clock_(now) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-channel-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    host_ = runtime::ServiceHost::CreateForTest("sales-pipeline", std::move(*store), {&clock_});
    absl::StatusOr<std::unique_ptr<matching::PinyinConverter>> pinyin =
        matching::PinyinConverter::Create();
    ASSERT_TRUE(pinyin.ok()) << pinyin.status();
    const matching::PinyinConverter& converter = host_->Keep(*std::move(pinyin));
    service_ = &host_->EmplaceService<ChannelService>(*host_, converter);
    checks_ = &host_->Keep(std::make_unique<ChannelChecks>(*host_));  // No worker: tests run it.
    control_ = &host_->EmplaceService<ChannelControlService>(*host_, *checks_);
  }
  void TearDown() override {
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The customer as the known-customers projection would have stored it.
  void Known(const std::string& id, v1::CustomerKind kind, const std::string& name = "",
             const std::string& province = "", const std::string& address = "") {
    v1::Customer customer;
    customer.set_id(id);
    customer.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    customer.mutable_profile()->set_kind(kind);
    customer.mutable_profile()->set_name(name);
    customer.mutable_profile()->set_province(province);
    customer.mutable_profile()->set_address(address);
    store::Batch batch;
    batch.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, id),
              customer.SerializeAsString());
    ASSERT_TRUE(host_->store().Write(std::move(batch)).ok());
  }

  // The Beijing channel both API tests start from: 华北医药 (D1, 北京市) and
  // 北京协和医院 (H-PUMC) known, the example product (example_product.h)
  // in the catalogue, and D1's account: tier1, authorised for 北京市, with
  // these terms.
  void SetUpBeijingChannel(int64_t credit_limit_fen = 0, int32_t payment_days = 0,
                           const std::string& key_account_manager = "") {
    Known("D1", v1::CUSTOMER_KIND_DISTRIBUTOR, "华北医药有限公司", "北京市", "北京市西城区");
    Known("H-PUMC", v1::CUSTOMER_KIND_HOSPITAL, "北京协和医院", "北京市",
          "北京市东城区帅府园1号");
    const v1::UpsertProductRequest product = testing_data::ExampleProductRequest("r-p1");
    grpc::ServerContext context;
    v1::Product stored;
    ASSERT_TRUE(service_->UpsertProduct(&context, &product, &stored).ok());
    v1::SetDistributorAccountRequest account;
    account.set_request_id("r-a1");
    account.set_distributor_id("D1");
    account.set_channel("tier1");
    account.add_authorised_provinces("北京市");
    account.set_credit_limit_fen(credit_limit_fen);
    account.set_payment_days(payment_days);
    account.set_key_account_manager(key_account_manager);
    v1::DistributorAccount set;
    ASSERT_TRUE(service_->SetDistributorAccount(&context, &account, &set).ok());
  }

  core::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<runtime::ServiceHost> host_;
  ChannelService* service_ = nullptr;
  ChannelChecks* checks_ = nullptr;
  ChannelControlService* control_ = nullptr;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_TEST_HOST_H_
