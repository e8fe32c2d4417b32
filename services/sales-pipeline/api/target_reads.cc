#include "api/target_reads.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "domain/channel/dates.h"
#include "domain/process/organisation.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string Month(int year, int month) { return absl::StrFormat("%04d-%02d", year, month); }

// Figures of one customer in the year before the target's.
struct Figures {
  int64_t own = 0;
  int64_t all = 0;
  int months = 0;
};

}  // namespace

absl::Time YearStart(int year) {
  return channel::ChinaDayStart(absl::CivilDay(year, 1, 1));
}

absl::StatusOr<process::TargetTree> ReadTargetTree(const ChannelRepository& channel,
                                                   const ControlRepository& control,
                                                   const ProcessRepository& process,
                                                   absl::string_view product_id, int year,
                                                   absl::string_view drug_class,
                                                   const process::DoctorClassRule& doctors,
                                                   absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::vector<v1::Territory> territories, process.Territories());
  ASSIGN_OR_RETURN(std::vector<v1::Customer> customers, channel.KnownCustomers());

  // Where each customer stood on 1 January.
  const absl::Time start = YearStart(year);
  absl::flat_hash_map<std::string, std::string> territory_of;
  ASSIGN_OR_RETURN(std::vector<v1::AlignmentHistory> alignments, process.CustomerAlignments());
  for (const v1::AlignmentHistory& h : alignments) {
    if (h.alignments().empty()) continue;
    territory_of[h.alignments(0).subject_id()] = process::TerritoryAt(h, start);
  }

  // The class's figures of the year before, per customer.
  absl::flat_hash_map<std::string, Figures> figures;
  RETURN_IF_ERROR(process.ScanMetrics(Month(year - 1, 1), Month(year - 1, 12),
                                      [&](const v1::CustomerMetrics& m) {
                                        process::ClassFigures f =
                                            process::ClassFiguresOf(m, drug_class);
                                        Figures& sum = figures[m.customer_id()];
                                        sum.own += f.own;
                                        sum.all += f.all;
                                        ++sum.months;
                                        return true;
                                      }));

  // Doctors' classes, counted at their hospitals.
  struct DoctorCounts {
    int64_t a = 0, b = 0, c = 0;
  };
  absl::flat_hash_map<std::string, DoctorCounts> doctors_at;
  for (const v1::Customer& c : customers) {
    if (c.profile().kind() != v1::CUSTOMER_KIND_DOCTOR || c.status() != v1::CUSTOMER_STATUS_ACTIVE ||
        c.profile().hospital_id().empty()) {
      continue;
    }
    auto f = figures.find(c.id());
    if (f == figures.end()) continue;
    DoctorCounts& counts = doctors_at[c.profile().hospital_id()];
    switch (process::ClassifyDoctor(f->second.all, f->second.months, doctors)) {
      case process::DoctorClass::kA:
        ++counts.a;
        break;
      case process::DoctorClass::kB:
        ++counts.b;
        break;
      case process::DoctorClass::kC:
        ++counts.c;
        break;
      case process::DoctorClass::kNone:
        break;
    }
  }

  const std::string from = Month(year - 2, 1);
  const std::string last_year_from = Month(year - 1, 1);
  const std::string this_year_from = Month(year, 1);
  const std::string to = channel::FormatMonth(absl::CivilMonth(today));
  std::vector<process::TargetCustomer> out;
  for (const v1::Customer& c : customers) {
    const v1::CustomerKind kind = c.profile().kind();
    if ((kind != v1::CUSTOMER_KIND_HOSPITAL && kind != v1::CUSTOMER_KIND_PHARMACY) ||
        c.status() != v1::CUSTOMER_STATUS_ACTIVE) {
      continue;
    }
    process::TargetCustomer t;
    t.id = c.id();
    t.name = c.profile().name();
    t.kind = kind;
    t.grade = c.profile().hospital_grade();
    if (auto it = territory_of.find(c.id()); it != territory_of.end()) t.territory_id = it->second;
    if (auto it = figures.find(c.id()); it != figures.end()) {
      t.has_metrics = true;
      t.own_prescriptions = it->second.own;
      t.market = it->second.all;
    }
    if (auto it = doctors_at.find(c.id()); it != doctors_at.end()) {
      t.doctors_a = it->second.a;
      t.doctors_b = it->second.b;
      t.doctors_c = it->second.c;
    }
    ASSIGN_OR_RETURN(std::vector<v1::SalesFact> facts,
                     control.CustomerFacts(c.id(), from, std::max(to, Month(year - 1, 12))));
    for (const v1::SalesFact& f : facts) {
      if (f.product_id() != product_id) continue;
      if (f.month() < last_year_from) {
        t.sales_year_before += f.quantity();
      } else if (f.month() < this_year_from) {
        t.last_year_sales += f.quantity();
        absl::StatusOr<absl::CivilMonth> m = channel::ParseMonth(f.month(), "month");
        if (m.ok()) t.last_year_by_month[static_cast<size_t>(m->month() - 1)] += f.quantity();
      } else if (f.month() <= to && f.month() <= Month(year, 12)) {
        t.sold_so_far += f.quantity();
      }
    }
    out.push_back(std::move(t));
  }
  return process::BuildTargetTree(territories, out);
}

}  // namespace pharmacrm::sales_pipeline
