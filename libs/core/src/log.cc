#include "pharmacrm/core/log.h"

#include <cstdio>
#include <mutex>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pharmacrm::core {
namespace {
std::string& ServiceName() {
  static std::string* name = new std::string("pharmacrm");
  return *name;
}
LogLevel g_min_level = LogLevel::kInfo;
thread_local std::string t_correlation_id;

absl::string_view LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}
}  // namespace

void SetLogService(absl::string_view service) { ServiceName() = std::string(service); }
void SetMinLogLevel(LogLevel level) { g_min_level = level; }

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string FormatLogLine(LogLevel level, absl::string_view message,
                          std::initializer_list<LogField> fields) {
  std::string line = absl::StrFormat(
      R"({"ts":"%s","level":"%s","service":"%s","msg":"%s")",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      LevelName(level), JsonEscape(ServiceName()), JsonEscape(message));
  if (!t_correlation_id.empty()) {
    absl::StrAppendFormat(&line, R"(,"correlation_id":"%s")", JsonEscape(t_correlation_id));
  }
  for (const auto& [k, v] : fields) {
    absl::StrAppendFormat(&line, R"(,"%s":"%s")", JsonEscape(k), JsonEscape(v));
  }
  line.push_back('}');
  return line;
}

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (level < g_min_level) return;
  std::string line = FormatLogLine(level, message, fields);
  line.push_back('\n');
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

ScopedCorrelationId::ScopedCorrelationId(std::string id)
    : previous_(std::move(t_correlation_id)) {
  t_correlation_id = std::move(id);
}
ScopedCorrelationId::~ScopedCorrelationId() { t_correlation_id = std::move(previous_); }

const std::string& CurrentCorrelationId() { return t_correlation_id; }

}  // namespace pharmacrm::core
