// The text encoding of a file given to `pharmacrm import`, and its
// conversion to the UTF-8 customer-master reads. Chinese Excel saves "CSV"
// in the system code page, GBK, which is a subset of GB18030; converting on
// the client keeps the server's contract UTF-8 only.
#ifndef PHARMACRM_TOOLS_CLI_ENCODING_H_
#define PHARMACRM_TOOLS_CLI_ENCODING_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::cli {

enum class InputEncoding {
  kAuto,     // Decided from the input (see ToUtf8Converter).
  kUtf8,     // Passed through as it is; the server rejects invalid rows.
  kGb18030,  // GB18030, and so GBK and GB2312, through ICU's converter.
};

// "auto", "utf-8" (or "utf8"), "gb18030" (or "gbk"), in any case; otherwise
// INVALID_ARGUMENT naming --encoding.
absl::StatusOr<InputEncoding> ParseInputEncoding(absl::string_view name);
// "auto", "utf-8" or "gb18030".
absl::string_view EncodingName(InputEncoding encoding);

// Converts an input given in chunks, split anywhere, to UTF-8.
//
// kAuto decides at the first byte that is not ASCII (ASCII is the same in
// all three encodings, so chunks before it pass as they are): if the input
// starts with a UTF-8 byte order mark, or the chunk holding that byte is
// valid UTF-8 from there on (a character cut by the chunk's end counts as
// valid), the input is UTF-8 and passes unchanged from then on; otherwise it
// is GB18030. The decision is not revisited.
//
// GB18030 input is converted with ICU's "GB18030" converter. A byte
// sequence that is not GB18030 is an INVALID_ARGUMENT error naming its byte
// offset and line (1-based) in the input and the bytes in hex; nothing after
// it is converted. A sequence cut by the end of the input is the same error.
//
// Not thread-safe; one converter per input.
class ToUtf8Converter {
 public:
  explicit ToUtf8Converter(InputEncoding encoding);
  ~ToUtf8Converter();
  ToUtf8Converter(const ToUtf8Converter&) = delete;
  ToUtf8Converter& operator=(const ToUtf8Converter&) = delete;

  // The UTF-8 form of `chunk` (and of any character cut at the end of the
  // previous chunk); may hold back the bytes of a character cut at the end.
  absl::StatusOr<std::string> Convert(absl::string_view chunk);
  // The end of the input: converts what was held back.
  absl::StatusOr<std::string> Finish();

  // kUtf8 or kGb18030 once decided; kAuto before the first non-ASCII byte.
  InputEncoding encoding() const { return encoding_; }

 private:
  absl::StatusOr<std::string> FromGb18030(absl::string_view chunk, bool flush);

  InputEncoding encoding_;
  struct IcuConverter;
  std::unique_ptr<IcuConverter> icu_;
  int64_t offset_ = 0;  // Bytes of the input consumed before the current chunk.
  int64_t line_ = 1;    // Line at offset_.
};

// The whole of `input` through ToUtf8Converter(encoding): Convert then Finish.
absl::StatusOr<std::string> ConvertToUtf8(absl::string_view input, InputEncoding encoding);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_ENCODING_H_
