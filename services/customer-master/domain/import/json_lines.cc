#include "domain/import/json_lines.h"

#include <cstring>

namespace pharmacrm::customer_master {

bool IsValidUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    if (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
    p += extra + 1;
  }
  return true;
}

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
