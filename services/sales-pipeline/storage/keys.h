// sales-pipeline's key spaces in the state column family.
//
//   kKnownCustomer  String(customer_id)            -> v1::Customer (from customer events)
//   kActivity       String(customer_id)            -> v1::CustomerActivity
//   kVisit          String(customer_id) String(visit_id) -> v1::Visit
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::sales_pipeline {

enum KeySpace : uint8_t {
  kKnownCustomer = 1,
  kActivity = 2,
  kVisit = 3,
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_
