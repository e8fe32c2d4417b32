// Money of the channel's records (int64 fen) written for people.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_MONEY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_MONEY_H_

#include <cstdint>
#include <string>

namespace pharmacrm::sales_pipeline::channel {

// Yuan with the sign, thousands separators and two decimals, for reasons
// and summaries: 123450 -> "¥1,234.50", -500 -> "-¥5.00", 0 -> "¥0.00".
std::string FormatYuan(int64_t fen);

// Yuan as a spreadsheet cell writes it, for errors about a cell:
// 192630000 -> "1926300.00", -5 -> "-0.05".
std::string YuanDigits(int64_t fen);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_MONEY_H_
