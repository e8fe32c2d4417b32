// Puts a profile into its canonical form before it is validated and stored,
// so that the same customer written two ways is stored one way (and match &
// merge compares like with like). Pure.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_PROFILE_NORMALIZATION_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_PROFILE_NORMALIZATION_H_

#include "absl/status/status.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// In place:
//  - every free-text field (name, address parts, department, title, and the
//    text fields of the typed details) through NormalizeText;
//  - dates (fields named *_date, *_on, customer_since) must be YYYY-MM-DD;
//  - phone and mobile numbers through NormalizePhone, postcodes through
//    NormalizePostcode, social credit codes through NormalizeSocialCreditCode;
//  - province / city / district filled from the address when all three are
//    empty and the address names them (the address keeps only the rest);
//    a province given in short form ("广东") gets its full name;
//  - a social credit code whose division code names another province than
//    the profile's is an error on the code.
// Errors name the field ("profile.phone", "profile.hospital.postcode", ...);
// on error `profile` may be partly normalised and must not be stored.
absl::Status NormalizeProfile(v1::CustomerProfile* profile);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_PROFILE_NORMALIZATION_H_
