#include "domain/matching/duplicate_scan.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::BlockingKeys;
using ::pharmacrm::matching::MatchInput;
using ::pharmacrm::matching::MatchReason;
using ::pharmacrm::matching::ScorePair;

namespace {

MatchInput Doctor(const std::string& name, const std::string& pinyin, const std::string& hospital,
                  const std::string& phone) {
  MatchInput in;
  in.kind = "CUSTOMER_KIND_DOCTOR";
  in.name = name;
  in.name_pinyin = pinyin;
  in.hospital_id = hospital;
  in.phone = phone;
  return in;
}

// Records with ids and inputs kept alive, and the blocks BlockingKeys makes
// of them (in the order keys are first seen).
struct Fixture {
  std::vector<std::string> ids;
  std::vector<MatchInput> inputs;

  void Add(std::string id, MatchInput input) {
    ids.push_back(std::move(id));
    inputs.push_back(std::move(input));
  }
  std::vector<ScanRecord> Records() const {
    std::vector<ScanRecord> out;
    for (size_t i = 0; i < ids.size(); ++i) out.push_back({ids[i], inputs[i]});
    return out;
  }
  std::vector<std::vector<uint32_t>> Blocks() const {
    std::vector<std::string> keys;
    std::vector<std::vector<uint32_t>> blocks;
    for (uint32_t i = 0; i < inputs.size(); ++i) {
      for (const std::string& key : BlockingKeys(inputs[i])) {
        size_t k = std::find(keys.begin(), keys.end(), key) - keys.begin();
        if (k == keys.size()) {
          keys.push_back(key);
          blocks.emplace_back();
        }
        blocks[k].push_back(i);
      }
    }
    return blocks;
  }
  ScanResult Scan(const ScanOptions& options = {}) const {
    return ScanDuplicatePairs(Records(), Blocks(), options);
  }
  // "first-id/second-id" of each pair, in order.
  std::vector<std::string> Pairs(const ScanResult& r) const {
    std::vector<std::string> out;
    for (const ScoredPair& p : r.pairs)
      out.push_back(absl::StrCat(ids[p.first], "/", ids[p.second]));
    return out;
  }
};

using Names = std::vector<std::string>;

TEST(ScanDuplicatePairs, FindsEachPairOnceWithReasons) {
  Fixture f;
  // d-2 shares the pinyin, initials and phone keys with d-1: one comparison.
  f.Add("d-1", Doctor("张伟", "zhang wei", "h-1", "13800000001"));
  f.Add("d-2", Doctor("章伟", "zhang wei", "h-1", "13800000001"));
  f.Add("d-3", Doctor("王芳", "wang fang", "h-1", "13700000007"));
  ScanResult r = f.Scan();
  EXPECT_EQ(f.Pairs(r), Names{"d-1/d-2"});
  EXPECT_EQ(r.comparisons, 1);
  EXPECT_EQ(r.pairs_found, 1);
  EXPECT_EQ(r.blocks, 3);  // Pinyin, initials and phone of d-1 and d-2.
  EXPECT_EQ(r.blocks_windowed, 0);
  EXPECT_EQ(r.windowed_comparisons, 0);
  EXPECT_FALSE(r.truncated);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_DOUBLE_EQ(r.pairs[0].match.score, 0.81);  // Capped at the name similarity squared.
  EXPECT_EQ(r.pairs[0].match.score, ScorePair(f.inputs[0], f.inputs[1]).score);
  std::vector<std::string> signals;
  for (const MatchReason& reason : r.pairs[0].match.reasons) signals.push_back(reason.signal);
  EXPECT_NE(std::find(signals.begin(), signals.end(), "name"), signals.end());
  EXPECT_NE(std::find(signals.begin(), signals.end(), "phone"), signals.end());
  EXPECT_NE(std::find(signals.begin(), signals.end(), "hospital"), signals.end());
}

TEST(ScanDuplicatePairs, FirstIdIsTheSmallerWhateverTheRecordOrder) {
  Fixture f;
  f.Add("d-9", Doctor("张伟", "zhang wei", "h-1", "13800000001"));
  f.Add("d-1", Doctor("章伟", "zhang wei", "h-1", "13800000001"));
  EXPECT_EQ(f.Pairs(f.Scan()), Names{"d-1/d-9"});
}

TEST(ScanDuplicatePairs, BestFirstThenByIdsAndMinScore) {
  Fixture f;
  f.Add("a", Doctor("李娜", "li na", "h-1", "13900000001"));
  f.Add("b", Doctor("李娜", "li na", "h-1", "13900000001"));  // Same everything: 1.
  f.Add("c", Doctor("刘洋", "liu yang", "h-2", "13900000002"));
  f.Add("d", Doctor("刘洋", "liu yang", "h-2", "13900000002"));  // Also 1.
  f.Add("e", Doctor("刘阳", "liu yang", "h-2", ""));             // Homophone, no phone: lower.
  ScanResult r = f.Scan();
  EXPECT_EQ(f.Pairs(r), (Names{"a/b", "c/d", "c/e", "d/e"}));
  EXPECT_EQ(r.pairs[0].match.score, r.pairs[1].match.score);
  EXPECT_GT(r.pairs[1].match.score, r.pairs[2].match.score);
  for (size_t i = 1; i < r.pairs.size(); ++i) {
    EXPECT_GE(r.pairs[i - 1].match.score, r.pairs[i].match.score);
  }

  ScanOptions strict;
  strict.min_score = 0.99;
  r = f.Scan(strict);
  EXPECT_EQ(f.Pairs(r), (Names{"a/b", "c/d"}));
  EXPECT_EQ(r.pairs_found, 2);
  EXPECT_EQ(r.comparisons, 4);  // Everything that shares a key is still compared.
}

TEST(ScanDuplicatePairs, LimitKeepsTheBestAndSaysSo) {
  Fixture f;
  f.Add("a", Doctor("李娜", "li na", "h-1", "13900000001"));
  f.Add("b", Doctor("李娜", "li na", "h-1", "13900000001"));
  f.Add("c", Doctor("刘洋", "liu yang", "h-2", "13900000002"));
  f.Add("d", Doctor("刘洋", "liu yang", "h-2", "13900000002"));
  f.Add("e", Doctor("刘阳", "liu yang", "h-2", ""));
  ScanOptions options;
  options.limit = 2;
  ScanResult r = f.Scan(options);
  EXPECT_EQ(f.Pairs(r), (Names{"a/b", "c/d"}));
  EXPECT_EQ(r.pairs_found, 4);
  EXPECT_TRUE(r.truncated);
  options.limit = 0;
  r = f.Scan(options);
  EXPECT_TRUE(r.pairs.empty());
  EXPECT_EQ(r.pairs_found, 4);
  EXPECT_TRUE(r.truncated);
}

MatchInput Pharmacy(const std::string& name, const std::string& pinyin, const std::string& address,
                    const std::string& phone) {
  MatchInput in;
  in.kind = "CUSTOMER_KIND_PHARMACY";
  in.name = name;
  in.name_pinyin = pinyin;
  in.address = address;
  in.phone = phone;
  return in;
}

TEST(ScanDuplicatePairs, OversizedBlocksAreComparedInWindowsEachPairOnce) {
  Fixture f;
  // Five namesakes at three hospitals: the pinyin block has 5 members.
  f.Add("d-1", Doctor("张伟", "zhang wei", "h-1", "13800000001"));
  f.Add("d-2", Doctor("章伟", "zhang wei", "h-1", "13800000009"));
  f.Add("d-3", Doctor("张伟", "zhang wei", "h-2", "13800000003"));
  f.Add("d-4", Doctor("张伟", "zhang wei", "h-3", "13800000004"));
  f.Add("d-5", Doctor("张伟", "zhang wei", "h-3", "13800000005"));
  ScanOptions options;
  options.min_score = 0.5;
  options.max_block_size = 4;
  options.window = 0;  // Oversized blocks skipped.
  ScanResult r = f.Scan(options);
  // d-1/d-2 and d-4/d-5 still meet through "initials|hospital".
  EXPECT_EQ(r.blocks, 3);  // Pinyin (5), initials at h-1 (2) and at h-3 (2).
  EXPECT_EQ(r.blocks_windowed, 1);
  EXPECT_EQ(r.comparisons, 2);
  EXPECT_EQ(r.windowed_comparisons, 0);
  EXPECT_EQ(f.Pairs(r), (Names{"d-4/d-5", "d-1/d-2"}));

  // A window of 2: neighbours in pinyin, address, id order (d-1 .. d-5);
  // d-1/d-2 and d-4/d-5 are scored in their own blocks, not again.
  options.window = 2;
  r = f.Scan(options);
  EXPECT_EQ(r.comparisons, 4);
  EXPECT_EQ(r.windowed_comparisons, 2);  // d-2/d-3 and d-3/d-4.

  // A window as wide as the block: every pair of five, once.
  options.window = 5;
  r = f.Scan(options);
  EXPECT_EQ(r.comparisons, 10);
  EXPECT_EQ(r.windowed_comparisons, 8);
  options.window = kScanWindow;
  EXPECT_EQ(f.Scan(options).comparisons, 10);

  options.max_block_size = 5;
  r = f.Scan(options);
  EXPECT_EQ(r.blocks_windowed, 0);
  EXPECT_EQ(r.comparisons, 10);
  EXPECT_EQ(r.windowed_comparisons, 0);
}

TEST(ScanDuplicatePairs, AWindowFindsTheSameStoreInABlockOfAChainWithComparisonsLinearInItsSize) {
  Fixture f;
  // Forty stores of one chain share the initials key "lb" (no hospital
  // scopes a pharmacy); names, phones and addresses otherwise differ. Two
  // records of the Wuyi Road store differ in name ("分店"), so their pinyin
  // differs, and in phone: only the chain's block holds both. They come
  // first and last: only the name-then-address order makes them neighbours.
  f.Add("p-wuyi-1", Pharmacy("老百姓大药房五一路店", "lao bai xing da yao fang wu yi lu dian",
                             "湖南省长沙市芙蓉区五一大道88号", "0731-85550001"));
  for (int i = 0; i < 40; ++i) {
    std::string n = absl::StrCat(100 + i);
    f.Add(absl::StrCat("p-", n),
          Pharmacy(absl::StrCat("老百姓大药房", n, "号店"),
                   absl::StrCat("lao bai xing da yao fang ", n, " hao dian"),
                   absl::StrCat("湖南省长沙市芙蓉区", n, "号"), absl::StrCat("0731-8400", n)));
  }
  f.Add("p-wuyi-2", Pharmacy("老百姓大药房五一路分店", "lao bai xing da yao fang wu yi lu fen dian",
                             "湖南省长沙市芙蓉区五一大道88号", "0731-85550002"));
  ScanOptions options;
  options.max_block_size = 10;
  options.window = 0;
  ScanResult skipped = f.Scan(options);
  EXPECT_EQ(skipped.blocks_windowed, 1);
  EXPECT_EQ(skipped.comparisons, 0);
  EXPECT_TRUE(f.Pairs(skipped).empty());

  options.window = 3;
  ScanResult r = f.Scan(options);
  EXPECT_EQ(r.blocks_windowed, 1);
  // Each of the 42 with its next two: 41 + 40 pairs, not 42 * 41 / 2.
  EXPECT_EQ(r.comparisons, 81);
  EXPECT_EQ(r.windowed_comparisons, 81);
  ASSERT_FALSE(r.pairs.empty());
  EXPECT_EQ(f.Pairs(r).front(), "p-wuyi-1/p-wuyi-2");
  EXPECT_GE(r.pairs.front().match.score, kDefaultScanMinScore);

  // The same with one thread or four.
  for (int threads : {1, 4}) {
    options.threads = threads;
    ScanResult again = f.Scan(options);
    EXPECT_EQ(f.Pairs(again), f.Pairs(r));
    EXPECT_EQ(again.comparisons, r.comparisons);
    EXPECT_EQ(again.pairs_found, r.pairs_found);
  }
}

TEST(ScanDuplicatePairs, RepeatedMembersAndSingletonBlocksCountOnce) {
  Fixture f;
  f.Add("a", Doctor("李娜", "li na", "h-1", "13900000001"));
  f.Add("b", Doctor("李娜", "li na", "h-1", "13900000001"));
  f.Add("c", Doctor("刘洋", "liu yang", "h-2", "13900000002"));
  std::vector<std::vector<uint32_t>> blocks = {{0, 1, 0, 1}, {2}, {2, 2}, {}, {1, 0}};
  ScanResult r = ScanDuplicatePairs(f.Records(), blocks, {});
  EXPECT_EQ(r.blocks, 2);
  EXPECT_EQ(r.comparisons, 1);
  EXPECT_EQ(f.Pairs(r), Names{"a/b"});
}

TEST(ScanDuplicatePairs, ThreadsGiveTheSameResult) {
  Fixture f;
  const char* names[] = {"张伟", "章伟", "王芳", "汪芳", "李娜"};
  const char* pinyins[] = {"zhang wei", "zhang wei", "wang fang", "wang fang", "li na"};
  for (int i = 0; i < 200; ++i) {
    f.Add(absl::StrCat("d-", 1000 + i),
          Doctor(names[i % 5], pinyins[i % 5], absl::StrCat("h-", i % 7),
                 absl::StrCat("1380000", 1000 + i % 50)));
  }
  ScanOptions one;
  one.min_score = 0.3;
  one.limit = 50;
  ScanOptions two = one;
  two.threads = 2;
  ScanResult a = f.Scan(one);
  ScanResult b = f.Scan(two);
  EXPECT_GT(a.pairs_found, 50);
  EXPECT_EQ(a.comparisons, b.comparisons);
  EXPECT_EQ(a.pairs_found, b.pairs_found);
  EXPECT_EQ(f.Pairs(a), f.Pairs(b));
  // Each pair at most once.
  std::vector<std::string> pairs = f.Pairs(a);
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

TEST(ValidateScanDuplicates, DefaultsAreValid) {
  v1::ScanDuplicatesRequest r;
  EXPECT_TRUE(ValidateScanDuplicates(r).ok());
  r.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  r.set_province("湖南省");
  r.set_min_score(1);
  r.set_limit(kMaxScanLimit);
  EXPECT_TRUE(ValidateScanDuplicates(r).ok());
}

TEST(ValidateScanDuplicates, NamesTheKind) {
  v1::ScanDuplicatesRequest r;
  r.set_kind(static_cast<v1::CustomerKind>(99));
  absl::Status s = ValidateScanDuplicates(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(s), "kind");
}

TEST(ValidateScanDuplicates, NamesMinScoreOutsideZeroToOne) {
  for (double bad : {-0.1, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
    v1::ScanDuplicatesRequest r;
    r.set_min_score(bad);
    absl::Status s = ValidateScanDuplicates(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(core::FieldOf(s), "min_score") << bad;
  }
}

TEST(ValidateScanDuplicates, NamesNegativeOrOversizedLimit) {
  for (int bad : {-1, kMaxScanLimit + 1}) {
    v1::ScanDuplicatesRequest r;
    r.set_limit(bad);
    absl::Status s = ValidateScanDuplicates(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(core::FieldOf(s), "limit") << bad;
  }
}

}  // namespace
}  // namespace pharmacrm::customer_master
