#include "domain/channel/flow_products.h"

#include "domain/channel/flow_testing.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using testing::Catalogue;
using testing::MakeProduct;

std::string IdOf(const ProductResolver& resolver, absl::string_view name, absl::string_view spec) {
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve(name, spec);
  return p.ok() ? p->id : std::string(p.status().ToString());
}

TEST(CatalogueResolver, MatchesGenericOrBrandNameAndSpecificationAsWrittenAnyWay) {
  const CatalogueResolver resolver(Catalogue());
  for (const char* spec :
       {"20mg*7片", "20mg×7片", "20MG*7片", " 20 mg * 7 片 ", "２０ｍｇ＊７片"}) {
    EXPECT_EQ(IdOf(resolver, "阿托伐他汀钙片", spec), "P001") << spec;
    EXPECT_EQ(IdOf(resolver, "立普妥", spec), "P001") << spec;
  }
  EXPECT_EQ(IdOf(resolver, " 阿托伐他汀钙片\u3000", "10mg×7片"), "P002");
  EXPECT_EQ(IdOf(resolver, "络活喜", "5mg*28片"), "P003");
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("格华止", "0.5G*30片");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "P004");
  EXPECT_EQ(p->list_price_fen, 3200);
}

TEST(CatalogueResolver, ANameOfOneProductNeedsNoSpecification) {
  const CatalogueResolver resolver(Catalogue());
  EXPECT_EQ(IdOf(resolver, "苯磺酸氨氯地平片", ""), "P003");
}

TEST(CatalogueResolver, AProductIdMatchesWhateverTheSpecificationSays) {
  const CatalogueResolver resolver(Catalogue());
  EXPECT_EQ(IdOf(resolver, "P002", ""), "P002");
  EXPECT_EQ(IdOf(resolver, " P002 ", "20mg*7片"), "P002");
  // Ids are exact: "p002" is no id, and no name.
  EXPECT_EQ(resolver.Resolve("p002", "").status().code(), absl::StatusCode::kNotFound);
}

TEST(CatalogueResolver, AnUnknownNameIsNotFound) {
  const CatalogueResolver resolver(Catalogue());
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("阿莫西林胶囊", "0.25g*24粒");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(p.status().message(),
            "no product '阿莫西林胶囊' in the catalogue (looked for a generic name, brand name or "
            "product id)");
}

TEST(CatalogueResolver, AnUnknownSpecificationListsTheKnownOnes) {
  const CatalogueResolver resolver(Catalogue());
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("立普妥", "40mg*7片");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      p.status().message(),
      "'立普妥' has no specification '40mg*7片' in the catalogue (it has 20mg*7片, 10mg*7片)");
}

TEST(CatalogueResolver, ANameOfSeveralProductsWithoutSpecificationIsAmbiguous) {
  const CatalogueResolver resolver(Catalogue());
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("阿托伐他汀钙片", "");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "'阿托伐他汀钙片' is 2 products (P001 20mg*7片, P002 10mg*7片): the row needs its "
            "specification");
}

TEST(CatalogueResolver, TwoProductsOfOneNameAndSpecificationAreAmbiguous) {
  std::vector<v1::Product> products = Catalogue();
  products.push_back(MakeProduct("P101", "阿托伐他汀钙片", "阿乐", "20mg*7片", 3900));
  const CatalogueResolver resolver(products);
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("阿托伐他汀钙片", "20mg×7片");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "'阿托伐他汀钙片' 20mg×7片 is 2 products in the catalogue (P001, P101)");
  // The brand tells them apart.
  EXPECT_EQ(IdOf(resolver, "阿乐", "20mg×7片"), "P101");
}

TEST(CatalogueResolver, OfProductsSharingAnIdTheFirstIsKept) {
  std::vector<v1::Product> products = Catalogue();
  products.push_back(MakeProduct("P001", "别的药", "", "1片", 100));
  const CatalogueResolver resolver(products);
  EXPECT_EQ(resolver.Resolve("别的药", "").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<ResolvedProduct> p = resolver.Resolve("P001", "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->list_price_fen, 4850);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
