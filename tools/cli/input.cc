#include "input.h"

#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pharmacrm/tabular/xlsx.h"

namespace pharmacrm::cli {
namespace {

// Reads `file` through a converter to find a byte that is not text in
// `encoding` before anything is sent; stops as soon as the input is known
// to be UTF-8 (passed through, and checked by the server row by row).
// Leaves `file` at its start.
absl::Status CheckEncoding(std::ifstream& file, InputEncoding encoding) {
  if (encoding == InputEncoding::kUtf8) return absl::OkStatus();
  ToUtf8Converter converter(encoding);
  std::vector<char> buffer(256 * 1024);
  absl::Status status;
  while (status.ok() && converter.encoding() != InputEncoding::kUtf8) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = file.gcount();
    if (n <= 0) {
      status = converter.Finish().status();
      break;
    }
    status = converter.Convert(absl::string_view(buffer.data(), static_cast<size_t>(n))).status();
  }
  file.clear();
  file.seekg(0);
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ImportInput>> ImportInput::Open(const std::string& file,
                                                               absl::string_view encoding,
                                                               Workbooks workbooks) {
  absl::StatusOr<InputEncoding> parsed = ParseInputEncoding(encoding);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<ImportInput> input(new ImportInput(*parsed, workbooks));
  input->in_ = &std::cin;
  if (file != "-") {
    input->file_.open(file, std::ios::binary | std::ios::ate);
    if (!input->file_) return absl::NotFoundError(absl::StrCat("--file: cannot read ", file));
    input->total_ = static_cast<int64_t>(input->file_.tellg());
    input->file_.seekg(0);
    input->in_ = &input->file_;
    char first[4] = {};
    input->file_.read(first, sizeof first);
    const absl::string_view head(first, static_cast<size_t>(input->file_.gcount()));
    input->file_.clear();
    input->file_.seekg(0);
    if (absl::Status s = input->CheckWorkbook(head); !s.ok()) return s;
    if (input->workbook_) return input;
    if (absl::Status s = CheckEncoding(input->file_, *parsed); !s.ok()) return s;
  }
  return input;
}

absl::Status ImportInput::CheckWorkbook(absl::string_view first_bytes) {
  checked_ = true;
  if (!tabular::IsZip(first_bytes)) return absl::OkStatus();
  if (workbooks_ == Workbooks::kRefuse) {
    return absl::InvalidArgumentError(
        "--file: this is an Excel workbook (.xlsx, a zip archive), which this import does not "
        "read: save the sheet as CSV (CSV UTF-8) and import that");
  }
  workbook_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> ImportInput::Next(bool* end, int64_t* input_bytes) {
  in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  const std::streamsize n = in_->gcount();
  *end = n <= 0;
  *input_bytes = n > 0 ? n : 0;
  const absl::string_view chunk(buffer_.data(), static_cast<size_t>(*input_bytes));
  if (!checked_) {
    if (absl::Status s = CheckWorkbook(chunk); !s.ok()) return s;
  }
  if (workbook_) return std::string(chunk);
  // At the end, what the converter held back (a character cut by the last
  // read) is converted, or reported if it is not a whole one.
  if (*end) return converter_.Finish();
  return converter_.Convert(absl::string_view(buffer_.data(), static_cast<size_t>(n)));
}

absl::Status ImportInput::SendAll(absl::FunctionRef<bool(std::string, bool)> write,
                                  absl::FunctionRef<void(int64_t)> sent) {
  int64_t total = 0;
  for (bool first = true;; first = false) {
    bool end = false;
    int64_t n = 0;
    absl::StatusOr<std::string> utf8 = Next(&end, &n);
    if (!utf8.ok()) return utf8.status();
    if (end && utf8->empty() && !first) return absl::OkStatus();
    if (!write(*std::move(utf8), first)) return absl::OkStatus();
    total += n;
    sent(total);
    if (end) return absl::OkStatus();
  }
}

}  // namespace pharmacrm::cli
