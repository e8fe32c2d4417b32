// Similarity of customer records for duplicate detection (match & merge):
// string measures, a scored and explained comparison of two records, and the
// blocking keys that decide which pairs get compared at all. Pure: no I/O.
//
// Thread safety: every function here is pure and may be called concurrently.
#ifndef PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_SIMILARITY_H_
#define PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_SIMILARITY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pharmacrm::matching {

// Jaro-Winkler similarity in [0, 1] over Unicode code points of UTF-8 text
// (so "张伟" has length 2, not 6). Prefix scale 0.1 over at most 4 code
// points, applied only when the Jaro similarity exceeds 0.7 (Winkler's boost
// threshold). Two empty strings give 1, one empty string gives 0. Invalid
// UTF-8 sequences count as U+FFFD.
double JaroWinkler(absl::string_view a, absl::string_view b);

// Jaccard index in [0, 1] of the sets of adjacent code-point pairs of UTF-8
// text ("北京市" -> {北京, 京市}). A single code point is its own only gram.
// Two empty strings give 1, one empty string gives 0. Invalid UTF-8
// sequences count as U+FFFD.
double BigramJaccard(absl::string_view a, absl::string_view b);

// One side of a comparison. Callers pass normalised values: names and
// addresses through NormalizeText (so full- and half-width forms already
// agree), phone through NormalizePhone, code through
// NormalizeSocialCreditCode, and name_pinyin = PinyinConverter::FullPinyin
// of the normalised name. Empty means unknown.
// MatchView views the fields; MatchInput holds them (and views as one).
struct MatchView {
  absl::string_view kind;  // e.g. "CUSTOMER_KIND_DOCTOR"; compared verbatim
  absl::string_view name;
  absl::string_view name_pinyin;  // "zhang wei"
  absl::string_view address;
  absl::string_view phone;
  absl::string_view code;         // unified social credit code or other registration id
  absl::string_view hospital_id;  // doctors: the hospital they work at
};
struct MatchInput {
  // Names static storage (v1::CustomerKind_Name, a literal): no copy per
  // record.
  absl::string_view kind;
  std::string name;
  std::string name_pinyin;
  std::string address;
  std::string phone;
  std::string code;
  std::string hospital_id;
  operator MatchView() const {  // NOLINT(google-explicit-constructor): a view of it.
    return {kind, name, name_pinyin, address, phone, code, hospital_id};
  }
};

// Why a score is what it is. `signal` is one of "kind", "code", "name",
// "address", "phone", "hospital" (each with that field's own similarity in
// [0, 1] as `score`) or "cap" (a limit that lowered the total; `score` is
// the limit). `detail` is English for data stewards and quotes both values.
struct MatchReason {
  std::string signal;
  double score;
  std::string detail;
};

struct MatchResult {
  double score;  // 0..1; 1 = certainly the same customer
  std::vector<MatchReason> reasons;
};

// Weights of the signals that ScorePair averages. A signal takes part only
// when both records have the field; the total is the weighted mean of the
// signals that take part, then limited by the caps below.
//
// The name is the main evidence.
inline constexpr double kNameWeight = 0.45;
// Addresses of one site are written in many ways, so a fuzzy bigram overlap
// is weaker evidence than the name.
inline constexpr double kAddressWeight = 0.25;
// A shared phone number is strong evidence; a different one is weak counter
// evidence (switchboards, several numbers per site, personal vs office), so
// agreement and disagreement weigh differently.
inline constexpr double kPhoneMatchWeight = 0.30;
inline constexpr double kPhoneMismatchWeight = 0.10;
// Doctors: working at the same hospital supports a same-named doctor being
// the same person; a different hospital also caps the total
// (kDifferentHospitalCap).
inline constexpr double kHospitalWeight = 0.35;
// Pinyin similarity counts at this fraction: equal pinyin with different
// characters (张伟 / 章伟) is usually an input-method typo, but may also be a
// different name.
inline constexpr double kPinyinDiscount = 0.9;

// Caps on the total.
// Registration codes identify a legal entity; different ones mean different
// customers (e.g. a hospital and its separately registered branch).
inline constexpr double kDifferentCodeCap = 0.2;
// Two doctors of one name at different hospitals are different people
// (a move between hospitals is left to a data steward).
inline constexpr double kDifferentHospitalCap = 0.3;
// Chinese names collide massively (hundreds of thousands of 张伟), so with
// nothing but the name to compare a pair goes to review at best.
inline constexpr double kNameOnlyCap = 0.7;
// Besides, the total never exceeds the square of the name similarity: other
// fields confirm a name but cannot make up for a different one (张伟 / 张文
// at one hospital, names 0.67 alike, score at most 0.44; unrelated names at
// one address or hospital score about 0).

// A pair scoring at least this is a likely duplicate: the default lower
// bound of customer-master's duplicate candidates and scans, and of the
// candidates that make a flow terminal ambiguous (terminal_resolver.h).
inline constexpr double kLikelyDuplicateScore = 0.6;

// Scores how likely `a` and `b` describe the same customer, with one reason
// per signal that took part and per cap that lowered the score:
//  - different kinds: 0 (reason "kind");
//  - equal non-empty codes: 1 (reason "code"), nothing else is compared;
//  - different non-empty codes: capped at kDifferentCodeCap;
//  - otherwise the weighted mean of: name = max(JaroWinkler of the names,
//    kPinyinDiscount * Jaro-Winkler of the pinyin taken syllable by syllable,
//    so that only whole homophone syllables count); address =
//    BigramJaccard; phone = exact equality; hospital = exact equality of
//    hospital_id, where a difference also caps the total at
//    kDifferentHospitalCap. The total is capped at the square of the name
//    similarity, and at kNameOnlyCap when the name is the only signal;
//  - nothing comparable: 0.
// Department, title and other fields are not compared. A name that only
// gains a prefix ("北京协和医院" / "中国医学科学院北京协和医院") scores low
// on Jaro-Winkler; such pairs are left to the registration code.
MatchResult ScorePair(const MatchView& a, const MatchView& b);

// ScorePair(a, b).score, without building the reasons (several times
// faster; for scans that score many pairs and explain few).
double MatchScore(const MatchView& a, const MatchView& b);

// A record decoded once for scoring against many others (the code points
// of its name, its pinyin syllables and its address's bigrams): ScorePair
// and MatchScore of two PreparedMatch give exactly the answers of the
// MatchViews they were made from, without decoding either side again. Views
// the strings `view` views, which must outlive it unchanged.
class PreparedMatch {
 public:
  explicit PreparedMatch(const MatchView& view);
  PreparedMatch(PreparedMatch&&) noexcept;
  PreparedMatch& operator=(PreparedMatch&&) noexcept;
  ~PreparedMatch();

  const MatchView& view() const { return view_; }
  // Nothing decoded depends on the kind, so one record may be compared as
  // any kind (a flow terminal, whose kind is not known).
  void set_kind(absl::string_view kind) { view_.kind = kind; }

  struct Decoded;  // similarity.cc
  const Decoded& decoded() const { return *decoded_; }

 private:
  MatchView view_;
  std::unique_ptr<Decoded> decoded_;
};

MatchResult ScorePair(const PreparedMatch& a, const PreparedMatch& b);
double MatchScore(const PreparedMatch& a, const PreparedMatch& b);

// Blocking keys: only records sharing at least one key are compared with
// ScorePair, so 1M records need far fewer than 1M² comparisons. Every key
// starts with the kind, since different kinds never match. Empty fields give
// no key. Callers should compare each pair once even if it shares several
// keys, and may skip blocks too large to compare in full (the narrower keys
// still cover those pairs):
//  - "<kind>|pinyin|<name pinyin without spaces>": the same name and its
//    homophone typos (input methods make typos that keep the pinyin), across
//    hospitals and in records without one;
//  - "<kind>|initials|<initials of the first two syllables>|<hospital_id>":
//    typos that change the sound after the second syllable and extra or
//    missing trailing words ("北京协和医院" / "北京协和医院东院"). Scoped by
//    hospital (empty for non-doctors) because doctors at different hospitals
//    never score high, and unscoped person-name initials make huge blocks
//    (every 张伟, 赵伟 and 周文 in the country is "zw");
//  - "<kind>|phone|<phone>" and "<kind>|code|<code>": exact identifiers that
//    survive any change to the name.
std::vector<std::string> BlockingKeys(const MatchView& in);

}  // namespace pharmacrm::matching

#endif  // PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_SIMILARITY_H_
