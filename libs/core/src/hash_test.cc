#include "pharmacrm/core/hash.h"

#include <string>

#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(Fingerprint64, IsStable) {
  // Stored fingerprints (idempotency records) must not change between
  // builds: these values are pinned.
  EXPECT_EQ(Fingerprint64(""), 1469598103934665603ULL);
  EXPECT_EQ(Fingerprint64("a"), 4953267810257967366ULL);
  EXPECT_EQ(Fingerprint64("foobar"), 9870438755804841970ULL);
  EXPECT_NE(Fingerprint64("a", 1), Fingerprint64("a", 2));
}

TEST(Fingerprinter, PiecesGiveTheFingerprintOfTheWhole) {
  const std::string data = "external_id,kind,name\nH-1,医院,协和医院\n";
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    Fingerprinter f(7);
    f.Add(absl::string_view(data).substr(0, cut));
    f.Add(absl::string_view(data).substr(cut));
    EXPECT_EQ(f.value(), Fingerprint64(data, 7)) << cut;
  }
  Fingerprinter other(7);
  other.Add(data.substr(0, data.size() - 1));
  EXPECT_NE(other.value(), Fingerprint64(data, 7));
}

}  // namespace
}  // namespace pharmacrm::core
