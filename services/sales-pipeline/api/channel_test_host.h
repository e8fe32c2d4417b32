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

  core::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<runtime::ServiceHost> host_;
  ChannelService* service_ = nullptr;
  ChannelChecks* checks_ = nullptr;
  ChannelControlService* control_ = nullptr;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_TEST_HOST_H_
