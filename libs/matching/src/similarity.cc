#include "pharmacrm/matching/similarity.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "unicode/utf8.h"

namespace pharmacrm::matching {
namespace {

constexpr double kWinklerPrefixScale = 0.1;
constexpr size_t kWinklerMaxPrefix = 4;
constexpr double kWinklerBoostThreshold = 0.7;
constexpr char32_t kReplacementCharacter = 0xFFFD;

// Scoring runs millions of times in a scan: the sequences it builds live on
// the stack unless the text is unusually long.
constexpr size_t kInlineSymbols = 64;
using CodePointSeq = absl::InlinedVector<char32_t, kInlineSymbols>;
using GramSet = absl::InlinedVector<uint64_t, kInlineSymbols>;
using SyllableSeq = absl::InlinedVector<absl::string_view, 16>;

CodePointSeq CodePoints(absl::string_view utf8) {
  CodePointSeq out;
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  // ICU's UTF-8 macros index with int32_t; names and addresses are far
  // shorter than 2 GiB, so the clamp never bites in practice.
  const int32_t size = static_cast<int32_t>(
      std::min<size_t>(utf8.size(), std::numeric_limits<int32_t>::max()));
  int32_t i = 0;
  while (i < size) {
    int32_t c;
    U8_NEXT(s, i, size, c);
    out.push_back(c < 0 ? kReplacementCharacter : static_cast<char32_t>(c));
  }
  return out;
}

// Jaro of sequences of at most 64 symbols, with the matched positions as
// bit masks: for each symbol of `a`, the first unmatched equal symbol of `b`
// within the window is the lowest bit of a mask built without branches.
// Exactly Jaro's answer below (same matches, same transpositions, same
// arithmetic), without its mispredicted branches.
template <typename Sequence>
double JaroSmall(const Sequence& a, const Sequence& b, size_t window) {
  uint64_t a_matched = 0, b_matched = 0;
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    uint64_t equal = 0;
    for (size_t j = lo; j < hi; ++j) equal |= uint64_t{a[i] == b[j]} << j;
    equal &= ~b_matched;
    if (equal == 0) continue;
    b_matched |= equal & (~equal + 1);
    a_matched |= uint64_t{1} << i;
    ++matches;
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;
  for (uint64_t am = a_matched, bm = b_matched; am != 0; am &= am - 1, bm &= bm - 1) {
    if (a[std::countr_zero(am)] != b[std::countr_zero(bm)]) ++half_transpositions;
  }
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(half_transpositions) / 2.0) / m) /
         3.0;
}

// Over any sequence of comparable symbols: code points for text, whole
// syllables for pinyin.
template <typename Sequence>
double Jaro(const Sequence& a, const Sequence& b) {
  const size_t longer = std::max(a.size(), b.size());
  const size_t window = longer / 2 == 0 ? 0 : longer / 2 - 1;
  if (longer <= 64) return JaroSmall(a, b, window);
  absl::InlinedVector<bool, kInlineSymbols> a_matched(a.size(), false);
  absl::InlinedVector<bool, kInlineSymbols> b_matched(b.size(), false);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!b_matched[j] && a[i] == b[j]) {
        a_matched[i] = b_matched[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  size_t half_transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++half_transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(half_transpositions) / 2.0) / m) /
         3.0;
}

template <typename Sequence>
double JaroWinklerOf(const Sequence& a, const Sequence& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const double jaro = Jaro(a, b);
  if (jaro <= kWinklerBoostThreshold) return jaro;
  const size_t max_prefix = std::min({a.size(), b.size(), kWinklerMaxPrefix});
  size_t prefix = 0;
  while (prefix < max_prefix && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * kWinklerPrefixScale * (1.0 - jaro);
}

// The distinct bigrams of `s`, ascending: a sorted array of a few dozen
// keys is cheaper to build and intersect than a hash set.
GramSet Bigrams(const CodePointSeq& s) {
  GramSet grams;
  // A lone code point is keyed with 0x110000 in the high half, which no
  // real pair (first code point <= 0x10FFFF) has.
  if (s.size() == 1) {
    grams.push_back((uint64_t{0x110000} << 32) | s[0]);
    return grams;
  }
  grams.reserve(s.size());
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    grams.push_back((uint64_t{s[i]} << 32) | s[i + 1]);
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

std::string Score2(double score) { return absl::StrFormat("%.2f", score); }

// Space-separated syllables of FullPinyin output.
SyllableSeq Syllables(absl::string_view pinyin) {
  SyllableSeq out;
  size_t start = 0;
  while (start < pinyin.size()) {
    size_t end = pinyin.find(' ', start);
    if (end == absl::string_view::npos) end = pinyin.size();
    if (end > start) out.push_back(pinyin.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Initials of the first two space-separated syllables of FullPinyin output.
std::string LeadingInitials(absl::string_view pinyin) {
  std::string initials;
  bool at_start = true;
  for (char c : pinyin) {
    if (c == ' ') {
      at_start = true;
    } else if (at_start) {
      initials.push_back(c);
      at_start = false;
      if (initials.size() == 2) break;
    }
  }
  return initials;
}

// Jaccard index of two sets of bigrams (Bigrams).
double GramJaccard(absl::Span<const uint64_t> ga, absl::Span<const uint64_t> gb) {
  size_t common = 0;
  for (size_t i = 0, j = 0; i < ga.size() && j < gb.size();) {
    if (ga[i] < gb[j]) {
      ++i;
    } else if (gb[j] < ga[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(ga.size() + gb.size() - common);
}

struct Mean {
  double weighted_sum = 0;
  double total_weight = 0;
  int signals = 0;

  void Add(double weight, double score) {
    weighted_sum += weight * score;
    total_weight += weight;
    ++signals;
  }
};

}  // namespace

double JaroWinkler(absl::string_view a, absl::string_view b) {
  return JaroWinklerOf(CodePoints(a), CodePoints(b));
}

double BigramJaccard(absl::string_view a, absl::string_view b) {
  const CodePointSeq ca = CodePoints(a);
  const CodePointSeq cb = CodePoints(b);
  if (ca.empty() && cb.empty()) return 1.0;
  if (ca.empty() || cb.empty()) return 0.0;
  return GramJaccard(Bigrams(ca), Bigrams(cb));
}

namespace {

// Syllables of up to 8 bytes packed into one integer each (zero-padded), so
// that equal syllables are equal integers. False if one is longer or has a
// zero byte (FullPinyin's never have).
using PackedSyllables = absl::InlinedVector<uint64_t, 16>;

bool Pack(const SyllableSeq& syllables, PackedSyllables* packed) {
  for (absl::string_view syllable : syllables) {
    if (syllable.size() > sizeof(uint64_t)) return false;
    uint64_t p = 0;
    for (size_t i = 0; i < syllable.size(); ++i) {
      if (syllable[i] == '\0') return false;
      p |= uint64_t{static_cast<unsigned char>(syllable[i])} << (8 * i);
    }
    packed->push_back(p);
  }
  return true;
}

}  // namespace

// Everything in one allocation, in the order Score reads it (name code
// points, packed syllables, address bigrams), so that scoring a record
// against many others touches a few adjacent cache lines of each.
struct PreparedMatch::Decoded {
  std::vector<uint64_t> storage;
  absl::Span<const uint64_t> name;    // Code points (compared as Jaro compares char32_t).
  absl::Span<const uint64_t> packed;  // Of the syllables, if `packable`.
  absl::Span<const uint64_t> address;
  bool packable = false;
  SyllableSeq syllables;
};

PreparedMatch::PreparedMatch(const MatchView& view) : view_(view), decoded_(new Decoded) {
  const CodePointSeq name = CodePoints(view.name);
  SyllableSeq syllables = Syllables(view.name_pinyin);
  PackedSyllables packed;
  const bool packable = Pack(syllables, &packed);
  const GramSet address = Bigrams(CodePoints(view.address));
  Decoded& d = *decoded_;
  const size_t packed_words = packable ? packed.size() : 0;
  d.storage.resize(name.size() + packed_words + address.size());
  uint64_t* at = d.storage.data();
  std::copy(name.begin(), name.end(), at);
  d.name = absl::MakeConstSpan(at, name.size());
  at += name.size();
  std::copy(packed.begin(), packed.begin() + packed_words, at);
  d.packed = absl::MakeConstSpan(at, packed_words);
  at += packed_words;
  std::copy(address.begin(), address.end(), at);
  d.address = absl::MakeConstSpan(at, address.size());
  d.packable = packable;
  d.syllables = std::move(syllables);
}
PreparedMatch::PreparedMatch(PreparedMatch&&) noexcept = default;
PreparedMatch& PreparedMatch::operator=(PreparedMatch&&) noexcept = default;
PreparedMatch::~PreparedMatch() = default;

namespace {

// One side of Score, decoded as the measures need it: on demand from a
// MatchView (each part decoded at most once per pair), or taken from a
// PreparedMatch (decoded once for many pairs).
class ViewSide {
 public:
  explicit ViewSide(const MatchView& view) : view_(view) {}
  const MatchView& view() const { return view_; }
  CodePointSeq name() const { return CodePoints(view_.name); }
  SyllableSeq syllables() const { return Syllables(view_.name_pinyin); }
  GramSet address() const { return Bigrams(CodePoints(view_.address)); }
  double SyllablesJaroWinkler(const ViewSide& other) const {
    return JaroWinklerOf(syllables(), other.syllables());
  }

 private:
  const MatchView& view_;
};

class PreparedSide {
 public:
  explicit PreparedSide(const PreparedMatch& prepared) : prepared_(prepared) {}
  const MatchView& view() const { return prepared_.view(); }
  absl::Span<const uint64_t> name() const { return prepared_.decoded().name; }
  absl::Span<const uint64_t> address() const { return prepared_.decoded().address; }
  // Jaro-Winkler of the syllables, by their packed form when both have one.
  double SyllablesJaroWinkler(const PreparedSide& other) const {
    const PreparedMatch::Decoded& a = prepared_.decoded();
    const PreparedMatch::Decoded& b = other.prepared_.decoded();
    if (a.packable && b.packable) return JaroWinklerOf(a.packed, b.packed);
    return JaroWinklerOf(a.syllables, b.syllables);
  }

 private:
  const PreparedMatch& prepared_;
};

// ScorePair's arithmetic, with the explanations only when kExplain: a scan
// over a whole data set scores far more pairs than it reports, and the
// detail texts cost more than the scoring.
template <bool kExplain, typename Side>
MatchResult Score(const Side& side_a, const Side& side_b) {
  const MatchView& a = side_a.view();
  const MatchView& b = side_b.view();
  MatchResult result{0.0, {}};
  // `detail` is called only when explaining.
  auto reason = [&](absl::string_view signal, double score, auto detail) {
    if constexpr (kExplain) result.reasons.push_back({std::string(signal), score, detail()});
  };
  // Caps are collected first and explained only if they lower the score, so
  // that a steward reads about the limits that actually mattered.
  absl::InlinedVector<std::pair<double, std::string>, 4> caps;
  auto cap = [&caps](double limit, auto detail) {
    if constexpr (kExplain) {
      caps.emplace_back(limit, detail());
    } else {
      caps.emplace_back(limit, std::string());
    }
  };

  // Callers often view one string for both kinds: no need to read it.
  const bool same_kind =
      a.kind.size() == b.kind.size() && (a.kind.data() == b.kind.data() || a.kind == b.kind);
  if (!same_kind) {
    reason("kind", 0.0, [&] { return absl::StrCat("kind differs: ", a.kind, " / ", b.kind); });
    return result;
  }

  if (!a.code.empty() && !b.code.empty()) {
    if (a.code == b.code) {
      result.score = 1.0;
      reason("code", 1.0, [&] {
        return absl::StrCat("registration codes ", a.code, " / ", b.code, " are identical");
      });
      return result;
    }
    reason("code", 0.0,
           [&] { return absl::StrCat("registration codes ", a.code, " / ", b.code, " differ"); });
    cap(kDifferentCodeCap, [] {
      return absl::StrCat("different registration codes cap the score at ",
                          Score2(kDifferentCodeCap));
    });
  }

  Mean mean;
  const bool names = !a.name.empty() && !b.name.empty();
  const bool pinyins = !a.name_pinyin.empty() && !b.name_pinyin.empty();
  if (names || pinyins) {
    const double by_characters = names ? JaroWinklerOf(side_a.name(), side_b.name()) : 0.0;
    // Whole syllables, not letters: letter-level similarity of pinyin is
    // high for unrelated names ("zhang wei" / "zhang wen" 0.96, "zhang wei" /
    // "wang fang" 0.63), while input-method typos keep every syllable.
    const double by_pinyin = pinyins ? side_a.SyllablesJaroWinkler(side_b) : 0.0;
    const double discounted_pinyin = kPinyinDiscount * by_pinyin;
    const double score = std::max(by_characters, discounted_pinyin);
    mean.Add(kNameWeight, score);

    reason("name", score, [&] {
      std::string detail = absl::StrCat("names ", a.name, " / ", b.name);
      if (names && a.name == b.name) {
        absl::StrAppend(&detail, " are identical");
      } else if (pinyins && a.name_pinyin == b.name_pinyin) {
        absl::StrAppend(&detail, " are homophones (pinyin ", a.name_pinyin, ", counted as ",
                        Score2(discounted_pinyin), "); characters Jaro-Winkler ",
                        Score2(by_characters));
      } else {
        absl::StrAppend(&detail, ": characters Jaro-Winkler ", Score2(by_characters));
        if (pinyins) {
          absl::StrAppend(&detail, ", pinyin ", a.name_pinyin, " / ", b.name_pinyin,
                          " syllables Jaro-Winkler ", Score2(by_pinyin), " (counted as ",
                          Score2(discounted_pinyin), ")");
        }
      }
      return detail;
    });

    const double name_cap = score * score;
    cap(name_cap, [&] {
      return absl::StrCat("name similarity ", Score2(score), " caps the score at ",
                          Score2(name_cap), " (its square)");
    });
  }

  if (!a.address.empty() && !b.address.empty()) {
    // Non-empty text has at least one code point (BigramJaccard).
    const double score = GramJaccard(side_a.address(), side_b.address());
    mean.Add(kAddressWeight, score);
    reason("address", score, [&] {
      return a.address == b.address
                 ? absl::StrCat("addresses ", a.address, " / ", b.address, " are identical")
                 : absl::StrCat("addresses ", a.address, " / ", b.address, " share ",
                                Score2(score), " of their character pairs");
    });
  }

  if (!a.phone.empty() && !b.phone.empty()) {
    if (a.phone == b.phone) {
      mean.Add(kPhoneMatchWeight, 1.0);
      reason("phone", 1.0,
             [&] { return absl::StrCat("phones ", a.phone, " / ", b.phone, " are identical"); });
    } else {
      mean.Add(kPhoneMismatchWeight, 0.0);
      reason("phone", 0.0,
             [&] { return absl::StrCat("phones ", a.phone, " / ", b.phone, " differ"); });
    }
  }

  if (!a.hospital_id.empty() && !b.hospital_id.empty()) {
    if (a.hospital_id == b.hospital_id) {
      mean.Add(kHospitalWeight, 1.0);
      reason("hospital", 1.0, [&] {
        return absl::StrCat("hospitals ", a.hospital_id, " / ", b.hospital_id, " are identical");
      });
    } else {
      mean.Add(kHospitalWeight, 0.0);
      reason("hospital", 0.0, [&] {
        return absl::StrCat("hospitals ", a.hospital_id, " / ", b.hospital_id,
                            " differ: same-named doctors at different hospitals are "
                            "different people");
      });
      cap(kDifferentHospitalCap, [] {
        return absl::StrCat("different hospitals cap the score at ",
                            Score2(kDifferentHospitalCap));
      });
    }
  }

  if (mean.signals == 0) {
    reason("cap", 0.0,
           [] { return std::string("no name, address, phone or hospital is filled on both sides"); });
    return result;
  }
  if ((names || pinyins) && mean.signals == 1) {
    cap(kNameOnlyCap, [] {
      return absl::StrCat("only the names can be compared, which caps the score at ",
                          Score2(kNameOnlyCap));
    });
  }

  const double uncapped = mean.weighted_sum / mean.total_weight;
  result.score = uncapped;
  // (Not a structured binding: clang 14 cannot capture one in a lambda.)
  for (auto& limit_and_detail : caps) {
    const double limit = limit_and_detail.first;
    std::string& detail = limit_and_detail.second;
    if (limit < uncapped) {
      result.score = std::min(result.score, limit);
      reason("cap", limit, [&detail] { return std::move(detail); });
    }
  }
  return result;
}

}  // namespace

MatchResult ScorePair(const MatchView& a, const MatchView& b) {
  return Score<true>(ViewSide(a), ViewSide(b));
}

double MatchScore(const MatchView& a, const MatchView& b) {
  return Score<false>(ViewSide(a), ViewSide(b)).score;
}

MatchResult ScorePair(const PreparedMatch& a, const PreparedMatch& b) {
  return Score<true>(PreparedSide(a), PreparedSide(b));
}

double MatchScore(const PreparedMatch& a, const PreparedMatch& b) {
  return Score<false>(PreparedSide(a), PreparedSide(b)).score;
}

std::vector<std::string> BlockingKeys(const MatchView& in) {
  std::vector<std::string> keys;
  if (!in.name_pinyin.empty()) {
    std::string compact;
    for (char c : in.name_pinyin) {
      if (c != ' ') compact.push_back(c);
    }
    if (!compact.empty()) {
      keys.push_back(absl::StrCat(in.kind, "|pinyin|", compact));
      keys.push_back(absl::StrCat(in.kind, "|initials|", LeadingInitials(in.name_pinyin), "|",
                                  in.hospital_id));
    }
  }
  if (!in.phone.empty()) keys.push_back(absl::StrCat(in.kind, "|phone|", in.phone));
  if (!in.code.empty()) keys.push_back(absl::StrCat(in.kind, "|code|", in.code));
  return keys;
}

}  // namespace pharmacrm::matching
