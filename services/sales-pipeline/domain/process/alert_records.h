// Change factors' alerts (domain/process/change_factors.h) as they are
// stored, published and answered (v1::Alert, change_alerts.proto), and a
// hospital's people in charge as kept between two profiles
// (v1::PeopleSnapshot). Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_RECORDS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_RECORDS_H_

#include <optional>
#include <string>

#include "domain/process/alert_owner.h"
#include "domain/process/change_factors.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "pharmacrm/v1/sales_pipeline_storage.pb.h"

namespace pharmacrm::sales_pipeline::process {

v1::ChangeFactor ToProto(ChangeFactor factor);
// nullopt for UNSPECIFIED and values this build does not know.
std::optional<ChangeFactor> FactorOf(v1::ChangeFactor factor);
v1::AlertState ToProto(AlertState state);
std::optional<AlertState> StateOf(v1::AlertState state);

// A newly raised alert as stored: `alert`'s fields, version 1, the
// account's owner and how it was found, the customer's name and the day the
// change occurred ("YYYY-MM-DD").
v1::Alert ToAlertProto(const Alert& alert, const AlertOwner& owner,
                       const std::string& customer_name, const std::string& occurred_on);

// The rules' view of a stored alert.
Alert FromAlertProto(const v1::Alert& alert);

// `stored` moved as `moved` says (its state and history), one version more.
v1::Alert WithMove(v1::Alert stored, const Alert& moved);

// Newest first: raised_at descending, then id descending.
bool NewestFirst(const v1::Alert& a, const v1::Alert& b);

v1::PeopleSnapshot ToSnapshot(const std::string& customer_id, int64_t customer_version,
                              const PeopleInCharge& people);
PeopleInCharge FromSnapshot(const v1::PeopleSnapshot& snapshot);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_RECORDS_H_
