#include "channel_files.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "unicode/ucnv.h"

namespace pharmacrm::demo {
namespace {

absl::Status WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", path.parent_path().string()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path.string(), " failed"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> JsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON encoding of ", message.GetTypeName(),
                                            " failed: ", status.ToString()));
  }
  return absl::StrCat(json, "\n");
}

template <typename Messages>
absl::Status WriteJsonLines(const std::filesystem::path& path, const Messages& messages) {
  std::string out;
  for (const auto& m : messages) {
    absl::StatusOr<std::string> line = JsonLine(m);
    if (!line.ok()) return line.status();
    out += *line;
  }
  return WriteFile(path, out);
}

// A line of a .tsv file: tabs and line breaks in values become spaces.
std::string TsvLine(const std::vector<std::string>& values) {
  std::vector<std::string> cells;
  for (std::string v : values) {
    for (char& c : v) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    cells.push_back(std::move(v));
  }
  return absl::StrCat(absl::StrJoin(cells, "\t"), "\n");
}

}  // namespace

absl::StatusOr<std::string> Utf8ToGb18030(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const int32_t size =
      ucnv_convert("GB18030", "UTF-8", nullptr, 0, utf8.data(), static_cast<int32_t>(utf8.size()),
                   &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("GB18030 conversion failed: ", u_errorName(status)));
  }
  std::string out(static_cast<size_t>(size), '\0');
  status = U_ZERO_ERROR;
  ucnv_convert("GB18030", "UTF-8", out.data(), size, utf8.data(),
               static_cast<int32_t>(utf8.size()), &status);
  if (U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("GB18030 conversion failed: ", u_errorName(status)));
  }
  return out;
}

absl::Status WriteChannelDemo(const ChannelDemo& demo, const std::string& dir) {
  const std::filesystem::path root(dir);
  std::string parties;
  for (const ChannelParty& p : demo.parties) {
    parties += TsvLine({p.key, v1::CustomerKind_Name(p.kind), p.name, p.province, p.city,
                        p.address});
  }
  if (absl::Status s = WriteFile(root / "parties.tsv", parties); !s.ok()) return s;
  if (absl::Status s = WriteJsonLines(root / "products.jsonl", demo.products); !s.ok()) return s;
  if (absl::Status s = WriteJsonLines(root / "accounts.jsonl", demo.accounts); !s.ok()) return s;
  if (absl::Status s = WriteJsonLines(root / "shipments.jsonl", demo.shipments); !s.ok()) return s;
  if (absl::Status s = WriteJsonLines(root / "payments.jsonl", demo.payments); !s.ok()) return s;
  if (absl::Status s = WriteJsonLines(root / "stock-reports.jsonl", demo.stock_reports);
      !s.ok()) {
    return s;
  }
  std::string flows;
  for (const ChannelFlowFile& f : demo.flows) {
    const std::string file = absl::StrCat("flow/", f.distributor_key, "/", f.month, ".csv");
    std::string mapping;
    std::string bytes = FlowCsv(f);
    if (f.gb18030) {
      absl::StatusOr<std::string> converted = Utf8ToGb18030(bytes);
      if (!converted.ok()) return converted.status();
      bytes = *std::move(converted);
    }
    if (f.mapped) {
      mapping = absl::StrCat("flow/", f.distributor_key, "/columns.txt");
      std::string name = f.distributor_key;
      for (const ChannelParty& p : demo.parties) {
        if (p.key == f.distributor_key) name = p.name;
      }
      if (absl::Status s = WriteFile(root / mapping, FlowMappingText(name)); !s.ok()) return s;
    }
    if (absl::Status s = WriteFile(root / file, bytes); !s.ok()) return s;
    flows += TsvLine({f.distributor_key, f.month, file, mapping,
                      f.gb18030 ? "gb18030" : "utf-8"});
  }
  if (absl::Status s = WriteFile(root / "flows.tsv", flows); !s.ok()) return s;
  std::string planted;
  for (const PlantedCase& c : demo.planted) {
    planted += TsvLine({c.label, v1::FindingKind_Name(c.finding), c.distributor_key, c.product_id,
                        c.batch_no, c.month, c.province, absl::StrCat(c.quantity), c.title,
                        c.title_zh});
  }
  if (absl::Status s = WriteFile(root / "planted.tsv", planted); !s.ok()) return s;
  return WriteFile(root / "channel.txt",
                   absl::StrCat("as_of=", demo.as_of, "\nfirst_month=", demo.months.front(),
                                "\nlast_month=", demo.months.back(), "\n"));
}

}  // namespace pharmacrm::demo
