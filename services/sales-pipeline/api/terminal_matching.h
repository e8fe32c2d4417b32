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
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/core/parallel.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/matching/terminal_resolver.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::sales_pipeline {

class TerminalMatcher {
 public:
  // Indexes the active customers among `customers` once; both arguments
  // must outlive the matcher. Distinct terminals are resolved on up to
  // `threads` threads.
  TerminalMatcher(const std::vector<v1::Customer>& customers,
                  const matching::PinyinConverter& pinyin, int threads = core::DefaultThreads());
  ~TerminalMatcher();

  // Resolves the buyer of every row of `distributor_id`'s flow for `month`.
  // A matched row gets terminal_id, terminal_kind and terminal_province;
  // every other row gets a task for a data steward (id
  // ChannelRepository::TerminalTaskId, distributor, month, state open, the
  // row and the candidates), returned in the order of the rows. A terminal
  // written alike (code, name and address) in several rows is resolved once
  // and its candidates built once; the answers do not depend on the number
  // of threads.
  std::vector<v1::TerminalTask> ResolveRows(std::vector<v1::FlowRow>& rows,
                                            absl::string_view distributor_id,
                                            absl::string_view month);

  // The resolver's counts (terminals resolved, candidates scored).
  matching::TerminalResolver::Stats stats() const { return resolver_->stats(); }

 private:
  // What one answer of the resolver means here: the customer matched, or
  // the task of a row (ambiguous and candidates; no row yet).
  struct Outcome {
    const v1::Customer* customer = nullptr;
    v1::TerminalTask task;
  };
  Outcome MakeOutcome(const matching::TerminalResolution& resolution) const;

  const int threads_;
  std::unique_ptr<matching::TerminalResolver> resolver_;
  absl::flat_hash_map<std::string, const v1::Customer*> by_id_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_TERMINAL_MATCHING_H_
