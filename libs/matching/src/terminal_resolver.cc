#include "pharmacrm/matching/terminal_resolver.h"

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "pharmacrm/matching/normalize.h"
#include "pharmacrm/matching/regions.h"

namespace pharmacrm::matching {
namespace {

// Bracketed parts of a name: campuses, branches, departments, notes. NFKC
// has already made full-width "（）" and "［］" ASCII.
constexpr std::array<std::pair<absl::string_view, absl::string_view>, 4> kBrackets = {{
    {"(", ")"}, {"[", "]"}, {"【", "】"}, {"〔", "〕"}}};

std::string NormalizeCode(absl::string_view code) {
  std::string out = absl::StrReplaceAll(NormalizeText(code), {{" ", ""}});
  absl::AsciiStrToUpper(&out);
  return out;
}

// Text as the resolver compares it: NormalizeText, then Traditional
// characters folded to Simplified.
std::string Fold(absl::string_view text) { return FoldToSimplified(NormalizeText(text)); }

// `name` without its bracketed parts (an unclosed bracket runs to the end),
// or "" if it has none or nothing else.
std::string WithoutBrackets(absl::string_view name) {
  std::string out;
  bool removed = false;
  size_t i = 0;
  while (i < name.size()) {
    bool opened = false;
    for (const auto& [open, close] : kBrackets) {
      if (!absl::StartsWith(name.substr(i), open)) continue;
      const size_t end = name.find(close, i + open.size());
      i = end == absl::string_view::npos ? name.size() : end + close.size();
      opened = removed = true;
      out.push_back(' ');
      break;
    }
    if (!opened) out.push_back(name[i++]);
  }
  if (!removed) return "";
  return NormalizeText(out);
}

// Where a terminal or customer is; empty parts are unknown.
struct Place {
  std::string province;
  std::string city;
  std::string district;

  bool known() const { return !province.empty() || !city.empty(); }
};

// "昆山市" the city and "昆山市" the county-level city of 苏州市 are one
// place, and so are "杭州" and "杭州市".
absl::string_view PlaceStem(absl::string_view name) {
  absl::ConsumeSuffix(&name, "市");
  return name;
}

// A Place by the ids of its parts (Index::place_ids): 0 unknown, -1 named
// but unknown to the index.
struct PlaceIds {
  int32_t province = 0;
  int32_t city = 0;
  int32_t district = 0;
};

// Whether `a` and `b` are known to be in different provinces or cities. A
// city that is the other's district is the same place: ParseAddress takes
// a county-level city written without its prefecture (江苏省昆山市) for the
// city.
bool OtherPlace(const PlaceIds& a, const PlaceIds& b) {
  if (a.province != 0 && b.province != 0 && a.province != b.province) return true;
  if (a.city == 0 || b.city == 0 || a.city == b.city) return false;
  return a.city != b.district && b.city != a.district;
}

// One form of a name.
struct NameForm {
  std::string text;
  std::string pinyin;   // FullPinyin
  std::string compact;  // The pinyin without spaces: the order of large blocks.
};

NameForm MakeForm(std::string text, const PinyinConverter& pinyin) {
  NameForm form;
  form.text = std::move(text);
  form.pinyin = pinyin.FullPinyin(form.text);
  form.compact = absl::StrReplaceAll(form.pinyin, {{" ", ""}});
  return form;
}

// A name as the resolver compares it: folded (`whole`); without the leading
// region ParseAddress recognises in it (`bare`, empty if none), with that
// region (`prefix`, "province|city|district", and `place`).
struct Name {
  NameForm whole;
  NameForm bare;
  std::string prefix;
  Place place;
};

Name MakeName(absl::string_view raw, const PinyinConverter& pinyin) {
  Name name;
  name.whole = MakeForm(Fold(raw), pinyin);
  ParsedAddress parsed = ParseAddress(name.whole.text);
  if ((!parsed.province.empty() || !parsed.city.empty()) && !parsed.detail.empty()) {
    name.bare = MakeForm(std::move(parsed.detail), pinyin);
    name.prefix = absl::StrCat(parsed.province, "|", parsed.city, "|", parsed.district);
    name.place = {std::move(parsed.province), std::move(parsed.city), std::move(parsed.district)};
  }
  return name;
}

// Names may be compared without their regions when at most one of them had
// a region, or both the same one: "协和医院" / "北京协和医院" and "北京市协和医院"
// / "北京协和医院", not "湖南省人民医院" / "湘潭市人民医院".
bool BareComparable(const Name& a, const Name& b) {
  if (a.bare.text.empty() && b.bare.text.empty()) return false;
  return a.prefix.empty() || b.prefix.empty() || a.prefix == b.prefix;
}

const NameForm& BareOrWhole(const Name& n) { return n.bare.text.empty() ? n.whole : n.bare; }

// The address as customer-master compares it, folded: split by
// ParseAddress unless split already, then FullAddress. A written address
// without a province or city takes the region leading the name
// ("北京协和医院", "东城区帅府园1号"). Sets `place` from the parts, else from
// the name.
std::string MatchedAddress(absl::string_view address, absl::string_view province,
                           absl::string_view city, absl::string_view district, const Name& name,
                           Place* place) {
  const std::string text = Fold(address);
  Place parts{Fold(province), Fold(city), Fold(district)};
  std::string rest = text;
  if (parts.province.empty() && parts.city.empty() && parts.district.empty()) {
    if (text.empty()) {
      *place = name.place;
      return "";
    }
    ParsedAddress parsed = ParseAddress(text);
    if (!parsed.province.empty() || !parsed.city.empty()) {
      parts = {std::move(parsed.province), std::move(parsed.city), std::move(parsed.district)};
      rest = std::move(parsed.detail);
    }
  } else if (std::optional<std::string> full = CanonicalProvinceName(parts.province)) {
    parts.province = *std::move(full);
  }
  if (!parts.known()) {
    parts.province = name.place.province;
    parts.city = name.place.city;
  }
  *place = parts;
  return FullAddress(parts.province, parts.city, parts.district, rest);
}

MatchView ViewOf(absl::string_view kind, const NameForm& name, absl::string_view address) {
  MatchView v{};
  v.kind = kind;
  v.name = name.text;
  v.name_pinyin = name.pinyin;
  v.address = address;
  return v;
}

// The comparisons of a terminal and a candidate, by the forms of the names.
enum class Forms { kWhole, kBare, kWholeWithoutBrackets, kBareWithoutBrackets };

absl::string_view FormsText(Forms forms) {
  switch (forms) {
    case Forms::kWhole:
      return "";
    case Forms::kBare:
      return "without the region leading a name";
    case Forms::kWholeWithoutBrackets:
      return "without the terminal's bracketed part";
    case Forms::kBareWithoutBrackets:
      return "without the region leading a name and the terminal's bracketed part";
  }
  return "";
}

struct FormPair {
  const NameForm* terminal;
  const NameForm* candidate;
};

}  // namespace

absl::string_view MatchedByName(MatchedBy how) {
  switch (how) {
    case MatchedBy::kExternalCode:
      return "external code";
    case MatchedBy::kNameAndAddress:
      return "name and address";
  }
  return "unknown";
}

struct TerminalResolver::Index {
  // A candidate, prepared once.
  struct Candidate {
    std::string id;
    std::string kind;
    std::string written_name;
    Name name;
    std::string address;
    PlaceIds place;  // Of the address, else of the name.
    // Of name.whole and name.bare (if any) with the address; made once
    // `candidates` is complete, since they view its strings.
    std::optional<PreparedMatch> whole;
    std::optional<PreparedMatch> bare;

    const PreparedMatch& PreparedOf(const NameForm* form) const {
      return form == &name.whole ? *whole : *bare;
    }
  };
  // A candidate in a block, by the form of its name that has the key.
  struct Member {
    uint32_t candidate;
    bool bare;
  };

  std::vector<Candidate> candidates;
  // candidates[i].place, packed together: every candidate sharing a key is
  // checked for another place, most are not scored.
  std::vector<PlaceIds> places;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_code;
  // Blocks larger than max_block_size are sorted by BlockOrder.
  absl::flat_hash_map<std::string, std::vector<Member>> by_key;
  std::vector<std::string> kinds;  // Distinct, in order of appearance.
  // Provinces, and the stems of cities and districts, numbered from 1.
  absl::flat_hash_map<std::string, int32_t> place_ids;

  int32_t PlaceId(absl::string_view name) const {
    if (name.empty()) return 0;
    auto it = place_ids.find(name);
    return it == place_ids.end() ? -1 : it->second;
  }
  int32_t AddPlace(absl::string_view name) {
    if (name.empty()) return 0;
    return place_ids.try_emplace(name, static_cast<int32_t>(place_ids.size() + 1)).first->second;
  }
  PlaceIds Ids(const Place& p) const {
    return {PlaceId(p.province), PlaceId(PlaceStem(p.city)), PlaceId(PlaceStem(p.district))};
  }
  PlaceIds AddIds(const Place& p) {
    return {AddPlace(p.province), AddPlace(PlaceStem(p.city)), AddPlace(PlaceStem(p.district))};
  }

  // The order of a large block: compact pinyin of the form with the key,
  // city, address, then id; a terminal falls among the candidates of its
  // name and city.
  auto BlockOrder(const Member& m) const {
    const Candidate& c = candidates[m.candidate];
    const NameForm& form = m.bare ? c.name.bare : c.name.whole;
    return std::tie(form.compact, c.place.city, c.address, c.id);
  }
};

// The terminal of one flow row, prepared for scoring.
struct TerminalResolver::Terminal {
  std::string written_name;
  Name name;
  NameForm whole_without_brackets;  // Empty text if it has none.
  NameForm bare_without_brackets;   // Of name.bare; empty text if none.
  std::string address;
  PlaceIds place;  // Of the address, else of the name.
  // Each form with the address, scored against candidates of any kind
  // (set_kind); made once the strings above are final, since they view them.
  std::vector<std::pair<const NameForm*, PreparedMatch>> prepared;

  const NameForm& BareOrWholeWithoutBrackets() const {
    return name.bare.text.empty() ? whole_without_brackets : bare_without_brackets;
  }
  PreparedMatch& PreparedOf(const NameForm* form) {
    for (auto& [f, p] : prepared) {
      if (f == form) return p;
    }
    return prepared.front().second;  // Not reached: every compared form is prepared.
  }

  // The best score of the comparisons of this terminal and `c`, with the
  // forms of the names that gave it (the first of equal ones).
  double Score(const Index::Candidate& c, Forms* forms, FormPair* pair);

  // Every comparison of the names of this terminal and `c`: the whole
  // names; the terminal's without brackets; both without a region, and
  // the terminal's without brackets as well.
  template <typename F>
  void ForEachFormPair(const Index::Candidate& c, F&& f) const {
    f(Forms::kWhole, FormPair{&name.whole, &c.name.whole});
    if (!whole_without_brackets.text.empty()) {
      f(Forms::kWholeWithoutBrackets, FormPair{&whole_without_brackets, &c.name.whole});
    }
    if (!BareComparable(name, c.name)) return;
    f(Forms::kBare, FormPair{&BareOrWhole(name), &BareOrWhole(c.name)});
    if (const NameForm& form = BareOrWholeWithoutBrackets(); !form.text.empty()) {
      f(Forms::kBareWithoutBrackets, FormPair{&form, &BareOrWhole(c.name)});
    }
  }
};

TerminalResolver::TerminalResolver(const std::vector<TerminalCandidate>& candidates,
                                   const PinyinConverter& pinyin, TerminalResolverOptions options)
    : pinyin_(pinyin), options_(options) {
  auto index = std::make_unique<Index>();
  absl::flat_hash_set<std::string> kinds;
  for (const TerminalCandidate& c : candidates) {
    if (!c.active) continue;
    const auto at = static_cast<uint32_t>(index->candidates.size());
    Index::Candidate p;
    p.id = c.id;
    p.kind = c.kind;
    p.written_name = c.name;
    p.name = MakeName(c.name, pinyin_);
    Place place;
    p.address = MatchedAddress(c.address, c.province, c.city, c.district, p.name, &place);
    p.place = index->AddIds(place);
    for (const std::string& code : c.external_codes) {
      std::string normalized = NormalizeCode(code);
      if (normalized.empty()) continue;
      std::vector<uint32_t>& ids = index->by_code[normalized];
      if (ids.empty() || ids.back() != at) ids.push_back(at);
    }
    if (kinds.insert(p.kind).second) index->kinds.push_back(p.kind);
    index->places.push_back(p.place);
    index->candidates.push_back(std::move(p));
  }

  // Blocking keys of the whole name and of the name without its region; a
  // key of both is kept once, with the whole name.
  std::vector<std::pair<std::string, bool>> keys;
  for (uint32_t at = 0; at < index->candidates.size(); ++at) {
    Index::Candidate& c = index->candidates[at];
    c.whole.emplace(ViewOf(c.kind, c.name.whole, c.address));
    if (!c.name.bare.text.empty()) c.bare.emplace(ViewOf(c.kind, c.name.bare, c.address));
    keys.clear();
    for (std::string& key : BlockingKeys(c.whole->view())) keys.emplace_back(std::move(key), false);
    if (c.bare) {
      for (std::string& key : BlockingKeys(c.bare->view())) keys.emplace_back(std::move(key), true);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               keys.end());
    for (auto& [key, bare] : keys) index->by_key[std::move(key)].push_back({at, bare});
  }
  for (auto& [key, members] : index->by_key) {
    if (members.size() <= options_.max_block_size) continue;
    const Index& in = *index;
    std::sort(members.begin(), members.end(),
              [&in](const Index::Member& a, const Index::Member& b) {
                return in.BlockOrder(a) < in.BlockOrder(b);
              });
  }
  index_ = std::move(index);
}

TerminalResolver::~TerminalResolver() = default;

size_t TerminalResolver::size() const { return index_->candidates.size(); }

TerminalResolver::Stats TerminalResolver::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

std::shared_ptr<const TerminalResolution> TerminalResolver::Resolve(
    absl::string_view terminal_code, absl::string_view name, absl::string_view address) {
  // Each part's length first, so that no two rows share a key by accident.
  thread_local std::string key;
  key.clear();
  absl::StrAppend(&key, terminal_code.size(), ":", name.size(), ":", terminal_code, name,
                  address);
  {
    absl::MutexLock lock(&mu_);
    ++stats_.resolved;
    if (auto it = cache_.find(key); it != cache_.end()) {
      ++stats_.cache_hits;
      return it->second;
    }
  }
  Stats computed;
  auto resolution = std::make_shared<const TerminalResolution>(
      Compute(terminal_code, name, address, &computed));
  absl::MutexLock lock(&mu_);
  stats_.by_code += computed.by_code;
  stats_.comparisons += computed.comparisons;
  stats_.other_place += computed.other_place;
  stats_.blocks_windowed += computed.blocks_windowed;
  if (options_.cache_size > 0) {
    if (cache_.size() >= options_.cache_size) cache_.clear();
    cache_.emplace(key, resolution);
  }
  return resolution;
}

TerminalResolution TerminalResolver::Compute(absl::string_view terminal_code,
                                             absl::string_view written_name,
                                             absl::string_view written_address,
                                             Stats* stats) const {
  const Index& index = *index_;
  const std::string code = NormalizeCode(terminal_code);
  if (!code.empty()) {
    if (auto it = index.by_code.find(code); it != index.by_code.end() && it->second.size() == 1) {
      const Index::Candidate& c = index.candidates[it->second.front()];
      ++stats->by_code;
      Matched matched;
      matched.customer_id = c.id;
      matched.how = MatchedBy::kExternalCode;
      matched.score = 1.0;
      matched.reasons.push_back(
          {"code", 1.0, absl::StrCat("external code ", code, " names ", c.written_name)});
      return matched;
    }
  }

  Terminal t;
  t.written_name = std::string(written_name);
  t.name = MakeName(written_name, pinyin_);
  if (std::string text = WithoutBrackets(t.name.whole.text); !text.empty()) {
    t.whole_without_brackets = MakeForm(std::move(text), pinyin_);
  }
  if (!t.name.bare.text.empty()) {
    if (std::string text = WithoutBrackets(t.name.bare.text); !text.empty()) {
      t.bare_without_brackets = MakeForm(std::move(text), pinyin_);
    }
  }
  Place place;
  t.address = MatchedAddress(written_address, "", "", "", t.name, &place);
  t.place = index.Ids(place);
  for (const NameForm* form : {&t.name.whole, &t.name.bare, &t.whole_without_brackets,
                               &t.bare_without_brackets}) {
    if (!form->text.empty()) t.prepared.emplace_back(form, ViewOf("", *form, t.address));
  }

  // Candidates sharing a blocking key of any form of the name, of any kind;
  // of a large block, the neighbours of the terminal in its order.
  std::vector<uint32_t> found;
  const size_t reach = options_.window <= 1 ? 0 : options_.window - 1;
  for (const std::string& kind : index.kinds) {
    for (const auto& [form, prepared] : t.prepared) {
      for (const std::string& key : BlockingKeys(ViewOf(kind, *form, t.address))) {
        auto it = index.by_key.find(key);
        if (it == index.by_key.end()) continue;
        const std::vector<Index::Member>& members = it->second;
        size_t from = 0;
        size_t to = members.size();
        if (members.size() > options_.max_block_size) {
          ++stats->blocks_windowed;
          const auto probe = std::tie(form->compact, t.place.city, t.address);
          const size_t at = static_cast<size_t>(
              std::lower_bound(members.begin(), members.end(), probe,
                               [&index](const Index::Member& m, const auto& p) {
                                 const auto order = index.BlockOrder(m);
                                 return std::tie(std::get<0>(order), std::get<1>(order),
                                                 std::get<2>(order)) < p;
                               }) -
              members.begin());
          from = at > reach ? at - reach : 0;
          to = std::min(members.size(), at + reach);
        }
        for (size_t i = from; i < to; ++i) found.push_back(members[i].candidate);
      }
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());

  struct Score {
    double score;
    uint32_t candidate;
  };
  std::vector<Score> scores;
  scores.reserve(found.size());
  for (uint32_t i : found) {
    if (OtherPlace(t.place, index.places[i])) {
      ++stats->other_place;
      continue;
    }
    const Index::Candidate& c = index.candidates[i];
    ++stats->comparisons;
    Forms forms;
    FormPair pair;
    scores.push_back({t.Score(c, &forms, &pair), i});
  }
  std::sort(scores.begin(), scores.end(), [&index](const Score& a, const Score& b) {
    if (a.score != b.score) return a.score > b.score;
    return index.candidates[a.candidate].id < index.candidates[b.candidate].id;
  });

  const double best = scores.empty() ? 0.0 : scores[0].score;
  const double second = scores.size() < 2 ? 0.0 : scores[1].score;
  // (A hair below the margin still counts: 0.9 - 0.8 is 0.0999... in binary.)
  if (best >= options_.match_score && best - second >= options_.margin - 1e-9) {
    ScoredCandidate explained = Explain(t, scores[0].candidate);
    Matched matched;
    matched.customer_id = std::move(explained.customer_id);
    matched.how = MatchedBy::kNameAndAddress;
    matched.score = explained.score;
    matched.reasons = std::move(explained.reasons);
    matched.runner_up_score = second;
    matched.reasons.push_back(
        {"decision", best,
         absl::StrFormat("score %.2f is at least %.2f and the next best customer's, %.2f, is at "
                         "least %.2f lower",
                         best, options_.match_score, second, options_.margin)});
    return matched;
  }
  auto list = [&](size_t n) {
    std::vector<ScoredCandidate> out;
    for (size_t i = 0; i < n; ++i) out.push_back(Explain(t, scores[i].candidate));
    return out;
  };
  const auto above = static_cast<size_t>(std::count_if(
      scores.begin(), scores.end(),
      [this](const Score& s) { return s.score >= options_.ambiguous_score; }));
  if (above >= 2) return Ambiguous{list(std::min(above, std::max<size_t>(options_.max_listed, 2)))};
  size_t listed = 0;
  while (listed < scores.size() && listed < options_.max_listed && scores[listed].score > 0) {
    ++listed;
  }
  return Unmatched{list(listed)};
}

double TerminalResolver::Terminal::Score(const Index::Candidate& c, Forms* forms,
                                          FormPair* pair) {
  double best = -1;
  ForEachFormPair(c, [&](Forms f, const FormPair& p) {
    PreparedMatch& terminal = PreparedOf(p.terminal);
    terminal.set_kind(c.kind);
    const double score = MatchScore(terminal, c.PreparedOf(p.candidate));
    if (score <= best) return;
    best = score;
    *forms = f;
    *pair = p;
  });
  return best;
}

ScoredCandidate TerminalResolver::Explain(Terminal& t, uint32_t candidate) const {
  const Index::Candidate& c = index_->candidates[candidate];
  ScoredCandidate out;
  out.customer_id = c.id;
  out.name = c.written_name;
  // The comparison that gave the score, with its reasons; on equal scores
  // the first in ForEachFormPair's order (the whole names first).
  Forms best_forms = Forms::kWhole;
  FormPair pair{};
  t.Score(c, &best_forms, &pair);
  PreparedMatch& terminal = t.PreparedOf(pair.terminal);
  terminal.set_kind(c.kind);
  MatchResult best = ScorePair(terminal, c.PreparedOf(pair.candidate));
  if (best_forms != Forms::kWhole) {
    for (MatchReason& reason : best.reasons) {
      if (reason.signal != "name") continue;
      absl::StrAppend(&reason.detail, " (compared ", FormsText(best_forms), "; as written ",
                      t.written_name, " / ", c.written_name, ")");
    }
  }
  out.score = best.score;
  out.reasons = std::move(best.reasons);
  return out;
}

}  // namespace pharmacrm::matching
