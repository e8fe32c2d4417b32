#include "domain/search/customer_index.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "domain/matching/matching.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/similarity.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::BlockingKeys;
using ::pharmacrm::matching::PinyinConverter;

namespace {

const PinyinConverter& Pinyin() {
  static const PinyinConverter* p = PinyinConverter::Create()->release();
  return *p;
}

v1::Customer Make(const std::string& id, const std::string& name,
                  v1::CustomerKind kind = v1::CUSTOMER_KIND_HOSPITAL, int64_t version = 1,
                  const std::string& province = "北京市", const std::string& city = "北京市") {
  v1::Customer c;
  c.set_id(id);
  c.set_version(version);
  c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
  c.mutable_profile()->set_kind(kind);
  c.mutable_profile()->set_name(name);
  c.mutable_profile()->set_province(province);
  c.mutable_profile()->set_city(city);
  return c;
}

// Every page of `query`, page after page, in the order given.
std::vector<std::string> AllPages(const CustomerIndex& index, const std::string& query,
                                  v1::SearchCustomersRequest request, size_t max) {
  request.set_query(query);
  auto parsed = ParseSearchQuery(query);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  std::vector<std::string> ids;
  do {
    auto found = index.Search(*parsed, request, max);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok()) break;
    ids.insert(ids.end(), found->page.ids.begin(), found->page.ids.end());
    request.set_page_token(found->page.next_page_token);
  } while (!request.page_token().empty());
  return ids;
}

// Every match of `query`, sorted by id.
std::vector<std::string> Find(const CustomerIndex& index, const std::string& query,
                              v1::SearchCustomersRequest request = {}, size_t max = 100) {
  request.set_page_size(1000);
  std::vector<std::string> ids = AllPages(index, query, std::move(request), max);
  std::sort(ids.begin(), ids.end());
  return ids;
}

using Ids = std::vector<std::string>;

TEST(FormsMatch, AnyPartInCharactersPinyinFromASyllableAndInitials) {
  NameForms f = FormsForName("北京协和医院", Pinyin());
  EXPECT_EQ(f.pinyin, "beijingxieheyiyuan");
  EXPECT_EQ(f.initials, "bjxhyy");
  EXPECT_TRUE(FormsMatch(f, {TermForm::kHanzi, "协和"}));
  EXPECT_TRUE(FormsMatch(f, {TermForm::kHanzi, "北京协和医院"}));
  EXPECT_FALSE(FormsMatch(f, {TermForm::kHanzi, "协医"}));
  EXPECT_TRUE(FormsMatch(f, {TermForm::kPinyin, "xiehe"}));
  EXPECT_TRUE(FormsMatch(f, {TermForm::kPinyin, "beijingx"}));
  EXPECT_FALSE(FormsMatch(f, {TermForm::kPinyin, "eijing"}));  // Not a syllable start.
  EXPECT_FALSE(FormsMatch(f, {TermForm::kPinyin, "yuanx"}));   // Past the end.
  EXPECT_TRUE(FormsMatch(f, {TermForm::kInitials, "xhyy"}));
  EXPECT_FALSE(FormsMatch(f, {TermForm::kInitials, "bx"}));
  EXPECT_FALSE(FormsMatch(f, {TermForm::kHanzi, ""}));
}

TEST(FormsForName, LongNamesAreCappedAndCaseFolded) {
  std::string name = "ABC";
  for (int i = 0; i < 50; ++i) name += "药";
  NameForms f = FormsForName(name, Pinyin());
  EXPECT_EQ(f.text.substr(0, 3), "abc");
  EXPECT_EQ(f.initials.size(), kMaxIndexedChars - 3 + 1);  // "abc" is one token.
}

TEST(CustomerIndex, FindsByCharactersPinyinAndInitials) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("c1", "北京协和医院"));
  index.Upsert(Make("c2", "上海瑞金医院"));
  index.Upsert(Make("c3", "张伟", v1::CUSTOMER_KIND_DOCTOR));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(Find(index, "协和"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "医院"), Ids({"c1", "c2"}));
  EXPECT_EQ(Find(index, "院"), Ids({"c1", "c2"}));
  EXPECT_EQ(Find(index, "xiehe"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "XieHe"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "xhyy"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "yy"), Ids({"c1", "c2"}));
  EXPECT_EQ(Find(index, "z"), Ids({"c3"}));  // zhang: initial and pinyin.
  EXPECT_EQ(Find(index, "zw"), Ids({"c3"}));
  EXPECT_EQ(Find(index, "eijing"), Ids({}));
  EXPECT_EQ(Find(index, "广州"), Ids({}));
}

TEST(CustomerIndex, SimplifiedFindsTraditionalAndTheReverse) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("t1", "北京協和醫院"));
  index.Upsert(Make("s1", "北京协和医院"));
  index.Upsert(Make("t2", "臺北榮民總醫院"));
  EXPECT_EQ(Find(index, "协和"), Ids({"s1", "t1"}));
  EXPECT_EQ(Find(index, "協和"), Ids({"s1", "t1"}));
  EXPECT_EQ(Find(index, "协和医院"), Ids({"s1", "t1"}));
  EXPECT_EQ(Find(index, "荣民总医院"), Ids({"t2"}));
  EXPECT_EQ(Find(index, "xiehe"), Ids({"s1", "t1"}));
}

TEST(CustomerIndex, AppliesFilters) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("c1", "北京协和医院"));
  index.Upsert(Make("c2", "协和药房", v1::CUSTOMER_KIND_PHARMACY));
  index.Upsert(Make("c3", "协和医院分院", v1::CUSTOMER_KIND_HOSPITAL, 1, "河北省", "石家庄市"));
  v1::Customer inactive = Make("c4", "协和门诊");
  inactive.set_status(v1::CUSTOMER_STATUS_INACTIVE);
  index.Upsert(inactive);
  v1::SearchCustomersRequest r;
  r.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_EQ(Find(index, "协和", r), Ids({"c1", "c3"}));
  r.set_province("河北省");
  EXPECT_EQ(Find(index, "xh", r), Ids({"c3"}));
  v1::SearchCustomersRequest all;
  EXPECT_EQ(Find(index, "协和", all), Ids({"c1", "c2", "c3"}));
  all.set_include_inactive(true);
  EXPECT_EQ(Find(index, "协和", all), Ids({"c1", "c2", "c3", "c4"}));
}

TEST(CustomerIndex, KindAndRegionWithoutAName) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("c1", "北京协和医院"));
  index.Upsert(Make("c2", "石家庄医院", v1::CUSTOMER_KIND_HOSPITAL, 1, "河北省", "石家庄市"));
  index.Upsert(Make("c3", "张伟", v1::CUSTOMER_KIND_DOCTOR));
  v1::SearchCustomersRequest r;
  r.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_EQ(Find(index, "", r), Ids({"c1", "c2"}));
  r.set_province("河北省");
  EXPECT_EQ(Find(index, "", r), Ids({"c2"}));
  r.set_city("保定市");
  EXPECT_EQ(Find(index, "", r), Ids({}));
  bool truncated = true;
  EXPECT_EQ(index.IdsInRegion(v1::CUSTOMER_KIND_HOSPITAL, "北京市", "", 10, &truncated), Ids({"c1"}));
  EXPECT_FALSE(truncated);
  EXPECT_EQ(index.IdsInRegion(v1::CUSTOMER_KIND_DOCTOR, "", "", 10, &truncated), Ids({"c3"}));
}

TEST(CustomerIndex, ARenameOrMoveReplacesWhatIsFound) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("c1", "北京协和医院"));
  index.Upsert(Make("c1", "北京同仁医院", v1::CUSTOMER_KIND_HOSPITAL, 2, "河北省", "保定市"));
  EXPECT_EQ(Find(index, "协和"), Ids({}));
  EXPECT_EQ(Find(index, "xiehe"), Ids({}));
  EXPECT_EQ(Find(index, "同仁"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "医院"), Ids({"c1"}));  // Old and new posting: found once.
  bool truncated = false;
  EXPECT_EQ(index.IdsInRegion(v1::CUSTOMER_KIND_HOSPITAL, "北京市", "", 10, &truncated), Ids({}));
  EXPECT_EQ(index.IdsInRegion(v1::CUSTOMER_KIND_HOSPITAL, "河北省", "保定市", 10, &truncated),
            Ids({"c1"}));
  // Back to the first name: found again, once.
  index.Upsert(Make("c1", "北京协和医院", v1::CUSTOMER_KIND_HOSPITAL, 3));
  EXPECT_EQ(Find(index, "协和"), Ids({"c1"}));
  EXPECT_EQ(index.size(), 1u);
}

// Renames leave old name records behind; once they are many they are
// compacted away, and every customer is still found by its current name
// and in name order, and not by an old one.
TEST(CustomerIndex, RenamesDoNotGrowMemoryWithoutBound) {
  CustomerIndex index(Pinyin());
  constexpr int kCustomers = 200;
  for (int i = 0; i < kCustomers; ++i) {
    index.Upsert(Make(absl::StrCat("c", 1000 + i), absl::StrCat("长沙第", i, "人民医院")));
  }
  const size_t live_at_start = index.name_memory().live;
  size_t most_held = 0;
  // Each customer renamed 200 times (40,000 renames, about six times the
  // bytes of a chunk of records).
  for (int round = 1; round <= 200; ++round) {
    for (int i = 0; i < kCustomers; ++i) {
      index.Upsert(Make(absl::StrCat("c", 1000 + i), absl::StrCat("湘雅第", i, "分院", round),
                        v1::CUSTOMER_KIND_HOSPITAL, round + 1));
    }
    most_held = std::max(most_held, index.name_memory().held);
  }
  CustomerIndex::NameMemory memory = index.name_memory();
  EXPECT_NEAR(static_cast<double>(memory.live), static_cast<double>(live_at_start),
              0.5 * static_cast<double>(live_at_start));
  // At most a chunk of old records plus half the current ones, and whole
  // chunks: never more than three 1 MiB chunks here.
  EXPECT_LE(most_held, size_t{3} << 20);
  EXPECT_EQ(Find(index, "长沙"), Ids({}));
  EXPECT_EQ(Find(index, "湘雅第7分院200"), Ids({"c1007"}));
  EXPECT_EQ(Find(index, "xiangya").size(), static_cast<size_t>(kCustomers));
  // Paged across the compacted records: each customer once.
  v1::SearchCustomersRequest request;
  request.set_page_size(7);
  std::vector<std::string> paged = AllPages(index, "湘雅", request, 1000);
  ASSERT_EQ(paged.size(), static_cast<size_t>(kCustomers));
  std::vector<std::string> in_order = Find(index, "湘雅");
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()),
            std::set<std::string>(in_order.begin(), in_order.end()));
}

// Service ids are UUIDs, held by their bytes; other ids as written. Either
// way one id is one customer, and ids that differ in any character (case
// too) are different customers.
TEST(CustomerIndex, EachIdIsOneCustomerWhateverItsForm) {
  CustomerIndex index(Pinyin());
  const std::string uuid = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
  index.Upsert(Make(uuid, "北京协和医院"));
  index.Upsert(Make(uuid, "北京同仁医院", v1::CUSTOMER_KIND_HOSPITAL, 2));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(Find(index, "同仁"), Ids({uuid}));
  EXPECT_EQ(Find(index, "协和"), Ids({}));

  const std::string upper = "0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B";
  const std::string undashed = "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b";
  const std::string next = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c";
  const std::string dashes_moved = "0190a1b2c-3d4-7e5f-8a6b-7c8d9e0f1a2b";
  for (const std::string& id : {upper, undashed, next, dashes_moved}) {
    index.Upsert(Make(id, "北京协和医院"));
  }
  EXPECT_EQ(index.size(), 5u);
  std::vector<std::string> others = {upper, undashed, next, dashes_moved};
  std::sort(others.begin(), others.end());
  EXPECT_EQ(Find(index, "协和"), others);
  // Each again, renamed: still five customers.
  for (const std::string& id : {uuid, upper, undashed, next, dashes_moved}) {
    index.Upsert(Make(id, "北京天坛医院", v1::CUSTOMER_KIND_HOSPITAL, 3));
  }
  EXPECT_EQ(index.size(), 5u);
  std::vector<std::string> all = others;
  all.push_back(uuid);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(Find(index, "天坛"), all);
  EXPECT_EQ(Find(index, "协和"), Ids({}));
  bool truncated = false;
  std::vector<std::string> in_region =
      index.IdsInRegion(v1::CUSTOMER_KIND_HOSPITAL, "北京市", "北京市", 10, &truncated);
  std::sort(in_region.begin(), in_region.end());
  EXPECT_EQ(in_region, all);
}

TEST(CustomerIndex, AnOlderVersionDoesNotReplaceANewerOne) {
  CustomerIndex index(Pinyin());
  index.Upsert(Make("c1", "北京同仁医院", v1::CUSTOMER_KIND_HOSPITAL, 5));
  index.Upsert(Make("c1", "北京协和医院", v1::CUSTOMER_KIND_HOSPITAL, 4));
  EXPECT_EQ(Find(index, "同仁"), Ids({"c1"}));
  EXPECT_EQ(Find(index, "协和"), Ids({}));
}

TEST(CustomerIndex, ShortListsAreReadWholeAndSayIfTruncated) {
  CustomerIndex index(Pinyin());
  for (int i = 0; i < 30; ++i) index.Upsert(Make(absl::StrCat("c", i), absl::StrCat("人民医院", i)));
  v1::SearchCustomersRequest r;
  auto parsed = ParseSearchQuery("人民");
  auto m = index.Search(*parsed, r, 10);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->page.total_size, 30);   // Below the sorted-list length: exact.
  EXPECT_EQ(m->page.ids.size(), 20u);  // The default page.
  EXPECT_FALSE(m->page.next_page_token.empty());
  EXPECT_FALSE(m->truncated);
  bool truncated = false;
  EXPECT_EQ(index.IdsInRegion(v1::CUSTOMER_KIND_HOSPITAL, "", "", 5, &truncated).size(), 5u);
  EXPECT_TRUE(truncated);
}

// A name that repeats a gram (人民 twice) is posted under it once.
TEST(CustomerIndex, ANameRepeatingAGramIsPostedOnce) {
  CustomerIndex index(Pinyin());
  for (int i = 0; i < 30; ++i) {
    index.Upsert(Make(absl::StrCat("c", i), absl::StrCat("人民医院人民药房", i)));
  }
  index.Upsert(Make("c0", "人民医院人民药房0", v1::CUSTOMER_KIND_HOSPITAL, 2));  // Same name.
  v1::SearchCustomersRequest r;
  r.set_page_size(100);
  for (const std::string query : {"人民", "人", "renmin", "rm"}) {
    auto parsed = ParseSearchQuery(query);
    auto m = index.Search(*parsed, r, 100);
    ASSERT_TRUE(m.ok()) << query;
    EXPECT_EQ(m->page.total_size, 30) << query;
    EXPECT_EQ(m->page.ids.size(), 30u) << query;
  }
}

// Long posting lists are read in sort-key order and only as far as needed:
// the first page is the first by name whatever the order of insertion,
// even when more than `max` match, and every page follows; entries added
// since the list was sorted and renamed customers take their right place.
TEST(CustomerIndex, LongListsAnswerInNameOrderAndStopEarly) {
  const PinyinConverter& pinyin = Pinyin();
  CustomerIndex index(pinyin, /*sorted_list_min=*/8);
  // The oracle: customers ordered by their sort key.
  std::vector<std::pair<std::string, std::string>> keyed;  // (sort key, id)
  std::vector<v1::Customer> customers;
  const char* const kFirst[] = {"北京", "上海", "天津", "重庆", "广州", "深圳",
                                "杭州", "南京", "武汉", "成都", "西安", "长沙"};
  for (int i = 0; i < 60; ++i) {
    v1::Customer c = Make(absl::StrCat("c", i), absl::StrCat(kFirst[i % 12], "人民医院", i / 12));
    keyed.emplace_back(SearchEntryFor(c, pinyin).sort_key(), c.id());
    customers.push_back(c);
  }
  std::sort(keyed.begin(), keyed.end());
  // Inserted last first.
  std::map<std::string, v1::Customer> by_id;
  for (const auto& c : customers) by_id[c.id()] = c;
  for (auto it = keyed.rbegin(); it != keyed.rend(); ++it) index.Upsert(by_id[it->second]);
  Ids expected;
  for (const auto& [key, id] : keyed) expected.push_back(id);

  auto parsed = ParseSearchQuery("人民");
  v1::SearchCustomersRequest r;
  r.set_page_size(5);
  auto first = index.Search(*parsed, r, 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->page.ids, Ids(expected.begin(), expected.begin() + 5));
  EXPECT_TRUE(first->truncated);  // Stopped after 10 matches of 60.
  EXPECT_GE(first->page.total_size, 10);
  EXPECT_LT(first->page.total_size, 60);
  EXPECT_EQ(AllPages(index, "人民", r, 10), expected);
  EXPECT_EQ(AllPages(index, "renmin", r, 10), expected);  // Pinyin lists too.

  // Added after the sort, sorting first (安 an): found at once, in place.
  for (int i = 0; i < 3; ++i) {
    index.Upsert(Make(absl::StrCat("n", i), absl::StrCat("安阳人民医院", i)));
  }
  Ids with_new = {"n0", "n1", "n2"};
  with_new.insert(with_new.end(), expected.begin(), expected.end());
  EXPECT_EQ(AllPages(index, "人民", r, 10), with_new);
  // Renamed: c-first moves to the front (阿 a), another leaves the answer.
  const std::string moved = expected[30];
  const std::string gone = expected[40];
  index.Upsert(Make(moved, "阿城人民医院", v1::CUSTOMER_KIND_HOSPITAL, 2));
  index.Upsert(Make(gone, "协和医院", v1::CUSTOMER_KIND_HOSPITAL, 2));
  Ids after_renames = {moved};
  for (const auto& id : with_new) {
    if (id != moved && id != gone) after_renames.push_back(id);
  }
  EXPECT_EQ(AllPages(index, "人民", r, 10), after_renames);
  auto again = index.Search(*parsed, r, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->page.ids, Ids(after_renames.begin(), after_renames.begin() + 5));

  // Renamed to sort last: skipped at their old place, so that a search
  // that stops early (max 1) still fills its page with the right ones.
  const std::string last1 = expected[0];  // In the sorted part, at its front.
  const std::string last2 = expected[1];
  index.Upsert(Make(last1, "邹平人民医院1", v1::CUSTOMER_KIND_HOSPITAL, 2));
  index.Upsert(Make(last2, "邹平人民医院2", v1::CUSTOMER_KIND_HOSPITAL, 2));
  Ids reordered;
  for (const auto& id : after_renames) {
    if (id != last1 && id != last2) reordered.push_back(id);
  }
  reordered.push_back(last1);
  reordered.push_back(last2);
  auto early = index.Search(*parsed, r, 1);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->page.ids, Ids(reordered.begin(), reordered.begin() + 5));
  EXPECT_EQ(AllPages(index, "人民", r, 1), reordered);

  // Many more renames than are checked apart: the list is sorted again.
  for (int i = 0; i < 20; ++i) {
    const std::string& id = expected[i];
    if (id == moved || id == gone || id == last1 || id == last2) continue;
    index.Upsert(Make(id, absl::StrCat("邹城人民医院", i), v1::CUSTOMER_KIND_HOSPITAL, 3));
  }
  Ids all = AllPages(index, "人民", r, 10);
  EXPECT_EQ(all.size(), reordered.size());
  EXPECT_EQ(all.front(), moved);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());  // No repeats.

  // No name: the region's list, in name order too.
  v1::SearchCustomersRequest by_kind;
  by_kind.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  by_kind.set_page_size(7);
  Ids region = AllPages(index, "", by_kind, 10);
  EXPECT_EQ(region.size(), all.size() + 1);  // And 协和医院.
  EXPECT_EQ(region.front(), moved);
}

TEST(CustomerIndex, PagesFollowTheSortKeyAndOnlyIdsRestricts) {
  CustomerIndex index(Pinyin());
  // Inserted out of order: 陈 chen, 李 li, 王 wang, 张 zhang.
  index.Upsert(Make("z", "张氏药房", v1::CUSTOMER_KIND_PHARMACY));
  index.Upsert(Make("l", "李氏药房", v1::CUSTOMER_KIND_PHARMACY));
  index.Upsert(Make("w", "王氏药房", v1::CUSTOMER_KIND_PHARMACY));
  index.Upsert(Make("c", "陈氏药房", v1::CUSTOMER_KIND_PHARMACY));
  auto parsed = ParseSearchQuery("药房");
  v1::SearchCustomersRequest r;
  r.set_page_size(3);
  auto first = index.Search(*parsed, r, 100);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->page.ids, Ids({"c", "l", "w"}));
  EXPECT_EQ(first->page.total_size, 4);
  r.set_page_token(first->page.next_page_token);
  auto second = index.Search(*parsed, r, 100);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->page.ids, Ids({"z"}));
  EXPECT_TRUE(second->page.next_page_token.empty());

  absl::flat_hash_set<std::string> only = {"w", "z"};
  r.clear_page_token();
  auto restricted = index.Search(*parsed, r, 100, &only);
  EXPECT_EQ(restricted->page.ids, Ids({"w", "z"}));
  EXPECT_EQ(restricted->page.total_size, 2);

  r.set_page_token("not base64 !!");
  EXPECT_EQ(core::FieldOf(index.Search(*parsed, r, 100).status()), "page_token");
}

TEST(CustomerIndex, LongQueriesReadTheirRarestGramAndFindTheSame) {
  CustomerIndex index(Pinyin());
  for (int i = 0; i < 20; ++i) {
    index.Upsert(Make(absl::StrCat("p", i), absl::StrCat("老百姓大药房", i), v1::CUSTOMER_KIND_PHARMACY));
  }
  index.Upsert(Make("h1", "南方医科大学第一附属医院"));
  index.Upsert(Make("h2", "中山大学附属第一医院"));
  index.Upsert(Make("h3", "北京市第一人民医院"));
  // "dyf" is in every 大药房 (da yao fang); "yfs" only where 第一附属 is.
  EXPECT_EQ(Find(index, "dyfs"), Ids({"h1"}));
  EXPECT_EQ(Find(index, "kdxdyfsyy"), Ids({"h1"}));
  EXPECT_EQ(Find(index, "dyfy"), Ids({}));
  EXPECT_EQ(Find(index, "第一附属"), Ids({"h1"}));
  EXPECT_EQ(Find(index, "附属第一"), Ids({"h2"}));
  EXPECT_EQ(Find(index, "第一"), Ids({"h1", "h2", "h3"}));
  EXPECT_EQ(Find(index, "大药房").size(), 20u);
  EXPECT_EQ(Find(index, "dyf").size(), 21u);  // 20 大药房 and 第一附属.
  EXPECT_EQ(Find(index, "第一大药房"), Ids({}));  // 一大 is in no name.
  EXPECT_EQ(Find(index, "dyfyq"), Ids({}));
}

// The index checks candidates on packed records, behind a signature of
// characters and pinyin pairs and packed filters: it must find exactly what
// checking every name's forms with FormsMatch and PassesFilters finds, and
// order pages of names sharing a long pinyin prefix by the whole sort key.
TEST(CustomerIndex, PackedRecordsFindWhatTheNameFormsMatch) {
  CustomerIndex index(Pinyin());
  const std::vector<std::string> names = {
      "张丽",         "张力",     "张磊",           "张玲",   "张立新",        "张丽华",
      "王张丽",       "张力医院", "章丽",           "张莉",   "zhang li 诊所", "长沙张丽药房",
      "北京协和医院", "协和",     "丽江市人民医院", "A座张丽"};
  const std::vector<std::string> cities = {"长沙市", "北京市", "长沙市", ""};
  std::vector<v1::Customer> all;
  for (size_t i = 0; i < names.size(); ++i) {
    v1::Customer c = Make(absl::StrCat("id", i), names[i],
                          i % 3 == 0 ? v1::CUSTOMER_KIND_HOSPITAL : v1::CUSTOMER_KIND_DOCTOR, 1,
                          i % 2 == 0 ? "湖南省" : "北京市", cities[i % cities.size()]);
    if (i == 5) c.set_status(v1::CUSTOMER_STATUS_MERGED);
    index.Upsert(c);
    all.push_back(c);
  }
  v1::SearchCustomersRequest by_city;
  by_city.set_city("长沙市");  // A city without its province.
  v1::SearchCustomersRequest by_kind;
  by_kind.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  by_kind.set_include_inactive(true);
  v1::SearchCustomersRequest unknown_place;
  unknown_place.set_province("西藏自治区");
  for (const std::string q : {"zhangli", "zhangl", "zhanglix", "zhang", "li", "张丽", "丽", "张",
                              "zl", "zlx", "z", "协和", "xiehe", "bjxhyy", "a座", "lijiang"}) {
    for (const v1::SearchCustomersRequest& r :
         {v1::SearchCustomersRequest(), by_city, by_kind, unknown_place}) {
      auto parsed = ParseSearchQuery(q);
      ASSERT_TRUE(parsed.ok());
      Ids expected;
      for (const v1::Customer& c : all) {
        NameForms forms = FormsForName(c.profile().name(), Pinyin());
        bool named = false;
        for (const SearchTerm& term : parsed->prefixes) named = named || FormsMatch(forms, term);
        if (named && PassesFilters(SearchEntryFor(c, Pinyin()), r)) expected.push_back(c.id());
      }
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(Find(index, q, r), expected) << q << " " << r.ShortDebugString();
    }
  }
  // 张丽, 张力 and 张莉 share the pinyin "zhangli": ordered by name, then id.
  v1::SearchCustomersRequest r;
  r.set_query("zhangli");
  r.set_page_size(2);
  r.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  std::vector<std::string> pages;
  auto parsed = ParseSearchQuery("zhangli");
  do {
    auto found = index.Search(*parsed, r, 100);
    ASSERT_TRUE(found.ok());
    pages.insert(pages.end(), found->page.ids.begin(), found->page.ids.end());
    r.set_page_token(found->page.next_page_token);
  } while (!r.page_token().empty());
  std::vector<std::string> sorted = pages;
  std::sort(sorted.begin(), sorted.end(), [&](const std::string& a, const std::string& b) {
    auto key = [&](const std::string& id) {
      for (const auto& c : all)
        if (c.id() == id) return SearchEntryFor(c, Pinyin()).sort_key();
      return std::string();
    };
    return key(a) < key(b);
  });
  EXPECT_EQ(pages, sorted);
  EXPECT_GE(pages.size(), 4u);
}

TEST(CustomerIndex, BlockingKeysFindPossibleDuplicates) {
  CustomerIndex index(Pinyin());
  v1::Customer a = Make("c1", "北京协和医院");
  a.mutable_profile()->set_phone("010-69156114");
  v1::Customer b = Make("c2", "北京协和醫院");  // Traditional: another pinyin? same phone.
  b.mutable_profile()->set_phone("010-69156114");
  index.Upsert(a);
  index.Upsert(b);
  index.Upsert(Make("c3", "上海瑞金医院"));
  bool truncated = false;
  std::vector<std::string> keys = BlockingKeys(MatchInputFor(a, Pinyin()));
  ASSERT_FALSE(keys.empty());
  std::vector<std::string> found;
  for (const auto& k : keys) {
    for (auto& id : index.IdsWithBlockKey(k, 10, &truncated)) found.push_back(id);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  EXPECT_EQ(found, Ids({"c1", "c2"}));
  EXPECT_EQ(index.IdsWithBlockKey("no such key", 10, &truncated), Ids({}));
}

// "first/second" of each pair of a scan, in order.
Ids ScanPairs(const CustomerIndex& index, v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED,
              const std::string& province = "", ScanOptions options = {}) {
  CustomerIndex::DuplicateScan scan = index.ScanDuplicates(kind, province, options);
  Ids out;
  for (const ScoredPair& p : scan.result.pairs) {
    out.push_back(absl::StrCat(scan.records[p.first]->id, "/", scan.records[p.second]->id));
  }
  return out;
}

v1::Customer Pharmacy(const std::string& id, const std::string& name, const std::string& province,
                      const std::string& phone) {
  v1::Customer c = Make(id, name, v1::CUSTOMER_KIND_PHARMACY, 1, province, "");
  c.mutable_profile()->set_phone(phone);
  return c;
}

TEST(CustomerIndex, ScanFindsDuplicatePairsOfActiveRecordsByKindAndProvince) {
  CustomerIndex index(Pinyin());
  index.Upsert(Pharmacy("p1", "老百姓大药房", "湖南省", "0731-84440000"));
  index.Upsert(Pharmacy("p2", "老百姓大药房", "湖南省", "0731-84440000"));
  index.Upsert(Pharmacy("p3", "益丰大药房", "湖南省", "0731-85550000"));
  index.Upsert(Pharmacy("p4", "一心堂药店", "云南省", "0871-66660000"));
  index.Upsert(Pharmacy("p5", "一心堂药店", "云南省", "0871-66660000"));
  v1::Customer h1 = Make("h1", "老百姓大药房", v1::CUSTOMER_KIND_HOSPITAL, 1, "湖南省", "");
  h1.mutable_profile()->set_phone("0731-84440000");
  index.Upsert(h1);  // Same name and phone, another kind: never paired.

  EXPECT_EQ(ScanPairs(index), Ids({"p1/p2", "p4/p5"}));
  EXPECT_EQ(ScanPairs(index, v1::CUSTOMER_KIND_PHARMACY, "云南省"), Ids({"p4/p5"}));
  EXPECT_EQ(ScanPairs(index, v1::CUSTOMER_KIND_HOSPITAL), Ids({}));
  EXPECT_EQ(ScanPairs(index, v1::CUSTOMER_KIND_UNSPECIFIED, "北京市"), Ids({}));
  CustomerIndex::DuplicateScan scan = index.ScanDuplicates(v1::CUSTOMER_KIND_PHARMACY, "湖南省", {});
  EXPECT_EQ(scan.records.size(), 3u);
  EXPECT_EQ(scan.result.comparisons, 1);
  ASSERT_EQ(scan.result.pairs.size(), 1u);
  EXPECT_DOUBLE_EQ(scan.result.pairs[0].match.score, 1.0);

  // Inactive and merged records are left out; a changed record is compared
  // as it is now.
  v1::Customer p2 = Pharmacy("p2", "老百姓大药房", "湖南省", "0731-84440000");
  p2.set_version(2);
  p2.set_status(v1::CUSTOMER_STATUS_MERGED);
  index.Upsert(p2);
  v1::Customer p5 = Pharmacy("p5", "大参林药房", "云南省", "0871-12345678");
  p5.set_version(2);
  index.Upsert(p5);
  EXPECT_EQ(ScanPairs(index), Ids({}));
  v1::Customer p3 = Pharmacy("p3", "老百姓大药房", "湖南省", "0731-84440000");
  p3.set_version(2);
  index.Upsert(p3);
  EXPECT_EQ(ScanPairs(index), Ids({"p1/p3"}));
}

TEST(CustomerIndex, ReadersAndAWriterAtOnce) {
  CustomerIndex index(Pinyin());
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) index.Upsert(Make(absl::StrCat("c", i), absl::StrCat("协和医院", i)));
  });
  size_t last = 0;
  for (int i = 0; i < 200; ++i) {
    size_t n = Find(index, "协和", {}, 5000).size();
    EXPECT_GE(n, last);  // Never loses what it had.
    last = n;
  }
  writer.join();
  EXPECT_EQ(Find(index, "协和", {}, 5000).size(), 2000u);
}

// Long lists sorted by searches and by SortLongLists while a writer adds
// and renames: no search loses a customer, repeats one or breaks the order.
TEST(CustomerIndex, SortingWhileWritingKeepsEveryAnswer) {
  const PinyinConverter& pinyin = Pinyin();
  CustomerIndex index(pinyin, /*sorted_list_min=*/16);
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 1500; ++i) {
      index.Upsert(Make(absl::StrCat("c", i), absl::StrCat("协和医院", 1500 - i)));
      if (i % 10 == 9) {  // Renames an earlier one.
        index.Upsert(Make(absl::StrCat("c", i / 2), absl::StrCat("协和分院", i),
                          v1::CUSTOMER_KIND_HOSPITAL, 2 + i));
      }
    }
    done = true;
  });
  std::thread sorter([&] {
    while (!done) index.SortLongLists();
  });
  // One page holding every match: one search, one consistent answer.
  auto parsed = ParseSearchQuery("协和");
  v1::SearchCustomersRequest whole;
  whole.set_query("协和");
  whole.set_page_size(5000);
  size_t last = 0;
  while (!done) {
    auto found = index.Search(*parsed, whole, 20);
    ASSERT_TRUE(found.ok());
    const Ids& ids = found->page.ids;
    EXPECT_GE(ids.size(), last);  // Never loses what it had.
    last = ids.size();
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  }
  writer.join();
  sorter.join();
  // Once writes stop: short pages that stop early give the whole answer,
  // in its order.
  auto found = index.Search(*parsed, whole, 20);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->page.ids.size(), 1500u);
  v1::SearchCustomersRequest pages;
  pages.set_page_size(50);
  EXPECT_EQ(AllPages(index, "协和", pages, 20), found->page.ids);
  index.SortLongLists();
  EXPECT_EQ(AllPages(index, "协和", pages, 20), found->page.ids);
}

}  // namespace
}  // namespace pharmacrm::customer_master
