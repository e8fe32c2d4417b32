#include "pharmacrm/core/ids.h"

#include <random>

#include "absl/strings/ascii.h"

namespace pharmacrm::core {

std::string IdGenerator::Next() {
  int64_t ms;
  uint16_t seq;
  {
    absl::MutexLock lock(&mu_);
    ms = absl::ToUnixMillis(clock_->Now());
    if (ms <= last_ms_) {
      ms = last_ms_;
      if (++seq_ == 0x1000) {  // 12-bit counter exhausted: borrow the next ms.
        seq_ = 0;
        ++ms;
      }
    } else {
      seq_ = 0;
    }
    last_ms_ = ms;
    seq = seq_;
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t rand = rng();
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((seq >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(seq & 0xff);
  b[8] = static_cast<uint8_t>(0x80 | (rand & 0x3f));
  for (int i = 9; i < 16; ++i) b[i] = static_cast<uint8_t>(rand >> (8 * (i - 8)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

namespace {

// True if `id` has the canonical 8-4-4-4-12 form, with lower-case hex only
// if `lower_only`; its 128 bits into `bits` if not null.
bool ReadUuid(absl::string_view id, bool lower_only, absl::uint128* bits) {
  if (id.size() != 36) return false;
  absl::uint128 value = 0;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
      continue;
    }
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (!lower_only && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  if (bits != nullptr) *bits = value;
  return true;
}

}  // namespace

bool IsUuid(absl::string_view id) { return ReadUuid(id, /*lower_only=*/false, nullptr); }

std::optional<absl::uint128> UuidBits(absl::string_view id) {
  absl::uint128 bits;
  if (!ReadUuid(id, /*lower_only=*/true, &bits)) return std::nullopt;
  return bits;
}

}  // namespace pharmacrm::core
