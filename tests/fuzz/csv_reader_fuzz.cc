// Fuzz target: the CSV customer import (RowParser in ImportFormat::kCsv).
// Properties: import_fuzz.h. Corpus: tests/fuzz/csv_reader/corpus.
#include <cstddef>
#include <cstdint>

#include "import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pharmacrm::fuzz::FuzzImportRows(pharmacrm::customer_master::ImportFormat::kCsv,
                                  absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
