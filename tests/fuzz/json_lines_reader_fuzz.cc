// Fuzz target: the JSON Lines readers, the customer import (RowParser in
// ImportFormat::kJsonLines) and the metrics import (MetricsLineParser), on
// the same bytes. Properties: import_fuzz.h. Corpus:
// tests/fuzz/json_lines_reader/corpus.
#include <cstddef>
#include <cstdint>

#include "import_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  pharmacrm::fuzz::FuzzImportRows(pharmacrm::customer_master::ImportFormat::kJsonLines, bytes);
  pharmacrm::fuzz::FuzzMetricsLines(bytes);
  return 0;
}
