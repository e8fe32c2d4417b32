// service-desk: contact cards now; tickets, SLA and proactive tasks later.
#include "app.h"

int main(int argc, char** argv) {
  using namespace pharmacrm;
  return runtime::ServiceMain(argc, argv, service_desk::kDefaults, service_desk::Wire);
}
