#include "spate/streaming/console_progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace spate {

namespace {
constexpr auto kLongBatch = std::chrono::seconds(3);
constexpr size_t kBarWidth = 30;
}  // namespace

ConsoleProgress::ConsoleProgress(std::string label, bool enabled)
    : label_(std::move(label)), active_(enabled && isatty(STDERR_FILENO) == 1) {
  if (active_) timer_ = std::thread([this] { Tick(); });
}

ConsoleProgress::~ConsoleProgress() {
  if (!active_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (printed_) std::fputc('\n', stderr);
  }
  cv_.notify_all();
  timer_.join();
}

std::string ConsoleProgress::Bar(const std::string& label, const std::vector<Input>& input) {
  double fraction = 0;  // nothing to read counts as all read
  std::string counts;
  for (const auto& in : input) {
    fraction += in.total > 0 ? std::clamp(static_cast<double>(in.done) / static_cast<double>(in.total), 0.0, 1.0) : 1.0;
    if (!counts.empty()) counts += ", ";
    counts += std::to_string(in.done) + "/" + std::to_string(in.total) + " " + in.unit;
  }
  if (!input.empty()) fraction /= static_cast<double>(input.size());
  auto filled = static_cast<size_t>(fraction * static_cast<double>(kBarWidth));
  std::string bar(filled, '=');
  if (filled < kBarWidth) bar += '>';
  bar.resize(kBarWidth, ' ');
  return "[" + label + "] [" + bar + "] " + counts;
}

void ConsoleProgress::BatchStarted(int64_t batch_id) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  batch_id_ = batch_id;
  batch_start_ = std::chrono::steady_clock::now();
}

void ConsoleProgress::BatchEnded() {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  batch_id_ = -1;
}

void ConsoleProgress::ShowInput(const std::vector<Input>& input) {
  if (!active_ || input.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Print(Bar(label_, input));
}

void ConsoleProgress::Tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) {
    if (batch_id_ < 0) continue;
    auto running = std::chrono::steady_clock::now() - batch_start_;
    if (running < kLongBatch) continue;
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(running).count();
    Print("[" + label_ + "] batch " + std::to_string(batch_id_) + " running for " + std::to_string(seconds) + " s");
  }
}

void ConsoleProgress::Print(const std::string& line) {
  // Back to the line's start, the new text, then clear what an older, longer line left.
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace spate
