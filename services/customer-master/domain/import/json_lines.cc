#include "domain/import/json_lines.h"

#include <cstring>

namespace pharmacrm::customer_master {

void LineSplitter::Consume(absl::string_view bytes, OnLine on_line) {
  while (!bytes.empty()) {
    const void* newline = std::memchr(bytes.data(), '\n', bytes.size());
    if (newline == nullptr) {
      Keep(bytes);
      return;
    }
    const size_t n = static_cast<const char*>(newline) - bytes.data();
    if (pending_.empty() && !too_long_) {
      absl::string_view text = bytes.substr(0, n);
      on_line(line_, text.size() > max_line_bytes_ ? absl::string_view() : text,
              text.size() > max_line_bytes_);
    } else {
      Keep(bytes.substr(0, n));
      on_line(line_, pending_, too_long_);
    }
    pending_.clear();
    too_long_ = false;
    ++line_;
    bytes.remove_prefix(n + 1);
  }
}

void LineSplitter::End(OnLine on_line) {
  if (!pending_.empty() || too_long_) on_line(line_, pending_, too_long_);
  pending_.clear();
  too_long_ = false;
}

void LineSplitter::Keep(absl::string_view bytes) {
  if (too_long_) return;
  if (pending_.size() + bytes.size() > max_line_bytes_) {
    too_long_ = true;
    pending_.clear();
    pending_.shrink_to_fit();
    return;
  }
  pending_.append(bytes.data(), bytes.size());
}

}  // namespace pharmacrm::customer_master
