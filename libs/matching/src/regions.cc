#include "pharmacrm/matching/regions.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "pharmacrm/matching/normalize.h"
#include "unicode/uscript.h"
#include "unicode/utf8.h"

namespace pharmacrm::matching {
namespace {

struct Province {
  absl::string_view code;
  absl::string_view full_name;
  absl::string_view short_name;
  bool city_level;  // Municipality or SAR: the province is also the city.
};

constexpr std::array<Province, 34> kProvinces = {{
    {"11", "北京市", "北京", true},
    {"12", "天津市", "天津", true},
    {"13", "河北省", "河北", false},
    {"14", "山西省", "山西", false},
    {"15", "内蒙古自治区", "内蒙古", false},
    {"21", "辽宁省", "辽宁", false},
    {"22", "吉林省", "吉林", false},
    {"23", "黑龙江省", "黑龙江", false},
    {"31", "上海市", "上海", true},
    {"32", "江苏省", "江苏", false},
    {"33", "浙江省", "浙江", false},
    {"34", "安徽省", "安徽", false},
    {"35", "福建省", "福建", false},
    {"36", "江西省", "江西", false},
    {"37", "山东省", "山东", false},
    {"41", "河南省", "河南", false},
    {"42", "湖北省", "湖北", false},
    {"43", "湖南省", "湖南", false},
    {"44", "广东省", "广东", false},
    {"45", "广西壮族自治区", "广西", false},
    {"46", "海南省", "海南", false},
    {"50", "重庆市", "重庆", true},
    {"51", "四川省", "四川", false},
    {"52", "贵州省", "贵州", false},
    {"53", "云南省", "云南", false},
    {"54", "西藏自治区", "西藏", false},
    {"61", "陕西省", "陕西", false},
    {"62", "甘肃省", "甘肃", false},
    {"63", "青海省", "青海", false},
    {"64", "宁夏回族自治区", "宁夏", false},
    {"65", "新疆维吾尔自治区", "新疆", false},
    {"71", "台湾省", "台湾", false},
    {"81", "香港特别行政区", "香港", true},
    {"82", "澳门特别行政区", "澳门", true},
}};

struct KnownCity {
  absl::string_view name;
  absl::string_view province_code;
};

// The 27 provincial capitals, then the 5 sub-provincial cities with their
// own economic plan.
constexpr std::array<KnownCity, 32> kKnownCities = {{
    {"石家庄市", "13"}, {"太原市", "14"},   {"呼和浩特市", "15"}, {"沈阳市", "21"},
    {"长春市", "22"},   {"哈尔滨市", "23"}, {"南京市", "32"},     {"杭州市", "33"},
    {"合肥市", "34"},   {"福州市", "35"},   {"南昌市", "36"},     {"济南市", "37"},
    {"郑州市", "41"},   {"武汉市", "42"},   {"长沙市", "43"},     {"广州市", "44"},
    {"南宁市", "45"},   {"海口市", "46"},   {"成都市", "51"},     {"贵阳市", "52"},
    {"昆明市", "53"},   {"拉萨市", "54"},   {"西安市", "61"},     {"兰州市", "62"},
    {"西宁市", "63"},   {"银川市", "64"},   {"乌鲁木齐市", "65"}, {"深圳市", "44"},
    {"大连市", "21"},   {"青岛市", "37"},   {"宁波市", "33"},     {"厦门市", "35"},
}};

constexpr int kMaxCityChars = 11;      // 克孜勒苏柯尔克孜自治州
constexpr int kMaxDistrictChars = 15;  // 积石山保安族东乡族撒拉族自治县

constexpr absl::string_view kCitySuffixes[] = {"市", "州", "地区", "盟"};
constexpr absl::string_view kDistrictSuffixes[] = {"区", "县", "市", "旗"};
constexpr absl::string_view kMunicipalDistrictSuffixes[] = {"区", "县"};
// What follows a candidate name when it is only the start of a longer name
// ("新市" + "区") or of a street or town ("周市" + "镇").
constexpr absl::string_view kContinuations[] = {"区", "县", "镇", "乡", "村",
                                                "路", "街", "道", "巷"};
// No division name contains these; hospital campuses (东院区) and
// universities do.
constexpr absl::string_view kNeverInName[] = {"院", "大学"};
// A short province name followed by these is part of a street, a school or
// a Qinghai prefecture (海南藏族自治州), not a province.
constexpr absl::string_view kNotAfterShortName[] = {"路",   "街",   "大道", "大街",
                                                    "大学", "藏族", "蒙古族"};
constexpr absl::string_view kSeparators[] = {" ", ",", "、", "-", "/"};

bool StartsWithAny(absl::string_view text, absl::Span<const absl::string_view> prefixes) {
  for (absl::string_view p : prefixes) {
    if (absl::StartsWith(text, p)) return true;
  }
  return false;
}

bool ContainsAny(absl::string_view text, absl::Span<const absl::string_view> parts) {
  for (absl::string_view p : parts) {
    if (absl::StrContains(text, p)) return true;
  }
  return false;
}

void SkipSeparators(absl::string_view* text) {
  while (true) {
    bool skipped = false;
    for (absl::string_view s : kSeparators) skipped = absl::ConsumePrefix(text, s) || skipped;
    if (!skipped) return;
  }
}

bool IsHan(UChar32 c) {
  UErrorCode error = U_ZERO_ERROR;
  return uscript_getScript(c, &error) == USCRIPT_HAN && U_SUCCESS(error);
}

// Byte length of the shortest division name at the start of `text` (see
// ParseAddress in the header for the rules), or 0.
size_t NameLength(absl::string_view text, absl::Span<const absl::string_view> suffixes,
                  int max_chars) {
  const auto size = static_cast<int32_t>(text.size());
  int32_t end = 0;
  for (int chars = 0; end < size && chars < max_chars; ++chars) {
    UChar32 c;
    U8_NEXT(text.data(), end, size, c);
    if (!IsHan(c)) return 0;
    const absl::string_view name = text.substr(0, end);
    if (ContainsAny(name, kNeverInName)) return 0;
    const absl::string_view next = text.substr(end);
    if (StartsWithAny(next, kContinuations)) continue;
    for (absl::string_view suffix : suffixes) {
      if (name.size() <= suffix.size() || !absl::EndsWith(name, suffix)) continue;
      // "广州" followed by "市": the name is "广州市", found one step later.
      if (suffix == "州" && absl::StartsWith(next, "市")) continue;
      return static_cast<size_t>(end);
    }
  }
  return 0;
}

// Removes and returns the division name at the start of `*text`, if any.
std::string TakeName(absl::string_view* text, absl::Span<const absl::string_view> suffixes,
                     int max_chars) {
  SkipSeparators(text);
  const size_t length = NameLength(*text, suffixes, max_chars);
  std::string name(text->substr(0, length));
  text->remove_prefix(length);
  return name;
}

// Removes a province name from the start of `*text`. "吉林市" is a city of
// 吉林省, so a short name followed by 市 names the province but stays in the
// text for the city.
const Province* TakeProvince(absl::string_view* text) {
  for (const Province& p : kProvinces) {
    if (absl::ConsumePrefix(text, p.full_name)) return &p;
  }
  for (const Province& p : kProvinces) {
    absl::string_view after = *text;
    if (!absl::ConsumePrefix(&after, p.short_name)) continue;
    if (StartsWithAny(after, kNotAfterShortName)) return nullptr;
    if (absl::StartsWith(after, "市")) return &p;
    if (!absl::ConsumePrefix(&after, "省")) absl::ConsumePrefix(&after, "自治区");
    *text = after;
    return &p;
  }
  return nullptr;
}

const Province* ProvinceByCode(absl::string_view code) {
  for (const Province& p : kProvinces) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace

ParsedAddress ParseAddress(absl::string_view address) {
  const std::string text = NormalizeText(address);
  absl::string_view rest = text;
  ParsedAddress out;

  SkipSeparators(&rest);
  absl::string_view after_country = rest;
  if (!absl::ConsumePrefix(&after_country, "中华人民共和国")) {
    absl::ConsumePrefix(&after_country, "中国");
  }
  SkipSeparators(&after_country);
  const Province* province = TakeProvince(&after_country);
  // "中国" stays when no province follows: it starts names like 中国医科大学.
  if (province != nullptr) rest = after_country;

  if (province != nullptr && province->city_level) {
    out.city = std::string(province->full_name);
    SkipSeparators(&rest);
    absl::ConsumePrefix(&rest, province->full_name);
    absl::ConsumePrefix(&rest, "市辖区");
    out.district = TakeName(&rest, kMunicipalDistrictSuffixes, kMaxDistrictChars);
  } else {
    out.city = TakeName(&rest, kCitySuffixes, kMaxCityChars);
    if (absl::EndsWith(out.city, "州") && !absl::EndsWith(out.city, "自治州")) {
      out.city += "市";
    }
    if (province == nullptr && !out.city.empty()) {
      for (const KnownCity& known : kKnownCities) {
        if (known.name == out.city) province = ProvinceByCode(known.province_code);
      }
    }
    if (province != nullptr || !out.city.empty()) {
      out.district = TakeName(&rest, kDistrictSuffixes, kMaxDistrictChars);
    }
  }
  if (province != nullptr) {
    out.province = std::string(province->full_name);
    out.province_code = std::string(province->code);
  }
  SkipSeparators(&rest);
  out.detail = std::string(rest);
  return out;
}

std::optional<std::string> CanonicalProvinceName(absl::string_view name) {
  const std::string text = NormalizeText(name);
  for (const Province& p : kProvinces) {
    if (text == p.full_name || text == p.short_name || text == absl::StrCat(p.short_name, "省")) {
      return std::string(p.full_name);
    }
  }
  return std::nullopt;
}

std::optional<std::string> ProvinceForDivisionCode(absl::string_view six_digit_code) {
  if (six_digit_code.size() != 6) return std::nullopt;
  for (char c : six_digit_code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const Province* p = ProvinceByCode(six_digit_code.substr(0, 2));
  if (p == nullptr) return std::nullopt;
  return std::string(p->full_name);
}

std::string FullAddress(absl::string_view province, absl::string_view city,
                        absl::string_view district, absl::string_view address) {
  absl::string_view rest = address;
  std::string out;
  for (absl::string_view part : {province, city, district}) {
    out.append(part.data(), part.size());
    if (!part.empty() && absl::StartsWith(rest, part)) rest.remove_prefix(part.size());
  }
  out.append(rest.data(), rest.size());
  return out;
}

}  // namespace pharmacrm::matching
