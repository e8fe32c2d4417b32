// The parsing half of bulk import: bytes of a CSV export (typically from a
// legacy CRM) or of JSON Lines become validated, normalised customer
// profiles, one per row, and every bad row becomes an error with its line
// number and reason. Good rows are accepted even when others are bad. Pure:
// no I/O; the caller reads the input and hands it over in chunks.
//
// What is NOT checked here: references to other records (hospital_id,
// pharmacy_id, parent_id, ...), which the caller checks with the store, and
// duplicates against customers already stored (match & merge).
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_IMPORT_ROWS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_IMPORT_ROWS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// Input formats. Both are UTF-8; a leading byte order mark is skipped.
//
// kCsv (RFC 4180, as written by Excel and most CRMs):
//  - the first non-blank line is the header; fields are separated by ",",
//    records by CRLF, LF or CR; a field may be quoted with '"', and inside
//    quotes '""' is one quote and commas and line breaks are data. A quote
//    inside an unquoted field, or text after a closing quote, is kept as
//    data;
//  - header names (ASCII case and surrounding spaces ignored, an optional
//    "profile." prefix allowed) name CustomerProfile fields: "kind", "name",
//    "province", "city", "district", "address", "phone", "hospital_grade",
//    "hospital_id", "department", "title"; dotted names reach into the
//    details and their sub-messages ("hospital.bed_count",
//    "doctor.person.mobile", "pharmacy.bank.bank_name"). The target must be
//    a string, integer, floating-point, bool or enum field, or a repeated
//    string field. "external_id" is the source system's id (not a profile
//    field). "kind" and "name" columns are required;
//  - cells are trimmed of ASCII whitespace; an empty cell leaves the field
//    unset. Integers and numbers are decimal (full-width digits accepted);
//    bools are true/false, 1/0, yes/no, y/n or 是/否; repeated strings are
//    separated by ";" or "；" (empty parts dropped);
//  - enums are written as the value name ("CUSTOMER_KIND_HOSPITAL"), the name
//    without the enum's prefix ("hospital", "3A"; ASCII case ignored), or
//    their Chinese names: kinds 医院 医生 药店 店员/药店店员/联系人
//    商业公司/医药商业公司/经销商 患者; grades 三级甲等 or 三甲 ... 一级丙等,
//    未定级; gender 男 女; titles 主任医师 ... 药师; education, marital status,
//    ownership and GSP status by the Chinese names in customer_data.proto.
//    Numbers are not accepted (a legacy system's codes differ from ours);
//  - a row whose cells are all empty is skipped (spreadsheets leave them).
//
// kJsonLines: one JSON object per line (LF or CRLF); blank lines are
// skipped. Each object is the proto3 JSON mapping of
//
//   message ImportRecord {
//     string external_id = 1;              // the source system's id
//     pharmacrm.v1.CustomerProfile profile = 2;
//   }
//
// (a notional message: field names may be written as in the .proto or in
// lowerCamelCase; null means unset). Unknown fields, at any depth, are
// errors that name them. Floating-point values must be finite.
enum class ImportFormat { kCsv, kJsonLines };

// A row that parsed, normalised (NormalizeProfile) and validated
// (ValidateProfile, with the parser's `now`).
struct ImportRow {
  int64_t line = 0;         // 1-based line of the row's first line in the input
  std::string external_id;  // the source system's id, "" if none was given
  v1::CustomerProfile profile;
};

// A rejected row, or (line 1) a problem with the CSV header.
struct RowError {
  int64_t line = 0;   // 1-based line of the row's first line in the input
  std::string field;  // "profile.phone", the CSV column as written, or "" for
                      // the row as a whole (syntax, field count)
  std::string reason;
};

// Incremental parser of one import. Feed it the input in chunks of any size,
// split anywhere (inside a UTF-8 character, a quoted CSV field or a CRLF),
// then call Finish once; the rows and errors are the same however the input
// was split. Rows and errors are appended to the caller's vectors (never
// cleared), in input order.
//
// Every row is reported exactly once: as an ImportRow or as one or more
// RowErrors (all bad cells of a CSV row are reported together; otherwise
// the first problem). A CSV header with an unknown, unsupported, duplicate
// or empty column name, or without "kind" or "name", gets one error per
// problem on the header's line, and then every data row is rejected: a
// wrong header would make every row wrong. A CSV input without any header
// is an error on line 1. A row (a CSV record or a JSON line) longer than
// 1 MiB, or a CSV record of more than 4096 fields, is rejected without being
// kept in memory.
//
// Not thread-safe; use one parser per import. Movable, not copyable.
class RowParser {
 public:
  // `now`: the time of the import, from the caller's clock; every row's
  // dates are validated against it (ValidateProfile).
  RowParser(ImportFormat format, absl::Time now);
  ~RowParser();
  RowParser(RowParser&&) noexcept;
  RowParser& operator=(RowParser&&) noexcept;

  // Parses every row completed by `chunk` and the bytes before it.
  // `rows` and `errors` must not be null. Does nothing after Finish.
  void Feed(absl::string_view chunk, std::vector<ImportRow>* rows,
            std::vector<RowError>* errors);

  // Ends the input: parses the last row even without a final line break;
  // an unterminated quoted CSV field is an error on the row. Only the first
  // call has an effect.
  void Finish(std::vector<ImportRow>* rows, std::vector<RowError>* errors);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Rows of one import that describe the same customer as an earlier row of
// `rows` (earlier = before it in the vector, as RowParser produces them):
//  - the same non-empty external_id: field "external_id", reason
//    "duplicate of line N (same external_id)";
//  - otherwise the same kind, name (ASCII case ignored) and non-empty phone:
//    field "profile.name", reason "duplicate of line N (same kind, name and
//    phone)".
// Rows without external_id and phone are not compared: fuzzy matching is
// match & merge's job. N is the line of the first such row; each duplicate
// row is reported once, in order.
std::vector<RowError> FindDuplicateRows(const std::vector<ImportRow>& rows);

// The key of that comparison by kind, name and phone: equal for profiles of
// one kind with the same name (ASCII case ignored) and the same non-empty
// phone, and a 128-bit hash of the three, so that an import of a million
// rows keeps no key strings (two 64-bit hashes whose states never meet: a
// collision of one is not one of the other). nullopt without a phone.
std::optional<absl::uint128> NameAndPhoneKey(const v1::CustomerProfile& profile);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_IMPORT_ROWS_H_
