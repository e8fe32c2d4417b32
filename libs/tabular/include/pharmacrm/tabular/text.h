// Text checks every import of files needs, whatever the records mean.
#ifndef PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_TEXT_H_
#define PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::tabular {

// A UTF-8 byte order mark, skipped at the start of an input.
inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF). Imports reject what is not, rather than letting
// ICU turn a GBK file silently into U+FFFD.
bool IsValidUtf8(absl::string_view s);

// Appends code point `cp` (at most U+10FFFF, not a surrogate) in UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// Drops a leading UTF-8 byte order mark from an input handed over in
// chunks split anywhere (the mark itself may be split). Not thread-safe.
class BomSkipper {
 public:
  using Pass = absl::FunctionRef<void(absl::string_view)>;

  // Hands `pass` the bytes of `chunk` that are not the mark (bytes held
  // back from an earlier chunk first). `pass` is not called for nothing.
  void Feed(absl::string_view chunk, Pass pass);
  // Ends the input: hands over the bytes held back (the input was a
  // prefix of the mark, e.g. "\xEF\xBB").
  void Finish(Pass pass);

 private:
  bool checked_ = false;
  std::string prefix_;
};

}  // namespace pharmacrm::tabular

#endif  // PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_TEXT_H_
