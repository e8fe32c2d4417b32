// gateway: the HTTP/JSON and gRPC front door; aggregates the services.
#include "app.h"

int main(int argc, char** argv) { return pharmacrm::gateway::GatewayMain(argc, argv); }
