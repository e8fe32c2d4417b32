// pharmacrm-demo-data: writes the demo data set (customers or their monthly
// metrics) as JSON Lines or CSV, the same bytes for the same seed and size.
//
//   pharmacrm-demo-data --size=small --format=csv --out=customers.csv
//   pharmacrm-demo-data --what=metrics --months=12 --out=metrics.jsonl
//   pharmacrm-demo-data --size=small --what=channel --out_dir=channel
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "channel.h"
#include "channel_files.h"
#include "format.h"
#include "generator.h"

ABSL_FLAG(uint64_t, seed, 20261127, "Seed of the data set");
ABSL_FLAG(std::string, size, "full",
          "small (30 hospitals, 300 doctors, 100 pharmacies, 10 distributors, 3 months) or full "
          "(3000, 60000, 20000, 500, 24 months)");
ABSL_FLAG(int, hospitals, -1, "Hospitals, overriding --size (-1: the size's)");
ABSL_FLAG(int, doctors, -1, "Doctors, overriding --size");
ABSL_FLAG(int, pharmacies, -1, "Pharmacies, overriding --size");
ABSL_FLAG(int, contacts_per_pharmacy, -1, "Contacts per pharmacy, overriding --size");
ABSL_FLAG(int, distributors, -1, "Distributors, overriding --size");
ABSL_FLAG(int, months, -1, "Months of metrics up to 2026-10, overriding --size");
ABSL_FLAG(double, duplicate_rate, -1, "Share of deliberate duplicates (default 0.02)");
ABSL_FLAG(double, dirty_rate, -1, "Share of records an import must reject (default 0.05)");
ABSL_FLAG(std::string, format, "jsonl", "jsonl or csv");
ABSL_FLAG(std::string, what, "customers",
          "customers, metrics or channel (the distributor channel of the customers: products, "
          "accounts, sell-in, payments, flow files, stock reports; written to --out_dir)");
ABSL_FLAG(std::string, out, "", "Output file (default: standard output)");
ABSL_FLAG(std::string, out_dir, "", "--what=channel: the directory the files are written to");

namespace pharmacrm::demo {
namespace {

// Buffered output to a file or standard output; errors surface at Close.
class Output {
 public:
  static absl::StatusOr<Output> Open(const std::string& path) {
    if (path.empty() || path == "-") return Output(stdout, "standard output");
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path, " for writing"));
    }
    return Output(f, path);
  }

  void Write(absl::string_view text) {
    buffer_.append(text.data(), text.size());
    if (buffer_.size() >= kFlushBytes) Flush();
  }

  absl::Status Close() {
    Flush();
    const bool failed = std::ferror(file_) != 0;
    const bool close_failed = file_ == stdout ? std::fflush(file_) != 0 : std::fclose(file_) != 0;
    if (failed || close_failed || !write_ok_) {
      return absl::DataLossError(absl::StrCat("writing ", name_, " failed"));
    }
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;

  Output(FILE* file, std::string name) : file_(file), name_(std::move(name)) {}

  void Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      write_ok_ = false;
    }
    buffer_.clear();
  }

  FILE* file_;
  std::string name_;
  std::string buffer_;
  bool write_ok_ = true;
};

absl::StatusOr<DemoSize> SizeFromFlags() {
  DemoSize size;
  const std::string preset = absl::GetFlag(FLAGS_size);
  if (preset == "small") {
    size = SmallDemoSize();
  } else if (preset != "full") {
    return absl::InvalidArgumentError(
        absl::StrCat("--size must be small or full, got \"", preset, "\""));
  }
  auto override_int = [](int flag, int* field) {
    if (flag >= 0) *field = flag;
  };
  override_int(absl::GetFlag(FLAGS_hospitals), &size.hospitals);
  override_int(absl::GetFlag(FLAGS_doctors), &size.doctors);
  override_int(absl::GetFlag(FLAGS_pharmacies), &size.pharmacies);
  override_int(absl::GetFlag(FLAGS_contacts_per_pharmacy), &size.contacts_per_pharmacy);
  override_int(absl::GetFlag(FLAGS_distributors), &size.distributors);
  override_int(absl::GetFlag(FLAGS_months), &size.months);
  if (absl::GetFlag(FLAGS_duplicate_rate) >= 0)
    size.duplicate_rate = absl::GetFlag(FLAGS_duplicate_rate);
  if (absl::GetFlag(FLAGS_dirty_rate) >= 0) size.dirty_rate = absl::GetFlag(FLAGS_dirty_rate);
  if (absl::Status s = ValidateDemoSize(size); !s.ok()) return s;
  return size;
}

absl::Status WriteChannel(const DemoSize& size) {
  const std::string dir = absl::GetFlag(FLAGS_out_dir);
  if (dir.empty()) return absl::InvalidArgumentError("--what=channel needs --out_dir");
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<ChannelDemo> demo = GenerateChannelDemo(size, seed);
  if (!demo.ok()) return demo.status();
  if (absl::Status s = WriteChannelDemo(*demo, dir); !s.ok()) return s;
  int64_t rows = 0;
  for (const ChannelFlowFile& f : demo->flows) rows += static_cast<int64_t>(f.rows.size());
  absl::FPrintF(stderr,
                "pharmacrm-demo-data: channel in %s: %d products, %d accounts, %d shipments, "
                "%d payments, %d flow files (%d rows), %d stock reports, %s..%s, seed %d\n",
                dir, demo->products.size(), demo->accounts.size(), demo->shipments.size(),
                demo->payments.size(), demo->flows.size(), rows, demo->stock_reports.size(),
                demo->months.front(), demo->months.back(), seed);
  return absl::OkStatus();
}

absl::Status Run() {
  absl::StatusOr<DemoSize> size = SizeFromFlags();
  if (!size.ok()) return size.status();
  const std::string format = absl::GetFlag(FLAGS_format);
  const std::string what = absl::GetFlag(FLAGS_what);
  if (format != "jsonl" && format != "csv") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format must be jsonl or csv, got \"", format, "\""));
  }
  if (what != "customers" && what != "metrics" && what != "channel") {
    return absl::InvalidArgumentError(
        absl::StrCat("--what must be customers, metrics or channel, got \"", what, "\""));
  }
  if (what == "channel") return WriteChannel(*size);
  const bool csv = format == "csv";
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<Output> out = Output::Open(absl::GetFlag(FLAGS_out));
  if (!out.ok()) return out.status();

  const DemoDataGenerator generator;
  absl::Status error;
  std::map<std::string, int64_t> counts;  // By kind or figures; ordered for the summary.
  int64_t total = 0;
  std::string summary;
  if (what == "customers") {
    int64_t duplicates = 0;
    int64_t dirty = 0;
    if (csv) out->Write(CustomerCsvHeader());
    generator.Generate(*size, seed, [&](const DemoRecord& r) {
      if (!error.ok()) return;
      ++total;
      ++counts[r.external_id.substr(0, r.external_id.find('-'))];
      if (!r.duplicate_of.empty()) ++duplicates;
      if (r.dirty) ++dirty;
      if (csv) {
        out->Write(CustomerCsvRow(r));
        return;
      }
      absl::StatusOr<std::string> line = CustomerJsonLine(r);
      if (!line.ok()) {
        error = line.status();
        return;
      }
      out->Write(*line);
      out->Write("\n");
    });
    if (!error.ok()) return error;
    summary = absl::StrFormat(
        "%d customers (HOSP %d, DOC %d, PHA %d, CON %d, DIS %d), %d duplicates, %d dirty, "
        "seed %d",
        total, counts["HOSP"], counts["DOC"], counts["PHA"], counts["CON"], counts["DIS"],
        duplicates, dirty, seed);
  } else {
    if (csv) out->Write(MetricsCsvHeader());
    generator.GenerateMetrics(
        *size, seed, [&](const std::string& external_id, const v1::CustomerMetrics& m) {
          if (!error.ok()) return;
          ++total;
          const auto* figures = m.GetDescriptor()->FindFieldByNumber(m.figures_case());
          ++counts[figures != nullptr ? figures->name() : "none"];
          if (csv) {
            out->Write(MetricsCsvRows(external_id, m));
            return;
          }
          absl::StatusOr<std::string> line = MetricsJsonLine(external_id, m);
          if (!line.ok()) {
            error = line.status();
            return;
          }
          out->Write(*line);
          out->Write("\n");
        });
    if (!error.ok()) return error;
    summary =
        absl::StrFormat("%d metrics records (%s), %d months to 2026-10, seed %d", total,
                        absl::StrJoin(counts, ", ", absl::PairFormatter(" ")), size->months, seed);
  }
  if (absl::Status closed = out->Close(); !closed.ok()) return closed;
  absl::FPrintF(stderr, "pharmacrm-demo-data: %s\n", summary);
  return absl::OkStatus();
}

}  // namespace
}  // namespace pharmacrm::demo

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes the PharmaCRM demo data set (customers or monthly metrics) as JSON Lines or CSV.\n"
      "Same seed and size, same bytes. Customers: hospitals, doctors, pharmacies with their "
      "contacts, distributors, including deliberate duplicates and dirty rows. Metrics CSV has "
      "one line per drug class.");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = pharmacrm::demo::Run();
  if (!status.ok()) {
    absl::FPrintF(stderr, "pharmacrm-demo-data: %s\n", status.ToString());
    return 1;
  }
  return 0;
}
