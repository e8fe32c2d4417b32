// customer-master's key spaces in the state column family.
//
//   kCustomer         String(customer_id)                  -> v1::Customer (current)
//   kCustomerVersion  String(customer_id) Uint64(version)  -> v1::CustomerVersion
//                     (every version, kept: history and as-of queries)
//   kSearchTerm       String(form char + term) String(customer_id) -> ""
//                     (domain/search.h: every suffix of the name in characters,
//                     pinyin and initials; a query is a prefix scan)
//   kRegionIndex      Uint64(kind) String(province) String(city) String(customer_id) -> ""
//                     (searches by kind and region without a name)
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
//   kBlockKey         String(blocking key) String(customer_id) -> "" (records
//                     that may be duplicates share a key; domain/matching.h)
//   kIndexedSnapshot  String(customer_id) -> v1::Customer as last indexed (the
//                     indexes 3, 4 and 11 are a projection of the service's
//                     own events; this says what to remove on the next one)
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::customer_master {

enum KeySpace : uint8_t {
  kCustomer = 1,
  kCustomerVersion = 2,
  kSearchTerm = 3,
  kRegionIndex = 4,
  kMetrics = 5,
  kExternalId = 6,
  kTerritory = 7,
  kTerritoryCode = 8,
  kAlignment = 9,
  kTerritoryMember = 10,
  kBlockKey = 11,
  kIndexedSnapshot = 12,
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_KEYS_H_
