#include "app.h"

#include "absl/flags/flag.h"
#include "api/channel_checks.h"
#include "api/channel_control_service.h"
#include "api/channel_service.h"
#include "api/sales_pipeline_service.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/pinyin.h"
#include "projections/channel_checks_projection.h"
#include "projections/known_customers_projection.h"

ABSL_FLAG(int, channel_checks_poll_ms, 500,
          "How often the channel checks worker looks for a requested run, in ms (also read from "
          "PHARMACRM_CHANNEL_CHECKS_POLL_MS)");

namespace pharmacrm::sales_pipeline {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<SalesPipelineService>(host);
  // Flow terminals are matched to customers by pinyin too (ICU).
  ASSIGN_OR_RETURN(std::unique_ptr<matching::PinyinConverter> pinyin,
                   matching::PinyinConverter::Create());
  const matching::PinyinConverter& converter = host.Keep(std::move(pinyin));
  host.EmplaceService<ChannelService>(host, converter);
  const int poll_ms = absl::GetFlag(FLAGS_channel_checks_poll_ms);
  if (poll_ms < 10 || poll_ms > 600'000) {
    return core::FieldError("channel_checks_poll_ms", "must be 10..600000");
  }
  ChannelChecks& checks = host.Keep(std::make_unique<ChannelChecks>(host));
  checks.StartWorker(absl::Milliseconds(poll_ms));
  host.EmplaceService<ChannelControlService>(host, checks);
  AddKnownCustomersProjection(host);
  AddChannelChecksProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
