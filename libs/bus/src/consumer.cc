#include "pharmacrm/bus/consumer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "pharmacrm/core/crash.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "src/internal.h"

namespace pharmacrm::bus {

bool IsPoison(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kNotFound:
      return true;
    default:
      return false;
  }
}

class EventConsumer::Impl : public RdKafka::RebalanceCb {
 public:
  // Most records applied in one RocksDB commit.
  static constexpr size_t kMaxBatch = 500;
  // How long Stop waits for Kafka to answer the close (Close).
  static constexpr absl::Duration kCloseTimeout = absl::Seconds(5);

  Impl(store::Store* store, ConsumerOptions options, ApplyFn apply)
      : store_(store),
        options_(std::move(options)),
        apply_(std::move(apply)),
        events_(prometheus::BuildCounter()
                    .Name("pharmacrm_consumer_events_total")
                    .Help("Records handled by the consumer, by outcome")
                    .Register(core::Metrics())) {}

  absl::Status Start() {
    if (options_.group_id.empty()) return absl::InvalidArgumentError("group_id: must be set");
    ASSIGN_OR_RETURN(auto conf,
                     internal::MakeConf(options_.kafka, {{"group.id", options_.group_id},
                                                         {"enable.auto.offset.store", "false"},
                                                         {"enable.auto.commit", "true"},
                                                         {"auto.offset.reset", "earliest"},
                                                         {"enable.partition.eof", "false"},
                                                         // Fewer, fuller fetches: at most
                                                         // 20 ms more lag, much less broker
                                                         // CPU under load.
                                                         {"fetch.wait.max.ms", "20"},
                                                         {"fetch.min.bytes", "65536"}}));
    if (!options_.group_instance_id.empty()) {
      RETURN_IF_ERROR(internal::Set(conf.get(), "group.instance.id", options_.group_instance_id));
    }
    RETURN_IF_ERROR(internal::Set(conf.get(), "session.timeout.ms",
                                  std::to_string(options_.session_timeout_ms)));
    std::string err;
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), err) !=
        RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer_) return absl::InternalError(absl::StrCat("kafka consumer: ", err));

    ASSIGN_OR_RETURN(auto pconf, internal::MakeConf(options_.kafka, internal::ProducerDefaults()));
    (void)internal::Set(pconf.get(), "message.timeout.ms", "30000");
    dlq_.reset(RdKafka::Producer::create(pconf.get(), err));
    if (!dlq_) return absl::InternalError(absl::StrCat("kafka dlq producer: ", err));

    RdKafka::ErrorCode e = consumer_->subscribe(options_.topics);
    if (e != RdKafka::ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("subscribe: ", RdKafka::err2str(e)));
    }
    running_ = true;
    thread_ = std::thread([this] { Run(); });
    return absl::OkStatus();
  }

  void Stop() {
    if (!running_.exchange(false)) return;
    absl::Time deadline = absl::Now() + kCloseTimeout;
    if (thread_.joinable()) thread_.join();
    Close(deadline);
    dlq_->flush(RemainingMs(deadline));
    if (dlq_->outq_len() > 0) {
      // Not confirmed: the record's offset was not recorded, so it is read
      // and dead-lettered again at the next start.
      dlq_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT |
                  RdKafka::Producer::PURGE_NON_BLOCKING);
      dlq_->poll(0);
    }
  }

  ConsumerStats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }
  bool assigned() const { return assigned_.load(); }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (RdKafka::TopicPartition* p : partitions) {
        absl::StatusOr<std::optional<int64_t>> stored =
            store_->ConsumedOffset(p->topic(), p->partition());
        if (!stored.ok()) {
          // Without the stored offset we cannot know what was applied; the
          // process must not guess.
          core::Log(core::LogLevel::kError, "consumer: cannot read stored offset",
                    {{"error", stored.status().ToString()}});
          std::abort();
        }
        p->set_offset(stored->has_value() ? **stored + 1 : RdKafka::Topic::OFFSET_BEGINNING);
      }
      consumer->assign(partitions);
      assigned_ = true;
    } else {
      consumer->unassign();
    }
  }

 private:
  static int RemainingMs(absl::Time deadline) {
    return static_cast<int>(
        std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
  }

  // KafkaConsumer::close() waits for the group coordinator, without bound
  // while the broker does not answer (librdkafka issue 4519). Closed in the
  // background and waited for until `deadline` instead; a consumer still
  // closing then is left to the process's exit rather than destroyed, since
  // destroying it would wait the same way.
  void Close(absl::Time deadline) {
    std::unique_ptr<RdKafka::Queue> queue(RdKafka::Queue::create(consumer_.get()));
    std::unique_ptr<RdKafka::Error> error(consumer_->close(queue.get()));
    if (error != nullptr) {
      core::Log(core::LogLevel::kWarning, "consumer: close failed", {{"error", error->str()}});
      return;
    }
    // Serves the rebalance callback of the close.
    while (!consumer_->closed() && absl::Now() < deadline) {
      queue->poll(std::min(50, RemainingMs(deadline)));
    }
    if (consumer_->closed()) return;
    core::Log(core::LogLevel::kWarning,
              "consumer: Kafka did not answer the close in time; stopping without it (applied "
              "offsets are kept in RocksDB)");
    queue.release();
    consumer_.release();
  }

  void Run() {
    while (running_) {
      std::vector<std::unique_ptr<RdKafka::Message>> batch;
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(100));
      dlq_->poll(0);
      // Take what has already arrived, up to kMaxBatch, so that one commit
      // (one fsync) covers many events.
      while (msg) {
        if (msg->err() == RdKafka::ERR_NO_ERROR) {
          batch.push_back(std::move(msg));
        } else if (msg->err() == RdKafka::ERR__FATAL) {
          std::string reason;
          consumer_->fatal_error(reason);
          core::Log(core::LogLevel::kError, "consumer: fatal kafka error; exiting for a restart",
                    {{"error", reason}});
          std::_Exit(70);
        } else if (msg->err() != RdKafka::ERR__TIMED_OUT &&
                   msg->err() != RdKafka::ERR__PARTITION_EOF) {
          core::Log(core::LogLevel::kWarning, "consumer: kafka error", {{"error", msg->errstr()}});
        }
        if (batch.empty() || batch.size() >= kMaxBatch) break;
        msg.reset(consumer_->consume(0));
        if (msg->err() == RdKafka::ERR__TIMED_OUT) break;
      }
      if (!batch.empty()) HandleBatch(batch);
    }
  }

  void Count(absl::string_view outcome, int64_t n = 1) {
    events_.Add({{"outcome", std::string(outcome)}}).Increment(static_cast<double>(n));
  }

  // Retries `fn` until it succeeds or the consumer stops. False if stopped.
  bool RetryUntilOk(absl::string_view what, const std::function<absl::Status()>& fn) {
    absl::Duration backoff = absl::Milliseconds(100);
    while (true) {
      absl::Status s = fn();
      if (s.ok()) return true;
      core::Log(core::LogLevel::kWarning, "consumer: retrying", {{"step", what}, {"error", s.ToString()}});
      if (!running_) return false;
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }

  // Events applied in `pending` but not yet committed.
  struct Pending {
    store::Batch batch;
    std::set<std::string> event_ids;
    std::map<std::pair<std::string, int32_t>, int64_t> last_offsets;
    int64_t applied = 0;
    int64_t duplicates = 0;
  };

  // Commits `p` (read-model changes, offsets and event ids in one batch) and
  // tells Kafka the new positions. False if the consumer stopped first.
  bool Commit(Pending& p) {
    if (p.last_offsets.empty()) return true;
    // No fsync: the offsets are in the same batch, so what a machine crash
    // loses of it is consumed again (store.h, Batch::SetSync).
    p.batch.SetSync(false);
    if (!RetryUntilOk("commit", [&] { return store_->Write(p.batch); })) return false;
    for (int64_t i = 0; i < p.applied; ++i) core::CrashPoint("consumer_after_apply");
    for (const auto& [tp, offset] : p.last_offsets) StoreOffset(tp.first, tp.second, offset);
    {
      absl::MutexLock lock(&mu_);
      stats_.applied += p.applied;
      stats_.duplicates += p.duplicates;
    }
    if (p.applied) Count("applied", p.applied);
    if (p.duplicates) Count("duplicate", p.duplicates);
    p = Pending();
    return true;
  }

  void HandleBatch(const std::vector<std::unique_ptr<RdKafka::Message>>& messages) {
    Pending p;
    for (const auto& msg_ptr : messages) {
      RdKafka::Message& msg = *msg_ptr;
      const std::string topic = msg.topic_name();
      const int32_t partition = msg.partition();
      const int64_t offset = msg.offset();
      v1::EventEnvelope event;
      std::string poison_reason;
      if (!event.ParseFromArray(msg.payload(), static_cast<int>(msg.len()))) {
        poison_reason = "value is not a pharmacrm.v1.EventEnvelope";
      } else if (event.event_id().empty()) {
        poison_reason = "event_id: missing";
      }
      if (!poison_reason.empty()) {
        if (!Commit(p)) return;
        DeadLetter(msg, poison_reason);
        continue;
      }
      core::ScopedCorrelationId cid(event.correlation_id());
      absl::StatusOr<bool> applied = false;
      if (!RetryUntilOk("read inbox", [&] {
            applied = store_->EventApplied(event.event_id());
            return applied.status();
          })) {
        return;
      }
      if (*applied || p.event_ids.count(event.event_id())) {
        // Published twice (a relay retry after a crash): skip, but move on.
        p.batch.RecordConsumed(topic, partition, offset, "");
        p.last_offsets[{topic, partition}] = offset;
        ++p.duplicates;
        continue;
      }
      core::CrashPoint("consumer_before_apply");
      store::Batch::Checkpoint mark = p.batch.Mark();
      absl::Status status = apply_(event, p.batch);
      if (!status.ok() && !IsPoison(status)) {
        // Transient: commit what is done, then retry this event alone.
        p.batch.Rollback(mark);
        if (!Commit(p)) return;
        if (!RetryUntilOk("apply", [&] {
              p.batch = store::Batch();
              status = apply_(event, p.batch);
              return IsPoison(status) ? absl::OkStatus() : status;
            })) {
          return;
        }
      }
      if (!status.ok()) {
        p.batch.Rollback(mark);
        if (!Commit(p)) return;
        DeadLetter(msg, status.ToString());
        continue;
      }
      p.batch.RecordConsumed(topic, partition, offset, event.event_id());
      p.event_ids.insert(event.event_id());
      p.last_offsets[{topic, partition}] = offset;
      ++p.applied;
    }
    Commit(p);
  }

  void StoreOffset(const std::string& topic, int32_t partition, int64_t offset) {
    std::unique_ptr<RdKafka::TopicPartition> tp(
        RdKafka::TopicPartition::create(topic, partition, offset + 1));
    std::vector<RdKafka::TopicPartition*> v{tp.get()};
    consumer_->offsets_store(v);
  }

  void DeadLetter(RdKafka::Message& msg, const std::string& reason) {
    core::Log(core::LogLevel::kWarning, "consumer: dead-lettering record",
              {{"topic", msg.topic_name()},
               {"partition", std::to_string(msg.partition())},
               {"offset", std::to_string(msg.offset())},
               {"reason", reason}});
    bool sent = RetryUntilOk("dead-letter", [&]() -> absl::Status {
      RdKafka::Headers* h = RdKafka::Headers::create();
      if (const RdKafka::Headers* orig = msg.headers()) {
        for (const auto& hd : orig->get_all()) h->add(hd.key(), hd.value(), hd.value_size());
      }
      h->add("pharmacrm_dlq_reason", reason);
      h->add("pharmacrm_dlq_topic", msg.topic_name());
      h->add("pharmacrm_dlq_partition", std::to_string(msg.partition()));
      h->add("pharmacrm_dlq_offset", std::to_string(msg.offset()));
      h->add("pharmacrm_dlq_consumer_group", options_.group_id);
      std::string key = msg.key() ? *msg.key() : std::string();
      RdKafka::ErrorCode e = dlq_->produce(options_.dlq_topic, RdKafka::Topic::PARTITION_UA,
                                           RdKafka::Producer::RK_MSG_COPY, msg.payload(),
                                           msg.len(), key.data(), key.size(), 0, h, nullptr);
      if (e != RdKafka::ERR_NO_ERROR) {
        delete h;
        return absl::UnavailableError(absl::StrCat("dlq produce: ", RdKafka::err2str(e)));
      }
      e = dlq_->flush(10000);
      if (e != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat("dlq flush: ", RdKafka::err2str(e)));
      }
      return absl::OkStatus();
    });
    if (!sent) return;
    store::Batch b;
    b.RecordConsumed(msg.topic_name(), msg.partition(), msg.offset(), "");
    if (!RetryUntilOk("commit", [&] { return store_->Write(b); })) return;
    StoreOffset(msg.topic_name(), msg.partition(), msg.offset());
    absl::MutexLock lock(&mu_);
    ++stats_.dead_lettered;
    Count("dead_lettered");
  }

  store::Store* store_;
  ConsumerOptions options_;
  ApplyFn apply_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<RdKafka::Producer> dlq_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> assigned_{false};
  mutable absl::Mutex mu_;
  ConsumerStats stats_ ABSL_GUARDED_BY(mu_);
  prometheus::Family<prometheus::Counter>& events_;
};

EventConsumer::EventConsumer(store::Store* store, ConsumerOptions options, ApplyFn apply)
    : impl_(std::make_unique<Impl>(store, std::move(options), std::move(apply))) {}
EventConsumer::~EventConsumer() { impl_->Stop(); }
absl::Status EventConsumer::Start() { return impl_->Start(); }
void EventConsumer::Stop() { impl_->Stop(); }
ConsumerStats EventConsumer::stats() const { return impl_->stats(); }
bool EventConsumer::assigned() const { return impl_->assigned(); }

}  // namespace pharmacrm::bus
