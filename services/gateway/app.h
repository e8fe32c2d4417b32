// Wires and runs the gateway: HTTP/JSON API, gRPC Gateway service, admin
// port. It keeps nothing durable. Flags: --http_port --grpc_port
// --admin_port --grpc_host --{customer_master,sales_pipeline,campaigns,
// service_desk,value_scoring}_addr --query_deadline_ms --command_deadline_ms
// --max_body_bytes --http_threads (each also PHARMACRM_<FLAG>).
#ifndef PHARMACRM_SERVICES_GATEWAY_APP_H_
#define PHARMACRM_SERVICES_GATEWAY_APP_H_

namespace pharmacrm::gateway {

int GatewayMain(int argc, char** argv);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_APP_H_
