// What every channel finding shares (diversion.h, inventory.h): its stable
// id, money as a channel manager reads it, evidence steps of flow rows, and
// the order findings are listed in. Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDINGS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "domain/channel/money.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// A finding's id: "F-" and 16 lowercase hex digits of the stable 64-bit
// fingerprint (core/hash.h) of its key: kind, responsible distributor,
// product, batch, month and province, each followed by a 0x1f separator.
// The same key gives the same id in every run, process and machine, so
// re-running a rule on the same data yields the same ids (and a finding
// already raised is recognised, not raised again).
std::string FindingId(v1::FindingKind kind, absl::string_view distributor_id,
                      absl::string_view product_id, absl::string_view batch_no,
                      absl::string_view month, absl::string_view province);

// Provinces joined by `separator` ("河北省, 天津市" or "河北省、天津市");
// "" for none.
std::string JoinProvinces(const std::vector<std::string>& provinces,
                          absl::string_view separator);

// The evidence step of one flow row of `seller` in `month`: ref
// "<seller>/<month>#<line>", buyer = terminal_id, the buyer's province
// (TerminalProvince), quantity and unit price as reported, and the
// authorisation the goods carried when `seller` sold them.
v1::EvidenceStep FlowRowStep(const ChannelData& data, absl::string_view seller,
                             absl::CivilMonth month, const v1::FlowRow& row,
                             const std::vector<std::string>& authorised_provinces);

// Sorts findings by month, responsible distributor, product, batch, kind
// and province: the order reports list them in, independent of the order
// the rules found them.
void SortFindings(std::vector<v1::Finding>* findings);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDINGS_H_
