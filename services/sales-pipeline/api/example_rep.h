// Test support: a person of the sales organisation as the sales process's
// API tests and crash test create them (employed from 2025-01-02, ¥15,000 a
// month from 2025-01).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_REP_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_REP_H_

#include <string>

#include "pharmacrm/v1/sales_process.pb.h"

namespace pharmacrm::sales_pipeline::testing_data {

inline v1::Rep ExampleRep(const std::string& id, v1::SalesRole role, const std::string& manager) {
  v1::Rep rep;
  rep.set_id(id);
  rep.set_name(id);
  rep.set_role(role);
  rep.set_manager_id(manager);
  rep.set_start_date("2025-01-02");
  v1::RepCost* cost = rep.add_costs();
  cost->set_from_month("2025-01");
  cost->set_salary_fen(1'500'000);
  return rep;
}

}  // namespace pharmacrm::sales_pipeline::testing_data

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_EXAMPLE_REP_H_
