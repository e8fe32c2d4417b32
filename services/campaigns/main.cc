// campaigns: the audience read model now; plans, execution and evaluation later.
#include "app.h"

int main(int argc, char** argv) {
  using namespace pharmacrm;
  return runtime::ServiceMain(argc, argv, campaigns::kDefaults, campaigns::Wire);
}
