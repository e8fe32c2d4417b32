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
#include "pharmacrm/matching/terminal_resolver.h"
#include "pharmacrm/v1/customer_master.pb.h"

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
  // state left to the caller). A terminal written alike in several rows is
  // resolved once and its task's candidates built once.
  std::optional<v1::TerminalTask> Resolve(v1::FlowRow& row);

 private:
  // What one answer of the resolver means here: the customer matched, or
  // the task of a row (ambiguous and candidates; no row yet).
  struct Outcome {
    std::shared_ptr<const matching::TerminalResolution> answer;  // keeps the key alive
    const v1::Customer* customer = nullptr;
    v1::TerminalTask task;
  };
  Outcome MakeOutcome(std::shared_ptr<const matching::TerminalResolution> answer) const;

  std::unique_ptr<matching::TerminalResolver> resolver_;
  absl::flat_hash_map<std::string, const v1::Customer*> by_id_;
  // By the resolver's answer: it hands out the same object for a terminal
  // while the terminal stays in its cache.
  absl::flat_hash_map<const matching::TerminalResolution*, Outcome> outcomes_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_TERMINAL_MATCHING_H_
