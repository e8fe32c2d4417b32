// Duplicate candidates of a customer: what of a record is compared
// (pharmacrm/matching/similarity.h scores pairs) and how candidates are ranked. Pure.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MATCHING_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MATCHING_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/matching/similarity.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// The compared view of a customer: kind, name and its pinyin, the address
// with its region, the phone, the registration code of organisations
// (unified social credit code), and a doctor's hospital.
// The customer's address from the province down (matching::FullAddress of
// its province, city, district and address).
std::string FullAddress(const v1::CustomerProfile& profile);

matching::MatchInput MatchInputFor(const v1::Customer& customer, const matching::PinyinConverter& pinyin);

// Checks min_score (0..1) and limit (0..100); errors name the field.
absl::Status ValidateFindDuplicates(const v1::FindDuplicateCandidatesRequest& request);

// Scores `candidates` against `subject` and keeps those at or above the
// request's min_score (default matching::kLikelyDuplicateScore, 0.6), best first (ties by id), at most limit
// (default 20). The subject itself and inactive records are left out.
std::vector<v1::DuplicateCandidate> RankCandidates(const v1::Customer& subject,
                                                   const std::vector<v1::Customer>& candidates,
                                                   const v1::FindDuplicateCandidatesRequest& request,
                                                   const matching::PinyinConverter& pinyin);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MATCHING_H_
