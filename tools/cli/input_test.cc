#include "input.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/tabular/xlsx.h"
#include "pharmacrm/tabular/xlsx_testing.h"

namespace pharmacrm::cli {
namespace {

using ::testing::HasSubstr;

// A file in the test's temporary folder holding `bytes`.
std::string TempFile(absl::string_view name, absl::string_view bytes) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Everything SendAll sends, in order.
absl::StatusOr<std::string> SendAll(ImportInput& input) {
  std::string sent;
  absl::Status status = input.SendAll(
      [&](std::string chunk, bool) {
        sent += chunk;
        return true;
      },
      [](int64_t) {});
  if (!status.ok()) return status;
  return sent;
}

// A workbook, and a zip-signed file of more than one chunk whose bytes are
// neither UTF-8 nor GB18030.
std::string Workbook() {
  tabular::testing::TestWorkbook book;
  book.sheets.emplace_back(
      "流向", tabular::testing::Worksheet(
                  "<row r=\"1\"><c t=\"inlineStr\"><is><t>销售日期</t></is></c></row>"));
  return tabular::testing::BuildXlsx(book);
}
std::string BigBinary() {
  std::string bytes(tabular::kZipSignature);
  for (int i = 0; bytes.size() < 600'000; ++i) bytes.push_back(static_cast<char>(0x80 + i % 128));
  return bytes;
}

TEST(ImportInput, SendsAWorkbookUntouchedWhateverTheEncoding) {
  for (const std::string& bytes : {Workbook(), BigBinary()}) {
    const std::string path = TempFile("flow.xlsx", bytes);
    for (const char* encoding : {"auto", "gb18030", "utf-8"}) {
      absl::StatusOr<std::unique_ptr<ImportInput>> input =
          ImportInput::Open(path, encoding, ImportInput::Workbooks::kSend);
      ASSERT_TRUE(input.ok()) << encoding << ": " << input.status();
      EXPECT_TRUE((*input)->is_workbook());
      EXPECT_EQ((*input)->total_bytes(), static_cast<int64_t>(bytes.size()));
      absl::StatusOr<std::string> sent = SendAll(**input);
      ASSERT_TRUE(sent.ok()) << encoding << ": " << sent.status();
      EXPECT_TRUE(*sent == bytes) << encoding;
    }
  }
}

TEST(ImportInput, RefusesAWorkbookWhereTheImportReadsCsvOnly) {
  const std::string path = TempFile("customers.xlsx", Workbook());
  absl::StatusOr<std::unique_ptr<ImportInput>> input = ImportInput::Open(path, "auto");
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(input.status().message()),
              HasSubstr("--file: this is an Excel workbook"));
}

TEST(ImportInput, TellsAWorkbookOnStandardInputByItsFirstChunk) {
  std::streambuf* const saved = std::cin.rdbuf();
  const std::string workbook = BigBinary();
  {
    std::istringstream in(workbook);
    std::cin.rdbuf(in.rdbuf());
    absl::StatusOr<std::unique_ptr<ImportInput>> input =
        ImportInput::Open("-", "auto", ImportInput::Workbooks::kSend);
    ASSERT_TRUE(input.ok());
    absl::StatusOr<std::string> sent = SendAll(**input);
    EXPECT_TRUE((*input)->is_workbook());
    EXPECT_TRUE(sent.ok() && *sent == workbook);
  }
  {
    std::istringstream in(workbook);
    std::cin.rdbuf(in.rdbuf());
    absl::StatusOr<std::unique_ptr<ImportInput>> input = ImportInput::Open("-", "auto");
    ASSERT_TRUE(input.ok());
    EXPECT_EQ(SendAll(**input).status().code(), absl::StatusCode::kInvalidArgument);
  }
  {
    // CSV in UTF-8 is still text, converted (here: passed) as before.
    std::istringstream in("销售日期,数量\n2026-03-02,1\n");
    std::cin.rdbuf(in.rdbuf());
    absl::StatusOr<std::unique_ptr<ImportInput>> input =
        ImportInput::Open("-", "auto", ImportInput::Workbooks::kSend);
    ASSERT_TRUE(input.ok());
    EXPECT_EQ(SendAll(**input).value_or(""), "销售日期,数量\n2026-03-02,1\n");
    EXPECT_FALSE((*input)->is_workbook());
  }
  std::cin.rdbuf(saved);
  std::cin.clear();
}

}  // namespace
}  // namespace pharmacrm::cli
