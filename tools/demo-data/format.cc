#include "format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "channel.h"
#include "google/protobuf/util/json_util.h"

namespace pharmacrm::demo {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr absl::string_view kCustomerColumns[] = {
    "external_id",
    "kind",
    "name",
    "province",
    "city",
    "district",
    "address",
    "phone",
    "hospital_grade",
    "hospital_id",
    "department",
    "title",
    "hospital.bed_count",
    "hospital.postcode",
    "doctor.person.mobile",
    "doctor.person.professional_title",
    "pharmacy.gsp_status",
    "pharmacy.postcode",
    "contact.pharmacy_id",
    "contact.person.mobile",
    "distributor.postcode",
    "distributor.social_credit_code",
};

constexpr absl::string_view kMetricsColumns[] = {
    "external_id", "period", "department", "figures",    "outpatient_visits",
    "drug_class",  "volume", "amount_fen", "own_volume", "own_amount_fen"};

// A JSON string literal; ids are ASCII, but any UTF-8 passes through.
std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

absl::StatusOr<std::string> ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("JSON encoding of ", message.GetTypeName(), " failed: ", status.ToString()));
  }
  return json;
}

// The text of a (dotted) field path of `message`; "" when a message on the
// way is unset or the value is the enum's zero.
std::string FieldText(const Message& message, absl::string_view path) {
  const Message* m = &message;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(std::string(parts[i]));
    if (f == nullptr) return "";
    const auto* r = m->GetReflection();
    if (f->is_repeated()) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return "";
      std::vector<std::string> items;
      for (int j = 0; j < r->FieldSize(*m, f); ++j) items.push_back(r->GetRepeatedString(*m, f, j));
      return absl::StrJoin(items, ";");
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!r->HasField(*m, f)) return "";
      m = &r->GetMessage(*m, f);
      continue;
    }
    if (i + 1 != parts.size()) return "";
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return r->GetString(*m, f);
      case FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(r->GetInt32(*m, f));
      case FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(r->GetInt64(*m, f));
      case FieldDescriptor::CPPTYPE_UINT32:
        return absl::StrCat(r->GetUInt32(*m, f));
      case FieldDescriptor::CPPTYPE_UINT64:
        return absl::StrCat(r->GetUInt64(*m, f));
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return absl::StrCat(r->GetDouble(*m, f));
      case FieldDescriptor::CPPTYPE_FLOAT:
        return absl::StrCat(r->GetFloat(*m, f));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->GetBool(*m, f) ? "true" : "false";
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* value = r->GetEnum(*m, f);
        return value->number() == 0 ? "" : value->name();
      }
      default:
        return "";
    }
  }
  return "";
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += CsvCell(cells[i]);
  }
  line += "\r\n";
  return line;
}

std::string HeaderLine(std::span<const absl::string_view> columns) {
  std::vector<std::string> cells(columns.begin(), columns.end());
  return CsvLine(cells);
}

const google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* Totals(
    const v1::CustomerMetrics& m) {
  switch (m.figures_case()) {
    case v1::CustomerMetrics::kHospital:
      return &m.hospital().prescriptions();
    case v1::CustomerMetrics::kDepartmentFigures:
      return &m.department_figures().prescriptions();
    case v1::CustomerMetrics::kDoctor:
      return &m.doctor().prescriptions();
    case v1::CustomerMetrics::kPharmacy:
      return &m.pharmacy().sales();
    default:
      return nullptr;
  }
}

const google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* Own(const v1::CustomerMetrics& m) {
  switch (m.figures_case()) {
    case v1::CustomerMetrics::kHospital:
      return &m.hospital().own_prescriptions();
    case v1::CustomerMetrics::kDepartmentFigures:
      return &m.department_figures().own_prescriptions();
    case v1::CustomerMetrics::kDoctor:
      return &m.doctor().own_prescriptions();
    case v1::CustomerMetrics::kPharmacy:
      return &m.pharmacy().own_sales();
    default:
      return nullptr;
  }
}

std::string Visits(const v1::CustomerMetrics& m) {
  switch (m.figures_case()) {
    case v1::CustomerMetrics::kHospital:
      return absl::StrCat(m.hospital().outpatient_visits());
    case v1::CustomerMetrics::kDepartmentFigures:
      return absl::StrCat(m.department_figures().outpatient_visits());
    case v1::CustomerMetrics::kDoctor:
      return absl::StrCat(m.doctor().outpatient_visits());
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<std::string> CustomerJsonLine(const DemoRecord& record) {
  absl::StatusOr<std::string> profile = ToJson(record.profile);
  if (!profile.ok()) return profile.status();
  return absl::StrCat("{\"external_id\":", JsonString(record.external_id),
                      ",\"profile\":", *profile, "}");
}

absl::StatusOr<std::string> MetricsJsonLine(const std::string& external_id,
                                            const v1::CustomerMetrics& metrics) {
  absl::StatusOr<std::string> json = ToJson(metrics);
  if (!json.ok()) return json.status();
  return absl::StrCat("{\"external_id\":", JsonString(external_id), ",\"metrics\":", *json, "}");
}

std::span<const absl::string_view> CustomerCsvColumns() { return kCustomerColumns; }

std::string CustomerCsvHeader() { return HeaderLine(kCustomerColumns); }

std::string CustomerCsvRow(const DemoRecord& record) {
  std::vector<std::string> cells;
  cells.reserve(std::size(kCustomerColumns));
  for (absl::string_view column : kCustomerColumns) {
    cells.push_back(column == "external_id" ? record.external_id
                                            : FieldText(record.profile, column));
  }
  return CsvLine(cells);
}

std::string MetricsCsvHeader() { return HeaderLine(kMetricsColumns); }

std::string MetricsCsvRows(const std::string& external_id, const v1::CustomerMetrics& metrics) {
  const FieldDescriptor* figures =
      metrics.GetDescriptor()->FindFieldByNumber(metrics.figures_case());
  const std::string figures_name = figures != nullptr ? figures->name() : "";
  const std::vector<std::string> lead = {external_id, metrics.period(), metrics.department(),
                                         figures_name, Visits(metrics)};
  if (metrics.has_distributor()) {
    const v1::DistributorMetrics& d = metrics.distributor();
    std::vector<std::string> cells = lead;
    cells.insert(cells.end(),
                 {"", absl::StrCat(d.sales_volume()), absl::StrCat(d.sales_amount_fen()),
                  absl::StrCat(d.sales_volume() * d.own_share_volume_permille() / 1000),
                  absl::StrCat(d.sales_amount_fen() / 1000 * d.own_share_amount_permille())});
    return CsvLine(cells);
  }
  const auto* totals = Totals(metrics);
  const auto* own = Own(metrics);
  std::string out;
  if (totals == nullptr || totals->empty()) {
    std::vector<std::string> cells = lead;
    cells.resize(std::size(kMetricsColumns));
    return CsvLine(cells);
  }
  for (const v1::DrugClassFigure& t : *totals) {
    std::vector<std::string> cells = lead;
    cells.push_back(t.drug_class());
    cells.push_back(absl::StrCat(t.volume()));
    cells.push_back(absl::StrCat(t.amount_fen()));
    std::string own_volume, own_amount;
    for (const v1::DrugClassFigure& o : *own) {
      if (o.drug_class() == t.drug_class()) {
        own_volume = absl::StrCat(o.volume());
        own_amount = absl::StrCat(o.amount_fen());
      }
    }
    cells.push_back(own_volume);
    cells.push_back(own_amount);
    out += CsvLine(cells);
  }
  return out;
}

std::string CsvCell(absl::string_view value) {
  const bool quote = value.find_first_of(",\"\r\n") != absl::string_view::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Yuan(int64_t fen) {
  const int64_t magnitude = fen < 0 ? -fen : fen;
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

std::string FlowCsv(const ChannelFlowFile& file) {
  std::string out = file.mapped
                        ? "出库日期,单位名称,收货地址,商品名称,商品规格,批号,发货数量,单价,金额\r\n"
                        : "销售日期,客户名称,地址,产品名称,规格,批号,数量,单价,金额\r\n";
  for (const v1::FlowRow& row : file.rows) {
    absl::StrAppend(&out, row.sale_date(), ",", CsvCell(row.terminal_name()), ",",
                    CsvCell(row.terminal_address()), ",", CsvCell(row.product_name()), ",",
                    CsvCell(row.specification()), ",", row.batch_no(), ",", row.quantity(), ",",
                    Yuan(row.unit_price_fen()), ",", Yuan(row.quantity() * row.unit_price_fen()),
                    "\r\n");
  }
  return out;
}

std::string FlowMappingText(const std::string& distributor_name) {
  return absl::StrCat("# ", distributor_name,
                      "\n销售日期=出库日期\n客户名称=单位名称\n地址=收货地址\n产品名称=商品名称\n"
                      "规格=商品规格\n数量=发货数量\n");
}

}  // namespace pharmacrm::demo
