// Normalisation of Chinese customer master data: free text, phone numbers,
// postcodes and unified social credit codes. Pure: no I/O.
//
// Every function takes UTF-8. Errors are INVALID_ARGUMENT built with
// core::FieldError, so the message reads "<field>: <what is wrong>" and the
// status carries `field` as its field payload.
#ifndef PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_NORMALIZE_H_
#define PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_NORMALIZE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::matching {

// Canonical form of free text (names, addresses, departments):
//  - invalid UTF-8 sequences become U+FFFD (never an error);
//  - zero-width characters U+200B..U+200D and U+FEFF are removed;
//  - Unicode NFKC: full-width Latin letters, digits and punctuation become
//    ASCII ("ＡＢＣ１２３（）" -> "ABC123()"), U+3000 becomes a space, circled
//    digits become digits ("①" -> "1"). Chinese characters are kept, except
//    compatibility ideographs and Kangxi radicals, which NFKC maps to their
//    unified ideographs. Ideographic punctuation without a compatibility
//    mapping ("。", "、", "《》") is kept;
//  - leading and trailing whitespace is removed and every run of Unicode
//    whitespace (including tabs and newlines) becomes one ASCII space.
std::string NormalizeText(absl::string_view utf8);

// NormalizeText always through ICU. NormalizeText skips ICU for text made
// only of ASCII and CJK Unified Ideographs, which NFKC leaves unchanged; tests
// hold the two to the same answers.
std::string NormalizeTextWithIcu(absl::string_view utf8);

// Traditional Chinese characters folded to Simplified, through ICU's
// "Traditional-Simplified" transliterator: 北京協和醫院 -> 北京协和医院.
// For search and matching only (the stored name keeps the characters it
// was written in): the search index folds each name and each query, so
// either script finds a name written in the other. Text without a character
// the transliterator changes on its own is returned as it is without being
// transliterated (whether a character changes is learnt the first time it
// is seen and kept), so Simplified and ASCII names cost one scan. Takes
// NormalizeText's output. Thread-safe.
std::string FoldToSimplified(absl::string_view utf8);

// Canonical form of a Chinese phone number. Input is first put through
// NormalizeText, so full-width digits are accepted; spaces, dashes and
// parentheses may appear anywhere.
//  - Mobile: 11 digits starting 13..19, optionally after +86, 0086, 86 or a
//    dialled 0 -> "13812345678". An extension is an error.
//  - Landline: area code 010, 02x or 0xxx, then a 7- or 8-digit local number
//    not starting with 0 -> "010-69156114". The country code may replace
//    the area code's 0 ("+86 10 6915 6114"). An extension of 1..6 digits may
//    follow "转", "分机", "ext", "x", or a final dash when the digits before
//    that dash already form a complete number -> "0755-12345678-801".
//  - Service numbers 400/800: 10 digits -> "400-123-4567"; an extension
//    needs an explicit marker ("转", "ext", ...) -> "400-123-4567-2".
// Anything else (other countries, no area code, wrong digit counts, letters)
// is an error naming `field` and the problem.
absl::StatusOr<std::string> NormalizePhone(absl::string_view raw, absl::string_view field);

// Canonical Chinese postcode: 6 ASCII digits whose first digit is 0-8.
// Input goes through NormalizeText and inner spaces are dropped
// ("１００ ７３０" -> "100730"). Hong Kong and Macau have no postcodes and
// the conventional 999077 is rejected.
absl::StatusOr<std::string> NormalizePostcode(absl::string_view raw, absl::string_view field);

// Canonical unified social credit code (统一社会信用代码, GB 32100-2015):
// NormalizeText, spaces removed, ASCII upper-cased; then it must be
//  - 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z);
//  - character 1, the registration authority, one of 1 (机构编制),
//    5 (民政), 9 (工商) or Y (其他). Codes later assigned to other
//    authorities (e.g. 3 for law firms) are rejected;
//  - characters 3-8 six digits (administrative division code; whether it
//    names a real region is left to the caller, see ProvinceForDivisionCode);
//  - character 18 the check character over characters 1-17 with weights
//    1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 (mod 31).
// Character 2 (organisation category) and the embedded organisation code
// (characters 9-17) are not checked further.
absl::StatusOr<std::string> NormalizeSocialCreditCode(absl::string_view code,
                                                      absl::string_view field);

// OK iff NormalizeSocialCreditCode(code, field) succeeds; same errors.
absl::Status ValidateSocialCreditCode(absl::string_view code, absl::string_view field);

}  // namespace pharmacrm::matching

#endif  // PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_NORMALIZE_H_
