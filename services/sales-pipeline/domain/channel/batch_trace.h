// Batch tracing: where the maker's goods went and the provinces each
// holding of them is authorised for (授权区域). The basis of the
// cross-region rule (diversion.h).
//
// A holding is one party (the consignee of a shipment, or a
// sub-distributor that bought from a distributor) holding one product's
// batch. Its authorisation comes with the goods:
//   - A maker's shipment (is_return false) gives its consignee, for each
//     line's (product, batch), the line's authorised_provinces, or the
//     consignee's account authorised_provinces when the line names none.
//     When both are empty (or there is no account) the goods carry no
//     restriction: the holding is "unrestricted".
//   - A flow row of distributor D with quantity > 0 whose terminal is a
//     sub-distributor S (terminal_kind CUSTOMER_KIND_DISTRIBUTOR, S != D)
//     passes D's authorisation of that batch to S: the authorisation of
//     goods follows the goods, through chains of any depth.
//   - A holding that gets goods from several sources (two shipments, a
//     shipment and a parent distributor, two parents) is authorised for
//     the union of their provinces, and unrestricted if any source is: a
//     sale is judged against everything its seller may lawfully hold.
//   - Dates are not compared: goods are traced by batch, not by the day
//     they arrived, and the account's provinces are those of today's
//     account (the record keeps no history of them).
// The union is computed to a fixed point over the graph of sub-distributor
// sales, so cycles (A sells to B, B sells back to A) terminate: sets only
// grow and are bounded by the provinces in the data.
//
// A holding reached by no shipment is "untraced" (e.g. a batch bought from
// outside the reported channel, or a row with no batch).
//
// Provenance: each traced holding keeps one chain back to a shipment, the
// shortest (fewest distributors); among equally short ones the earliest
// shipment (ship date, id, line) and the earliest flow row (sale date, then
// distributor, month and line), so the chain is the same whatever order
// the data came in. Depth is the number of holders on the chain: 1 for the
// shipment's consignee, 2 for its sub-distributor, and so on.
//
// Cost: one pass over all flow rows (only sub-distributor rows are kept, as
// edges), hash indexes of string views into `data`, and integer province
// sets. `data` must outlive the trace and stay unchanged. Thread-compatible:
// const methods may be called from many threads.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_BATCH_TRACE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_BATCH_TRACE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// A flow row by position: data.flows' period in iteration order, and the
// row's index in it.
struct RowRef {
  int32_t period = -1;
  int32_t row = -1;
};

class BatchTrace {
 public:
  enum class Authorisation { kUntraced, kUnrestricted, kRestricted };

  explicit BatchTrace(const ChannelData& data);
  BatchTrace(const BatchTrace&) = delete;
  BatchTrace& operator=(const BatchTrace&) = delete;

  using Period = std::pair<const FlowKey, std::vector<v1::FlowRow>>;
  // data.flows in iteration order (RowRef.period indexes this).
  const std::vector<const Period*>& periods() const { return periods_; }
  const v1::FlowRow& Row(RowRef ref) const;

  // Interned party, (product, batch) and province; -1 when never seen.
  int32_t HolderOf(absl::string_view party_id) const;
  int32_t LotOf(absl::string_view product_id, absl::string_view batch_no) const;
  int32_t ProvinceOf(absl::string_view province) const;
  // The holding of `lot` by `holder`, or -1 when it has none.
  int32_t HoldingOf(int32_t holder, int32_t lot) const;
  // All holdings of `holder`, and the (product, batch) of a holding: to
  // index one holder's goods when scanning its rows.
  const std::vector<int32_t>& HoldingsOfHolder(int32_t holder) const;
  std::pair<absl::string_view, absl::string_view> LotOfHolding(int32_t holding) const;

  Authorisation AuthorisationOf(int32_t holding) const;
  // For a kRestricted holding: whether `province` (ProvinceOf) is among
  // those its goods are authorised for.
  bool Authorises(int32_t holding, int32_t province) const;
  // The provinces, in the order first met in the data.
  std::vector<std::string> AuthorisedProvinces(int32_t holding) const;
  // 1 for a shipment's consignee, one more per sub-distributor; 0 untraced.
  int Depth(int32_t holding) const;

  // The chain that brought the goods to a traced holding: the shipment
  // step, then each flow row step in the order the goods moved, the last
  // being the sale into `holding`'s holder. Empty when untraced.
  std::vector<v1::EvidenceStep> Provenance(int32_t holding) const;
  // The holders on that chain, from the shipment's consignee to the
  // holding's own holder.
  std::vector<std::string> HolderPath(int32_t holding) const;

 private:
  struct Source {
    int32_t shipment = -1;  // a shipment line (from_holding == -1) ...
    int32_t line = -1;
    int32_t from_holding = -1;  // ... or a flow row of another holding
    RowRef row;
  };
  struct Holding {
    int32_t holder = -1;
    int32_t lot = -1;
    int depth = 0;
    bool unrestricted = false;
    std::vector<int32_t> provinces;  // sorted
    Source source;
  };
  struct Edge {
    int32_t from = -1;
    int32_t to = -1;
    RowRef row;
  };

  int32_t InternHolder(absl::string_view party_id);
  int32_t InternLot(absl::string_view product_id, absl::string_view batch_no);
  int32_t InternProvince(absl::string_view province);
  int32_t InternHolding(int32_t holder, int32_t lot);
  std::vector<int32_t> LineProvinces(const v1::Shipment& shipment, const v1::ShipmentLine& line,
                                     bool* unrestricted);
  bool EarlierRow(RowRef a, RowRef b) const;
  bool EarlierLine(const Source& a, const Source& b) const;
  void AddShipments();
  void AddSubDistributorSales();
  void AssignProvenance();
  void PropagateAuthorisation();

  const ChannelData& data_;
  std::vector<const Period*> periods_;
  std::vector<absl::string_view> holder_ids_;
  absl::flat_hash_map<absl::string_view, int32_t> holders_;
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, int32_t> lots_;
  std::vector<std::pair<absl::string_view, absl::string_view>> lot_names_;
  std::vector<absl::string_view> province_names_;
  absl::flat_hash_map<absl::string_view, int32_t> provinces_;
  absl::flat_hash_map<uint64_t, int32_t> holding_index_;
  std::vector<Holding> holdings_;
  std::vector<std::vector<int32_t>> holdings_by_holder_;
  std::vector<Edge> edges_;          // sorted by `from`
  std::vector<int32_t> edges_from_;  // edges of holding h: [edges_from_[h], edges_from_[h + 1])
};

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_BATCH_TRACE_H_
