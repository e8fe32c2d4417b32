#include "domain/search/search.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::PinyinConverter;

namespace {

const PinyinConverter& Pinyin() {
  static const PinyinConverter* p = PinyinConverter::Create()->release();
  return *p;
}

TEST(ParseSearchQuery, ChineseMatchesCharactersAsciiMatchesPinyinAndInitials) {
  auto q = ParseSearchQuery(" 协和 ");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->prefixes.size(), 1u);
  EXPECT_EQ(q->prefixes[0].form, TermForm::kHanzi);
  EXPECT_EQ(q->prefixes[0].text, "协和");
  q = ParseSearchQuery("Xie He");
  ASSERT_EQ(q->prefixes.size(), 2u);
  EXPECT_EQ(q->prefixes[0].text, "xiehe");
  EXPECT_EQ(q->prefixes[1].form, TermForm::kInitials);
  q = ParseSearchQuery("ＢＪＸＨ");  // Full-width letters.
  EXPECT_EQ(q->prefixes[0].text, "bjxh");
  EXPECT_TRUE(ParseSearchQuery("")->prefixes.empty());
  EXPECT_EQ(core::FieldOf(ParseSearchQuery("---").status()), "query");
}

TEST(ParseSearchQuery, TraditionalCharactersAreFoldedToSimplified) {
  auto q = ParseSearchQuery("協和");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->prefixes.size(), 1u);
  EXPECT_EQ(q->prefixes[0].form, TermForm::kHanzi);
  EXPECT_EQ(q->prefixes[0].text, "协和");
}

TEST(ValidateSearch, NamesBadFields) {
  v1::SearchCustomersRequest r;
  EXPECT_EQ(core::FieldOf(ValidateSearch(r)), "query");
  r.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_TRUE(ValidateSearch(r).ok());
  r.set_page_size(201);
  EXPECT_EQ(core::FieldOf(ValidateSearch(r)), "page_size");
  r.set_page_size(-1);
  EXPECT_EQ(core::FieldOf(ValidateSearch(r)), "page_size");
}

TEST(Paginate, StableOrderByPinyinThenIdAcrossPages) {
  std::vector<std::pair<std::string, std::string>> held;  // id, sort key
  const char* names[] = {"张伟", "李娜", "王芳", "刘洋", "陈静"};
  for (int i = 0; i < 5; ++i) {
    v1::Customer c;
    c.set_id("id-" + std::to_string(i));
    c.mutable_profile()->set_name(names[i]);
    held.emplace_back(c.id(), SearchEntryFor(c, Pinyin()).sort_key());
  }
  std::vector<SearchMatch> all;
  for (const auto& [id, key] : held) all.push_back({id, key});
  v1::SearchCustomersRequest r;
  r.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 3; ++page) {
    auto resp = Paginate(all, r);
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(resp->total_size, 5);
    for (const auto& id : resp->ids) seen.push_back(id);
    r.set_page_token(resp->next_page_token);
    if (page < 2) {
      EXPECT_FALSE(resp->next_page_token.empty());
    } else {
      EXPECT_TRUE(resp->next_page_token.empty());
    }
  }
  // 陈静 chen, 李娜 li, 刘洋 liu, 王芳 wang, 张伟 zhang.
  EXPECT_EQ(seen, (std::vector<std::string>{"id-4", "id-1", "id-3", "id-2", "id-0"}));
  r.set_page_token("not base64 !!");
  EXPECT_EQ(core::FieldOf(Paginate(all, r).status()), "page_token");
}

TEST(PassesFilters, KindRegionGradeAndStatus) {
  v1::Customer c;
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  c.mutable_profile()->set_province("北京市");
  c.mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  v1::SearchCustomersRequest r;
  r.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  r.set_province("北京市");
  r.set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  EXPECT_TRUE(PassesFilters(SearchEntryFor(c, Pinyin()), r));
  r.set_province("上海市");
  EXPECT_FALSE(PassesFilters(SearchEntryFor(c, Pinyin()), r));
  r.clear_province();
  c.set_status(v1::CUSTOMER_STATUS_INACTIVE);
  EXPECT_FALSE(PassesFilters(SearchEntryFor(c, Pinyin()), r));
  r.set_include_inactive(true);
  EXPECT_TRUE(PassesFilters(SearchEntryFor(c, Pinyin()), r));
  r.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_FALSE(PassesFilters(SearchEntryFor(c, Pinyin()), r));
}

}  // namespace
}  // namespace pharmacrm::customer_master
