// Plain-text tables of the model summaries: columns padded by display
// width, so names in Chinese (two columns a character in a terminal) line
// up with the Latin ones.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_SUMMARY_TEXT_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_SUMMARY_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pharmacrm::analytics::internal {

// Columns a terminal gives UTF-8 `text`: 2 for each East Asian wide
// character (CJK ideographs and punctuation, Hangul, full-width forms), 1
// for any other code point.
int DisplayWidth(absl::string_view text);

// `text` followed by spaces up to `width` display columns (none when it is
// already as wide).
std::string PadRight(absl::string_view text, int width);

}  // namespace pharmacrm::analytics::internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_SUMMARY_TEXT_H_
