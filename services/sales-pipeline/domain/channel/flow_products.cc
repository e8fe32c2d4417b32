#include "domain/channel/flow_products.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/channel/flow_mapping.h"

namespace pharmacrm::sales_pipeline::channel {

CatalogueResolver::CatalogueResolver(const std::vector<v1::Product>& products) {
  for (const v1::Product& p : products) {
    if (!by_id_.try_emplace(p.id(), entries_.size()).second) continue;
    const size_t index = entries_.size();
    entries_.push_back(
        Entry{p.id(), p.specification(), FoldText(p.specification()), p.list_price_fen()});
    for (const std::string* name : {&p.generic_name(), &p.brand_name()}) {
      std::string fold = FoldText(*name);
      if (fold.empty()) continue;
      std::vector<size_t>& list = by_name_[fold];
      if (list.empty() || list.back() != index) list.push_back(index);
    }
  }
}

absl::StatusOr<ResolvedProduct> CatalogueResolver::Resolve(absl::string_view name,
                                                           absl::string_view specification) const {
  const absl::string_view trimmed = TrimCell(name);
  if (auto it = by_id_.find(trimmed); it != by_id_.end()) {
    const Entry& e = entries_[it->second];
    return ResolvedProduct{e.id, e.list_price_fen};
  }
  auto found = by_name_.find(FoldText(name));
  if (found == by_name_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no product '", trimmed,
                     "' in the catalogue (looked for a generic name, brand name or "
                     "product id)"));
  }
  const std::vector<size_t>& candidates = found->second;
  auto describe = [&](const std::vector<size_t>& list, bool with_spec) {
    std::vector<std::string> parts;
    for (size_t i : list) {
      parts.push_back(with_spec ? absl::StrCat(entries_[i].id, " ", entries_[i].specification)
                                : entries_[i].id);
    }
    return absl::StrJoin(parts, ", ");
  };
  const absl::string_view spec = TrimCell(specification);
  std::vector<size_t> matching;
  if (spec.empty()) {
    matching = candidates;
  } else {
    const std::string fold = FoldText(spec);
    std::copy_if(candidates.begin(), candidates.end(), std::back_inserter(matching),
                 [&](size_t i) { return entries_[i].specification_fold == fold; });
    if (matching.empty()) {
      std::vector<std::string> specs;
      for (size_t i : candidates) specs.push_back(entries_[i].specification);
      return absl::NotFoundError(absl::StrCat("'", trimmed, "' has no specification '", spec,
                                              "' in the catalogue (it has ",
                                              absl::StrJoin(specs, ", "), ")"));
    }
  }
  if (matching.size() > 1) {
    return absl::InvalidArgumentError(
        spec.empty()
            ? absl::StrCat("'", trimmed, "' is ", matching.size(), " products (",
                           describe(matching, true), "): the row needs its specification")
            : absl::StrCat("'", trimmed, "' ", spec, " is ", matching.size(),
                           " products in the catalogue (", describe(matching, false), ")"));
  }
  const Entry& e = entries_[matching.front()];
  return ResolvedProduct{e.id, e.list_price_fen};
}

}  // namespace pharmacrm::sales_pipeline::channel
