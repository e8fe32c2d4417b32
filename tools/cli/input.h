// The file an import sends: read in chunks (a file or standard input) and
// converted to UTF-8 on the way (encoding.h), unless it is an Excel .xlsx
// workbook, which is sent untouched where the import reads workbooks.
// Shared by every import command.
#ifndef PHARMACRM_TOOLS_CLI_INPUT_H_
#define PHARMACRM_TOOLS_CLI_INPUT_H_

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "encoding.h"

namespace pharmacrm::cli {

class ImportInput {
 public:
  // What to do with an Excel .xlsx workbook: a file starting with the zip
  // signature "PK\x03\x04" (binary, so never text in any encoding).
  enum class Workbooks {
    kRefuse,  // an error naming --file: save the sheet as CSV
    kSend,    // its bytes are sent as they are, whatever --encoding says
  };

  // `file`: a path, or "-" for standard input. `encoding`: auto, utf-8 or
  // gb18030. A file not in UTF-8 is read through once first, so a byte
  // that is not text in its encoding stops the import before anything is
  // sent (the error names the byte offset and line). A workbook is told by
  // its first bytes: for a file here, for standard input at its first
  // chunk (Next). Errors name the flag (--file, --encoding).
  static absl::StatusOr<std::unique_ptr<ImportInput>> Open(
      const std::string& file, absl::string_view encoding,
      Workbooks workbooks = Workbooks::kRefuse);

  // Size of the file in bytes; 0 for standard input.
  int64_t total_bytes() const { return total_; }
  // Whether the input is an .xlsx workbook (for standard input: known
  // after the first Next).
  bool is_workbook() const { return workbook_; }
  // The next chunk as UTF-8 (a workbook's bytes as they are) and how many
  // bytes of the input it took; at the end, *end is set and the chunk
  // holds what the converter held back (often nothing).
  absl::StatusOr<std::string> Next(bool* end, int64_t* input_bytes);

  // Sends the whole input through `write` (a chunk as UTF-8, and whether it
  // is the first; at least one chunk, maybe empty), calling `sent` with the
  // input bytes sent so far after each. Stops early when `write` returns
  // false (the server ended the call: its status says why). Returns the
  // conversion error, if any: the caller then cancels the call.
  absl::Status SendAll(absl::FunctionRef<bool(std::string chunk, bool first)> write,
                       absl::FunctionRef<void(int64_t bytes)> sent);

 private:
  ImportInput(InputEncoding encoding, Workbooks workbooks)
      : workbooks_(workbooks), converter_(encoding), buffer_(kChunkBytes) {}
  static constexpr size_t kChunkBytes = 256 * 1024;

  // Decides from the input's first bytes whether it is a workbook.
  absl::Status CheckWorkbook(absl::string_view first_bytes);

  std::ifstream file_;
  std::istream* in_ = nullptr;
  int64_t total_ = 0;
  const Workbooks workbooks_;
  bool checked_ = false;   // the first bytes were looked at
  bool workbook_ = false;  // the input is a workbook: no conversion
  ToUtf8Converter converter_;
  std::vector<char> buffer_;
};

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_INPUT_H_
