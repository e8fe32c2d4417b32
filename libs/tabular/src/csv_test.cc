#include "pharmacrm/tabular/csv.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::tabular {
namespace {

using ::testing::ElementsAre;

// Every event as text: "3:a|b", "5:too long", "7:unterminated 1 from 6".
class Recorder : public CsvHandler {
 public:
  void Record(int64_t line, absl::Span<const std::string> fields) override {
    events.push_back(absl::StrCat(line, ":", absl::StrJoin(fields, "|")));
  }
  void TooLong(int64_t line) override { events.push_back(absl::StrCat(line, ":too long")); }
  void Unterminated(int64_t line, size_t field_index, int64_t quote_line) override {
    events.push_back(absl::StrCat(line, ":unterminated ", field_index, " from ", quote_line));
  }
  std::vector<std::string> events;
};

std::vector<std::string> Read(absl::string_view input, size_t chunk = 0, CsvLimits limits = {}) {
  CsvReader reader(limits);
  Recorder recorder;
  if (chunk == 0) chunk = input.size() + 1;
  for (size_t i = 0; i < input.size(); i += chunk) {
    reader.Consume(input.substr(i, chunk), recorder);
  }
  reader.End(recorder);
  return recorder.events;
}

TEST(CsvReader, SplitsFieldsAndRecordsOnEveryLineBreak) {
  EXPECT_THAT(Read("a,b\r\nc,d\ne,f\rg"), ElementsAre("1:a|b", "2:c|d", "3:e|f", "4:g"));
}

TEST(CsvReader, QuotedFieldsKeepCommasQuotesAndLineBreaksAndCountTheLines) {
  EXPECT_THAT(Read("\"a,1\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",x\ny,z\n"),
              ElementsAre("1:a,1|say \"hi\"", "2:two\r\nlines|x", "4:y|z"));
}

TEST(CsvReader, StrayQuotesAndTextAfterAClosingQuoteAreData) {
  EXPECT_THAT(Read("a\"b,\"c\"d\n"), ElementsAre("1:a\"b|cd"));
}

TEST(CsvReader, ABlankLineIsOneEmptyFieldAndAMissingFinalBreakStillEndsTheRecord) {
  EXPECT_THAT(Read("a\n\nb"), ElementsAre("1:a", "2:", "3:b"));
  EXPECT_THAT(Read("a\n"), ElementsAre("1:a"));
}

TEST(CsvReader, TheSameRecordsHoweverTheInputIsChunked) {
  const std::string input = "h1,h2\r\n\"x\r\ny\",\"\"\"\"\r\n中文,值\r\nlast,\"q\"";
  const std::vector<std::string> whole = Read(input);
  EXPECT_THAT(whole, ElementsAre("1:h1|h2", "2:x\r\ny|\"", "4:中文|值", "5:last|q"));
  for (size_t chunk = 1; chunk < input.size(); ++chunk) {
    EXPECT_EQ(Read(input, chunk), whole) << "chunk " << chunk;
  }
}

TEST(CsvReader, AnUnterminatedQuoteNamesTheFieldAndWhereTheQuoteOpened) {
  EXPECT_THAT(Read("a,b\nc,\"open\nmore"), ElementsAre("1:a|b", "2:unterminated 1 from 2"));
}

TEST(CsvReader, ARecordOverTheLimitsIsReportedOnceWithoutItsFields) {
  CsvLimits limits;
  limits.max_record_bytes = 8;
  limits.max_fields = 3;
  EXPECT_THAT(Read("ok\n0123456789\nshort\n", 0, limits), ElementsAre("1:ok", "2:too long", "3:short"));
  EXPECT_THAT(Read("a,b,c,d\nx\n", 0, limits), ElementsAre("1:too long", "2:x"));
  EXPECT_THAT(Read("a,b,c\n", 0, limits), ElementsAre("1:a|b|c"));
}

TEST(CsvReader, EndResetsTheReaderForAnotherInput) {
  CsvReader reader;
  Recorder recorder;
  reader.Consume("a\nb", recorder);
  reader.End(recorder);
  reader.Consume("c\n", recorder);
  reader.End(recorder);
  EXPECT_THAT(recorder.events, ElementsAre("1:a", "2:b", "1:c"));
}

}  // namespace
}  // namespace pharmacrm::tabular
