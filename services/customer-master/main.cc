// customer-master: one governed record per customer. See services/README.md.
#include "app.h"

int main(int argc, char** argv) {
  using namespace pharmacrm;
  return runtime::ServiceMain(argc, argv, customer_master::kDefaults, customer_master::Wire);
}
