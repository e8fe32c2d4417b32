#include "app.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "api/alert_expiry.h"
#include "api/change_alerts_service.h"
#include "api/channel_checks.h"
#include "api/channel_control_service.h"
#include "api/channel_service.h"
#include "api/field_force_service.h"
#include "api/sales_pipeline_service.h"
#include "api/sales_process_service.h"
#include "api/visit_log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/pinyin.h"
#include "projections/change_factors_projection.h"
#include "projections/channel_checks_projection.h"
#include "projections/known_customers_projection.h"
#include "projections/process_inputs_projection.h"

ABSL_FLAG(int, channel_checks_poll_ms, 500,
          "How often the channel checks worker looks for a requested run, in ms (also read from "
          "PHARMACRM_CHANNEL_CHECKS_POLL_MS)");

ABSL_FLAG(int, alert_expiry_poll_ms, 60'000,
          "How often open and acknowledged change-factor alerts past their due time are expired, "
          "in ms (10..3600000; also read from PHARMACRM_ALERT_EXPIRY_POLL_MS)");

ABSL_FLAG(int64_t, stock_tolerance_packs, 2,
          "A reported stock that differs from the books by at most this many packs (or "
          "--stock_tolerance_ratio of the books, whichever is larger) is counting noise, not a "
          "finding");
ABSL_FLAG(double, stock_tolerance_ratio, 0.01,
          "The share of the computed stock a report may differ by without a finding (0..1)");
ABSL_FLAG(int64_t, doctor_class_a_per_month, 100,
          "A doctor with at least this many prescriptions of a drug class a month on average is "
          "class A for it (call frequencies, target allocation)");
ABSL_FLAG(int64_t, doctor_class_b_per_month, 30,
          "... at least this many, class B; fewer but some, class C");
ABSL_FLAG(int, calls_per_month_a, 4,
          "Calls a month a class A doctor should have (call plans, KPIs)");
ABSL_FLAG(int, calls_per_month_b, 2, "... a class B doctor");
ABSL_FLAG(int, calls_per_month_c, 1, "... a class C doctor");
ABSL_FLAG(int, weekly_call_capacity, 25, "Calls a rep's weekly call plan proposes at most");
ABSL_FLAG(int, near_expiry_days, 180,
          "Stock whose batch expires within this many days after the month's end is near expiry");

namespace pharmacrm::sales_pipeline {
namespace {

absl::StatusOr<channel::ChecksRules> ChecksRulesFromFlags() {
  channel::ChecksRules rules;
  rules.inventory.tolerance_packs = absl::GetFlag(FLAGS_stock_tolerance_packs);
  rules.inventory.tolerance_ratio = absl::GetFlag(FLAGS_stock_tolerance_ratio);
  rules.inventory.near_expiry_days = absl::GetFlag(FLAGS_near_expiry_days);
  if (rules.inventory.tolerance_packs < 0 || rules.inventory.tolerance_packs > 1'000'000) {
    return core::FieldError("stock_tolerance_packs", "must be 0..1000000");
  }
  if (!(rules.inventory.tolerance_ratio >= 0 && rules.inventory.tolerance_ratio <= 1)) {
    return core::FieldError("stock_tolerance_ratio", "must be 0..1");
  }
  if (rules.inventory.near_expiry_days < 0 || rules.inventory.near_expiry_days > 3650) {
    return core::FieldError("near_expiry_days", "must be 0..3650");
  }
  return rules;
}

absl::StatusOr<process::DoctorClassRule> DoctorClassRuleFromFlags() {
  process::DoctorClassRule rule;
  rule.a_per_month = absl::GetFlag(FLAGS_doctor_class_a_per_month);
  rule.b_per_month = absl::GetFlag(FLAGS_doctor_class_b_per_month);
  if (rule.b_per_month < 1 || rule.b_per_month > 1'000'000) {
    return core::FieldError("doctor_class_b_per_month", "must be 1..1000000");
  }
  if (rule.a_per_month <= rule.b_per_month || rule.a_per_month > 1'000'000) {
    return core::FieldError("doctor_class_a_per_month",
                            "must be above doctor_class_b_per_month, at most 1000000");
  }
  return rule;
}

absl::StatusOr<process::CallFrequencies> FrequenciesFromFlags() {
  process::CallFrequencies f;
  f.a = absl::GetFlag(FLAGS_calls_per_month_a);
  f.b = absl::GetFlag(FLAGS_calls_per_month_b);
  f.c = absl::GetFlag(FLAGS_calls_per_month_c);
  f.weekly_capacity = absl::GetFlag(FLAGS_weekly_call_capacity);
  absl::Status valid = process::ValidateFrequencies(f);
  if (!valid.ok()) {
    // call_frequencies.a -> calls_per_month_a: the flag the operator set.
    return absl::InvalidArgumentError(absl::StrCat(
        "flags --calls_per_month_a/b/c and --weekly_call_capacity: ", valid.message()));
  }
  return f;
}

}  // namespace

absl::Status Wire(runtime::ServiceHost& host) {
  VisitLog& visits = host.Keep(std::make_unique<VisitLog>(host));
  host.EmplaceService<SalesPipelineService>(host, visits);
  // Flow terminals are matched to customers by pinyin too (ICU).
  ASSIGN_OR_RETURN(std::unique_ptr<matching::PinyinConverter> pinyin,
                   matching::PinyinConverter::Create());
  const matching::PinyinConverter& converter = host.Keep(std::move(pinyin));
  host.EmplaceService<ChannelService>(host, converter);
  const int poll_ms = absl::GetFlag(FLAGS_channel_checks_poll_ms);
  if (poll_ms < 10 || poll_ms > 600'000) {
    return core::FieldError("channel_checks_poll_ms", "must be 10..600000");
  }
  ASSIGN_OR_RETURN(channel::ChecksRules rules, ChecksRulesFromFlags());
  ChannelChecks& checks = host.Keep(std::make_unique<ChannelChecks>(host, rules));
  checks.StartWorker(absl::Milliseconds(poll_ms));
  host.EmplaceService<ChannelControlService>(host, checks);
  ASSIGN_OR_RETURN(process::DoctorClassRule doctors, DoctorClassRuleFromFlags());
  host.EmplaceService<SalesProcessService>(host, doctors);
  ASSIGN_OR_RETURN(process::CallFrequencies frequencies, FrequenciesFromFlags());
  host.EmplaceService<FieldForceService>(host, visits, FieldForceRules{frequencies, doctors});
  const int expiry_poll_ms = absl::GetFlag(FLAGS_alert_expiry_poll_ms);
  if (expiry_poll_ms < 10 || expiry_poll_ms > 3'600'000) {
    return core::FieldError("alert_expiry_poll_ms", "must be 10..3600000");
  }
  AlertExpiry& expiry = host.Keep(std::make_unique<AlertExpiry>(host));
  expiry.StartWorker(absl::Milliseconds(expiry_poll_ms));
  host.EmplaceService<ChangeAlertsService>(host, expiry);
  AddKnownCustomersProjection(host);
  AddChannelChecksProjection(host);
  AddProcessInputsProjection(host);
  AddChangeFactorsProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
