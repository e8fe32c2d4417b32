#include "domain/import/import_rows.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/import/csv_rows.h"
#include "domain/import/json_lines.h"
#include "domain/import/json_rows.h"
#include "domain/import/row_rules.h"
#include "pharmacrm/tabular/text.h"

namespace pharmacrm::customer_master {

using import_internal::Sink;

class RowParser::Impl {
 public:
  Impl(ImportFormat format, absl::Time now) : format_(format), now_(now) {}

  absl::Time now() const { return now_; }

  void Feed(absl::string_view chunk, const Sink& sink) {
    if (finished_) return;
    bom_.Feed(chunk, [&](absl::string_view bytes) { Pass(bytes, sink); });
  }

  void Finish(const Sink& sink) {
    if (finished_) return;
    finished_ = true;
    bom_.Finish([&](absl::string_view bytes) { Pass(bytes, sink); });
    format_ == ImportFormat::kCsv ? csv_.End(sink) : json_.End(sink);
  }

 private:
  void Pass(absl::string_view bytes, const Sink& sink) {
    format_ == ImportFormat::kCsv ? csv_.Consume(bytes, sink) : json_.Consume(bytes, sink);
  }

  const ImportFormat format_;
  const absl::Time now_;
  bool finished_ = false;
  tabular::BomSkipper bom_;
  import_internal::CsvRows csv_;
  import_internal::JsonRows json_;
};

RowParser::RowParser(ImportFormat format, absl::Time now)
    : impl_(std::make_unique<Impl>(format, now)) {}
RowParser::~RowParser() = default;
RowParser::RowParser(RowParser&&) noexcept = default;
RowParser& RowParser::operator=(RowParser&&) noexcept = default;

void RowParser::Feed(absl::string_view chunk, std::vector<ImportRow>* rows,
                     std::vector<RowError>* errors) {
  impl_->Feed(chunk, Sink{rows, errors, impl_->now()});
}

void RowParser::Finish(std::vector<ImportRow>* rows, std::vector<RowError>* errors) {
  impl_->Finish(Sink{rows, errors, impl_->now()});
}

std::vector<RowError> FindDuplicateRows(const std::vector<ImportRow>& rows) {
  std::vector<RowError> duplicates;
  absl::flat_hash_map<absl::string_view, int64_t> by_external_id;
  absl::flat_hash_map<absl::uint128, int64_t> by_name_phone;
  for (const ImportRow& row : rows) {
    std::optional<RowError> duplicate;
    if (!row.external_id.empty()) {
      auto [it, inserted] = by_external_id.try_emplace(row.external_id, row.line);
      if (!inserted) {
        duplicate = RowError{row.line, "external_id",
                             absl::StrCat("duplicate of line ", it->second, " (same external_id)")};
      }
    }
    if (std::optional<absl::uint128> key = NameAndPhoneKey(row.profile)) {
      auto [it, inserted] = by_name_phone.try_emplace(*key, row.line);
      if (!inserted && !duplicate) {
        duplicate = RowError{
            row.line, "profile.name",
            absl::StrCat("duplicate of line ", it->second, " (same kind, name and phone)")};
      }
    }
    if (duplicate) duplicates.push_back(*std::move(duplicate));
  }
  return duplicates;
}

std::optional<absl::uint128> NameAndPhoneKey(const v1::CustomerProfile& profile) {
  if (profile.phone().empty()) return std::nullopt;
  std::string lowered;
  absl::string_view name = profile.name();
  if (std::any_of(name.begin(), name.end(), [](char c) { return absl::ascii_isupper(c); })) {
    lowered = absl::AsciiStrToLower(name);
    name = lowered;
  }
  // string_views hash with their length: no name runs into the phone.
  using Fields = std::tuple<int, absl::string_view, absl::string_view>;
  const Fields fields{profile.kind(), name, profile.phone()};
  return absl::MakeUint128(absl::Hash<Fields>{}(fields),
                           absl::Hash<std::tuple<char, Fields>>{}({'k', fields}));
}

}  // namespace pharmacrm::customer_master
