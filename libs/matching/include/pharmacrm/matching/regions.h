// China's province-level divisions and a rule-based split of free-text
// Chinese addresses into province / city / district / detail. The tables are
// compiled in; there are no data files. Pure: no I/O.
#ifndef PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_REGIONS_H_
#define PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_REGIONS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace pharmacrm::matching {

struct ParsedAddress {
  std::string province;       // Full name ("广东省"); empty if not recognised.
  std::string city;           // "广州市", "恩施土家族苗族自治州"; empty if none.
  std::string district;       // "天河区", "恩施市", "正蓝旗"; empty if none.
  std::string detail;         // Everything after the recognised parts.
  std::string province_code;  // 2-digit division code prefix ("44"), or empty.

  friend bool operator==(const ParsedAddress&, const ParsedAddress&) = default;
};

// Splits `address` after NormalizeText (so full-width digits and spaces are
// already ASCII). Never fails: what is not recognised ends up in `detail`.
//
// Rules, applied from the start of the text; spaces, commas, "、", "-" and
// "/" between parts are skipped, and a leading "中国" or "中华人民共和国" is
// dropped when a province follows it:
//  - Province: full name or common short form ("浙江", "内蒙古", "广西",
//    also "广西省"); output is always the full name. A short form followed by
//    路/街/大道/大街/大学 or by 藏族/蒙古族 is not a province ("北京路",
//    "海南藏族自治州" in Qinghai).
//  - 北京, 天津, 上海, 重庆, and likewise 香港 and 澳门: city is the full
//    name of the municipality; a repeated name or "市辖区" is skipped; the
//    district is the next name ending in 区 or 县.
//  - Elsewhere the city is the next name ending in 市, 州 (自治州), 地区 or
//    盟; a bare "X州" becomes "X州市" ("杭州" -> "杭州市"). The district is the
//    next name ending in 区, 县, 市 (county-level city) or 旗. With a province
//    but no city, the district is still looked for.
//  - With no province, the text must start with a city; the province is
//    filled only for the 27 provincial capitals and 深圳, 大连, 青岛, 宁波 and
//    厦门. Without province or city, everything is detail.
//  A name is 2 to 11 (city) or 15 (district) Han characters. The shortest
//  candidate is taken unless it continues into a longer name or a street:
//  a candidate followed by 区, 县, 镇, 乡, 村, 路, 街, 道 or 巷 is skipped
//  ("新市区" rather than "新市"; "周市镇" is not a district "周市").
//  Candidates containing 院 or 大学 are rejected ("东单院区" is a campus).
//
// Known limits:
//  - No gazetteer: names are not checked to exist, nor to belong to the
//    province ("浙江省广州市" parses as written).
//  - County-level cities directly under a province (湖北省仙桃市) and
//    county-level cities written without their prefecture (江苏省昆山市)
//    come out as city; 东莞/中山 towns (长安镇) stay in detail.
//  - Without a province, an address that does not start with a city
//    ("天河区体育西路") is all detail; cities other than the table above
//    get no province.
//  - A district-less address whose detail begins with a Han word ending
//    in 区/县/市/旗 can be mis-split ("北京市王府井商业区" -> district
//    "王府井商业区").
//  - Historic names (襄樊, 思茅), English or pinyin addresses, and
//    addresses written from small to large units are not recognised.
ParsedAddress ParseAddress(absl::string_view address);

// Full province-level name for a full or short name ("广西" -> "广西壮族自治区",
// "广东省" -> "广东省"), after NormalizeText; nullopt if unknown.
std::optional<std::string> CanonicalProvinceName(absl::string_view name);

// Full province-level name for a 6-digit administrative division code, by
// its first two digits ("440106" -> "广东省"); nullopt unless `six_digit_code`
// is exactly 6 ASCII digits with a known prefix ("100000", the national
// level, has none). Used to cross-check a social credit code's characters 3-8.
std::optional<std::string> ProvinceForDivisionCode(absl::string_view six_digit_code);

// The address from the province down, as matching compares addresses:
// province, city and district, each unless `address` already starts with it
// (an address kept whole, "云南省昆明市官渡区中山路354号", beside the same
// parts split out), then `address`. So the whole form and the split form
// ("中山路354号" with its parts) of one address come out equal. Parts are
// taken as given (no normalisation).
std::string FullAddress(absl::string_view province, absl::string_view city,
                        absl::string_view district, absl::string_view address);

}  // namespace pharmacrm::matching

#endif  // PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_REGIONS_H_
