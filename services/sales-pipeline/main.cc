// sales-pipeline: visits now; targets, orders and distributor flow later.
#include "app.h"

int main(int argc, char** argv) {
  using namespace pharmacrm;
  return runtime::ServiceMain(argc, argv, sales_pipeline::kDefaults, sales_pipeline::Wire);
}
