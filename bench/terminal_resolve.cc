// bench/terminal_resolve: resolution of flow (流向) terminals to customers
// (libs/matching, TerminalResolver), in process, on one thread. The
// candidates are the hospitals and pharmacies of the deterministic demo data
// set (tools/demo-data), about --candidates of them; one in twenty is held
// back as a terminal the customer master does not know. --distinct terminal
// rows are made from them as flow files write them:
//
//   code      the distributor's code of the terminal (half the candidates
//             carry one), the name as written;
//   exact     the name and the address as the master has them;
//   short     the name without its leading region, the address without
//             the province;
//   suffix    the name with a full-width bracketed note, full-width digits
//             in the address;
//   trad      name and address in Traditional characters;
//   name      the name alone;
//   unknown   a held-back customer, with its name and address.
//
// --rows rows are drawn uniformly from those terminals and resolved with one
// resolver (so repeated terminals come from its cache); the rows per second
// of that pass are the figure to compare with the aim (100,000/s for
// 10,000 candidates). The distinct terminals are also resolved once each by
// a resolver without a cache (every row scored). Prints both rates, the
// time to build the index, and per kind of row how many were matched to
// the right customer, to a deliberate duplicate of it (unknown rows: a
// duplicate the master does have), to another one, ambiguous or
// unmatched. --match_score, --margin and --max_block_size change the
// resolver's options; --show=short:unmatched prints such rows with the
// candidates and reasons.
//
//   build/bench/terminal_resolve --candidates=10000 --distinct=20000 --rows=1000000
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "generator.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/matching/regions.h"
#include "pharmacrm/matching/terminal_resolver.h"
#include "unicode/translit.h"
#include "unicode/unistr.h"

ABSL_FLAG(int, candidates, 10000, "About this many hospitals and pharmacies (before hold-back)");
ABSL_FLAG(int, distinct, 20000, "Distinct terminal rows");
ABSL_FLAG(int64_t, rows, 1000000, "Rows resolved, drawn from the distinct terminals");
ABSL_FLAG(uint64_t, seed, 20261127, "Seed of the demo data set and of the rows");
ABSL_FLAG(double, match_score, -1, "TerminalResolverOptions::match_score (-1: the default)");
ABSL_FLAG(double, margin, -1, "TerminalResolverOptions::margin (-1: the default)");
ABSL_FLAG(int64_t, max_block_size, -1,
          "TerminalResolverOptions::max_block_size (-1: the default)");
ABSL_FLAG(std::string, show, "",
          "Print up to 20 rows of this kind and outcome, e.g. short:unmatched (right, wrong, "
          "ambiguous or unmatched)");

namespace pharmacrm::bench {
namespace {

using matching::Matched;
using matching::TerminalCandidate;
using matching::TerminalResolution;
using matching::TerminalResolver;

enum Variant { kCode, kExact, kShort, kSuffix, kTrad, kName, kUnknown, kVariants };
constexpr std::array<const char*, kVariants> kVariantNames = {
    "code", "exact", "short", "suffix", "trad", "name", "unknown"};
// Shares of the distinct rows, in percent.
constexpr std::array<int, kVariants> kVariantShares = {15, 25, 15, 15, 10, 10, 10};

struct Row {
  std::string code;
  std::string name;
  std::string address;
  std::string truth;  // Customer id; "" for unknown terminals.
  // Unknown terminals: a candidate that is a deliberate duplicate of it, or
  // of which it is one (the same customer, so a right match).
  std::string duplicate;
  Variant variant;
};

std::string FullWidthDigits(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out.push_back(static_cast<char>(0x90 + (c - '0')));  // U+FF10..U+FF19.
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class Traditional {
 public:
  Traditional() {
    UErrorCode status = U_ZERO_ERROR;
    t_.reset(icu::Transliterator::createInstance("Simplified-Traditional", UTRANS_FORWARD,
                                                 status));
    if (U_FAILURE(status)) t_.reset();
  }
  std::string operator()(absl::string_view s) const {
    if (t_ == nullptr) return std::string(s);
    icu::UnicodeString text =
        icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    t_->transliterate(text);
    std::string out;
    text.toUTF8String(out);
    return out;
  }

 private:
  std::unique_ptr<icu::Transliterator> t_;
};

int Run() {
  const int target = absl::GetFlag(FLAGS_candidates);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  demo::DemoSize size;
  size.hospitals = target * 3 / 10;
  size.pharmacies = target - size.hospitals;
  size.doctors = 0;
  size.contacts_per_pharmacy = 0;
  size.distributors = 0;
  size.months = 1;
  size.dirty_rate = 0;
  std::vector<TerminalCandidate> all;
  absl::flat_hash_map<std::string, std::string> duplicate_of;
  demo::DemoDataGenerator().Generate(size, seed, [&](const demo::DemoRecord& r) {
    if (!r.duplicate_of.empty()) duplicate_of[r.external_id] = r.duplicate_of;
    TerminalCandidate c;
    c.id = r.external_id;
    c.kind = v1::CustomerKind_Name(r.profile.kind());
    c.name = r.profile.name();
    c.address = r.profile.address();
    c.province = r.profile.province();
    c.city = r.profile.city();
    c.district = r.profile.district();
    all.push_back(std::move(c));
  });
  std::vector<TerminalCandidate> candidates;
  std::vector<const TerminalCandidate*> held_back;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i % 20 == 7) {
      held_back.push_back(&all[i]);
      continue;
    }
    if (i % 2 == 0) all[i].external_codes.push_back(absl::StrCat("DIST-", i));
    candidates.push_back(all[i]);
  }

  demo::DemoRng rng(demo::MixSeed(seed, 7));
  const Traditional traditional;
  std::vector<Row> rows;
  const int distinct = absl::GetFlag(FLAGS_distinct);
  for (int v = 0; v < kVariants; ++v) {
    const int n = distinct * kVariantShares[v] / 100;
    for (int i = 0; i < n; ++i) {
      Row row;
      row.variant = static_cast<Variant>(v);
      const TerminalCandidate* c = nullptr;
      if (v == kUnknown) {
        c = held_back[rng.Below(held_back.size())];
        if (auto it = duplicate_of.find(c->id); it != duplicate_of.end()) {
          row.duplicate = it->second;
        }
        for (const auto& [copy, original] : duplicate_of) {
          if (original == c->id) row.duplicate = copy;
        }
      } else {
        do {
          c = &candidates[rng.Below(candidates.size())];
        } while (v == kCode && c->external_codes.empty());
        row.truth = c->id;
      }
      row.name = c->name;
      row.address = c->address;
      switch (row.variant) {
        case kCode:
          row.code = c->external_codes.front();
          row.address.clear();
          break;
        case kShort: {
          const matching::ParsedAddress name = matching::ParseAddress(c->name);
          if (!name.detail.empty() && (!name.province.empty() || !name.city.empty())) {
            row.name = name.detail;
          }
          absl::string_view address = row.address;
          if (absl::ConsumePrefix(&address, c->province)) row.address = std::string(address);
          break;
        }
        case kSuffix:
          row.name += rng.Chance(0.5) ? "（门诊药房）" : "【医保定点】";
          row.address = FullWidthDigits(row.address);
          break;
        case kTrad:
          row.name = traditional(row.name);
          row.address = traditional(row.address);
          break;
        case kName:
          row.address.clear();
          break;
        default:
          break;
      }
      rows.push_back(std::move(row));
    }
  }

  absl::StatusOr<std::unique_ptr<matching::PinyinConverter>> pinyin =
      matching::PinyinConverter::Create();
  if (!pinyin.ok()) {
    std::fprintf(stderr, "%s\n", pinyin.status().ToString().c_str());
    return 1;
  }
  matching::TerminalResolverOptions options;
  if (absl::GetFlag(FLAGS_match_score) >= 0) options.match_score = absl::GetFlag(FLAGS_match_score);
  if (absl::GetFlag(FLAGS_margin) >= 0) options.margin = absl::GetFlag(FLAGS_margin);
  if (absl::GetFlag(FLAGS_max_block_size) >= 0) {
    options.max_block_size = static_cast<size_t>(absl::GetFlag(FLAGS_max_block_size));
  }
  absl::Time start = absl::Now();
  TerminalResolver resolver(candidates, **pinyin, options);
  const double build_s = absl::ToDoubleSeconds(absl::Now() - start);

  // Every distinct row once, without a cache.
  matching::TerminalResolverOptions uncached_options = options;
  uncached_options.cache_size = 0;
  TerminalResolver uncached(candidates, **pinyin, uncached_options);
  struct Tally {
    int64_t right = 0, wrong = 0, ambiguous = 0, unmatched = 0, duplicate = 0;
  };
  std::array<Tally, kVariants> tally{};
  std::vector<std::pair<const Row*, std::string>> outcomes;
  start = absl::Now();
  for (const Row& row : rows) {
    const auto resolution = uncached.Resolve(row.code, row.name, row.address);
    const TerminalResolution& r = *resolution;
    Tally& t = tally[row.variant];
    const char* outcome = "unmatched";
    if (const auto* m = std::get_if<Matched>(&r)) {
      if (m->customer_id == row.truth) {
        outcome = "right";
        ++t.right;
      } else if (m->customer_id == row.duplicate) {
        outcome = "duplicate";
        ++t.duplicate;
      } else {
        outcome = "wrong";
        ++t.wrong;
      }
    } else if (std::holds_alternative<matching::Ambiguous>(r)) {
      outcome = "ambiguous";
      ++t.ambiguous;
    } else {
      ++t.unmatched;
    }
    if (!absl::GetFlag(FLAGS_show).empty()) {
      outcomes.emplace_back(&row, absl::StrCat(kVariantNames[row.variant], ":", outcome));
    }
  }
  const double cold_s = absl::ToDoubleSeconds(absl::Now() - start);
  int shown = 0;
  for (const auto& [row, outcome] : outcomes) {
    if (outcome != absl::GetFlag(FLAGS_show) || shown++ >= 20) continue;
    std::printf("%s | %s | %s (truth %s)\n", row->code.c_str(), row->name.c_str(),
                row->address.c_str(), row->truth.c_str());
    const auto resolution = uncached.Resolve(row->code, row->name, row->address);
    const TerminalResolution& r = *resolution;
    std::vector<matching::ScoredCandidate> listed;
    if (const auto* m = std::get_if<Matched>(&r)) {
      listed.push_back({m->customer_id, "", m->score, m->reasons});
    } else if (const auto* a = std::get_if<matching::Ambiguous>(&r)) {
      listed = a->candidates;
    } else {
      listed = std::get<matching::Unmatched>(r).best;
    }
    for (const matching::ScoredCandidate& c : listed) {
      std::printf("  %s %s %.3f\n", c.customer_id.c_str(), c.name.c_str(), c.score);
      for (const matching::MatchReason& reason : c.reasons) {
        std::printf("    %s %.2f %s\n", reason.signal.c_str(), reason.score, reason.detail.c_str());
      }
    }
  }

  // The rows of a flow file: terminals repeated.
  const int64_t n = absl::GetFlag(FLAGS_rows);
  std::vector<uint32_t> order(static_cast<size_t>(n));
  for (uint32_t& i : order) i = static_cast<uint32_t>(rng.Below(rows.size()));
  int64_t matched = 0;
  start = absl::Now();
  for (uint32_t i : order) {
    const Row& row = rows[i];
    matched += std::holds_alternative<Matched>(*resolver.Resolve(row.code, row.name, row.address));
  }
  const double warm_s = absl::ToDoubleSeconds(absl::Now() - start);
  const TerminalResolver::Stats stats = uncached.stats();

  std::printf("candidates %zu (held back %zu), distinct terminals %zu, rows %lld\n",
              resolver.size(), held_back.size(), rows.size(), static_cast<long long>(n));
  std::printf("index built in %.2f s\n", build_s);
  std::printf("distinct terminals, no cache: %.0f rows/s (%.1f us a row; a row: %.1f candidates "
              "scored, %.1f in another place, %.2f blocks windowed)\n",
              static_cast<double>(rows.size()) / cold_s, cold_s * 1e6 / rows.size(),
              static_cast<double>(stats.comparisons) / rows.size(),
              static_cast<double>(stats.other_place) / rows.size(),
              static_cast<double>(stats.blocks_windowed) / rows.size());
  std::printf("rows with repeated terminals: %.0f rows/s (%.2f s, %.1f%% from the cache, "
              "%lld matched)\n",
              static_cast<double>(n) / warm_s, warm_s,
              100.0 * resolver.stats().cache_hits / std::max<int64_t>(1, n),
              static_cast<long long>(matched));
  std::printf("\n%-8s %8s %8s %10s %8s %10s %10s\n", "row", "rows", "right", "duplicate",
              "wrong", "ambiguous", "unmatched");
  for (int v = 0; v < kVariants; ++v) {
    const Tally& t = tally[v];
    std::printf("%-8s %8lld %8lld %10lld %8lld %10lld %10lld\n", kVariantNames[v],
                static_cast<long long>(t.right + t.duplicate + t.wrong + t.ambiguous +
                                       t.unmatched),
                static_cast<long long>(t.right), static_cast<long long>(t.duplicate),
                static_cast<long long>(t.wrong),
                static_cast<long long>(t.ambiguous), static_cast<long long>(t.unmatched));
  }
  return 0;
}

}  // namespace
}  // namespace pharmacrm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return pharmacrm::bench::Run();
}
