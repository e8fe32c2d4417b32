// One run of the channel checks over the whole channel: diversion
// (diversion.h), stock positions and differences (inventory.h) and
// reconciliation (reconciliation.h), over every month from the first to the
// last with any sell-in, flow file or stock report (ChannelMonths). Pure and
// thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHECKS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHECKS_H_

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "google/protobuf/any.pb.h"
#include "domain/channel/channel_data.h"
#include "domain/channel/diversion.h"
#include "domain/channel/inventory.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

struct ChecksRules {
  DiversionRules diversion;
  InventoryRules inventory;
};

struct ChecksResult {
  std::optional<std::pair<absl::CivilMonth, absl::CivilMonth>> months;  // none: no data
  // Diversion findings and stock differences, in SortFindings order; state,
  // owner and detection time are the caller's (finding_lifecycle.h).
  std::vector<v1::Finding> findings;
  std::vector<v1::StockPosition> positions;
  std::vector<v1::Reconciliation> reconciliations;
  int64_t flow_rows = 0;
};

// From the first month with a shipment or a flow file to the last month
// with a shipment, a flow file or a stock report (dates that do not parse
// are left out); nullopt when there is no shipment and no flow file. A
// stock report before the first movement is not checked: it is the
// opening stock (inventory.h).
std::optional<std::pair<absl::CivilMonth, absl::CivilMonth>> ChannelMonths(
    const ChannelData& data);

ChecksResult RunChecks(const ChannelData& data, const ChecksRules& rules);

// Whether an event of the sales topic can change what the checks find:
// FlowPeriodLoaded, StockReported, ShipmentRecorded,
// DistributorAccountChanged, ProductChanged. (The checks' own events, and
// visits, payments and due dates, do not.)
bool TriggersChecks(const google::protobuf::Any& payload);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHECKS_H_
