#include "pharmacrm/matching/normalize.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "pharmacrm/core/status.h"
#include "unicode/normalizer2.h"
#include "unicode/translit.h"
#include "unicode/uniset.h"
#include "unicode/utf8.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/utf16.h"

namespace pharmacrm::matching {
namespace {

constexpr absl::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};
// Markers in lower case because the phone text is lower-cased before the search.
constexpr std::array<absl::string_view, 4> kExtensionMarkers = {"转", "分机", "ext", "x"};
constexpr size_t kMaxExtensionDigits = 6;

bool IsZeroWidth(UChar32 c) { return (c >= 0x200B && c <= 0x200D) || c == 0xFEFF; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The whole UTF-8 character starting at byte `i`, so error messages quote
// "转" rather than a lone lead byte. Input has passed NormalizeText, so it is
// well-formed.
absl::string_view CharAt(absl::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return s.substr(i, len);
}

}  // namespace

// NormalizeText of plain ASCII without ICU: NFKC leaves ASCII unchanged, so
// only the whitespace rule applies (ASCII White_Space: U+0009..U+000D, U+0020).
// Most identifiers, phones, codes and numbers take this path.
std::optional<std::string> NormalizeAscii(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return std::nullopt;
    if (c == ' ' || (c >= 0x09 && c <= 0x0d)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch);
  }
  return out;
}

// NormalizeText without ICU for the commonest text of all, ASCII mixed with
// CJK Unified Ideographs (U+3400..U+4DBF, U+4E00..U+9FFF): NFKC leaves those
// unchanged, so only the ASCII whitespace rule applies. Anything else (other
// scripts, full-width forms, ideographic space, compatibility ideographs,
// ill-formed UTF-8) returns nullopt and takes the ICU path.
std::optional<std::string> NormalizeAsciiAndHan(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == ' ' || (c >= 0x09 && c <= 0x0d)) {
        pending_space = !out.empty();
        ++i;
        continue;
      }
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // Only three-byte sequences can be in the two blocks.
    if ((c & 0xF0) != 0xE0 || i + 3 > s.size()) return std::nullopt;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    unsigned char c2 = static_cast<unsigned char>(s[i + 2]);
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) return std::nullopt;
    uint32_t cp = ((c & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
    if (!((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF))) return std::nullopt;
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(s.data() + i, 3);
    i += 3;
  }
  return out;
}

std::string NormalizeTextWithIcu(absl::string_view utf8) {
  // fromUTF8 replaces each ill-formed sequence with U+FFFD.
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  // Zero-width characters go first so "A\u200B B" still collapses to "A B".
  icu::UnicodeString visible;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (!IsZeroWidth(c)) visible.append(c);
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  icu::UnicodeString normalized;
  if (U_SUCCESS(error)) normalized = nfkc->normalize(visible, error);
  // NFKC only fails when ICU's data is missing; whitespace cleanup is still
  // worth doing, so fall back to the unnormalised text instead of losing it.
  if (U_FAILURE(error)) normalized = visible;

  icu::UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !collapsed.isEmpty();
      continue;
    }
    if (pending_space) collapsed.append(static_cast<UChar>(u' '));
    pending_space = false;
    collapsed.append(c);
  }
  std::string out;
  collapsed.toUTF8String(out);
  return out;
}

std::string NormalizeText(absl::string_view utf8) {
  if (std::optional<std::string> ascii = NormalizeAscii(utf8)) return *std::move(ascii);
  if (std::optional<std::string> han = NormalizeAsciiAndHan(utf8)) return *std::move(han);
  return NormalizeTextWithIcu(utf8);
}

namespace {

// The transliterator, made once. ICU transliterators are not thread-safe:
// each thread transliterates with its own clone.
//
// Which characters change is learnt per character: the transliterator's
// source set also holds characters its rules only read (most common
// Simplified ones), so the set alone would send nearly every Chinese name
// through the transliterator (about 14 us a name, thirty times
// NormalizeText). The first time a character of the set is seen it is
// transliterated on its own and the answer kept in a lock-free table.
class SimplifiedFolder {
 public:
  SimplifiedFolder() : known_(new std::atomic<uint8_t>[0x10000]) {
    UErrorCode status = U_ZERO_ERROR;
    prototype_.reset(icu::Transliterator::createInstance(
        "Traditional-Simplified", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || prototype_ == nullptr) {
      // ICU's data always carries this transliterator; without it search
      // would silently stop folding, so fail loudly instead.
      std::fprintf(stderr, "normalize: ICU Traditional-Simplified unavailable: %s\n",
                   u_errorName(status));
      std::abort();
    }
    prototype_->getSourceSet(source_);
    source_.freeze();
    for (int i = 0; i < 0x10000; ++i) known_[i].store(kUnknown, std::memory_order_relaxed);
  }

  // True if `c` is a character the transliterator changes. Characters
  // outside the Basic Multilingual Plane in its source set count as changed
  // (rare in names; they only take the slow path).
  bool Changes(UChar32 c) const {
    if (c > 0xFFFF) return source_.contains(c);
    uint8_t state = known_[c].load(std::memory_order_relaxed);
    if (state == kUnknown) {
      state = kKept;
      if (source_.contains(c)) {
        icu::UnicodeString one(c);
        Transliterator().transliterate(one);
        if (one != icu::UnicodeString(c)) state = kChanged;
      }
      known_[c].store(state, std::memory_order_relaxed);
    }
    return state == kChanged;
  }

  // This thread's clone.
  icu::Transliterator& Transliterator() const {
    thread_local std::unique_ptr<icu::Transliterator> clone(prototype_->clone());
    return *clone;
  }

 private:
  static constexpr uint8_t kUnknown = 0, kKept = 1, kChanged = 2;
  std::unique_ptr<icu::Transliterator> prototype_;
  icu::UnicodeSet source_;
  std::unique_ptr<std::atomic<uint8_t>[]> known_;  // By BMP code point.
};

const SimplifiedFolder& Folder() {
  static const SimplifiedFolder* folder = new SimplifiedFolder();
  return *folder;
}

}  // namespace

std::string FoldToSimplified(absl::string_view utf8) {
  const SimplifiedFolder& folder = Folder();
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto n = static_cast<int32_t>(utf8.size());
  bool changes = false;
  for (int32_t i = 0; i < n && !changes;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    changes = c >= 0 && folder.Changes(c);
  }
  if (!changes) return std::string(utf8);
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  folder.Transliterator().transliterate(text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view raw, absl::string_view field) {
  std::string text = absl::AsciiStrToLower(NormalizeText(raw));
  if (text.empty()) return core::FieldError(field, "phone number is empty");

  size_t ext_at = std::string::npos;
  size_t marker_size = 0;
  for (absl::string_view marker : kExtensionMarkers) {
    const size_t at = absl::string_view(text).find(marker);
    if (at < ext_at) {
      ext_at = at;
      marker_size = marker.size();
    }
  }
  std::string extension;
  if (ext_at != std::string::npos) {
    for (char c : absl::string_view(text).substr(ext_at + marker_size)) {
      if (IsDigit(c)) {
        extension.push_back(c);
      } else if (c != ' ' && c != '-' && c != '.' && c != ':') {
        return core::FieldError(field, "extension must contain only digits");
      }
    }
    if (extension.empty() || extension.size() > kMaxExtensionDigits) {
      return core::FieldError(field, "extension must have 1 to 6 digits");
    }
  }

  const absl::string_view main = absl::string_view(text).substr(0, ext_at);
  std::string digits;
  bool plus = false;
  bool has_dash = false;
  size_t digits_after_last_dash = 0;
  for (size_t i = 0; i < main.size(); i += CharAt(main, i).size()) {
    const char c = main[i];
    if (IsDigit(c)) {
      digits.push_back(c);
      ++digits_after_last_dash;
    } else if (c == '-') {
      has_dash = true;
      digits_after_last_dash = 0;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '(' && c != ')') {
      return core::FieldError(field, absl::StrCat("unexpected character '", CharAt(main, i),
                                                  "' in phone number"));
    }
  }
  if (digits.empty()) return core::FieldError(field, "phone number has no digits");

  // Country code. A bare "86" is only taken as one in front of a mobile
  // number, where the 13-digit length makes it unambiguous.
  bool international = false;
  if (plus) {
    if (!absl::StartsWith(digits, "86")) {
      return core::FieldError(field, "only Chinese (+86) numbers are supported");
    }
    digits.erase(0, 2);
    international = true;
  } else if (absl::StartsWith(digits, "0086")) {
    digits.erase(0, 4);
    international = true;
  } else if (digits.size() == 13 && absl::StartsWith(digits, "861")) {
    digits.erase(0, 2);
  } else if (absl::StartsWith(digits, "00")) {
    return core::FieldError(field, "only Chinese (0086) numbers are supported");
  }
  // Old records keep the 0 once dialled before mobiles from another city.
  if (digits.size() == 12 && digits[0] == '0' && digits[1] == '1' && digits[2] >= '3') {
    digits.erase(0, 1);
  }
  const bool mobile_like = digits.size() >= 2 && digits[0] == '1' && digits[1] >= '3';
  const bool service = absl::StartsWith(digits, "400") || absl::StartsWith(digits, "800");
  // Dialled from abroad, the area code loses its leading 0 ("+86 10 ...").
  if (international && !digits.empty() && digits[0] != '0' && !mobile_like && !service) {
    // Not digits.insert(0, "0"): GCC 12 reports a false -Wrestrict there.
    digits = "0" + digits;
  }
  if (digits.empty()) return core::FieldError(field, "phone number has no digits after +86");

  if (digits[0] == '1') {
    if (!extension.empty()) return core::FieldError(field, "a mobile number has no extension");
    if (digits.size() != 11) {
      return core::FieldError(
          field, absl::StrCat("mobile number must have 11 digits, got ", digits.size()));
    }
    if (!mobile_like) return core::FieldError(field, "mobile number must start with 13 to 19");
    return digits;
  }
  if (service) {
    if (digits.size() != 10) {
      return core::FieldError(field, absl::StrCat(digits.substr(0, 3),
                                                  " service number must have 10 digits, got ",
                                                  digits.size()));
    }
    return absl::StrCat(digits.substr(0, 3), "-", digits.substr(3, 3), "-", digits.substr(6),
                        extension.empty() ? "" : "-", extension);
  }
  if (digits[0] != '0') {
    return core::FieldError(field, "landline number needs an area code, e.g. 010-69156114");
  }
  if (digits.size() < 2 || (digits[1] == '1' && (digits.size() < 3 || digits[2] != '0'))) {
    return core::FieldError(field, "unknown area code (Beijing is 010)");
  }
  // 010 and 020-029 are the only three-digit area codes; all others are 0xxx.
  const size_t area_size = digits[1] == '1' || digits[1] == '2' ? 3 : 4;
  if (digits.size() <= area_size) {
    return core::FieldError(field, "landline number has no local number after the area code");
  }
  const std::string area = digits.substr(0, area_size);
  std::string local = digits.substr(area_size);
  if (extension.empty() && has_dash && local.size() > 8 && digits_after_last_dash >= 1 &&
      digits_after_last_dash <= kMaxExtensionDigits &&
      local.size() - digits_after_last_dash >= 7 && local.size() - digits_after_last_dash <= 8) {
    extension = local.substr(local.size() - digits_after_last_dash);
    local.resize(local.size() - digits_after_last_dash);
  }
  if (local.size() < 7 || local.size() > 8) {
    return core::FieldError(field, absl::StrCat("local number after area code ", area,
                                                " must have 7 or 8 digits, got ", local.size()));
  }
  if (local[0] == '0') return core::FieldError(field, "local number must not start with 0");
  return absl::StrCat(area, "-", local, extension.empty() ? "" : "-", extension);
}

absl::StatusOr<std::string> NormalizePostcode(absl::string_view raw, absl::string_view field) {
  const std::string code = absl::StrReplaceAll(NormalizeText(raw), {{" ", ""}});
  if (code.size() != 6 || !AllDigits(code)) {
    return core::FieldError(field, "postcode must be 6 digits");
  }
  if (code[0] == '9') return core::FieldError(field, "postcode must start with 0 to 8");
  return code;
}

absl::StatusOr<std::string> NormalizeSocialCreditCode(absl::string_view code,
                                                      absl::string_view field) {
  std::string s = absl::StrReplaceAll(NormalizeText(code), {{" ", ""}});
  absl::AsciiStrToUpper(&s);
  if (s.empty()) return core::FieldError(field, "social credit code is empty");
  // Characters are checked before the length so a mistyped "O" for "0" is
  // reported as such, which is the common data-entry error.
  int position = 1;
  for (size_t i = 0; i < s.size(); i += CharAt(s, i).size(), ++position) {
    if (kCreditAlphabet.find(s[i]) == absl::string_view::npos || CharAt(s, i).size() != 1) {
      return core::FieldError(
          field, absl::StrCat("character '", CharAt(s, i), "' at position ", position,
                              " is not allowed (digits and capital letters except I, O, S, "
                              "V, Z)"));
    }
  }
  if (s.size() != 18) {
    return core::FieldError(
        field, absl::StrCat("social credit code must have 18 characters, got ", s.size()));
  }
  if (absl::string_view("159Y").find(s[0]) == absl::string_view::npos) {
    return core::FieldError(field, absl::StrCat("registration authority (character 1) must be "
                                                "1, 5, 9 or Y, got '",
                                                s.substr(0, 1), "'"));
  }
  if (!AllDigits(absl::string_view(s).substr(2, 6))) {
    return core::FieldError(
        field, "characters 3-8 must be a 6-digit administrative division code");
  }
  int sum = 0;
  for (size_t i = 0; i < kCreditWeights.size(); ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(s[i])) * kCreditWeights[i];
  }
  const char expected = kCreditAlphabet[(31 - sum % 31) % 31];
  if (s[17] != expected) {
    // Naming the computed character helps spot a mistyped check character,
    // but the typo may as well be earlier, so the message says both.
    return core::FieldError(field, absl::StrCat("check character '", s.substr(17),
                                                "' does not match characters 1-17 (computed '",
                                                std::string(1, expected), "')"));
  }
  return s;
}

absl::Status ValidateSocialCreditCode(absl::string_view code, absl::string_view field) {
  return NormalizeSocialCreditCode(code, field).status();
}

}  // namespace pharmacrm::matching
