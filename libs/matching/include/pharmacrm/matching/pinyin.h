// Hanyu Pinyin of customer names and addresses, for search and duplicate
// detection. Pure: no I/O.
#ifndef PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_PINYIN_H_
#define PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_PINYIN_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "unicode/uversion.h"

// `icu` is an alias of a versioned namespace, so forward declarations go
// through ICU's own macros.
U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace pharmacrm::matching {

// Converts UTF-8 text to toneless lower-case ASCII pinyin with ICU's
// "Han-Latin; Latin-ASCII; Lower" transliteration:
//
//   FullPinyin("北京协和医院") == "bei jing xie he yi yuan"
//   Initials("北京协和医院")   == "bjxhyy"
//   Compact("北京协和医院")    == "beijingxieheyiyuan"
//
// Output is a sequence of tokens:
//  - every Chinese character with a reading is one syllable token;
//  - every run of letters and digits in other scripts is one token, folded
//    to lower-case ASCII ("Müller" -> "muller", full-width "Ａ３" -> "a3");
//    "A座3楼" -> "a zuo 3 lou" (ICU itself would glue "zuo3lou");
//  - everything else (punctuation, spaces, symbols, characters without an
//    ASCII form such as kana, hangul or rare ideographs ICU has no reading
//    for, invalid UTF-8) only separates tokens.
// Empty or all-punctuation input gives "".
//
// Readings are ICU's, and ICU knows one reading per character; it does not
// segment words. On ICU 72 only four two-character phrases get a special
// reading (重庆 chong qing, 沈阳 shen yang, 藏文 zang wen, 秘鲁 bi lu); every
// other polyphonic character always gets one fixed reading, often the wrong
// one in names and places: 长沙 -> "zhang sha", 银行 -> "yin xing",
// 厦门 -> "sha men", and the surnames 曾 -> "ceng", 单 -> "dan", 解 -> "jie",
// 区 -> "qu", 乐 -> "le". (ICU's "Han-Latin/Names" reads such surnames right
// but then misreads words at the start of any text, 解放 -> "xie fang", so
// it is not used.) Callers that match names must therefore compare pinyin as
// a fuzzy signal next to the characters, never as an identity.
//
// Thread safety: all methods are const and may be called concurrently from
// any number of threads on one instance. The ICU transliterator is not
// thread-safe, so it is guarded by a mutex; it is consulted only the first
// time a code point is seen, and its per-character result is then kept in a
// lock-free table, so steady-state conversion takes no lock (supplementary-
// plane characters, which are rare in names, keep taking the mutex). Create()
// is slow (ICU compiles its rule tables, about 0.15 s) and the table takes
// 512 KiB, so create one instance per process and share it.
class PinyinConverter {
 public:
  // Fails (INTERNAL) if ICU's transliteration data is unavailable.
  static absl::StatusOr<std::unique_ptr<PinyinConverter>> Create();

  PinyinConverter(const PinyinConverter&) = delete;
  PinyinConverter& operator=(const PinyinConverter&) = delete;
  ~PinyinConverter();

  // Tokens (see class comment) separated by single spaces.
  std::string FullPinyin(absl::string_view utf8) const;

  // First character of every token: "张伟" -> "zw", "A座3楼" -> "az3l".
  std::string Initials(absl::string_view utf8) const;

  // Tokens concatenated without separators: "张伟" -> "zhangwei".
  std::string Compact(absl::string_view utf8) const;

 private:
  // A reading ICU gives `lead` only when `follow` comes next.
  struct ContextRule {
    int32_t lead;
    int32_t follow;
    std::string syllable;
  };
  // What one code point contributes: flag bits (see pinyin.cc) and its
  // transliteration reduced to [a-z0-9 ].
  struct Piece {
    uint64_t flags = 0;
    std::string text;
  };

  PinyinConverter(std::unique_ptr<icu::Transliterator> transliterator,
                  std::vector<ContextRule> context_rules);

  void AppendTokens(absl::string_view utf8, std::string* out) const;
  // Packed piece of a BMP code point, computed on first use.
  uint64_t BmpEntry(int32_t code_point) const;
  // Piece of a code point the BMP table cannot hold.
  Piece SlowPiece(int32_t code_point) const;
  Piece ComputePieceLocked(int32_t code_point) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const ContextRule* FindContextRule(int32_t lead, int32_t follow) const;

  mutable absl::Mutex mu_;
  std::unique_ptr<icu::Transliterator> transliterator_ ABSL_GUARDED_BY(mu_);
  // Supplementary-plane code points and the few BMP ones whose text is too
  // long to pack.
  mutable absl::flat_hash_map<int32_t, Piece> slow_pieces_ ABSL_GUARDED_BY(mu_);
  // One packed piece per BMP code point; 0 until first computed.
  std::unique_ptr<std::atomic<uint64_t>[]> bmp_;
  const std::vector<ContextRule> context_rules_;
};

}  // namespace pharmacrm::matching

#endif  // PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_PINYIN_H_
