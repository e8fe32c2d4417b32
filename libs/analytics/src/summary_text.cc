#include "src/summary_text.h"

#include <cstdint>
#include <string>

namespace pharmacrm::analytics::internal {
namespace {

bool Wide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6);
}

}  // namespace

int DisplayWidth(absl::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    // Length and payload of the sequence; a stray byte counts as one column.
    int length = 1;
    uint32_t c = lead;
    if (lead >= 0xF0) {
      length = 4;
      c = lead & 0x07;
    } else if (lead >= 0xE0) {
      length = 3;
      c = lead & 0x0F;
    } else if (lead >= 0xC0) {
      length = 2;
      c = lead & 0x1F;
    }
    if (i + length > text.size()) length = 1;
    for (int j = 1; j < length; ++j)
      c = (c << 6) | (static_cast<unsigned char>(text[i + j]) & 0x3F);
    width += length > 1 && Wide(c) ? 2 : 1;
    i += length;
  }
  return width;
}

std::string PadRight(absl::string_view text, int width) {
  std::string out(text);
  const int shown = DisplayWidth(text);
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

}  // namespace pharmacrm::analytics::internal
