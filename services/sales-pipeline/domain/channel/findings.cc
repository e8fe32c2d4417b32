#include "domain/channel/findings.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pharmacrm/core/hash.h"

namespace pharmacrm::sales_pipeline::channel {

std::string FindingId(v1::FindingKind kind, absl::string_view distributor_id,
                      absl::string_view product_id, absl::string_view batch_no,
                      absl::string_view month, absl::string_view province) {
  core::Fingerprinter fingerprint;
  for (absl::string_view part : {absl::string_view(v1::FindingKind_Name(kind)), distributor_id,
                                 product_id, batch_no, month, province}) {
    fingerprint.Add(part);
    fingerprint.Add("\x1f");
  }
  return absl::StrFormat("F-%016x", fingerprint.value());
}

std::string JoinProvinces(const std::vector<std::string>& provinces,
                          absl::string_view separator) {
  return absl::StrJoin(provinces, separator);
}

v1::EvidenceStep FlowRowStep(const ChannelData& data, absl::string_view seller,
                             absl::CivilMonth month, const v1::FlowRow& row,
                             const std::vector<std::string>& authorised_provinces) {
  v1::EvidenceStep step;
  step.set_kind(v1::EvidenceStep::KIND_FLOW_ROW);
  step.set_ref(FlowRowRef(seller, month, row.line()));
  step.set_seller_id(std::string(seller));
  step.set_buyer_id(row.terminal_id());
  step.set_date(row.sale_date());
  step.set_province(std::string(TerminalProvince(data, row)));
  step.set_product_id(row.product_id());
  step.set_batch_no(row.batch_no());
  step.set_quantity(row.quantity());
  step.set_unit_price_fen(row.unit_price_fen());
  for (const std::string& province : authorised_provinces) step.add_authorised_provinces(province);
  return step;
}

void SortFindings(std::vector<v1::Finding>* findings) {
  // Keys are read once and an order of indexes sorted: comparing protos'
  // fields in the sort would chase their strings at every comparison.
  using Key = std::tuple<absl::string_view, absl::string_view, absl::string_view,
                         absl::string_view, int, absl::string_view>;
  std::vector<std::pair<Key, size_t>> order;
  order.reserve(findings->size());
  for (size_t i = 0; i < findings->size(); ++i) {
    const v1::Finding& f = (*findings)[i];
    order.emplace_back(Key(f.month(), f.distributor_id(), f.product_id(), f.batch_no(),
                           static_cast<int>(f.kind()), f.province()),
                       i);
  }
  std::sort(order.begin(), order.end());
  std::vector<v1::Finding> sorted;
  sorted.reserve(findings->size());
  for (const auto& [key, i] : order) sorted.push_back(std::move((*findings)[i]));
  *findings = std::move(sorted);
}

}  // namespace pharmacrm::sales_pipeline::channel
