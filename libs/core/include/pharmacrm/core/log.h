// Structured logging: one JSON object per line on stderr, carrying the
// service name and the correlation id of the work in progress. Thread-safe.
#ifndef PHARMACRM_CORE_LOG_H_
#define PHARMACRM_CORE_LOG_H_

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>

namespace pharmacrm::core {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Names the process in every line; call once at start-up.
void SetLogService(absl::string_view service);
void SetMinLogLevel(LogLevel level);

using LogField = std::pair<absl::string_view, absl::string_view>;

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});

// Renders a log line without writing it (what Log writes, minus the newline).
std::string FormatLogLine(LogLevel level, absl::string_view message,
                          std::initializer_list<LogField> fields);

// JSON string escaping (quotes not included).
std::string JsonEscape(absl::string_view s);

// Sets this thread's correlation id for the scope's lifetime.
class ScopedCorrelationId {
 public:
  explicit ScopedCorrelationId(std::string id);
  ~ScopedCorrelationId();
  ScopedCorrelationId(const ScopedCorrelationId&) = delete;
  ScopedCorrelationId& operator=(const ScopedCorrelationId&) = delete;

 private:
  std::string previous_;
};

const std::string& CurrentCorrelationId();

#define PCRM_LOG_INFO(...) ::pharmacrm::core::Log(::pharmacrm::core::LogLevel::kInfo, __VA_ARGS__)
#define PCRM_LOG_WARN(...) \
  ::pharmacrm::core::Log(::pharmacrm::core::LogLevel::kWarning, __VA_ARGS__)
#define PCRM_LOG_ERROR(...) \
  ::pharmacrm::core::Log(::pharmacrm::core::LogLevel::kError, __VA_ARGS__)

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_LOG_H_
