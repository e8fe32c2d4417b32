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
//   kStockReport    String(distributor_id) String(as_of) -> v1::StockReport
//   kFinding        String(finding_id)             -> v1::Finding
//   kDistributorFinding String(distributor_id) String(finding_id) -> "" (index of kFinding)
//   kStockPosition  String(distributor_id) String(month) String(product_id) String(batch_no)
//                   -> v1::StockPosition (as the last checks run computed it)
//   kReconciliation String(distributor_id) String(product_id) String(month)
//                   -> v1::Reconciliation (as the last checks run computed it)
//   kSalesFact      String(customer_id) String(month) String(product_id) String(distributor_id)
//                   Int64(source) -> v1::SalesFact
//   kChecksState    (nothing more)                 -> v1::ChannelChecksState (the runs)
//   kChecksRequested (nothing more)                -> v1::ChannelChecksState (requested only)
//   kPeriodFacts    String(distributor_id) String(month) -> v1::FlowPeriodLoaded (the facts of
//                   the period's last load, to delete when it is replaced)
//   kRep            String(rep_id)                 -> v1::Rep (current version)
//   kRepVersion     String(rep_id) Int64(version)  -> v1::Rep (every version)
//   kTerritory      String(territory_id)           -> v1::Territory (from TerritoryChanged)
//   kCustomerAlignment String(customer_id)         -> v1::AlignmentHistory (CustomerAligned)
//   kRepAlignment   String(rep_id)                 -> v1::AlignmentHistory (RepAligned)
//   kMetrics        String(customer_id) String(period) -> v1::CustomerMetrics (whole customer,
//                   from MetricsRecorded; the latest version)
//   kTarget         String(product_id) Int64(year) -> v1::TargetRecord (latest version)
//   kTargetVersion  String(product_id) Int64(year) Int64(version) -> v1::TargetRecord
//   kCall           String(rep_id) String(month) String(call_id) -> v1::CallReport (month
//                   "YYYY-MM" of the call's day in China)
//   kCustomerCall   String(customer_id) String(month) String(call_id) -> rep_id (the customer
//                   called on, and each attendee; index of kCall)
//   kJointCall      String(manager_id) String(month) String(call_id) -> rep_id (joint calls;
//                   index of kCall)
//   kSampleStock    String(rep_id) String(product_id) String(batch_no) -> v1::SampleStockLine
//   kAlert          String(alert_id)               -> v1::Alert (a change factor's alert, current)
//   kOwnerAlert     String(owner) String(alert_id) -> "" (index of kAlert by owner; "" unassigned)
//   kCustomerAlert  String(customer_id) String(alert_id) -> "" (index of kAlert by customer)
//   kPeopleSnapshot String(customer_id)            -> v1::PeopleSnapshot (a hospital's people in
//                   charge as the last profile consumed named them)
//   kAlertDue       Int64(due_by, microseconds since the epoch) String(alert_id) -> "" (open and
//                   acknowledged alerts by due time; deleted when done or expired)
//
// Channel records live in storage/channel_repository (4-12) and
// storage/control_repository (13-21), the sales process's in
// storage/process_repository (22-29), the field force's in
// storage/field_force_repository (30-33), change factors' alerts in
// storage/alert_repository (40-44): the one place that builds each key.
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
  kStockReport = 13,
  kFinding = 14,
  kDistributorFinding = 15,
  kStockPosition = 16,
  kReconciliation = 17,
  kSalesFact = 18,
  kChecksState = 19,
  kChecksRequested = 20,
  kPeriodFacts = 21,
  kRep = 22,
  kRepVersion = 23,
  kTerritory = 24,
  kCustomerAlignment = 25,
  kRepAlignment = 26,
  kMetrics = 27,
  kTarget = 28,
  kTargetVersion = 29,
  kCall = 30,
  kCustomerCall = 31,
  kJointCall = 32,
  kSampleStock = 33,
  kAlert = 40,
  kOwnerAlert = 41,
  kCustomerAlert = 42,
  kPeopleSnapshot = 43,
  kAlertDue = 44,
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_KEYS_H_
