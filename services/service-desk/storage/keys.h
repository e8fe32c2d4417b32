// service-desk's key spaces in the state column family.
//
//   kContactCard  String(customer_id) -> v1::ContactCard
#ifndef PHARMACRM_SERVICES_SERVICE_DESK_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_SERVICE_DESK_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::service_desk {

enum KeySpace : uint8_t {
  kContactCard = 1,
};

}  // namespace pharmacrm::service_desk

#endif  // PHARMACRM_SERVICES_SERVICE_DESK_STORAGE_KEYS_H_
