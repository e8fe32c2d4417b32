// Matches the buyers of flow rows (流向的购货单位) to the customers
// sales-pipeline knows, by the normalisation and pair scoring customer-master
// uses for duplicates (libs/matching's TerminalResolver): the
// distributor's code for the buyer first, then name and address. A row it
// matches gets terminal_id, terminal_kind and terminal_province; a row it
// cannot match, or matches to several customers, becomes a TerminalTask
// with the candidates for a data steward.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_TERMINAL_MATCHING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_TERMINAL_MATCHING_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::matching {
class PinyinConverter;
class TerminalResolver;
}  // namespace pharmacrm::matching

namespace pharmacrm::sales_pipeline {

class TerminalMatcher {
 public:
  // Indexes the active customers among `customers` once; both arguments
  // must outlive the matcher.
  TerminalMatcher(const std::vector<v1::Customer>& customers,
                  const matching::PinyinConverter& pinyin);
  ~TerminalMatcher();

  // Resolves `row`'s buyer: nullopt when matched (the row's terminal
  // fields are set), else the task to file (id, distributor, month and
  // state left to the caller).
  std::optional<v1::TerminalTask> Resolve(v1::FlowRow& row);

 private:
  std::unique_ptr<matching::TerminalResolver> resolver_;
  absl::flat_hash_map<std::string, const v1::Customer*> by_id_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_TERMINAL_MATCHING_H_
