// Test helpers of the flow (流向) import: a small catalogue and a reader
// run over chunks. Only for *_test.cc files.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_TESTING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_TESTING_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/channel/flow_products.h"
#include "domain/channel/flow_rows.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel::testing {

inline v1::Product MakeProduct(absl::string_view id, absl::string_view generic,
                               absl::string_view brand, absl::string_view spec,
                               int64_t list_price_fen) {
  v1::Product p;
  p.set_id(std::string(id));
  p.set_generic_name(std::string(generic));
  p.set_brand_name(std::string(brand));
  p.set_specification(std::string(spec));
  p.set_list_price_fen(list_price_fen);
  return p;
}

// Two strengths of one generic and brand, and two other products.
inline std::vector<v1::Product> Catalogue() {
  return {
      MakeProduct("P001", "阿托伐他汀钙片", "立普妥", "20mg*7片", 4850),
      MakeProduct("P002", "阿托伐他汀钙片", "立普妥", "10mg*7片", 2860),
      MakeProduct("P003", "苯磺酸氨氯地平片", "络活喜", "5mg*28片", 6200),
      MakeProduct("P004", "盐酸二甲双胍缓释片", "格华止", "0.5g*30片", 3200),
  };
}

struct FlowResult {
  std::vector<v1::FlowRow> rows;
  std::vector<FlowRowError> errors;
};

inline FlowResult ReadFlowChunks(const std::vector<absl::string_view>& chunks,
                                 const FlowColumnMapping& mapping = {},
                                 FlowReadOptions options = {},
                                 absl::CivilMonth period = absl::CivilMonth(2026, 3)) {
  static const CatalogueResolver* const kResolver = new CatalogueResolver(Catalogue());
  FlowFileReader reader(mapping, period, *kResolver, options);
  FlowResult r;
  for (absl::string_view chunk : chunks) reader.Feed(chunk, &r.rows, &r.errors);
  reader.Finish(&r.rows, &r.errors);
  return r;
}

inline FlowResult ReadFlow(absl::string_view input, const FlowColumnMapping& mapping = {},
                           FlowReadOptions options = {}) {
  return ReadFlowChunks({input}, mapping, options);
}

// "line field: reason", one error a line.
inline std::string Errors(const FlowResult& r) {
  std::string out;
  for (const FlowRowError& e : r.errors)
    absl::StrAppend(&out, e.line, " ", e.field, ": ", e.reason, "\n");
  return out;
}

// Everything a result says, in one comparable string.
inline std::string Describe(const FlowResult& r) {
  std::string out;
  for (const v1::FlowRow& row : r.rows) absl::StrAppend(&out, "row ", row.ShortDebugString(), "\n");
  return absl::StrCat(out, Errors(r));
}

}  // namespace pharmacrm::sales_pipeline::channel::testing

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_TESTING_H_
