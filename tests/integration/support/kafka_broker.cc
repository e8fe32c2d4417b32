#include "support/kafka_broker.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "support/ports.h"
#include "support/subprocess.h"

#ifndef PHARMACRM_SOURCE_DIR
#error "PHARMACRM_SOURCE_DIR must be defined (tests/integration/CMakeLists.txt)"
#endif
#ifndef PHARMACRM_DEFAULT_KAFKA_HOME
#error "PHARMACRM_DEFAULT_KAFKA_HOME must be defined (tests/integration/CMakeLists.txt)"
#endif

namespace pharmacrm::itest {
namespace {

namespace fs = std::filesystem;

// Each broker has its own folder, so one fixed cluster id is enough (the
// same one deploy/local/kafka.sh uses).
constexpr char kClusterId[] = "q1Sh-9_ISia_zwGINzRvyQ";
constexpr absl::Duration kFormatTimeout = absl::Seconds(60);
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopGrace = absl::Seconds(10);
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);
constexpr int kLogTailLines = 20;

std::string KafkaDeployDir() { return absl::StrCat(PHARMACRM_SOURCE_DIR, "/deploy/local/kafka"); }

std::string KafkaLibsDir() {
  const char* home = std::getenv("PHARMACRM_KAFKA_HOME");
  return absl::StrCat(home != nullptr && *home != '\0' ? home : PHARMACRM_DEFAULT_KAFKA_HOME,
                      "/libs");
}

std::string Log4jOption() {
  return absl::StrCat("-Dlog4j2.configurationFile=", KafkaDeployDir(), "/log4j2.properties");
}

bool HasKafkaJar(const std::string& libs) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(libs, ec)) {
    const std::string name = e.path().filename().string();
    if (absl::StartsWith(name, "kafka_2.13-") && absl::EndsWith(name, ".jar")) return true;
  }
  return false;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

KafkaBroker::KafkaBroker(std::string dir, int port, int controller_port)
    : dir_(std::move(dir)), port_(port), controller_port_(controller_port), owner_(::getpid()) {}

absl::StatusOr<std::unique_ptr<KafkaBroker>> KafkaBroker::Start() {
  const std::string libs = KafkaLibsDir();
  if (!HasKafkaJar(libs)) {
    return absl::FailedPreconditionError(
        absl::StrCat("Kafka jars not found in ", libs,
                     "; run `make setup` (deploy/local/setup.sh) or set PHARMACRM_KAFKA_HOME"));
  }
  const std::string java = FindInPath("java");
  if (java.empty()) {
    return absl::FailedPreconditionError(
        "java not found in PATH; run `make setup` (deploy/local/setup.sh)");
  }

  const int port = FreePort();
  const int controller_port = FreePort();
  std::unique_ptr<KafkaBroker> broker(
      new KafkaBroker(TempDir("pharmacrm-kafka-"), port, controller_port));
  // Until the broker is up, its folder holds the only explanation of a
  // failure: keep it.
  broker->keep_dir_ = true;
  if (absl::Status s = broker->Format(java, libs); !s.ok()) return s;
  if (absl::Status s = broker->Launch(java, libs); !s.ok()) return s;
  if (absl::Status s = broker->WaitReady(kStartTimeout); !s.ok()) return s;
  broker->keep_dir_ = false;
  return broker;
}

absl::Status KafkaBroker::Format(const std::string& java, const std::string& libs) {
  absl::StatusOr<std::string> tmpl = ReadFile(KafkaDeployDir() + "/server.properties.in");
  if (!tmpl.ok()) return tmpl.status();
  const std::string props_path = dir_ + "/server.properties";
  const std::string props =
      absl::StrReplaceAll(*tmpl, {{"@PORT@", absl::StrCat(port_)},
                                  {"@CONTROLLER_PORT@", absl::StrCat(controller_port_)},
                                  {"@LOG_DIR@", dir_ + "/kafka"}});
  if (absl::Status s = WriteFile(props_path, props); !s.ok()) return s;

  SpawnOptions format;
  format.path = java;
  format.args = {"-Xmx256m",
                 Log4jOption(),
                 "-cp",
                 libs + "/*",
                 "kafka.tools.StorageTool",
                 "format",
                 "--standalone",
                 "-t",
                 kClusterId,
                 "-c",
                 props_path};
  format.log_path = dir_ + "/format.log";
  format.cwd = dir_;
  absl::StatusOr<pid_t> pid = Spawn(format);
  if (!pid.ok()) return pid.status();
  absl::StatusOr<int> status = WaitPid(*pid, kFormatTimeout);
  if (!status.ok()) {
    ::kill(*pid, SIGKILL);
    (void)WaitPid(*pid, absl::Seconds(10));
    return absl::UnavailableError(WithLog("Kafka storage format timed out", "format.log"));
  }
  if (!ExitedWith(*status, 0)) {
    return absl::UnavailableError(WithLog(
        absl::StrCat("Kafka storage format failed (", DescribeWaitStatus(*status), ")"),
        "format.log"));
  }
  return absl::OkStatus();
}

absl::Status KafkaBroker::Launch(const std::string& java, const std::string& libs) {
  SpawnOptions server;
  server.path = java;
  server.args = {"-Xmx512m",
                 "-XX:+UseG1GC",
                 "-Djava.awt.headless=true",
                 Log4jOption(),
                 "-cp",
                 libs + "/*",
                 "kafka.Kafka",
                 dir_ + "/server.properties"};
  server.log_path = dir_ + "/broker.log";
  server.cwd = dir_;  // JVM crash files land here.
  absl::StatusOr<pid_t> pid = Spawn(server);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return absl::OkStatus();
}

absl::Status KafkaBroker::WaitReady(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::UnavailableError("port not open yet");
  while (absl::Now() < deadline) {
    if (absl::StatusOr<int> exited = WaitPid(pid_, absl::ZeroDuration()); exited.ok()) {
      pid_ = 0;
      return absl::UnavailableError(WithLog(
          absl::StrCat("Kafka broker exited during startup (", DescribeWaitStatus(*exited), ")"),
          "broker.log"));
    }
    // Cheap check first: a CreateTopics against a closed port costs the
    // whole probe timeout.
    if (!PortOpen(port_)) {
      absl::SleepFor(absl::Milliseconds(100));
      continue;
    }
    last = bus::EnsureTopics(Options("pharmacrm-itest-probe"), bus::AllTopics(), kPartitions,
                             /*replication_factor=*/1, kProbeTimeout);
    if (last.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(200));
  }
  return absl::UnavailableError(WithLog(absl::StrCat("Kafka broker at ", bootstrap(),
                                                     " not ready after ",
                                                     absl::FormatDuration(timeout), ": ",
                                                     last.message()),
                                        "broker.log"));
}

std::string KafkaBroker::WithLog(absl::string_view what, const std::string& log_name) const {
  const std::string path = dir_ + "/" + log_name;
  return absl::StrCat(what, "; last lines of ", path, ":\n", FileTail(path, kLogTailLines));
}

KafkaBroker::~KafkaBroker() {
  // A forked child (a death test, say) running exit handlers must not stop
  // the parent's broker or delete its files.
  if (::getpid() != owner_) return;
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!WaitPid(pid_, kStopGrace).ok()) {
      std::fprintf(stderr, "[itest] Kafka broker %d ignored SIGTERM for %s; sending SIGKILL\n",
                   static_cast<int>(pid_), absl::FormatDuration(kStopGrace).c_str());
      Kill();
    }
    pid_ = 0;
  }
  RemoveTestDir(dir_, "the Kafka broker folder", keep_dir_);
}

std::string KafkaBroker::bootstrap() const { return absl::StrCat("127.0.0.1:", port_); }

bus::KafkaOptions KafkaBroker::Options(absl::string_view client_id) const {
  bus::KafkaOptions options;
  options.bootstrap = bootstrap();
  options.client_id = std::string(client_id);
  return options;
}

void KafkaBroker::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  (void)WaitPid(pid_, absl::Seconds(30));
  pid_ = 0;
}

std::string KafkaBroker::LogTail(int lines) const { return FileTail(dir_ + "/broker.log", lines); }

namespace {

std::mutex shared_mu;
KafkaBroker* shared_broker = nullptr;    // Owned; deleted at exit.
absl::Status* shared_failure = nullptr;  // Set if starting failed.

void StopSharedBroker() {
  std::lock_guard<std::mutex> lock(shared_mu);
  delete shared_broker;
  shared_broker = nullptr;
}

}  // namespace

KafkaBroker* SharedBroker() {
  std::lock_guard<std::mutex> lock(shared_mu);
  if (shared_broker == nullptr && shared_failure == nullptr) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::unique_ptr<KafkaBroker>> broker = KafkaBroker::Start();
    if (broker.ok()) {
      shared_broker = broker->release();
      std::atexit(StopSharedBroker);
      std::fprintf(stderr, "[itest] Kafka broker at %s ready in %s (pid %d, folder %s)\n",
                   shared_broker->bootstrap().c_str(),
                   absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1)))
                       .c_str(),
                   static_cast<int>(shared_broker->pid()), shared_broker->dir().c_str());
    } else {
      shared_failure = new absl::Status(broker.status());
    }
  }
  if (shared_broker == nullptr) {
    ADD_FAILURE() << "The shared Kafka broker for integration tests could not be started "
                     "(integration tests need a real broker and never skip):\n"
                  << *shared_failure;
  }
  return shared_broker;
}

}  // namespace pharmacrm::itest
