// value-scoring: activity counts now; profit contribution and potential later.
#include "app.h"

int main(int argc, char** argv) {
  using namespace pharmacrm;
  return runtime::ServiceMain(argc, argv, value_scoring::kDefaults, value_scoring::Wire);
}
