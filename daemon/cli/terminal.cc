#include "daemon/cli/terminal.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

namespace idsync {
namespace {

void Put(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
}

const char* LevelColor(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return "\033[2m";
    case spdlog::level::info: return "\033[32m";
    case spdlog::level::warn: return "\033[33m";
    default: return "\033[31m";
  }
}

class TerminalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit TerminalSink(bool color) : color_(color) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::string line(formatted.data(), formatted.size());
    if (color_ && msg.color_range_end > msg.color_range_start && msg.color_range_end <= line.size()) {
      line.insert(msg.color_range_end, "\033[0m");
      line.insert(msg.color_range_start, LevelColor(msg.level));
    }
    TerminalLine::Stderr().Write(line);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  bool color_;
};

}  // namespace

TerminalLine& TerminalLine::Stderr() {
  static TerminalLine line;
  return line;
}

bool TerminalLine::StderrIsTty() { return isatty(STDERR_FILENO) == 1; }

bool TerminalLine::ColorAllowed() { return std::getenv("NO_COLOR") == nullptr; }

void TerminalLine::Progress(const std::string& platform, const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_ && platform != platform_) {
    Put("\n");  // the previous platform's line stays
    drawn_ = false;
  }
  platform_ = platform;
  text_ = text;
  Draw();
}

void TerminalLine::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  Erase();
  Put(line);
  if (!line.empty() && line.back() != '\n') Put("\n");
  if (!text_.empty()) Draw();
  std::fflush(stderr);
}

void TerminalLine::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) Put("\n");
  drawn_ = false;
  text_.clear();
  platform_.clear();
  std::fflush(stderr);
}

void TerminalLine::Draw() {
  Put("\r\033[K");
  Put(text_);
  drawn_ = true;
  std::fflush(stderr);
}

void TerminalLine::Erase() {
  if (drawn_) Put("\r\033[K");
  drawn_ = false;
}

std::shared_ptr<spdlog::sinks::sink> MakeTerminalSink(bool color) {
  return std::make_shared<TerminalSink>(color);
}

}  // namespace idsync
