#include "pharmacrm/matching/pinyin.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "unicode/translit.h"
#include "unicode/unistr.h"
#include "unicode/uscript.h"
#include "unicode/utf8.h"

namespace pharmacrm::matching {
namespace {

constexpr absl::string_view kTransliteratorId = "Han-Latin; Latin-ASCII; Lower";
// Only to read the context rules out of; see ParseContextRules.
constexpr absl::string_view kHanLatinId = "Han-Latin";

constexpr int32_t kBmpSize = 0x10000;

// A packed piece is one uint64_t, so that the table can be filled lazily and
// read without a lock: flag bits in byte 0, up to 7 text bytes in bytes 1..7
// (zero-padded). The longest Han reading is 6 letters; the rare longer texts
// (square compatibility forms such as "㍿") carry kSlow and live in
// slow_pieces_.
constexpr uint64_t kKnown = 1;  // never 0, so 0 can mean "not computed yet"
constexpr uint64_t kHan = 2;    // a syllable of its own, not part of a word
constexpr uint64_t kContextLead = 4;
constexpr uint64_t kSlow = 8;
constexpr size_t kPackedTextSize = 7;

uint64_t Pack(uint64_t flags, absl::string_view text) {
  uint64_t packed = flags;
  for (size_t i = 0; i < text.size(); ++i) {
    packed |= uint64_t{static_cast<unsigned char>(text[i])} << (8 * (i + 1));
  }
  return packed;
}

// Returns the text length written to `buf`.
size_t UnpackText(uint64_t packed, char (&buf)[kPackedTextSize]) {
  size_t size = 0;
  for (packed >>= 8; packed != 0 && size < kPackedTextSize; packed >>= 8) {
    buf[size++] = static_cast<char>(packed & 0xff);
  }
  return size;
}

absl::StatusOr<std::unique_ptr<icu::Transliterator>> NewTransliterator(absl::string_view id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> transliterator(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size()))),
      UTRANS_FORWARD, status));
  if (U_FAILURE(status) || transliterator == nullptr) {
    return absl::InternalError(
        absl::StrCat("ICU transliterator \"", id, "\" unavailable: ", u_errorName(status)));
  }
  return transliterator;
}

// Transliterates and keeps only what tokens are made of: [a-z0-9], with one
// ' ' for every run of anything else (the separators still matter, e.g.
// "㍿" -> "zhu shi hui she").
std::string TransliterateClean(const icu::Transliterator& transliterator,
                               icu::UnicodeString text) {
  transliterator.transliterate(text);
  std::string utf8;
  text.toUTF8String(utf8);
  std::string clean;
  clean.reserve(utf8.size());
  for (char c : utf8) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
        absl::ascii_islower(static_cast<unsigned char>(c))) {
      clean.push_back(c);
    } else if (clean.empty() || clean.back() != ' ') {
      clean.push_back(' ');
    }
  }
  return clean;
}

// ICU's Han-Latin is a per-character table plus a handful of rules of the
// form "{重}' '?庆 > chóng;" (a reading that depends on the next character).
// Reading those rules back from ICU keeps the fast per-character path equal
// to transliterating whole strings. Rule shapes not understood here are
// skipped, which only means ICU's default reading for that character;
// pinyin_test compares the two paths on ICU's own phrases and random text.
std::vector<std::pair<int32_t, int32_t>> ParseContextRules(
    const icu::Transliterator& han_latin) {
  icu::UnicodeString rules_utf16;
  han_latin.toRules(rules_utf16, /*escapeUnprintable=*/false);
  std::string rules;
  rules_utf16.toUTF8String(rules);

  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (absl::string_view line : absl::StrSplit(rules, '\n')) {
    if (!absl::ConsumePrefix(&line, "{")) continue;
    const auto* s = reinterpret_cast<const uint8_t*>(line.data());
    int32_t size = static_cast<int32_t>(line.size());
    int32_t i = 0;
    int32_t lead;
    U8_NEXT(s, i, size, lead);
    line.remove_prefix(i);
    if (lead < 0 || !absl::ConsumePrefix(&line, "}")) continue;
    absl::ConsumePrefix(&line, "' '?");
    s = reinterpret_cast<const uint8_t*>(line.data());
    size = static_cast<int32_t>(line.size());
    i = 0;
    int32_t follow;
    U8_NEXT(s, i, size, follow);
    line.remove_prefix(i);
    if (follow < 0 || !absl::StartsWith(line, " >")) continue;
    pairs.emplace_back(lead, follow);
  }
  return pairs;
}

// Builds the output: letters and digits accumulate into the current token,
// Break() ends it; tokens are joined by single spaces.
class TokenWriter {
 public:
  explicit TokenWriter(std::string* out) : out_(out) {}

  void Char(char c) {
    if (!in_token_ && !out_->empty()) out_->push_back(' ');
    in_token_ = true;
    out_->push_back(c);
  }
  void Break() { in_token_ = false; }
  // Text from TransliterateClean: ' ' separates, anything else is a char.
  void Text(absl::string_view text) {
    for (char c : text) {
      if (c == ' ') {
        Break();
      } else {
        Char(c);
      }
    }
  }

 private:
  std::string* out_;
  bool in_token_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PinyinConverter>> PinyinConverter::Create() {
  absl::StatusOr<std::unique_ptr<icu::Transliterator>> transliterator =
      NewTransliterator(kTransliteratorId);
  if (!transliterator.ok()) return transliterator.status();
  absl::StatusOr<std::unique_ptr<icu::Transliterator>> han_latin = NewTransliterator(kHanLatinId);
  if (!han_latin.ok()) return han_latin.status();

  std::vector<ContextRule> context_rules;
  for (const auto& [lead, follow] : ParseContextRules(**han_latin)) {
    icu::UnicodeString pair;
    pair.append(lead).append(follow);
    std::vector<std::string> syllables =
        absl::StrSplit(TransliterateClean(**transliterator, pair), ' ', absl::SkipEmpty());
    // Anything but one syllable per character is not a shape we understand.
    if (syllables.size() != 2) continue;
    context_rules.push_back({lead, follow, std::move(syllables[0])});
  }
  return absl::WrapUnique(
      new PinyinConverter(*std::move(transliterator), std::move(context_rules)));
}

PinyinConverter::PinyinConverter(std::unique_ptr<icu::Transliterator> transliterator,
                                 std::vector<ContextRule> context_rules)
    : transliterator_(std::move(transliterator)),
      // Value-initialised, i.e. all 0 ("not computed").
      bmp_(std::make_unique<std::atomic<uint64_t>[]>(kBmpSize)),
      context_rules_(std::move(context_rules)) {}

PinyinConverter::~PinyinConverter() = default;

std::string PinyinConverter::FullPinyin(absl::string_view utf8) const {
  std::string out;
  AppendTokens(utf8, &out);
  return out;
}

std::string PinyinConverter::Initials(absl::string_view utf8) const {
  std::string full = FullPinyin(utf8);
  std::string initials;
  bool at_start = true;
  for (char c : full) {
    if (c == ' ') {
      at_start = true;
    } else if (at_start) {
      initials.push_back(c);
      at_start = false;
    }
  }
  return initials;
}

std::string PinyinConverter::Compact(absl::string_view utf8) const {
  std::string full = FullPinyin(utf8);
  full.erase(std::remove(full.begin(), full.end(), ' '), full.end());
  return full;
}

void PinyinConverter::AppendTokens(absl::string_view utf8, std::string* out) const {
  TokenWriter writer(out);
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  // ICU's UTF-8 macros index with int32_t; names and addresses are far
  // shorter than 2 GiB, so the clamp never bites in practice.
  const int32_t size = static_cast<int32_t>(
      std::min<size_t>(utf8.size(), std::numeric_limits<int32_t>::max()));
  out->reserve(out->size() + 2 * static_cast<size_t>(size));
  int32_t i = 0;
  while (i < size) {
    const uint8_t byte = s[i];
    if (byte < 0x80) {
      ++i;
      if (absl::ascii_isalnum(byte)) {
        writer.Char(absl::ascii_tolower(byte));
      } else {
        writer.Break();
      }
      continue;
    }
    int32_t code_point;
    U8_NEXT(s, i, size, code_point);
    if (code_point < 0) {  // ill-formed UTF-8
      writer.Break();
      continue;
    }

    uint64_t flags = 0;
    char packed_text[kPackedTextSize];
    absl::string_view text;
    Piece slow;
    if (code_point < kBmpSize) {
      flags = BmpEntry(code_point);
      text = absl::string_view(packed_text, UnpackText(flags, packed_text));
    }
    if (code_point >= kBmpSize || (flags & kSlow) != 0) {
      slow = SlowPiece(code_point);
      flags = slow.flags;
      text = slow.text;
    }

    if ((flags & kContextLead) != 0) {
      // Same look-ahead as ICU's "' '?": one optional ASCII space.
      int32_t j = i;
      if (j < size && s[j] == ' ') ++j;
      int32_t next = -1;
      if (j < size) U8_NEXT(s, j, size, next);
      if (const ContextRule* rule = FindContextRule(code_point, next)) text = rule->syllable;
    }

    if ((flags & kHan) != 0) {
      writer.Break();
      writer.Text(text);
      writer.Break();
    } else {
      writer.Text(text);
    }
  }
}

uint64_t PinyinConverter::BmpEntry(int32_t code_point) const {
  // Relaxed is enough: a packed entry carries all it means, and the one
  // thing it refers to (slow_pieces_) is only read under mu_.
  uint64_t packed = bmp_[code_point].load(std::memory_order_relaxed);
  if (packed != 0) return packed;

  absl::MutexLock lock(&mu_);
  // Another thread may have filled it while we waited.
  packed = bmp_[code_point].load(std::memory_order_relaxed);
  if (packed != 0) return packed;
  Piece piece = ComputePieceLocked(code_point);
  if (piece.text.size() <= kPackedTextSize) {
    packed = Pack(piece.flags, piece.text);
  } else {
    packed = Pack(piece.flags | kSlow, "");
    slow_pieces_.try_emplace(code_point, std::move(piece));
  }
  bmp_[code_point].store(packed, std::memory_order_relaxed);
  return packed;
}

PinyinConverter::Piece PinyinConverter::SlowPiece(int32_t code_point) const {
  absl::MutexLock lock(&mu_);
  auto it = slow_pieces_.find(code_point);
  if (it == slow_pieces_.end()) {
    it = slow_pieces_.try_emplace(code_point, ComputePieceLocked(code_point)).first;
  }
  return it->second;
}

PinyinConverter::Piece PinyinConverter::ComputePieceLocked(int32_t code_point) const {
  Piece piece;
  piece.flags = kKnown;
  piece.text =
      TransliterateClean(*transliterator_, icu::UnicodeString(static_cast<UChar32>(code_point)));
  UErrorCode status = U_ZERO_ERROR;
  if (uscript_getScript(code_point, &status) == USCRIPT_HAN && U_SUCCESS(status)) {
    piece.flags |= kHan;
  }
  for (const ContextRule& rule : context_rules_) {
    if (rule.lead == code_point) piece.flags |= kContextLead;
  }
  return piece;
}

const PinyinConverter::ContextRule* PinyinConverter::FindContextRule(int32_t lead,
                                                                     int32_t follow) const {
  for (const ContextRule& rule : context_rules_) {
    if (rule.lead == lead && rule.follow == follow) return &rule;
  }
  return nullptr;
}

}  // namespace pharmacrm::matching
