// Test support: the product the channel's API and integration tests sell,
// P001 阿托伐他汀钙片 (立达) 20mg*7片, list price ¥45.80, tier1 supply price
// ¥30.00, therapeutic class 心血管, batch B2506 made 2025-06-10 expiring on `expires_on`.
// Header-only, protobuf messages only, so tests of other binaries include it too.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_PRODUCT_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_PRODUCT_H_

#include <string>

#include "pharmacrm/v1/channel_service.pb.h"

namespace pharmacrm::sales_pipeline::testing_data {

inline v1::UpsertProductRequest ExampleProductRequest(
    const std::string& request_id, const std::string& id = "P001",
    const std::string& generic_name = "阿托伐他汀钙片",
    const std::string& expires_on = "2027-06-09") {
  v1::UpsertProductRequest request;
  request.set_request_id(request_id);
  v1::Product* p = request.mutable_product();
  p->set_id(id);
  p->set_generic_name(generic_name);
  p->set_brand_name("立达");
  p->set_therapeutic_class("心血管");
  p->set_specification("20mg*7片");
  p->set_pack_size(7);
  p->set_list_price_fen(4580);
  v1::ChannelPrice* price = p->add_channel_prices();
  price->set_channel("tier1");
  price->set_supply_price_fen(3000);
  v1::ProductBatch* batch = p->add_batches();
  batch->set_batch_no("B2506");
  batch->set_manufactured_on("2025-06-10");
  batch->set_expires_on(expires_on);
  return request;
}

}  // namespace pharmacrm::sales_pipeline::testing_data

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_PRODUCT_H_
