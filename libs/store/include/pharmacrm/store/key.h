// Ordered key encoding for RocksDB.
//
// Every key starts with one byte naming its key space (each service keeps its
// enum of key spaces in its storage/ header), then components. Encoded keys
// compare, as bytes, in the same order as their component tuples:
//   - strings: 0x00 is escaped as 0x00 0xFF and the string ends with 0x00 0x01,
//     so "a" < "a\0" < "ab" and no string is a prefix-collision of another;
//   - unsigned integers: 8 bytes big-endian;
//   - signed integers: 8 bytes big-endian with the sign bit flipped.
#ifndef PHARMACRM_STORE_KEY_H_
#define PHARMACRM_STORE_KEY_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace pharmacrm::store {

class KeyBuilder {
 public:
  explicit KeyBuilder(uint8_t key_space) { key_.push_back(static_cast<char>(key_space)); }
  KeyBuilder& String(absl::string_view s);
  KeyBuilder& Uint64(uint64_t v);
  KeyBuilder& Int64(int64_t v);
  const std::string& key() const& { return key_; }
  std::string key() && { return std::move(key_); }

 private:
  std::string key_;
};

// Reads back what KeyBuilder wrote, in the same order. Errors on truncated or
// malformed input.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  absl::StatusOr<uint8_t> KeySpace();
  absl::StatusOr<std::string> String();
  absl::StatusOr<uint64_t> Uint64();
  absl::StatusOr<int64_t> Int64();
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

}  // namespace pharmacrm::store

#endif  // PHARMACRM_STORE_KEY_H_
