// campaigns' key spaces in the state column family.
//
//   kAudience  String(customer_id) -> v1::AudienceMember
#ifndef PHARMACRM_SERVICES_CAMPAIGNS_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_CAMPAIGNS_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::campaigns {

enum KeySpace : uint8_t {
  kAudience = 1,
};

}  // namespace pharmacrm::campaigns

#endif  // PHARMACRM_SERVICES_CAMPAIGNS_STORAGE_KEYS_H_
