#include "pharmacrm/tabular/xlsx_testing.h"

#include <zip.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace pharmacrm::tabular::testing {
namespace {

constexpr absl::string_view kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr absl::string_view kRelationships =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr absl::string_view kPackageRelationships =
    "http://schemas.openxmlformats.org/package/2006/relationships";

[[noreturn]] void Fail(absl::string_view what, zip_error_t* error) {
  std::cerr << "ZipFiles: " << what << ": " << zip_error_strerror(error) << "\n";
  std::abort();
}

}  // namespace

std::string ZipFiles(const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) Fail("buffer", &error);
  zip_source_keep(buffer);  // read back after zip_close
  zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (zip == nullptr) Fail("open", &error);
  for (const auto& [name, content] : files) {
    // zip_close reads the data: the strings outlive it.
    zip_source_t* data = zip_source_buffer(zip, content.data(), content.size(), 0);
    if (data == nullptr || zip_file_add(zip, name.c_str(), data, ZIP_FL_ENC_UTF_8) < 0) {
      if (data != nullptr) zip_source_free(data);
      Fail(name, zip_get_error(zip));
    }
  }
  if (zip_close(zip) != 0) Fail("close", zip_get_error(zip));
  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) != 0 || zip_source_open(buffer) != 0) {
    Fail("read back", zip_source_error(buffer));
  }
  std::string out(stat.size, '\0');
  if (zip_source_read(buffer, out.data(), out.size()) != static_cast<zip_int64_t>(out.size())) {
    Fail("read back", zip_source_error(buffer));
  }
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

std::string Worksheet(absl::string_view rows) {
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
                      "<worksheet xmlns=\"", kMain, "\" xmlns:r=\"", kRelationships,
                      "\"><dimension ref=\"A1\"/><sheetData>", rows,
                      "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" "
                      "bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>");
}

std::string BuildXlsx(const TestWorkbook& workbook) {
  const std::string declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  std::string types =
      absl::StrCat(declaration,
                   "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                   "<Default Extension=\"rels\" "
                   "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                   "<Override PartName=\"/xl/workbook.xml\" "
                   "ContentType=\"application/"
                   "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
  std::string sheets, rels;
  std::vector<std::pair<std::string, std::string>> parts;
  for (size_t i = 0; i < workbook.sheets.size(); ++i) {
    const std::string n = absl::StrCat(i + 1);
    absl::StrAppend(&sheets, "<sheet name=\"", workbook.sheets[i].first, "\" sheetId=\"", n,
                    "\" r:id=\"rId", n, "\"/>");
    absl::StrAppend(&rels, "<Relationship Id=\"rId", n, "\" Type=\"", kRelationships,
                    "/worksheet\" Target=\"worksheets/sheet", n, ".xml\"/>");
    absl::StrAppend(&types, "<Override PartName=\"/xl/worksheets/sheet", n,
                    ".xml\" ContentType=\"application/"
                    "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
    parts.emplace_back(absl::StrCat("xl/worksheets/sheet", n, ".xml"), workbook.sheets[i].second);
  }
  if (!workbook.shared_strings.empty()) {
    absl::StrAppend(&rels, "<Relationship Id=\"rIdS\" Type=\"", kRelationships,
                    "/sharedStrings\" Target=\"sharedStrings.xml\"/>");
    parts.emplace_back("xl/sharedStrings.xml",
                       absl::StrCat(declaration, "<sst xmlns=\"", kMain, "\">",
                                    workbook.shared_strings, "</sst>"));
  }
  if (!workbook.styles.empty()) {
    absl::StrAppend(&rels, "<Relationship Id=\"rIdT\" Type=\"", kRelationships,
                    "/styles\" Target=\"styles.xml\"/>");
    parts.emplace_back("xl/styles.xml", absl::StrCat(declaration, "<styleSheet xmlns=\"", kMain,
                                                     "\">", workbook.styles, "</styleSheet>"));
  }
  absl::StrAppend(&types, "</Types>");
  std::vector<std::pair<std::string, std::string>> files = {
      {"[Content_Types].xml", types},
      {"_rels/.rels",
       absl::StrCat(declaration, "<Relationships xmlns=\"", kPackageRelationships,
                    "\"><Relationship Id=\"rId1\" Type=\"", kRelationships,
                    "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")},
      {"xl/workbook.xml",
       absl::StrCat(declaration, "<workbook xmlns=\"", kMain, "\" xmlns:r=\"", kRelationships,
                    "\"><workbookPr", workbook.date1904 ? " date1904=\"1\"" : "",
                    "/><bookViews><workbookView/></bookViews><sheets>", sheets,
                    "</sheets></workbook>")},
      {"xl/_rels/workbook.xml.rels",
       absl::StrCat(declaration, "<Relationships xmlns=\"", kPackageRelationships, "\">", rels,
                    "</Relationships>")},
  };
  files.insert(files.end(), parts.begin(), parts.end());
  return ZipFiles(files);
}

}  // namespace pharmacrm::tabular::testing
