#include "pharmacrm/store/key.h"

#include "absl/status/status.h"

namespace pharmacrm::store {

KeyBuilder& KeyBuilder::String(absl::string_view s) {
  key_.reserve(key_.size() + s.size() + 2);
  // Runs without a NUL are copied whole; each NUL is followed by 0xff.
  while (true) {
    const size_t nul = s.find('\0');
    if (nul == absl::string_view::npos) break;
    key_.append(s.data(), nul + 1);
    key_.push_back('\xff');
    s.remove_prefix(nul + 1);
  }
  key_.append(s.data(), s.size());
  key_.push_back('\0');
  key_.push_back('\x01');
  return *this;
}

KeyBuilder& KeyBuilder::Uint64(uint64_t v) {
  for (int i = 7; i >= 0; --i) key_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return *this;
}

KeyBuilder& KeyBuilder::Int64(int64_t v) {
  return Uint64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

absl::StatusOr<uint8_t> KeyReader::KeySpace() {
  if (rest_.empty()) return absl::DataLossError("key: missing key space");
  uint8_t ks = static_cast<uint8_t>(rest_[0]);
  rest_.remove_prefix(1);
  return ks;
}

absl::StatusOr<std::string> KeyReader::String() {
  std::string out;
  size_t i = 0;
  while (i < rest_.size()) {
    char c = rest_[i];
    if (c != '\0') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= rest_.size()) break;
    if (rest_[i + 1] == '\x01') {
      rest_.remove_prefix(i + 2);
      return out;
    }
    if (rest_[i + 1] != '\xff') return absl::DataLossError("key: bad escape in string component");
    out.push_back('\0');
    i += 2;
  }
  return absl::DataLossError("key: unterminated string component");
}

absl::StatusOr<uint64_t> KeyReader::Uint64() {
  if (rest_.size() < 8) return absl::DataLossError("key: truncated integer component");
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(rest_[i]);
  rest_.remove_prefix(8);
  return v;
}

absl::StatusOr<int64_t> KeyReader::Int64() {
  absl::StatusOr<uint64_t> u = Uint64();
  if (!u.ok()) return u.status();
  return static_cast<int64_t>(*u ^ (uint64_t{1} << 63));
}

}  // namespace pharmacrm::store
