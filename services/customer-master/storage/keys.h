// customer-master's key spaces in the state column family.
//
//   kCustomer         String(customer_id)                  -> v1::Customer (current)
//   kCustomerVersion  String(customer_id) Uint64(version)  -> v1::CustomerVersion
//                     (every version, kept: history and as-of queries)
//   kMetrics          String(customer_id) String(period) String(department)
//                     -> v1::CustomerMetrics (latest version of that month)
//   kExternalId       String(external_id) -> customer id (rows imported from
//                     other systems: a second import of a row is a duplicate)
//   kTerritory        String(territory_id) -> v1::Territory
//   kTerritoryCode    String(code) -> territory id (codes are unique)
//   kAlignment        Uint64(subject) String(subject_id) Int64(effective_from ns)
//                     Int64(recorded_at ns) -> v1::Alignment (append-only history)
//   kTerritoryMember  String(territory_id) String(customer_id) -> "" (ever
//                     aligned there; ListTerritoryCustomers checks as-of)
//   kReferrer         String(target_id) String(customer_id) -> "" (the
//                     customer's profile named the target in a reference,
//                     domain/customers/references.h, in some version: a hint, checked
//                     against the profile when used; never deleted)
//   kRepointed        String(merged_id) -> v1::RepointedReferences (what the
//                     merge of that customer re-pointed to the survivor;
//                     deleted by its unmerge)
//   kReferrersBuilt   (no more) -> "1" once kReferrer holds the references
//                     of every customer stored before it existed
//
// 3, 4, 11 and 12 held an on-disk search, region and blocking-key index in
// earlier versions; the index is now in memory (domain/search/customer_index.h) and
// LoadIndex deletes what is left of them at start. The numbers stay reserved.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::customer_master {

enum KeySpace : uint8_t {
  kCustomer = 1,
  kCustomerVersion = 2,
  kRetiredSearchTerm = 3,
  kRetiredRegionIndex = 4,
  kMetrics = 5,
  kExternalId = 6,
  kTerritory = 7,
  kTerritoryCode = 8,
  kAlignment = 9,
  kTerritoryMember = 10,
  kRetiredBlockKey = 11,
  kRetiredIndexedSnapshot = 12,
  kReferrer = 13,
  kRepointed = 14,
  kReferrersBuilt = 15,
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_
