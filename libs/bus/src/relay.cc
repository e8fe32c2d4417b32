#include "pharmacrm/bus/relay.h"

#include <algorithm>
#include <deque>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafka.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "src/internal.h"

namespace pharmacrm::bus {
namespace {
constexpr size_t kWakeBatch = 256;
constexpr absl::Duration kDrainEvery = absl::Milliseconds(5);
// How often acknowledged entries are deleted (or after 512 of them).
constexpr absl::Duration kDeleteEvery = absl::Milliseconds(20);
// How long an idle relay sleeps when nothing wakes it (a safety net only).
constexpr absl::Duration kIdleWake = absl::Seconds(1);

// Milliseconds from now to `deadline`, at least 0, for librdkafka timeouts.
int RemainingMs(absl::Time deadline) {
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
}
}  // namespace

namespace internal {

OutboxDeletes PlanOutboxDeletes(std::vector<uint64_t> acked, const std::vector<uint64_t>& held,
                                bool all) {
  acked.insert(acked.end(), held.begin(), held.end());
  std::sort(acked.begin(), acked.end());
  OutboxDeletes plan;
  plan.now.reserve(acked.size());
  for (size_t i = 0; i < acked.size();) {
    size_t end = i + 1;
    while (end < acked.size() && acked[end] == acked[end - 1] + 1) ++end;
    bool waited = false;
    for (size_t k = i; k < end && !waited; ++k) {
      waited = std::binary_search(held.begin(), held.end(), acked[k]);
    }
    std::vector<uint64_t>& into =
        all || waited || end - i >= store::Store::kOutboxDeleteRun ? plan.now : plan.hold;
    into.insert(into.end(), acked.begin() + static_cast<ptrdiff_t>(i),
                acked.begin() + static_cast<ptrdiff_t>(end));
    i = end;
  }
  return plan;
}

}  // namespace internal

class OutboxRelay::Impl : public RdKafka::DeliveryReportCb {
 public:
  Impl(store::Store* store, KafkaOptions options, OutboxRebuilder rebuilder)
      : store_(store),
        options_(std::move(options)),
        rebuilder_(std::move(rebuilder)),
        published_(prometheus::BuildCounter()
                       .Name("pharmacrm_outbox_published_total")
                       .Help("Outbox records acknowledged by Kafka")
                       .Register(core::Metrics())
                       .Add({})),
        failures_(prometheus::BuildCounter()
                      .Name("pharmacrm_outbox_delivery_failures_total")
                      .Help("Outbox records Kafka refused; kept for the next start")
                      .Register(core::Metrics())
                      .Add({})),
        backlog_(prometheus::BuildGauge()
                     .Name("pharmacrm_outbox_backlog")
                     .Help("Outbox records not yet acknowledged by Kafka")
                     .Register(core::Metrics())
                     .Add({})) {}

  absl::Status Start() {
    ASSIGN_OR_RETURN(auto conf, internal::MakeConf(options_, internal::ProducerDefaults()));
    std::string err;
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), err) !=
        RdKafka::Conf::CONF_OK) {
      return absl::InternalError(err);
    }
    producer_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!producer_) return absl::InternalError(absl::StrCat("kafka producer: ", err));

    ASSIGN_OR_RETURN(std::vector<store::OutboxEntry> backlog,
                     store_->ReadOutbox(std::numeric_limits<size_t>::max()));
    if (!backlog.empty()) {
      core::Log(core::LogLevel::kInfo, "relay: publishing outbox left from before",
                {{"records", std::to_string(backlog.size())}});
    }
    Enqueue(RebuildValueless(std::move(backlog)));
    store_->SetOutboxListener([this](std::vector<store::OutboxEntry> e) { Enqueue(std::move(e)); });
    thread_ = std::thread([this] { Run(); });
    return absl::OkStatus();
  }

  void Stop(absl::Duration flush_timeout) {
    absl::Time deadline = absl::Now() + flush_timeout;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      // Let the queue drain into the producer before stopping.
      auto drained = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return queue_.empty(); };
      mu_.AwaitWithDeadline(absl::Condition(&drained), deadline);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
    if (producer_) {
      producer_->flush(RemainingMs(deadline));
      DeleteAcked(/*all=*/true);
      if (int left = producer_->outq_len(); left > 0) {
        // Kafka did not confirm them in time (unreachable, say). Purged, so
        // that destroying the producer does not wait for them; their
        // entries stay in the outbox and are published at the next start
        // (one that did reach Kafka is then skipped by its event id).
        core::Log(core::LogLevel::kWarning,
                  "relay: stopping with records Kafka has not confirmed; they stay in the outbox",
                  {{"pending", std::to_string(left)}});
        {
          absl::MutexLock lock(&mu_);
          purging_ = true;
        }
        producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT |
                         RdKafka::Producer::PURGE_NON_BLOCKING);
        producer_->poll(0);  // Their delivery reports, now rather than during destruction.
        DeleteAcked(/*all=*/true);
      }
      DestroyTopicHandles();
    }
    store_->SetOutboxListener(nullptr);
  }

  size_t InFlight() const {
    absl::MutexLock lock(&mu_);
    return queue_.size() + in_producer_;
  }

  void dr_cb(RdKafka::Message& message) override {
    uint64_t seq = reinterpret_cast<uintptr_t>(message.msg_opaque());
    absl::MutexLock lock(&mu_);
    --in_producer_;
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      acked_.push_back(seq);
      published_.Increment();
    } else if (!purging_) {
      failures_.Increment();
      core::Log(core::LogLevel::kError, "relay: delivery failed; record stays in the outbox",
                {{"seq", std::to_string(seq)}, {"error", message.errstr()}});
    }
  }

 private:
  void Enqueue(std::vector<store::OutboxEntry> entries) {
    absl::MutexLock lock(&mu_);
    for (auto& e : entries) queue_.push_back(std::move(e));
    backlog_.Set(static_cast<double>(queue_.size() + in_producer_));
  }

  // `entries` with the value of each one stored without it rebuilt; those
  // that cannot be are left out (they stay in the outbox).
  std::vector<store::OutboxEntry> RebuildValueless(std::vector<store::OutboxEntry> entries) {
    std::vector<store::OutboxEntry> ready;
    ready.reserve(entries.size());
    for (store::OutboxEntry& e : entries) {
      v1::OutboxRecord& r = e.record;
      if (r.envelope_without_payload().empty() || !r.value().empty()) {
        ready.push_back(std::move(e));
        continue;
      }
      absl::StatusOr<std::string> value =
          rebuilder_ ? rebuilder_(r)
                     : absl::FailedPreconditionError("this service has no outbox rebuilder");
      if (!value.ok()) {
        failures_.Increment();
        core::Log(core::LogLevel::kError,
                  "relay: could not rebuild a record stored without its value; it stays in the "
                  "outbox",
                  {{"seq", std::to_string(e.seq)}, {"error", value.status().ToString()}});
        continue;
      }
      r.set_value(*std::move(value));
      ready.push_back(std::move(e));
    }
    return ready;
  }

  void Run() {
    while (true) {
      std::deque<store::OutboxEntry> batch;
      {
        absl::MutexLock lock(&mu_);
        // Wake for a full batch, or every kDrainEvery with what there is:
        // waking per committed command cost a thread hand-off per record,
        // while librdkafka lingers 20 ms before sending anyway.
        auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
          return stopping_ || queue_.size() >= kWakeBatch;
        };
        // Idle (nothing queued, nothing awaiting an ack): sleep until a
        // commit hands something over, so an idle service uses no CPU.
        auto busy = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
          return stopping_ || !queue_.empty() || in_producer_ > 0;
        };
        // Entries held for their neighbours are deleted within two rounds.
        mu_.AwaitWithTimeout(absl::Condition(&busy), held_.empty() ? kIdleWake : kDeleteEvery);
        mu_.AwaitWithTimeout(absl::Condition(&ready), kDrainEvery);
        if (stopping_ && queue_.empty()) break;
        while (!queue_.empty() && batch.size() < 10000) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        in_producer_ += batch.size();
      }
      for (auto& e : batch) Produce(e);
      producer_->poll(0);
      // Deletes go in batches: each RocksDB write may have to join a
      // command's fsync'ed write group, so fewer, larger ones keep the relay
      // from waiting on the disk for every record.
      if (absl::Now() - last_delete_ > kDeleteEvery || AckedCount() >= 512) {
        DeleteAcked();
        last_delete_ = absl::Now();
      }
    }
    DeleteAcked(/*all=*/true);
  }

  size_t AckedCount() const {
    absl::MutexLock lock(&mu_);
    return acked_.size();
  }

  // Through librdkafka's C API: the C++ one copies every header into a
  // wrapper of its own first, eight per event.
  void Produce(const store::OutboxEntry& e) {
    const v1::OutboxRecord& r = e.record;
    rd_kafka_topic_t* topic = TopicHandle(r.topic());
    if (topic == nullptr) {
      Refused(e, rd_kafka_last_error());
      return;
    }
    std::vector<Header> list = HeadersOf(e);
    while (true) {
      rd_kafka_headers_t* headers = rd_kafka_headers_new(list.size());
      for (const Header& h : list) {
        rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                            h.value.data(), static_cast<ssize_t>(h.value.size()));
      }
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_->c_ptr(), RD_KAFKA_V_RKT(topic),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_VALUE(const_cast<char*>(r.value().data()), r.value().size()),
          RD_KAFKA_V_KEY(r.key().data(), r.key().size()), RD_KAFKA_V_HEADERS(headers),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(e.seq))),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      rd_kafka_headers_destroy(headers);  // Ownership passes to librdkafka only on success.
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        producer_->poll(50);
        DeleteAcked();
        continue;
      }
      Refused(e, err);
      return;
    }
  }

  // The record's Kafka headers: derived from its envelope, or as stored
  // with it by an earlier version; none (logged) if its value is not an
  // envelope.
  static std::vector<Header> HeadersOf(const store::OutboxEntry& e) {
    const v1::OutboxRecord& r = e.record;
    if (!r.headers().empty()) {
      std::vector<Header> stored;
      for (const v1::OutboxHeader& h : r.headers()) stored.push_back({h.key(), h.value()});
      return stored;
    }
    absl::StatusOr<std::vector<Header>> derived = CloudEventHeaders(r.value());
    if (derived.ok()) return *std::move(derived);
    core::Log(core::LogLevel::kError, "relay: record sent without CloudEvents headers",
              {{"seq", std::to_string(e.seq)}, {"error", derived.status().ToString()}});
    return {};
  }

  void Refused(const store::OutboxEntry& e, rd_kafka_resp_err_t err) {
    absl::MutexLock lock(&mu_);
    --in_producer_;
    failures_.Increment();
    core::Log(core::LogLevel::kError, "relay: produce refused; record stays in the outbox",
              {{"seq", std::to_string(e.seq)}, {"error", rd_kafka_err2str(err)}});
  }

  // The producer's handle of topic `name`, made once (relay thread only).
  rd_kafka_topic_t* TopicHandle(const std::string& name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return it->second;
    rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_->c_ptr(), name.c_str(), nullptr);
    if (handle != nullptr) topics_.emplace(name, handle);
    return handle;
  }

  void DestroyTopicHandles() {
    for (auto& [name, handle] : topics_) rd_kafka_topic_destroy(handle);
    topics_.clear();
  }

  // Deletes the acknowledged entries, in runs (internal::PlanOutboxDeletes);
  // with `all` (at stop) also those that would wait for their neighbours.
  void DeleteAcked(bool all = false) {
    std::vector<uint64_t> acked;
    {
      absl::MutexLock lock(&mu_);
      acked.swap(acked_);
      backlog_.Set(static_cast<double>(queue_.size() + in_producer_));
    }
    if (acked.empty() && held_.empty()) return;
    internal::OutboxDeletes plan = internal::PlanOutboxDeletes(std::move(acked), held_, all);
    held_ = std::move(plan.hold);
    const std::vector<uint64_t>& now = plan.now;
    if (now.empty()) return;
    absl::Status s = store_->DeleteOutbox(now);
    if (!s.ok()) {
      // The records were delivered; at worst they are published again after a
      // restart and consumers skip them by event id.
      core::Log(core::LogLevel::kError, "relay: could not delete delivered records",
                {{"error", s.ToString()}});
    }
  }

  store::Store* store_;
  KafkaOptions options_;
  OutboxRebuilder rebuilder_;
  std::unique_ptr<RdKafka::Producer> producer_;
  absl::flat_hash_map<std::string, rd_kafka_topic_t*> topics_;  // Relay thread, then Stop.
  std::thread thread_;
  absl::Time last_delete_ = absl::InfinitePast();  // Relay thread only.
  // Acknowledged entries waiting a round for their neighbours (DeleteAcked),
  // sorted. Relay thread, then Stop.
  std::vector<uint64_t> held_;
  mutable absl::Mutex mu_;
  std::deque<store::OutboxEntry> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> acked_ ABSL_GUARDED_BY(mu_);
  size_t in_producer_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Set when Stop purges what Kafka did not confirm (logged once, not per record).
  bool purging_ ABSL_GUARDED_BY(mu_) = false;
  prometheus::Counter& published_;
  prometheus::Counter& failures_;
  prometheus::Gauge& backlog_;
};

OutboxRelay::OutboxRelay(store::Store* store, KafkaOptions options, OutboxRebuilder rebuilder)
    : impl_(std::make_unique<Impl>(store, std::move(options), std::move(rebuilder))) {}
OutboxRelay::~OutboxRelay() { impl_->Stop(absl::Seconds(1)); }
absl::Status OutboxRelay::Start() { return impl_->Start(); }
void OutboxRelay::Stop(absl::Duration flush_timeout) { impl_->Stop(flush_timeout); }
size_t OutboxRelay::InFlightForTest() const { return impl_->InFlight(); }

}  // namespace pharmacrm::bus
