// Stable hashing (same value across processes, builds and machines, unlike
// absl::Hash): for fingerprints that are stored or sent.
#ifndef PHARMACRM_CORE_HASH_H_
#define PHARMACRM_CORE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace pharmacrm::core {

// 64-bit FNV-1a of `data`, mixed with `seed`.
inline uint64_t Fingerprint64(absl::string_view data, uint64_t seed = 0) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_HASH_H_
