#include "domain/channel/flow_mapping.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

struct FieldInfo {
  absl::string_view name;
  std::vector<absl::string_view> aliases;  // aliases[0] is the label
};

const std::array<FieldInfo, kFlowFieldCount>& Fields() {
  static const auto* const kFields = new std::array<FieldInfo, kFlowFieldCount>{{
      {"sale_date", {"销售日期", "日期", "单据日期", "sale_date", "date"}},
      {"terminal_name",
       {"客户名称", "购货单位", "终端名称", "customer_name", "terminal_name", "customer"}},
      {"terminal_code", {"客户编码", "客户代码", "customer_code", "terminal_code"}},
      {"terminal_address", {"地址", "客户地址", "address", "customer_address", "terminal_address"}},
      {"product_name", {"产品名称", "品名", "药品名称", "通用名", "product_name", "product"}},
      {"specification", {"规格", "规格型号", "specification", "spec"}},
      {"batch_no", {"批号", "生产批号", "batch_no", "batch", "lot"}},
      {"quantity", {"数量", "销售数量", "quantity", "qty"}},
      {"unit_price", {"单价", "含税单价", "unit_price", "price"}},
      {"amount", {"金额", "含税金额", "amount"}},
  }};
  return *kFields;
}

// HeaderKey of every built-in alias and standard name → its field.
const absl::flat_hash_map<std::string, FlowField>& AliasKeys() {
  static const auto* const kKeys = [] {
    auto* keys = new absl::flat_hash_map<std::string, FlowField>();
    for (FlowField f : AllFlowFields()) {
      keys->emplace(HeaderKey(FieldName(f)), f);
      for (absl::string_view alias : FieldAliases(f)) keys->emplace(HeaderKey(alias), f);
    }
    return keys;
  }();
  return *kKeys;
}

int Index(FlowField f) { return static_cast<int>(f); }

// One UTF-8 character at `p`: its length, or 0 if the bytes there are not
// a well-formed character.
int DecodeUtf8(const unsigned char* p, const unsigned char* end, uint32_t* cp) {
  const unsigned char c = *p;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  int extra;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1, *cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2, *cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3, *cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (end - p <= extra) return 0;
  for (int i = 1; i <= extra; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (p[i] & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return extra + 1;
}

bool IsSpace(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0x3000 || cp == 0x00A0 || cp == 0xFEFF;
}

absl::Status LineError(int line, absl::string_view description) {
  return core::FieldError(absl::StrCat("line ", line), description);
}

// The headers looked for when `field` has no column.
std::vector<std::string> LookedFor(FlowField field, const FlowColumnMapping& mapping) {
  const std::vector<std::string>& mapped = mapping.headers[Index(field)];
  if (!mapped.empty()) return mapped;
  std::vector<std::string> out;
  for (absl::string_view alias : FieldAliases(field)) out.emplace_back(alias);
  return out;
}

}  // namespace

std::array<FlowField, kFlowFieldCount> AllFlowFields() {
  std::array<FlowField, kFlowFieldCount> all;
  for (int i = 0; i < kFlowFieldCount; ++i) all[i] = static_cast<FlowField>(i);
  return all;
}

absl::string_view FieldName(FlowField field) { return Fields()[Index(field)].name; }

absl::string_view FieldLabel(FlowField field) { return Fields()[Index(field)].aliases[0]; }

absl::Span<const absl::string_view> FieldAliases(FlowField field) {
  return Fields()[Index(field)].aliases;
}

absl::StatusOr<FlowColumnMapping> ParseColumnMapping(absl::string_view text) {
  FlowColumnMapping mapping;
  absl::flat_hash_map<std::string, std::pair<FlowField, int>> by_header;  // key → field, line
  int line = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    if (!IsValidUtf8(raw)) {
      return LineError(line, "not valid UTF-8: save the mapping as UTF-8");
    }
    absl::string_view entry = TrimCell(raw);
    if (entry.empty() || entry.front() == '#') continue;
    size_t eq = entry.find('=');
    size_t eq_len = 1;
    const size_t wide_eq = entry.find("＝");
    if (wide_eq != absl::string_view::npos && (eq == absl::string_view::npos || wide_eq < eq)) {
      eq = wide_eq;
      eq_len = absl::string_view("＝").size();
    }
    if (eq == absl::string_view::npos) {
      return LineError(line, absl::StrCat("'", entry, "' is not <field>=<header>"));
    }
    const absl::string_view key = TrimCell(entry.substr(0, eq));
    const absl::string_view value = TrimCell(entry.substr(eq + eq_len));
    if (HeaderKey(key) == "sheet" || key == "工作表") {
      if (value.empty()) return LineError(line, "no sheet name given");
      if (!mapping.sheet.empty()) {
        return LineError(
            line, absl::StrCat("a second sheet ('", value, "' after '", mapping.sheet, "')"));
      }
      mapping.sheet = std::string(value);
      continue;
    }
    if (HeaderKey(key) == "optional") {
      for (absl::string_view part : absl::StrSplit(value, absl::ByAnyChar(",;"))) {
        part = TrimCell(part);
        if (part.empty()) continue;
        auto it = AliasKeys().find(HeaderKey(part));
        if (it == AliasKeys().end() || it->second != FlowField::kBatchNo) {
          return LineError(line, absl::StrCat("'", part,
                                              "' cannot be made optional: only batch_no can "
                                              "(terminal_code, terminal_address, specification, "
                                              "unit_price and amount are optional anyway)"));
        }
        mapping.batch_no_optional = true;
      }
      continue;
    }
    auto field = AliasKeys().find(HeaderKey(key));
    if (field == AliasKeys().end()) {
      std::vector<absl::string_view> names;
      for (FlowField f : AllFlowFields()) names.push_back(FieldName(f));
      return LineError(line, absl::StrCat("unknown field '", key, "'; expected one of ",
                                          absl::StrJoin(names, ", "),
                                          ", a Chinese name such as 销售日期, or optional"));
    }
    if (HeaderKey(value).empty()) {
      return LineError(line, absl::StrCat("no header given for ", FieldName(field->second)));
    }
    auto [it, inserted] = by_header.try_emplace(HeaderKey(value), field->second, line);
    if (!inserted && it->second.first != field->second) {
      return LineError(
          line, absl::StrCat("'", value, "' is already the header of ", FieldName(it->second.first),
                             " (line ", it->second.second, ")"));
    }
    if (inserted) mapping.headers[Index(field->second)].emplace_back(value);
  }
  return mapping;
}

const std::string& FlowColumns::Header(FlowField field) const {
  static const std::string* const kEmpty = new std::string();
  const int i = Index(field);
  return i == kNone ? *kEmpty : headers[i];
}

std::vector<absl::Status> ResolveHeaderProblems(absl::Span<const std::string> fields,
                                                const FlowColumnMapping& mapping,
                                                FlowColumns* columns) {
  std::vector<absl::Status> problems;
  FlowColumns resolved;
  absl::flat_hash_map<std::string, FlowField> mapped;  // the mapping's header keys
  for (FlowField f : AllFlowFields()) {
    for (const std::string& header : mapping.headers[Index(f)])
      mapped.emplace(HeaderKey(header), f);
  }
  std::array<std::string, kFlowFieldCount> keys;  // of the column chosen per field
  for (size_t i = 0; i < fields.size(); ++i) {
    const absl::string_view cell = TrimCell(fields[i]);
    resolved.headers.emplace_back(cell);
    if (!IsValidUtf8(cell)) {
      problems.push_back(core::FieldError(
          absl::StrCat("column ", i + 1),
          "not valid UTF-8: the file is probably GBK; read it with --encoding=gb18030"));
      continue;
    }
    if (cell.empty()) continue;
    std::string key = HeaderKey(cell);
    std::optional<FlowField> field;
    if (auto it = mapped.find(key); it != mapped.end()) {
      field = it->second;
    } else if (auto alias = AliasKeys().find(key);
               alias != AliasKeys().end() && mapping.headers[Index(alias->second)].empty()) {
      field = alias->second;
    }
    if (!field) continue;
    int& index = resolved.index[Index(*field)];
    if (index == FlowColumns::kNone) {
      index = static_cast<int>(i);
      keys[Index(*field)] = std::move(key);
    } else if (keys[Index(*field)] == key) {
      problems.push_back(core::FieldError(
          cell, absl::StrCat("named twice (columns ", index + 1, " and ", i + 1, ")")));
    } else {
      problems.push_back(core::FieldError(
          FieldName(*field),
          absl::StrCat("ambiguous: columns ", index + 1, " (", resolved.headers[index], ") and ",
                       i + 1, " (", cell, ") both mean ", FieldLabel(*field),
                       "; name the one to read in the distributor's mapping (e.g. ",
                       FieldLabel(*field), "=", cell, ")")));
    }
  }
  for (FlowField f : {FlowField::kSaleDate, FlowField::kTerminalName, FlowField::kProductName,
                      FlowField::kBatchNo, FlowField::kQuantity, FlowField::kUnitPrice}) {
    if (f == FlowField::kBatchNo && mapping.batch_no_optional) continue;
    std::vector<std::string> looked_for = LookedFor(f, mapping);
    std::string what = absl::StrCat(FieldLabel(f), " (", FieldName(f), ")");
    if (f == FlowField::kUnitPrice) {
      if (resolved.Has(FlowField::kAmount)) continue;
      for (std::string& h : LookedFor(FlowField::kAmount, mapping)) looked_for.push_back(h);
      what = "单价 (unit_price) or 金额 (amount)";
    }
    if (resolved.Has(f)) continue;
    std::string reason =
        absl::StrCat("no column for ", what, "; looked for ", absl::StrJoin(looked_for, ", "));
    if (f == FlowField::kBatchNo) {
      absl::StrAppend(&reason,
                      " (a distributor that reports no batches needs optional=batch_no "
                      "in its mapping)");
    }
    problems.push_back(core::FieldError(FieldName(f), reason));
  }
  if (problems.empty()) *columns = std::move(resolved);
  return problems;
}

absl::StatusOr<FlowColumns> ResolveHeader(absl::Span<const std::string> fields,
                                          const FlowColumnMapping& mapping) {
  FlowColumns columns;
  std::vector<absl::Status> problems = ResolveHeaderProblems(fields, mapping, &columns);
  if (!problems.empty()) return problems.front();
  return columns;
}

absl::string_view TrimCell(absl::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  uint32_t cp;
  while (begin < end) {
    int n = DecodeUtf8(begin, end, &cp);
    if (n == 0 || !IsSpace(cp)) break;
    begin += n;
  }
  // Backwards: the last character starts at the last byte that is not a
  // continuation byte.
  while (end > begin) {
    const unsigned char* start = end - 1;
    while (start > begin && (*start & 0xC0) == 0x80 && end - start < 4) --start;
    int n = DecodeUtf8(start, end, &cp);
    if (n != end - start || !IsSpace(cp)) break;
    end = start;
  }
  return absl::string_view(reinterpret_cast<const char*>(begin), end - begin);
}

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    uint32_t cp;
    int n = DecodeUtf8(p, end, &cp);
    if (n == 0) {
      out.push_back(static_cast<char>(*p++));
      continue;
    }
    p += n;
    if (IsSpace(cp)) continue;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFF01 - 0x21;
    if (cp == 0x00D7 || cp == 0x2715) cp = '*';
    if (cp < 0x80) cp = static_cast<unsigned char>(absl::ascii_tolower(static_cast<char>(cp)));
    tabular::AppendUtf8(cp, &out);
  }
  return out;
}

std::string HeaderKey(absl::string_view header) {
  std::string key = FoldText(TrimCell(header));
  std::erase_if(key, [](char c) { return c == '_' || c == '-'; });
  return key;
}

}  // namespace pharmacrm::sales_pipeline::channel
