#include "daemon/cli/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "daemon/cli/terminal.h"

namespace idsync {
namespace {

// One JSON object per line: {"time","level","msg"}; the message is escaped by
// nlohmann::json, so any text is safe inside it.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto t = std::chrono::system_clock::to_time_t(msg.time);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[40];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    nlohmann::json line = {
        {"time", std::string(stamp) + "." + std::to_string(1000 + ms.count()).substr(1) + "Z"},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

Status SetupLogging(std::string_view level, std::string_view format, bool daemon) {
  const bool terminal = TerminalLine::StderrIsTty();
  if (level.empty()) level = terminal && !daemon ? "warn" : "info";
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off")
    return InvalidArgument("--log-level: unknown level \"" + std::string(level) +
                           "\" (trace, debug, info, warn, error)");
  if (format != "text" && format != "json")
    return InvalidArgument("--log-format: unknown format \"" + std::string(format) +
                           "\" (text, json)");
  spdlog::sink_ptr sink = terminal ? MakeTerminalSink(format == "text" && TerminalLine::ColorAllowed())
                                    : std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("idsync", std::move(sink));
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return OkStatus();
}

}  // namespace idsync
