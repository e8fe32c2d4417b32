#include "app.h"

#include "api/channel_service.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/pinyin.h"
#include "api/sales_pipeline_service.h"
#include "projections/known_customers_projection.h"

namespace pharmacrm::sales_pipeline {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<SalesPipelineService>(host);
  // Flow terminals are matched to customers by pinyin too (ICU).
  ASSIGN_OR_RETURN(std::unique_ptr<matching::PinyinConverter> pinyin,
                   matching::PinyinConverter::Create());
  const matching::PinyinConverter& converter = host.Keep(std::move(pinyin));
  host.EmplaceService<ChannelService>(host, converter);
  AddKnownCustomersProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
