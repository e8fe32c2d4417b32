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

bool IsUuid(absl::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (id[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(id[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace pharmacrm::core
