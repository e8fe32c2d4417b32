#include "domain/import/metrics_import.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"

namespace pharmacrm::customer_master {
namespace {

// protobuf's JSON parser names the place of a problem in parentheses:
// "(metrics.hospital.outpatient_visits): invalid value ..." or
// "(metrics.hospital) outpatient_visit: Cannot find field.". The field is
// taken from there; the reason is the rest, on one line.
RowError FromJsonError(int64_t line, absl::string_view message) {
  RowError e{line, "", ""};
  std::string text = absl::StrReplaceAll(message, {{"\n", " "}, {"\r", " "}});
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (absl::ConsumePrefix(&rest, "(")) {
    const size_t close = rest.find(')');
    if (close != absl::string_view::npos) {
      e.field = std::string(rest.substr(0, close));
      rest = absl::StripAsciiWhitespace(rest.substr(close + 1));
      if (absl::ConsumePrefix(&rest, ":")) rest = absl::StripAsciiWhitespace(rest);
    }
  }
  // "name: Cannot find field." (at the top level without a place).
  if (const size_t colon = rest.find(": Cannot find field"); colon != absl::string_view::npos) {
    const absl::string_view name = rest.substr(0, colon);
    e.field = e.field.empty() ? std::string(name) : absl::StrCat(e.field, ".", name);
    rest = "unknown field";
  }
  e.reason = rest.empty() ? "not a JSON object of the metrics import" : std::string(rest);
  return e;
}

// One non-blank line (without a byte order mark): the row, or false with
// `error` filled.
bool ParseMetricsLine(int64_t line, absl::string_view text, MetricsRow* row, RowError* error) {
  if (!IsValidUtf8(text)) {
    *error = RowError{line, "", std::string(kNotUtf8)};
    return false;
  }
  v1::MetricsImportRecord record;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &record, options);
  if (!status.ok()) {
    *error = FromJsonError(line, status.message().as_string());
    return false;
  }
  if (!record.has_metrics()) {
    *error = RowError{line, "metrics", "must be set"};
    return false;
  }
  if (record.external_id().empty() && record.metrics().customer_id().empty()) {
    *error =
        RowError{line, "external_id", "name the customer by external_id or by metrics.customer_id"};
    return false;
  }
  if (record.external_id().size() > 200) {
    *error = RowError{line, "external_id", "longer than 200 bytes"};
    return false;
  }
  row->line = line;
  row->external_id = std::move(*record.mutable_external_id());
  row->metrics = std::move(*record.mutable_metrics());
  row->metrics.clear_version();
  row->metrics.clear_recorded_at();
  row->metrics.clear_recorded_by();
  return true;
}

}  // namespace

void MetricsLineParser::Feed(absl::string_view chunk, std::vector<MetricsRow>* rows,
                             std::vector<RowError>* errors) {
  if (finished_) return;
  lines_.Consume(chunk, [&](int64_t line, absl::string_view text, bool too_long) {
    Line(line, text, too_long, rows, errors);
  });
}

void MetricsLineParser::Finish(std::vector<MetricsRow>* rows, std::vector<RowError>* errors) {
  if (finished_) return;
  finished_ = true;
  lines_.End([&](int64_t line, absl::string_view text, bool too_long) {
    Line(line, text, too_long, rows, errors);
  });
}

void MetricsLineParser::Line(int64_t line, absl::string_view text, bool too_long,
                             std::vector<MetricsRow>* rows, std::vector<RowError>* errors) {
  if (too_long) {
    errors->push_back(
        RowError{line, "", absl::StrCat("line longer than ", kMaxLineBytes, " bytes")});
    return;
  }
  if (line == 1) absl::ConsumePrefix(&text, kUtf8Bom);
  if (absl::StripAsciiWhitespace(text).empty()) return;
  MetricsRow row;
  RowError error;
  if (ParseMetricsLine(line, text, &row, &error)) {
    rows->push_back(std::move(row));
  } else {
    errors->push_back(std::move(error));
  }
}

}  // namespace pharmacrm::customer_master
