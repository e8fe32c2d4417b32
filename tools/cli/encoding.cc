#include "encoding.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "unicode/ucnv.h"
#include "unicode/unistr.h"

namespace pharmacrm::cli {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// True if `s` is well-formed UTF-8, except that its last character may be
// cut short by the end of `s` (the rest is in the next chunk).
bool IsUtf8AllowingCutEnd(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // Allowed range of the second byte.
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // No surrogates.
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k == n) return true;  // Cut by the end of the chunk.
      unsigned char b = p[i + k];
      if (k == 1 ? (b < lo || b > hi) : !IsContinuation(b)) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

absl::StatusOr<InputEncoding> ParseInputEncoding(absl::string_view name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return InputEncoding::kAuto;
  if (n == "utf-8" || n == "utf8") return InputEncoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return InputEncoding::kGb18030;
  return absl::InvalidArgumentError(
      absl::StrCat("--encoding: '", name, "' is not auto, utf-8 or gb18030"));
}

absl::string_view EncodingName(InputEncoding encoding) {
  switch (encoding) {
    case InputEncoding::kAuto: return "auto";
    case InputEncoding::kUtf8: return "utf-8";
    case InputEncoding::kGb18030: return "gb18030";
  }
  return "auto";
}

struct ToUtf8Converter::IcuConverter {
  UConverter* converter = nullptr;
  ~IcuConverter() {
    if (converter != nullptr) ucnv_close(converter);
  }
};

ToUtf8Converter::ToUtf8Converter(InputEncoding encoding) : encoding_(encoding) {}
ToUtf8Converter::~ToUtf8Converter() = default;

absl::StatusOr<std::string> ToUtf8Converter::Convert(absl::string_view chunk) {
  if (encoding_ == InputEncoding::kAuto) {
    auto non_ascii = std::find_if(chunk.begin(), chunk.end(),
                                  [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (non_ascii == chunk.end()) {
      line_ += std::count(chunk.begin(), chunk.end(), '\n');
      offset_ += static_cast<int64_t>(chunk.size());
      return std::string(chunk);
    }
    absl::string_view rest = chunk.substr(non_ascii - chunk.begin());
    bool bom = offset_ == 0 && absl::StartsWith(chunk, kUtf8Bom);
    encoding_ = bom || IsUtf8AllowingCutEnd(rest) ? InputEncoding::kUtf8 : InputEncoding::kGb18030;
  }
  if (encoding_ == InputEncoding::kGb18030) return FromGb18030(chunk, /*flush=*/false);
  return std::string(chunk);
}

absl::StatusOr<std::string> ToUtf8Converter::Finish() {
  if (encoding_ == InputEncoding::kGb18030) return FromGb18030("", /*flush=*/true);
  return std::string();
}

absl::StatusOr<std::string> ToUtf8Converter::FromGb18030(absl::string_view chunk, bool flush) {
  if (icu_ == nullptr) {
    icu_ = std::make_unique<IcuConverter>();
    UErrorCode status = U_ZERO_ERROR;
    icu_->converter = ucnv_open("GB18030", &status);
    if (U_SUCCESS(status)) {
      // Stop at the first byte sequence that is not GB18030 instead of
      // writing U+FFFD: a wrong encoding should be said, not half-read.
      ucnv_setToUCallBack(icu_->converter, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                          &status);
    }
    if (U_FAILURE(status)) {
      return absl::InternalError(
          absl::StrCat("ICU has no GB18030 converter: ", u_errorName(status)));
    }
  }
  icu::UnicodeString utf16;
  const char* source = chunk.data();
  const char* const limit = chunk.data() + chunk.size();
  UChar buffer[8192];
  while (true) {
    UChar* target = buffer;
    UErrorCode status = U_ZERO_ERROR;
    ucnv_toUnicode(icu_->converter, &target, buffer + std::size(buffer), &source, limit, nullptr,
                   flush, &status);
    utf16.append(buffer, 0, static_cast<int32_t>(target - buffer));
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(status)) {
      char bad[32];
      int8_t bad_size = sizeof(bad);
      UErrorCode ignored = U_ZERO_ERROR;
      ucnv_getInvalidChars(icu_->converter, bad, &bad_size, &ignored);
      if (U_FAILURE(ignored)) bad_size = 0;
      // The bad bytes end where the converter stopped; they may have begun
      // in the previous chunk.
      const int64_t end_in_chunk = source - chunk.data();
      const int64_t at = offset_ + end_in_chunk - bad_size;
      const int64_t before_in_chunk = std::max<int64_t>(0, end_in_chunk - bad_size);
      const int64_t line =
          line_ + std::count(chunk.begin(), chunk.begin() + before_in_chunk, '\n');
      return absl::InvalidArgumentError(absl::StrCat(
          "--file: byte ", at, " (line ", line, ") is not GB18030 text",
          bad_size > 0 ? absl::StrCat(" (bytes ", absl::BytesToHexString(absl::string_view(bad, bad_size)), ")")
                       : std::string(),
          status == U_TRUNCATED_CHAR_FOUND ? ", cut off by the end of the file" : "",
          "; give --encoding=utf-8 or --encoding=gb18030 if the file is in that encoding"));
    }
    break;
  }
  line_ += std::count(chunk.begin(), chunk.end(), '\n');
  offset_ += static_cast<int64_t>(chunk.size());
  std::string out;
  utf16.toUTF8String(out);
  return out;
}

absl::StatusOr<std::string> ConvertToUtf8(absl::string_view input, InputEncoding encoding) {
  ToUtf8Converter converter(encoding);
  auto head = converter.Convert(input);
  if (!head.ok()) return head.status();
  auto tail = converter.Finish();
  if (!tail.ok()) return tail.status();
  return *head + *tail;
}

}  // namespace pharmacrm::cli
