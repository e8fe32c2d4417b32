// Time-ordered identifiers (UUID version 7, RFC 9562).
#ifndef PHARMACRM_CORE_IDS_H_
#define PHARMACRM_CORE_IDS_H_

#include <optional>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/core/clock.h"

namespace pharmacrm::core {

// Makes UUIDv7 strings (lower-case, 36 characters). Ids made by one generator
// sort in creation order even within one millisecond. Thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock* clock = Clock::Real()) : clock_(clock) {}
  std::string Next();

 private:
  const Clock* clock_;
  absl::Mutex mu_;
  int64_t last_ms_ ABSL_GUARDED_BY(mu_) = 0;
  uint16_t seq_ ABSL_GUARDED_BY(mu_) = 0;
};

// True if `id` has the canonical 8-4-4-4-12 hex form of a UUID.
bool IsUuid(absl::string_view id);

// The 128 bits of `id` if it has the form IdGenerator makes (canonical,
// lower-case hex): exactly one such string per value, so the bits can stand
// for the id. nullopt for any other string, upper-case UUIDs included.
std::optional<absl::uint128> UuidBits(absl::string_view id);

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_IDS_H_
