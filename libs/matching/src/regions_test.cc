#include "pharmacrm/matching/regions.h"

#include <iterator>
#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pharmacrm/matching/normalize.h"

namespace pharmacrm::matching {

// Lets failures print the whole split.
void PrintTo(const ParsedAddress& a, std::ostream* os) {
  *os << "{province=" << a.province << " city=" << a.city << " district=" << a.district
      << " detail=" << a.detail << " code=" << a.province_code << "}";
}

namespace {

struct AddressCase {
  const char* input;
  ParsedAddress want;
};

template <size_t N>
void ExpectAll(const AddressCase (&cases)[N]) {
  for (const AddressCase& c : cases) {
    EXPECT_EQ(ParseAddress(c.input), c.want) << c.input;
  }
}

TEST(ParseAddress, ProvinceCityDistrict) {
  const AddressCase cases[] = {
      {"广东省广州市天河区天河路123号",
       {"广东省", "广州市", "天河区", "天河路123号", "44"}},
      {"新疆维吾尔自治区乌鲁木齐市天山区解放南路116号",
       {"新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放南路116号", "65"}},
      {"内蒙古自治区呼和浩特市回民区中山西路1号",
       {"内蒙古自治区", "呼和浩特市", "回民区", "中山西路1号", "15"}},
      {"广西壮族自治区南宁市青秀区双拥路6号",
       {"广西壮族自治区", "南宁市", "青秀区", "双拥路6号", "45"}},
      {"四川省成都市武侯区国学巷37号", {"四川省", "成都市", "武侯区", "国学巷37号", "51"}},
      {"山东省济南市市中区经十路16766号",
       {"山东省", "济南市", "市中区", "经十路16766号", "37"}},
      {"台湾省台北市中正区重庆南路一段122号",
       {"台湾省", "台北市", "中正区", "重庆南路一段122号", "71"}},
  };
  ExpectAll(cases);
}

TEST(ParseAddress, Municipalities) {
  const AddressCase cases[] = {
      {"北京市东城区帅府园1号", {"北京市", "北京市", "东城区", "帅府园1号", "11"}},
      {"上海市浦东新区张江路", {"上海市", "上海市", "浦东新区", "张江路", "31"}},
      {"天津市和平区鞍山道154号", {"天津市", "天津市", "和平区", "鞍山道154号", "12"}},
      {"重庆渝中区大坪长江支路10号", {"重庆市", "重庆市", "渝中区", "大坪长江支路10号", "50"}},
      {"重庆市石柱土家族自治县南宾街道",
       {"重庆市", "重庆市", "石柱土家族自治县", "南宾街道", "50"}},
      {"北京市市辖区朝阳区建国路88号", {"北京市", "北京市", "朝阳区", "建国路88号", "11"}},
      {"北京市北京市西城区西什库大街8号",
       {"北京市", "北京市", "西城区", "西什库大街8号", "11"}},
      {"香港特别行政区中西区皇后大道中99号",
       {"香港特别行政区", "香港特别行政区", "中西区", "皇后大道中99号", "81"}},
  };
  ExpectAll(cases);
}

TEST(ParseAddress, ShortProvinceNames) {
  const AddressCase cases[] = {
      {"浙江杭州西湖区文三路", {"浙江省", "杭州市", "西湖区", "文三路", "33"}},
      {"广西南宁市青秀区双拥路6号", {"广西壮族自治区", "南宁市", "青秀区", "双拥路6号", "45"}},
      {"广西省南宁市青秀区双拥路6号",
       {"广西壮族自治区", "南宁市", "青秀区", "双拥路6号", "45"}},
      {"西藏拉萨市城关区北京中路", {"西藏自治区", "拉萨市", "城关区", "北京中路", "54"}},
      {"宁夏银川市兴庆区胜利街804号",
       {"宁夏回族自治区", "银川市", "兴庆区", "胜利街804号", "64"}},
      {"北京协和医院东单院区", {"北京市", "北京市", "", "协和医院东单院区", "11"}},
  };
  ExpectAll(cases);
}

TEST(ParseAddress, AutonomousPrefecturesLeaguesAndBanners) {
  const AddressCase cases[] = {
      {"湖北省恩施土家族苗族自治州恩施市舞阳大道158号",
       {"湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大道158号", "42"}},
      {"新疆伊犁哈萨克自治州伊宁市解放路",
       {"新疆维吾尔自治区", "伊犁哈萨克自治州", "伊宁市", "解放路", "65"}},
      {"内蒙古锡林郭勒盟锡林浩特市额尔敦路",
       {"内蒙古自治区", "锡林郭勒盟", "锡林浩特市", "额尔敦路", "15"}},
      {"内蒙古自治区锡林郭勒盟正蓝旗上都镇",
       {"内蒙古自治区", "锡林郭勒盟", "正蓝旗", "上都镇", "15"}},
      {"黑龙江省大兴安岭地区漠河市西林吉镇",
       {"黑龙江省", "大兴安岭地区", "漠河市", "西林吉镇", "23"}},
      {"青海省海南藏族自治州共和县恰卜恰镇",
       {"青海省", "海南藏族自治州", "共和县", "恰卜恰镇", "63"}},
      {"江苏省苏州市昆山市周市镇", {"江苏省", "苏州市", "昆山市", "周市镇", "32"}},
  };
  ExpectAll(cases);
}

TEST(ParseAddress, WithoutProvince) {
  const AddressCase cases[] = {
      {"广州市越秀区中山二路58号", {"广东省", "广州市", "越秀区", "中山二路58号", "44"}},
      {"深圳市南山区深南大道10000号", {"广东省", "深圳市", "南山区", "深南大道10000号", "44"}},
      {"乌鲁木齐市新市区北京南路", {"新疆维吾尔自治区", "乌鲁木齐市", "新市区", "北京南路", "65"}},
      {"青岛市市南区江西路", {"山东省", "青岛市", "市南区", "江西路", "37"}},
      {"吉林市船营区北京路", {"吉林省", "吉林市", "船营区", "北京路", "22"}},
      // Not a capital: the city is kept, the province stays unknown.
      {"苏州市工业园区星湖街", {"", "苏州市", "工业园区", "星湖街", ""}},
      // Must not be read as 海南省.
      {"海南藏族自治州共和县", {"", "海南藏族自治州", "共和县", "", ""}},
  };
  ExpectAll(cases);
}

TEST(ParseAddress, NormalisesWidthSpacesAndSeparators) {
  const AddressCase cases[] = {
      {"广东省深圳市南山区科技园\u3000科苑路１５号",
       {"广东省", "深圳市", "南山区", "科技园 科苑路15号", "44"}},
      {"  广东省 广州市 天河区 体育西路 １９１号  ",
       {"广东省", "广州市", "天河区", "体育西路 191号", "44"}},
      {"湖南省，长沙市，开福区，湘雅路８７号",
       {"湖南省", "长沙市", "开福区", "湘雅路87号", "43"}},
      {"中国江苏省南京市鼓楼区中山路321号",
       {"江苏省", "南京市", "鼓楼区", "中山路321号", "32"}},
      {"中华人民共和国 北京市 海淀区 学院路38号",
       {"北京市", "北京市", "海淀区", "学院路38号", "11"}},
      {"浙江省\u200B杭州市上城区解放路８８号",
       {"浙江省", "杭州市", "上城区", "解放路88号", "33"}},
  };
  ExpectAll(cases);
}

// What the rules cannot do, pinned so a change in behaviour is noticed.
TEST(ParseAddress, DocumentedLimits) {
  const AddressCase cases[] = {
      {"", {"", "", "", "", ""}},
      // "中国" stays when it is part of a name, not a country prefix.
      {"中国医科大学附属第一医院", {"", "", "", "中国医科大学附属第一医院", ""}},
      // No province and no city first: everything is detail.
      {"天河区体育西路191号", {"", "", "", "天河区体育西路191号", ""}},
      // No gazetteer: a city in the wrong province is taken as written.
      {"浙江省广州市天河区", {"浙江省", "广州市", "天河区", "", "33"}},
      // County-level city directly under the province comes out as city.
      {"湖北省仙桃市沔阳大道", {"湖北省", "仙桃市", "", "沔阳大道", "42"}},
      // A district-less detail ending in 区 is taken for the district.
      {"北京市王府井商业区", {"北京市", "北京市", "王府井商业区", "", "11"}},
      // Towns of cities without districts stay in detail.
      {"广东省东莞市长安镇长青路", {"广东省", "东莞市", "", "长安镇长青路", "44"}},
      // English and pinyin are not parsed.
      {"No. 1 Shuaifuyuan, Dongcheng District, Beijing",
       {"", "", "", "No. 1 Shuaifuyuan, Dongcheng District, Beijing", ""}},
  };
  ExpectAll(cases);
}

struct ProvinceRow {
  const char* code;
  const char* full_name;
  const char* short_name;
};

constexpr ProvinceRow kAllProvinces[] = {
    {"11", "北京市", "北京"},         {"12", "天津市", "天津"},
    {"13", "河北省", "河北"},         {"14", "山西省", "山西"},
    {"15", "内蒙古自治区", "内蒙古"}, {"21", "辽宁省", "辽宁"},
    {"22", "吉林省", "吉林"},         {"23", "黑龙江省", "黑龙江"},
    {"31", "上海市", "上海"},         {"32", "江苏省", "江苏"},
    {"33", "浙江省", "浙江"},         {"34", "安徽省", "安徽"},
    {"35", "福建省", "福建"},         {"36", "江西省", "江西"},
    {"37", "山东省", "山东"},         {"41", "河南省", "河南"},
    {"42", "湖北省", "湖北"},         {"43", "湖南省", "湖南"},
    {"44", "广东省", "广东"},         {"45", "广西壮族自治区", "广西"},
    {"46", "海南省", "海南"},         {"50", "重庆市", "重庆"},
    {"51", "四川省", "四川"},         {"52", "贵州省", "贵州"},
    {"53", "云南省", "云南"},         {"54", "西藏自治区", "西藏"},
    {"61", "陕西省", "陕西"},         {"62", "甘肃省", "甘肃"},
    {"63", "青海省", "青海"},         {"64", "宁夏回族自治区", "宁夏"},
    {"65", "新疆维吾尔自治区", "新疆"}, {"71", "台湾省", "台湾"},
    {"81", "香港特别行政区", "香港"}, {"82", "澳门特别行政区", "澳门"},
};

TEST(Provinces, AllThirtyFourByFullNameShortNameAndCode) {
  static_assert(std::size(kAllProvinces) == 34);
  for (const ProvinceRow& row : kAllProvinces) {
    SCOPED_TRACE(row.full_name);
    EXPECT_EQ(CanonicalProvinceName(row.full_name), row.full_name);
    EXPECT_EQ(CanonicalProvinceName(row.short_name), row.full_name);
    EXPECT_EQ(ProvinceForDivisionCode(absl::StrCat(row.code, "0000")), row.full_name);
    for (const char* name : {row.full_name, row.short_name}) {
      const ParsedAddress parsed = ParseAddress(absl::StrCat(name, "人民路1号"));
      EXPECT_EQ(parsed.province, row.full_name) << name;
      EXPECT_EQ(parsed.province_code, row.code) << name;
      EXPECT_EQ(parsed.detail, "人民路1号") << name;
    }
  }
}

TEST(CanonicalProvinceName, VariantsAndUnknown) {
  EXPECT_EQ(CanonicalProvinceName(" 广西 "), "广西壮族自治区");
  EXPECT_EQ(CanonicalProvinceName("新疆省"), "新疆维吾尔自治区");
  EXPECT_EQ(CanonicalProvinceName("广东"), "广东省");
  EXPECT_EQ(CanonicalProvinceName("广州"), std::nullopt);
  EXPECT_EQ(CanonicalProvinceName("广东省广州市"), std::nullopt);
  EXPECT_EQ(CanonicalProvinceName(""), std::nullopt);
}

TEST(ProvinceForDivisionCode, ByPrefix) {
  EXPECT_EQ(ProvinceForDivisionCode("110101"), "北京市");            // 东城区
  EXPECT_EQ(ProvinceForDivisionCode("440106"), "广东省");            // 天河区
  EXPECT_EQ(ProvinceForDivisionCode("650102"), "新疆维吾尔自治区");  // 天山区
  EXPECT_EQ(ProvinceForDivisionCode("422801"), "湖北省");            // 恩施市
  EXPECT_EQ(ProvinceForDivisionCode("820000"), "澳门特别行政区");
}

TEST(ProvinceForDivisionCode, RejectsMalformedOrUnknown) {
  for (const char* code : {"100000", "990000", "000000", "11010", "1101011", "11010A", "",
                           "１１０１０１"}) {
    EXPECT_EQ(ProvinceForDivisionCode(code), std::nullopt) << code;
  }
}

TEST(ProvinceForDivisionCode, CrossChecksSocialCreditCodeRegion) {
  const absl::StatusOr<std::string> code =
      NormalizeSocialCreditCode("91440300708461136T", "profile.social_credit_code");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(ProvinceForDivisionCode(code->substr(2, 6)), "广东省");
  const ParsedAddress address = ParseAddress("广东省深圳市南山区科技中一路腾讯大厦");
  EXPECT_EQ(ProvinceForDivisionCode(code->substr(2, 6)), address.province);
}

}  // namespace
}  // namespace pharmacrm::matching
