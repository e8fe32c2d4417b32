// The columns of a distributor's flow (流向) file: the standard fields a
// flow row has, the header names that mean each (built-in Chinese and
// English aliases, and a per-distributor FlowColumnMapping that overrides
// them), and the resolution of a file's header row to a column per field.
// Also the text folding the flow import compares names with. Pure and
// thread-safe.
//
// Header names are compared by their key (HeaderKey): the cell trimmed
// (TrimCell), folded (FoldText), and without "_" and "-", so "销售日期",
// " 销售 日期 ", "Sale_Date", "SALE DATE" and "ｓａｌｅ＿ｄａｔｅ" are one name.
//
// Built-in aliases (FieldAliases), by field:
//   sale_date         销售日期 日期 单据日期 sale_date date
//   terminal_name     客户名称 购货单位 终端名称 customer_name terminal_name customer
//   terminal_code     客户编码 客户代码 customer_code terminal_code
//   terminal_address  地址 客户地址 address customer_address terminal_address
//   product_name      产品名称 品名 药品名称 通用名 product_name product
//   specification     规格 规格型号 specification spec
//   batch_no          批号 生产批号 batch_no batch lot
//   quantity          数量 销售数量 quantity qty
//   unit_price        单价 含税单价 unit_price price
//   amount            金额 含税金额 amount
// Required columns: sale_date, terminal_name, product_name, quantity, one of
// unit_price and amount, and batch_no unless the mapping makes it optional.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_MAPPING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_MAPPING_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pharmacrm/tabular/text.h"

namespace pharmacrm::sales_pipeline::channel {

// The standard fields of a flow row (v1::FlowRow), in the order of the
// table above.
enum class FlowField {
  kSaleDate,
  kTerminalName,
  kTerminalCode,
  kTerminalAddress,
  kProductName,
  kSpecification,
  kBatchNo,
  kQuantity,
  kUnitPrice,
  kAmount,  // 金额 = quantity x unit price; not stored, see flow_rows.h
};
inline constexpr int kFlowFieldCount = 10;

// Every field, in order.
std::array<FlowField, kFlowFieldCount> AllFlowFields();
// "sale_date": the standard name, used by the mapping and in errors.
absl::string_view FieldName(FlowField field);
// "销售日期": the first built-in alias, the name users know the field by.
absl::string_view FieldLabel(FlowField field);
// The built-in aliases of `field`, as in the table above.
absl::Span<const absl::string_view> FieldAliases(FlowField field);

// One distributor's headers. For a field it names, only its headers mean
// that field (the built-in aliases of the field are no longer looked for);
// fields it does not name keep their built-in aliases, except a header the
// mapping gives to another field. Two headers of one field are
// alternatives (a distributor that renamed a column between months); a
// file with both is ambiguous.
struct FlowColumnMapping {
  // By FlowField: the distributor's headers of the field, as written.
  std::array<std::vector<std::string>, kFlowFieldCount> headers;
  // Rows may leave 批号 empty, and the file may have no batch column.
  bool batch_no_optional = false;
  // The worksheet of an .xlsx file holding the flow, as named on its tab;
  // "" for the first worksheet. CSV files have no sheets: ignored.
  std::string sheet;
};

// Reads a mapping from its text form, one entry a line:
//
//   # 某医药公司 (a comment)
//   销售日期=出库日期
//   数量=发货数量
//   optional=batch_no
//   sheet=销售流向
//
//  - `<field>=<header>`: the file's column `<header>` is `<field>`. The
//    field is its standard name or one of its built-in aliases (compared by
//    HeaderKey); the header is kept as written, trimmed. "＝" may be
//    written for "=";
//  - `optional=batch_no` (or `optional=批号`): rows need no batch number.
//    Only batch_no can be made optional: terminal_code, terminal_address,
//    specification, unit_price and amount are optional anyway, the others
//    are never;
//  - `sheet=<name>` (or `工作表=<name>`): in an .xlsx file, the worksheet
//    named <name> on its tab (kept as written, trimmed) holds the flow,
//    not the first one;
//  - lines end at LF (a CR before it is dropped); blank lines and lines
//    starting with "#" are skipped; every part is trimmed (TrimCell).
// INVALID_ARGUMENT naming "line N" (1-based) for the first bad line: no
// "=", an unknown field, an empty header or sheet name, a second sheet,
// invalid UTF-8, or a header already given to another field.
absl::StatusOr<FlowColumnMapping> ParseColumnMapping(absl::string_view text);

// A header row resolved: the column of each field.
struct FlowColumns {
  static constexpr int kNone = -1;
  std::array<int, kFlowFieldCount> index;  // by FlowField: 0-based column or kNone
  std::vector<std::string> headers;        // every header cell, trimmed, as written

  FlowColumns() { index.fill(kNone); }
  bool Has(FlowField field) const { return index[static_cast<int>(field)] != kNone; }
  int Index(FlowField field) const { return index[static_cast<int>(field)]; }
  // The header of the field's column as written, or "" without one.
  const std::string& Header(FlowField field) const;
};

// The header row `fields` (raw cells) resolved against `mapping` and the
// built-in aliases. Header cells are trimmed (TrimCell); empty cells and
// names of no field are columns the reader ignores. Problems, each an
// INVALID_ARGUMENT status naming a field:
//  - a cell that is not valid UTF-8 (field "column N", 1-based): the file
//    is probably GBK, to be converted with --encoding=gb18030;
//  - a header named twice, among the columns that mean a field (field: the
//    header as written): "named twice (columns 2 and 5)"; a name of no
//    field may repeat;
//  - two columns with different names meaning one field (field: its
//    standard name): "ambiguous: columns 1 (日期) and 4 (单据日期) both
//    mean 销售日期 ...";
//  - a required field without a column (field: its standard name), naming
//    the headers that were looked for; for the price, "unit_price" with the
//    headers of unit_price and amount.
// Column problems come first, in column order, then missing fields in
// FlowField order. ResolveHeaderProblems returns them all (none: `columns`
// is filled); ResolveHeader the first.
std::vector<absl::Status> ResolveHeaderProblems(absl::Span<const std::string> fields,
                                                const FlowColumnMapping& mapping,
                                                FlowColumns* columns);
absl::StatusOr<FlowColumns> ResolveHeader(absl::Span<const std::string> fields,
                                          const FlowColumnMapping& mapping);

// --- Text ---------------------------------------------------------------------

// `text` without leading and trailing white space: ASCII white space, the
// ideographic (full-width) space U+3000, no-break space U+00A0 and the byte
// order mark U+FEFF.
absl::string_view TrimCell(absl::string_view text);

// Well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
using tabular::IsValidUtf8;

// The comparison form of a name or specification (a small, fixed part of
// NFKC, without ICU): full-width ASCII U+FF01..U+FF5E becomes ASCII, "×"
// (U+00D7) and "✕" (U+2715) become "*", ASCII letters lower case, and every
// white space named by TrimCell is dropped. So "10MG×28片", "10mg*28片" and
// "１０ｍｇ＊２８片" fold alike. Invalid UTF-8 bytes are kept as they are.
std::string FoldText(absl::string_view text);

// The key headers are compared by: FoldText of the cell without "_" and "-".
std::string HeaderKey(absl::string_view header);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_MAPPING_H_
