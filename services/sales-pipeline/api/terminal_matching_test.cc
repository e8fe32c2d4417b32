#include "api/terminal_matching.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/message_differencer.h"
#include "pharmacrm/matching/pinyin.h"
#include "storage/channel_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

v1::Customer Hospital(const std::string& id, const std::string& name, const std::string& province,
                      const std::string& address) {
  v1::Customer c;
  c.set_id(id);
  c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  c.mutable_profile()->set_name(name);
  // The province as the customer master keeps it; the city and district
  // come from the address.
  c.mutable_profile()->set_province(province);
  c.mutable_profile()->set_address(address);
  return c;
}

v1::FlowRow Row(int64_t line, const std::string& name, const std::string& address) {
  v1::FlowRow row;
  row.set_line(line);
  row.set_terminal_name(name);
  row.set_terminal_address(address);
  row.set_product_id("P1");
  row.set_quantity(line);
  return row;
}

class TerminalMatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    auto pinyin = matching::PinyinConverter::Create();
    ASSERT_TRUE(pinyin.ok()) << pinyin.status();
    pinyin_ = *std::move(pinyin);
    customers_ = {
        Hospital("h-xiehe", "北京协和医院", "北京市", "北京市东城区帅府园1号"),
        Hospital("h-tj", "天津市第一中心医院", "天津市", "天津市南开区复康路24号"),
        // Two branches alike enough that a row naming neither campus is
        // for a person to decide.
        Hospital("h-sz1", "深圳市第一人民医院", "广东省", "广东省深圳市罗湖区东门北路1017号"),
        Hospital("h-sz2", "深圳市第二人民医院", "广东省", "广东省深圳市福田区笋岗西路3002号"),
    };
    // Rows repeat their buyers in every way: matched, ambiguous, unknown.
    const std::vector<std::pair<std::string, std::string>> buyers = {
        {"北京协和医院", "北京市东城区帅府园1号"},
        {"北京協和醫院", "北京市东城区帅府园1号"},
        {"天津市第一中心医院", "天津市南开区复康路24号"},
        {"深圳市人民医院", "广东省深圳市"},
        {"某某诊所", "河北省石家庄市长安区某路9号"},
    };
    for (int64_t line = 2; line < 2 + 5 * 40; ++line) {
      const auto& [name, address] = buyers[static_cast<size_t>(line) % buyers.size()];
      rows_.push_back(Row(line, name, address));
    }
  }

  std::unique_ptr<matching::PinyinConverter> pinyin_;
  std::vector<v1::Customer> customers_;
  std::vector<v1::FlowRow> rows_;
};

TEST_F(TerminalMatcherTest, MatchesRowsAndFilesTasksInRowOrder) {
  TerminalMatcher matcher(customers_, *pinyin_, 1);
  std::vector<v1::FlowRow> rows = rows_;
  const std::vector<v1::TerminalTask> tasks = matcher.ResolveRows(rows, "D1", "2026-03");

  int64_t matched = 0;
  for (const v1::FlowRow& row : rows) {
    if (row.terminal_id().empty()) continue;
    ++matched;
    if (row.terminal_name() == "天津市第一中心医院") {
      EXPECT_EQ(row.terminal_id(), "h-tj");
      EXPECT_EQ(row.terminal_province(), "天津市");
    } else {
      EXPECT_EQ(row.terminal_id(), "h-xiehe") << row.terminal_name();
      EXPECT_EQ(row.terminal_kind(), v1::CUSTOMER_KIND_HOSPITAL);
    }
  }
  EXPECT_EQ(matched, 3 * 40);
  ASSERT_EQ(tasks.size(), 2u * 40);
  int64_t last_line = 0;
  for (const v1::TerminalTask& task : tasks) {
    EXPECT_GT(task.row().line(), last_line);
    last_line = task.row().line();
    EXPECT_EQ(task.id(), ChannelRepository::TerminalTaskId("D1", "2026-03", task.row().line()));
    EXPECT_EQ(task.distributor_id(), "D1");
    EXPECT_EQ(task.month(), "2026-03");
    EXPECT_EQ(task.state(), v1::TERMINAL_TASK_STATE_OPEN);
    EXPECT_TRUE(task.row().terminal_id().empty());
    if (task.row().terminal_name() == "深圳市人民医院") {
      EXPECT_TRUE(task.ambiguous());
      ASSERT_GE(task.candidates_size(), 2);
      EXPECT_FALSE(task.candidates(0).reasons().empty());
    } else {
      EXPECT_FALSE(task.ambiguous()) << task.row().terminal_name();
    }
  }
  const matching::TerminalResolver::Stats stats = matcher.stats();
  EXPECT_EQ(stats.resolved, 5) << "each distinct buyer is resolved once";
}

TEST_F(TerminalMatcherTest, TheAnswerDoesNotDependOnTheThreads) {
  // More rows than one range of the row stage, so that several threads
  // take part in both stages.
  std::vector<v1::FlowRow> many;
  for (int copy = 0; copy < 60; ++copy) {
    for (v1::FlowRow row : rows_) {
      row.set_line(row.line() + copy * 1000);
      row.set_terminal_address(absl::StrCat(row.terminal_address(), copy % 7));
      many.push_back(row);
    }
  }
  std::vector<v1::FlowRow> one_rows = many;
  std::vector<v1::FlowRow> three_rows = many;
  const std::vector<v1::TerminalTask> one =
      TerminalMatcher(customers_, *pinyin_, 1).ResolveRows(one_rows, "D1", "2026-03");
  const std::vector<v1::TerminalTask> three =
      TerminalMatcher(customers_, *pinyin_, 3).ResolveRows(three_rows, "D1", "2026-03");
  ASSERT_EQ(one_rows.size(), three_rows.size());
  for (size_t i = 0; i < one_rows.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(one_rows[i], three_rows[i]))
        << i;
  }
  ASSERT_EQ(one.size(), three.size());
  ASSERT_FALSE(one.empty());
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(one[i], three[i])) << i;
  }
}

TEST_F(TerminalMatcherTest, NoRowsNoTasks) {
  std::vector<v1::FlowRow> none;
  EXPECT_TRUE(TerminalMatcher(customers_, *pinyin_, 2).ResolveRows(none, "D1", "2026-03").empty());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
