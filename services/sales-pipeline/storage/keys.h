// sales-pipeline's key spaces in the state column family (docs/KEYSPACES.md).
//
//   kKnownCustomer  String(customer_id)            -> v1::Customer (from customer events)
//   kActivity       String(customer_id)            -> v1::CustomerActivity
//   kVisit          String(customer_id) String(visit_id) -> v1::Visit
//   kProduct        String(product_id)             -> v1::Product (current version)
//   kProductVersion String(product_id) Int64(version) -> v1::Product (every version)
//   kAccount        String(distributor_id)         -> v1::DistributorAccount
//   kShipment       String(distributor_id) String(shipment_id) -> v1::Shipment
//   kInvoice        String(distributor_id) String(invoice_id)  -> v1::Invoice
//   kPayment        String(distributor_id) String(payment_id)  -> v1::Payment
//   kFlowPeriod     String(distributor_id) String(month) -> v1::FlowPeriod
//   kFlowRow        String(distributor_id) String(month) Int64(line) -> v1::FlowRow
//   kTerminalTask   String(distributor_id) String(month) Int64(line) -> v1::TerminalTask
//
// Channel records live in storage/channel_repository, the one place that
// builds their keys.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_

#include <cstdint>

namespace pharmacrm::sales_pipeline {

enum KeySpace : uint8_t {
  kKnownCustomer = 1,
  kActivity = 2,
  kVisit = 3,
  kProduct = 4,
  kProductVersion = 5,
  kAccount = 6,
  kShipment = 7,
  kInvoice = 8,
  kPayment = 9,
  kFlowPeriod = 10,
  kFlowRow = 11,
  kTerminalTask = 12,
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_
