// Which catalogue product a flow (流向) row names. Distributors write the
// product as their ERP knows it: the generic name (通用名) or the brand name
// (商品名), in full- or half-width characters, with the specification in a
// column of its own ("10mg×28片", "10MG*28片"). The resolver turns that into
// the maker's product id. Pure; a resolver is thread-safe once built.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_PRODUCTS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_PRODUCTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

struct ResolvedProduct {
  std::string id;              // v1::Product.id
  int64_t list_price_fen = 0;  // 零售指导价 per pack; 0: none, so no price check
};

class ProductResolver {
 public:
  virtual ~ProductResolver() = default;

  // The product a row names by `name` (产品名称 as written) and
  // `specification` (规格 as written; "" when the file has none). NOT_FOUND
  // when no product matches, INVALID_ARGUMENT when several do; the message
  // says why, in words a user can act on, and names no field (the caller
  // names the column). Must be safe to call from the reader's thread.
  virtual absl::StatusOr<ResolvedProduct> Resolve(absl::string_view name,
                                                  absl::string_view specification) const = 0;
};

// A resolver over a catalogue held in memory. Matching, with every text
// compared by FoldText (flow_mapping.h: full-width to half-width, ASCII
// case, white space dropped, "×" read as "*"):
//  - a name that is exactly (after trimming) a product id is that product,
//    whatever the specification says;
//  - otherwise the products whose generic name or brand name folds to the
//    name's fold are the candidates; none: NOT_FOUND;
//  - with a specification, only candidates whose specification folds alike
//    remain: none is NOT_FOUND listing the candidates' specifications, one
//    is the answer, several (a catalogue with two products of one name and
//    specification) INVALID_ARGUMENT naming them;
//  - without one, a single candidate is the answer and several are
//    INVALID_ARGUMENT naming them ("the row needs its specification").
// Discontinued products still match: their stock is still being sold on.
// Of products sharing an id, the first is kept.
class CatalogueResolver final : public ProductResolver {
 public:
  explicit CatalogueResolver(const std::vector<v1::Product>& products);

  absl::StatusOr<ResolvedProduct> Resolve(absl::string_view name,
                                          absl::string_view specification) const override;

 private:
  struct Entry {
    std::string id;
    std::string specification;  // as in the catalogue
    std::string specification_fold;
    int64_t list_price_fen = 0;
  };

  std::vector<Entry> entries_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  // FoldText of a generic or brand name → entries, in catalogue order.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_name_;
};

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_PRODUCTS_H_
