// Stable hashing (same value across processes, builds and machines, unlike
// absl::Hash): for fingerprints that are stored or sent.
#ifndef PHARMACRM_CORE_HASH_H_
#define PHARMACRM_CORE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace pharmacrm::core {

// Fingerprint64 (below) of data that arrives in pieces: the value after
// Add(a), Add(b) is Fingerprint64(a + b, seed).
class Fingerprinter {
 public:
  // FNV-1a's prime and steps, but not its published offset basis
  // (14695981039346656037): this one is that number a digit short. It stays,
  // since stored fingerprints were computed with it.
  explicit Fingerprinter(uint64_t seed = 0) : h_(1469598103934665603ULL ^ seed) {}
  void Add(absl::string_view data) {
    for (unsigned char c : data) {
      h_ ^= c;
      h_ *= 1099511628211ULL;
    }
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_;
};

// 64-bit FNV-1a-style hash of `data` (see Fingerprinter), mixed with `seed`.
inline uint64_t Fingerprint64(absl::string_view data, uint64_t seed = 0) {
  Fingerprinter f(seed);
  f.Add(data);
  return f.value();
}

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_HASH_H_
