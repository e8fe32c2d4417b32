// value-scoring's key spaces in the state column family.
//
//   kCustomerValue  String(customer_id) -> v1::CustomerValue
#ifndef PHARMACRM_SERVICES_VALUE_SCORING_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_VALUE_SCORING_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::value_scoring {

enum KeySpace : uint8_t {
  kCustomerValue = 1,
};

}  // namespace pharmacrm::value_scoring

#endif  // PHARMACRM_SERVICES_VALUE_SCORING_STORAGE_KEYS_H_
