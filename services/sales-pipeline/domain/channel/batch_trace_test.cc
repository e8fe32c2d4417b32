#include "domain/channel/batch_trace.h"

#include <string>
#include <vector>

#include "domain/channel/channel_test_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace testdata;  // NOLINT(build/namespaces): the scenarios' cast

constexpr absl::CivilMonth kMarch(2026, 3);
constexpr v1::CustomerKind kSub = v1::CUSTOMER_KIND_DISTRIBUTOR;
using Authorisation = BatchTrace::Authorisation;

int32_t Holding(const BatchTrace& trace, const std::string& holder, const std::string& batch) {
  return trace.HoldingOf(trace.HolderOf(holder), trace.LotOf("P001", batch));
}

std::vector<std::string> Refs(const std::vector<v1::EvidenceStep>& steps) {
  std::vector<std::string> refs;
  for (const v1::EvidenceStep& step : steps) refs.push_back(step.ref());
  return refs;
}

TEST(BatchTrace, AuthorisationFollowsTheGoodsDownAChainOfAnyDepth) {
  // maker → 华北医药 → 冀南商业 → D-X3 → D-X4.
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-1", kHuabei, "2026-03-02", {Line("P001", "B2401", 200)}));
  AddRow(&data, kHuabei, kMarch,
         Row(1, "2026-03-03", kJinan, kSub, kHebei, "P001", "B2401", 90, 1));
  AddRow(&data, kJinan, kMarch, Row(1, "2026-03-04", "D-X3", kSub, kHebei, "P001", "B2401", 50, 1));
  AddRow(&data, "D-X3", kMarch, Row(7, "2026-03-05", "D-X4", kSub, kHebei, "P001", "B2401", 20, 1));
  BatchTrace trace(data);

  const int32_t last = Holding(trace, "D-X4", "B2401");
  ASSERT_GE(last, 0);
  EXPECT_EQ(trace.AuthorisationOf(last), Authorisation::kRestricted);
  EXPECT_EQ(trace.Depth(last), 4);
  EXPECT_THAT(trace.AuthorisedProvinces(last), ElementsAre(kHebei));
  EXPECT_TRUE(trace.Authorises(last, trace.ProvinceOf(kHebei)));
  EXPECT_FALSE(trace.Authorises(last, trace.ProvinceOf(kShandong)));
  EXPECT_THAT(trace.HolderPath(last), ElementsAre(kHuabei, kJinan, "D-X3", "D-X4"));
  EXPECT_THAT(Refs(trace.Provenance(last)),
              ElementsAre("SH-1", "D-HB/2026-03#1", "D-JN/2026-03#1", "D-X3/2026-03#7"));
}

TEST(BatchTrace, UntracedUnrestrictedAndUnknown) {
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-9", "D-NEW", "2026-03-02", {Line("P001", "B2401", 10)}));
  data.shipments.push_back(
      Shipment("SR-1", kHuabei, "2026-03-02", {Line("P001", "B2409", 10)}, /*is_return=*/true));
  AddRow(&data, "D-NEW", kMarch, Row(1, "2026-03-03", kJinan, kSub, kHebei, "P001", "B2401", 5, 1));
  AddRow(&data, kLunan, kMarch, Row(1, "2026-03-03", kJinan, kSub, kHebei, "P001", "Z", 5, 1));
  BatchTrace trace(data);

  // No authorised provinces anywhere: unrestricted, and so are its buyers.
  EXPECT_EQ(trace.AuthorisationOf(Holding(trace, "D-NEW", "B2401")), Authorisation::kUnrestricted);
  EXPECT_EQ(trace.AuthorisationOf(Holding(trace, kJinan, "B2401")), Authorisation::kUnrestricted);
  // Sold without a shipment in the data: untraced, no provenance.
  const int32_t untraced = Holding(trace, kJinan, "Z");
  ASSERT_GE(untraced, 0);
  EXPECT_EQ(trace.AuthorisationOf(untraced), Authorisation::kUntraced);
  EXPECT_EQ(trace.Depth(untraced), 0);
  EXPECT_THAT(trace.Provenance(untraced), IsEmpty());
  // A return gives nobody goods.
  EXPECT_EQ(Holding(trace, kHuabei, "B2409"), -1);
  EXPECT_EQ(trace.HolderOf("nobody"), -1);
  EXPECT_EQ(trace.LotOf("P001", "nothing"), -1);
}

TEST(BatchTrace, ACycleSharesTheUnionOfItsSources) {
  // 华北医药 (河北省) and 鲁南商业 (山东省) each get B2401 from the maker and
  // trade it both ways: each may then sell in both provinces.
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-1", kHuabei, "2026-03-02", {Line("P001", "B2401", 10)}));
  data.shipments.push_back(Shipment("SH-2", kLunan, "2026-03-02", {Line("P001", "B2401", 10)}));
  AddRow(&data, kHuabei, kMarch,
         Row(1, "2026-03-03", kLunan, kSub, kShandong, "P001", "B2401", 5, 1));
  AddRow(&data, kLunan, kMarch, Row(1, "2026-03-04", kHuabei, kSub, kHebei, "P001", "B2401", 5, 1));
  BatchTrace trace(data);

  for (const char* holder : {kHuabei, kLunan}) {
    const int32_t h = Holding(trace, holder, "B2401");
    EXPECT_EQ(trace.Depth(h), 1) << holder;  // its own shipment is the shortest chain
    EXPECT_THAT(trace.AuthorisedProvinces(h), ElementsAre(kHebei, kShandong)) << holder;
  }
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
