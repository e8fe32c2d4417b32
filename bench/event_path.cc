// bench/event_path: commands/s through customer-master (gRPC -> RocksDB
// WriteBatch -> outbox -> Kafka) and end-to-end lag to value-scoring's
// projection, next to raw ceilings measured in the same run on the same
// machine: RocksDB WriteBatch rate, librdkafka produce rate to the same
// broker, and gRPC unary rate of an echo handler on loopback.
//
// The gRPC ceiling and the commands alternate in short slices (--rounds):
// the reported ratio is the median of the per-round ratios, and the host's
// steal time (CPU taken by other virtual machines, /proc/stat) is printed
// for both. Also reads customer-master's process_cpu_seconds_total around the
// command slices: CPU per command is the figure least moved by a noisy
// machine.
//
// Expects a broker, customer-master and value-scoring already running (see
// bench/run.sh, which starts them). Prints a Markdown table.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/http/server.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/value_scoring.grpc.pb.h"

ABSL_FLAG(std::string, kafka_bootstrap, "127.0.0.1:19092", "Broker under test");
ABSL_FLAG(std::string, customer_master, "127.0.0.1:17051", "customer-master gRPC address");
ABSL_FLAG(std::string, value_scoring, "127.0.0.1:17055", "value-scoring gRPC address");
ABSL_FLAG(int, customer_master_admin_port, 17101,
          "customer-master's admin port on 127.0.0.1 (its /metrics gives its CPU time)");
ABSL_FLAG(int, clients, 32, "Concurrent client threads (commands in flight)");
ABSL_FLAG(int, warmup_seconds, 10,
          "Commands sent before measuring, so that the broker's JIT compiler and RocksDB's "
          "memtables have settled");
ABSL_FLAG(int, seconds, 12, "Duration of each measurement");
ABSL_FLAG(int, rounds, 3,
          "The gRPC ceiling and the commands are measured in this many alternating slices "
          "of seconds/rounds each, so that a burst from a neighbour on a shared machine lands "
          "on both");
ABSL_FLAG(bool, fsync, true, "RocksDB ceiling with sync writes (as --durability=fsync)");
ABSL_FLAG(std::string, scratch, "/tmp/pharmacrm-bench", "Folder for the RocksDB ceiling");

namespace pharmacrm::bench {
namespace {

struct Result {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// The middle value; the mean of the two middle ones for an even count.
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

// Runs `op` from `threads` threads for `duration`; ops/s and latency.
Result Hammer(int threads, absl::Duration duration, const std::function<bool(int, int64_t)>& op) {
  std::atomic<int64_t> done{0};
  absl::Mutex mu;
  std::vector<double> latencies;
  absl::Time end = absl::Now() + duration;
  std::vector<std::thread> pool;
  absl::Time start = absl::Now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<double> local;
      for (int64_t i = 0; absl::Now() < end; ++i) {
        absl::Time s = absl::Now();
        if (op(t, i)) {
          ++done;
          if (i % 4 == 0) local.push_back(absl::ToDoubleMilliseconds(absl::Now() - s));
        }
      }
      absl::MutexLock lock(&mu);
      latencies.insert(latencies.end(), local.begin(), local.end());
    });
  }
  for (auto& th : pool) th.join();
  double secs = absl::ToDoubleSeconds(absl::Now() - start);
  return {done / secs, Percentile(latencies, 0.5), Percentile(latencies, 0.99)};
}

std::string Payload(size_t n) { return std::string(n, 'p'); }

Result RocksDbCeiling(int threads, absl::Duration d) {
  std::string dir = absl::StrCat(absl::GetFlag(FLAGS_scratch), "/rocksdb");
  std::filesystem::remove_all(dir);
  auto store = *store::Store::Open({dir, absl::GetFlag(FLAGS_fsync)});
  std::string value = Payload(300);
  v1::OutboxRecord record;
  record.set_topic("t");
  record.set_value(value);
  v1::IdempotencyRecord idem;
  idem.set_response(value);
  Result r = Hammer(threads, d, [&](int t, int64_t i) {
    store::Batch b;
    std::string key = absl::StrCat(t, "-", i);
    b.Put(store::Family::kState, key, value);
    b.AppendOutbox(record);
    b.PutIdempotency(key, idem);
    return store->Write(std::move(b)).ok();
  });
  store.reset();
  std::filesystem::remove_all(dir);
  return r;
}

class CountingDr : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    if (m.err() == RdKafka::ERR_NO_ERROR) ++ok;
  }
  std::atomic<int64_t> ok{0};
};

Result KafkaCeiling(absl::Duration d) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  CountingDr dr;
  conf->set("bootstrap.servers", absl::GetFlag(FLAGS_kafka_bootstrap), err);
  conf->set("enable.idempotence", "true", err);
  conf->set("acks", "all", err);
  conf->set("linger.ms", "5", err);
  conf->set("compression.type", "lz4", err);
  conf->set("dr_cb", &dr, err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  std::string value = Payload(300);
  absl::Time start = absl::Now(), end = start + d;
  int64_t i = 0;
  while (absl::Now() < end) {
    std::string key = absl::StrCat("k", i++ % 1000);
    while (p->produce("pharmacrm.bench.v1", RdKafka::Topic::PARTITION_UA,
                      RdKafka::Producer::RK_MSG_COPY, value.data(), value.size(), key.data(),
                      key.size(), 0, nullptr) == RdKafka::ERR__QUEUE_FULL) {
      p->poll(1);
    }
    if (i % 1000 == 0) p->poll(0);
  }
  p->flush(30000);
  return {dr.ok / absl::ToDoubleSeconds(absl::Now() - start), 0, 0};
}

// The cheapest unary handler there is: answers a fixed Customer.
class EchoService final : public v1::CustomerMaster::Service {
  grpc::Status GetCustomer(grpc::ServerContext*, const v1::GetCustomerRequest* req,
                           v1::Customer* resp) override {
    resp->set_id(req->customer_id());
    resp->mutable_profile()->set_name("北京协和医院");
    return grpc::Status::OK;
  }
};

std::vector<std::unique_ptr<v1::CustomerMaster::Stub>> Stubs(const std::string& target, int n) {
  std::vector<std::unique_ptr<v1::CustomerMaster::Stub>> stubs;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("pharmacrm.channel", i);  // Distinct channels: one connection each.
    stubs.push_back(v1::CustomerMaster::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
  }
  return stubs;
}

Result EchoCalls(std::vector<std::unique_ptr<v1::CustomerMaster::Stub>>& stubs, int threads,
                 absl::Duration d) {
  return Hammer(threads, d, [&](int t, int64_t) {
    grpc::ClientContext ctx;
    v1::GetCustomerRequest req;
    req.set_customer_id("c-1");
    v1::Customer resp;
    return stubs[t]->GetCustomer(&ctx, req, &resp).ok();
  });
}

// CPU time of the whole machine and the part stolen by the host, in ticks.
struct CpuTicks {
  double total = 0;
  double steal = 0;
};
CpuTicks ReadCpuTicks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double v[8] = {0};
  in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
  CpuTicks t;
  for (double x : v) t.total += x;
  t.steal = v[7];
  return t;
}

v1::RegisterCustomerRequest Command(const std::string& request_id) {
  v1::RegisterCustomerRequest req;
  req.set_request_id(request_id);
  req.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  req.mutable_profile()->set_name("北京协和医院");
  req.mutable_profile()->set_province("北京市");
  req.mutable_profile()->set_city("北京市");
  req.mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  return req;
}

// customer-master's process_cpu_seconds_total, or -1 if unreadable.
double CustomerMasterCpuSeconds() {
  auto r = http::Fetch("127.0.0.1", absl::GetFlag(FLAGS_customer_master_admin_port), "GET",
                       "/metrics");
  if (!r.ok() || r->status != 200) return -1;
  for (absl::string_view line : absl::StrSplit(r->body, '\n')) {
    if (absl::ConsumePrefix(&line, "process_cpu_seconds_total ")) {
      double v = 0;
      if (absl::SimpleAtod(line, &v)) return v;
    }
  }
  return -1;
}

Result Commands(std::vector<std::unique_ptr<v1::CustomerMaster::Stub>>& stubs, int threads,
                absl::Duration d, const std::string& run) {
  return Hammer(threads, d, [&](int t, int64_t i) {
    grpc::ClientContext ctx;
    v1::Customer resp;
    return stubs[t]->RegisterCustomer(&ctx, Command(absl::StrCat(run, "-", t, "-", i)), &resp).ok();
  });
}

// Paced commands at `rate`/s from 8 sender threads; every 10th customer is
// handed to poller threads that ask value-scoring every millisecond until the
// customer's projection exists: lag = visible - acknowledged.
Result Lag(double rate, absl::Duration d, const std::string& run) {
  constexpr int kSenders = 8;
  constexpr int kPollers = 4;
  auto stubs = Stubs(absl::GetFlag(FLAGS_customer_master), kSenders);
  absl::Mutex mu;
  std::deque<std::pair<std::string, absl::Time>> to_poll;
  bool senders_done = false;
  std::vector<double> lags;
  std::atomic<int64_t> sent{0};
  absl::Time start = absl::Now();
  absl::Duration interval = absl::Seconds(kSenders / rate);
  std::vector<std::thread> pool;
  for (int t = 0; t < kPollers; ++t) {
    pool.emplace_back([&] {
      auto scoring = v1::ValueScoring::NewStub(rpc::MakeChannel(absl::GetFlag(FLAGS_value_scoring)));
      while (true) {
        std::pair<std::string, absl::Time> item;
        {
          absl::MutexLock lock(&mu);
          auto ready = [&] { return senders_done || !to_poll.empty(); };
          mu.Await(absl::Condition(&ready));
          if (to_poll.empty()) return;
          item = to_poll.front();
          to_poll.pop_front();
        }
        v1::GetCustomerValueRequest q;
        q.set_customer_id(item.first);
        absl::Time give_up = item.second + absl::Seconds(10);
        while (absl::Now() < give_up) {
          grpc::ClientContext qctx;
          v1::CustomerValue v;
          if (scoring->GetCustomerValue(&qctx, q, &v).ok()) {
            absl::MutexLock lock(&mu);
            lags.push_back(absl::ToDoubleMilliseconds(absl::Now() - item.second));
            break;
          }
          absl::SleepFor(absl::Milliseconds(1));
        }
      }
    });
  }
  std::vector<std::thread> senders;
  for (int t = 0; t < kSenders; ++t) {
    senders.emplace_back([&, t] {
      absl::Time next = start + interval * t / kSenders;
      for (int64_t i = 0; next < start + d; ++i, next += interval) {
        absl::SleepFor(next - absl::Now());
        grpc::ClientContext ctx;
        v1::Customer resp;
        if (!stubs[t]->RegisterCustomer(&ctx, Command(absl::StrCat(run, "-", t, "-", i)), &resp).ok()) {
          continue;
        }
        ++sent;
        if (i % 10 == 0) {
          absl::MutexLock lock(&mu);
          to_poll.emplace_back(resp.id(), absl::Now());
        }
      }
    });
  }
  for (auto& th : senders) th.join();
  double secs = absl::ToDoubleSeconds(absl::Now() - start);
  {
    absl::MutexLock lock(&mu);
    senders_done = true;
  }
  for (auto& th : pool) th.join();
  return {sent / secs, Percentile(lags, 0.5), Percentile(lags, 0.99)};
}

int Main() {
  int clients = absl::GetFlag(FLAGS_clients);
  absl::Duration d = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::string run = absl::StrCat("bench-", absl::ToUnixMillis(absl::Now()));
  auto cm_stubs = Stubs(absl::GetFlag(FLAGS_customer_master), clients);
  EchoService echo;
  auto echo_server = *rpc::StartGrpcServer({"127.0.0.1", 0, 4 << 20}, {&echo});
  auto echo_stubs = Stubs(absl::StrCat("127.0.0.1:", echo_server.port), clients);
  // Warm up the whole path first (the broker's JIT, RocksDB, connections).
  std::fprintf(stderr, "warming up...\n");
  Commands(cm_stubs, clients, absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds)), run + "-warmup");
  EchoCalls(echo_stubs, clients, absl::Seconds(1));
  // The produce ceiling runs before the commands: it also finishes warming
  // the broker (its JIT compiles the produce and fetch paths under heavy
  // load); run after them, the compilation landed on the commands and the lag.
  std::fprintf(stderr, "measuring Kafka ceiling...\n");
  Result kafka = KafkaCeiling(d);
  std::fprintf(stderr, "measuring RocksDB ceiling...\n");
  Result rocks = RocksDbCeiling(clients, d);

  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  const absl::Duration slice = d / rounds;
  std::vector<Result> grpc_slices, cmd_slices;
  std::vector<double> ratios;
  double cpu_seconds = 0, commands = 0;
  CpuTicks grpc_ticks, cmd_ticks;
  for (int r = 0; r < rounds; ++r) {
    std::fprintf(stderr, "round %d/%d: gRPC ceiling, then commands through customer-master...\n",
                 r + 1, rounds);
    CpuTicks a = ReadCpuTicks();
    grpc_slices.push_back(EchoCalls(echo_stubs, clients, slice));
    CpuTicks b = ReadCpuTicks();
    double cpu_before = CustomerMasterCpuSeconds();
    cmd_slices.push_back(Commands(cm_stubs, clients, slice, absl::StrCat(run, "-max", r)));
    double cpu_after = CustomerMasterCpuSeconds();
    CpuTicks c = ReadCpuTicks();
    grpc_ticks.total += b.total - a.total;
    grpc_ticks.steal += b.steal - a.steal;
    cmd_ticks.total += c.total - b.total;
    cmd_ticks.steal += c.steal - b.steal;
    if (cpu_before >= 0 && cpu_after >= 0) cpu_seconds += cpu_after - cpu_before;
    commands += cmd_slices.back().per_second * absl::ToDoubleSeconds(slice);
    ratios.push_back(cmd_slices.back().per_second / grpc_slices.back().per_second);
  }
  echo_server.server->Shutdown();
  auto median_of = [](const std::vector<Result>& v, double Result::*field) {
    std::vector<double> x;
    for (const auto& r : v) x.push_back(r.*field);
    return Median(x);
  };
  Result grpc{median_of(grpc_slices, &Result::per_second), median_of(grpc_slices, &Result::p50_ms),
              median_of(grpc_slices, &Result::p99_ms)};
  Result cmd{median_of(cmd_slices, &Result::per_second), median_of(cmd_slices, &Result::p50_ms),
             median_of(cmd_slices, &Result::p99_ms)};
  double ratio = Median(ratios);
  double cpu_ms_per_cmd = commands > 0 && cpu_seconds > 0 ? cpu_seconds * 1e3 / commands : -1;
  std::fprintf(stderr, "measuring lag at half load...\n");
  Result lag = Lag(cmd.per_second / 2, d, run + "-lag");

  std::printf("| measurement | rate | p50 | p99 | ratio |\n|---|---|---|---|---|\n");
  std::printf("| gRPC unary ceiling (echo handler, %d in flight; median of %d slices) | %.0f /s | %.2f ms | %.2f ms | 1.00 |\n",
              clients, rounds, grpc.per_second, grpc.p50_ms, grpc.p99_ms);
  std::printf("| RocksDB WriteBatch ceiling (3 puts, %s, %d writers) | %.0f /s | %.2f ms | %.2f ms | %.2f of gRPC |\n",
              absl::GetFlag(FLAGS_fsync) ? "fsync" : "no fsync", clients, rocks.per_second,
              rocks.p50_ms, rocks.p99_ms, rocks.per_second / grpc.per_second);
  std::printf("| librdkafka produce ceiling (300 B, idempotent, acks=all) | %.0f /s | | | %.2f of gRPC |\n",
              kafka.per_second, kafka.per_second / grpc.per_second);
  std::printf("| RegisterCustomer through customer-master (%d in flight; median of %d slices, each after a gRPC slice) | %.0f /s | %.2f ms | %.2f ms | **%.2f of gRPC** (median of the rounds' ratios) |\n",
              clients, rounds, cmd.per_second, cmd.p50_ms, cmd.p99_ms, ratio);
  std::printf("| lag to value-scoring's projection at %.0f commands/s | | %.1f ms | %.1f ms | |\n",
              lag.per_second, lag.p50_ms, lag.p99_ms);
  std::printf("\ncustomer-master CPU per RegisterCustomer at full load: %.3f ms "
              "(command, outbox relay to Kafka, in-memory search index)\n",
              cpu_ms_per_cmd);
  std::printf("rounds' ratios:");
  for (double r : ratios) std::printf(" %.2f", r);
  std::printf("\nhost steal time (CPU taken by other machines): %.0f%% during the gRPC slices, "
              "%.0f%% during the command slices\n",
              grpc_ticks.total > 0 ? 100 * grpc_ticks.steal / grpc_ticks.total : 0,
              cmd_ticks.total > 0 ? 100 * cmd_ticks.steal / cmd_ticks.total : 0);
  return 0;
}

}  // namespace
}  // namespace pharmacrm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return pharmacrm::bench::Main();
}
