// Tests only: .xlsx workbooks built in memory with libzip from XML parts
// written as strings, so no binary fixture is kept in the tree.
#ifndef PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_TESTING_H_
#define PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_TESTING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace pharmacrm::tabular::testing {

// A zip archive holding `files` (path in the archive, content), deflated.
std::string ZipFiles(const std::vector<std::pair<std::string, std::string>>& files);

// The parts of a workbook, written by BuildXlsx with the package parts
// Excel writes ([Content_Types].xml, _rels/.rels, xl/workbook.xml and its
// relationships).
struct TestWorkbook {
  // Tab name and the worksheet's XML (see Worksheet), in tab order; the
  // parts are xl/worksheets/sheet1.xml, sheet2.xml, ...
  std::vector<std::pair<std::string, std::string>> sheets;
  // The <si> items of xl/sharedStrings.xml; "" for no such part.
  std::string shared_strings;
  // The inside of <styleSheet> in xl/styles.xml; "" for no such part.
  std::string styles;
  bool date1904 = false;
};

// A <worksheet> whose <sheetData> holds `rows` (<row> elements).
std::string Worksheet(absl::string_view rows);

std::string BuildXlsx(const TestWorkbook& workbook);

}  // namespace pharmacrm::tabular::testing

#endif  // PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_TESTING_H_
