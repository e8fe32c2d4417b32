// A real single-node Kafka broker (KRaft) for integration tests.
//
// Each broker gets its own free ports and its own folder under /tmp, so tests
// and test binaries do not share state. The broker is a child of the test
// process and dies with it (see subprocess.h). Jars come from
// $PHARMACRM_KAFKA_HOME/libs, else <repo>/.cache/kafka/libs (deploy/local/
// setup.sh puts them there); configuration templates from deploy/local/kafka.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_KAFKA_BROKER_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_KAFKA_BROKER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/bus/kafka.h"

namespace pharmacrm::itest {

class KafkaBroker {
 public:
  // Partition count of the suite's topics, created by Start.
  static constexpr int kPartitions = 3;

  // Formats storage in a fresh folder, starts the broker and waits (up to
  // 60 s) until it creates bus::AllTopics() with kPartitions partitions.
  // FAILED_PRECONDITION if java or the jars are missing; UNAVAILABLE with the
  // end of the broker log if it does not come up (its folder is then kept).
  static absl::StatusOr<std::unique_ptr<KafkaBroker>> Start();

  // SIGTERM, SIGKILL after 10 s; removes the folder unless
  // PHARMACRM_ITEST_KEEP_DIRS is set.
  ~KafkaBroker();

  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

  // "127.0.0.1:<port>".
  std::string bootstrap() const;
  int port() const { return port_; }
  // 0 once killed.
  pid_t pid() const { return pid_; }
  // The broker's folder: server.properties, broker.log, kafka/ (segments).
  const std::string& dir() const { return dir_; }

  // Client options pointing at this broker.
  bus::KafkaOptions Options(absl::string_view client_id = "pharmacrm-itest") const;

  // SIGKILL, and waits until the process is gone. The broker stays down.
  void Kill();

  // The last `lines` lines of broker.log.
  std::string LogTail(int lines = 20) const;

 private:
  KafkaBroker(std::string dir, int port, int controller_port);

  absl::Status Format(const std::string& java, const std::string& libs);
  absl::Status Launch(const std::string& java, const std::string& libs);
  absl::Status WaitReady(absl::Duration timeout);
  // "<what>; last lines of <log>:\n..." for error messages.
  std::string WithLog(absl::string_view what, const std::string& log_name) const;

  const std::string dir_;
  const int port_;
  const int controller_port_;
  const pid_t owner_;  // The test process; forked children must not stop us.
  pid_t pid_ = 0;
  bool keep_dir_ = false;
};

// The broker shared by all tests of this test binary: started on first use
// (so binaries that do not call this start no broker), stopped at exit.
// Integration tests never skip: if the broker cannot start, this records a
// test failure with the reason and returns nullptr, every time it is called.
// Use as:
//   KafkaBroker* broker = SharedBroker();
//   ASSERT_NE(broker, nullptr);
// Topics are shared too; tests use unique consumer groups and keys.
KafkaBroker* SharedBroker();

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_KAFKA_BROKER_H_
