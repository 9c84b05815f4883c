#include "spate/streaming/console_progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace spate {

namespace {
constexpr auto kLongBatch = std::chrono::seconds(3);
constexpr int kBarWidth = 30;
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

std::string ConsoleProgress::Bar(const std::string& label, int64_t done, int64_t total,
                                 const std::string& unit) {
  int64_t filled = total > 0 ? std::clamp<int64_t>(done * kBarWidth / total, 0, kBarWidth) : kBarWidth;
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kBarWidth) bar += '>';
  bar.resize(kBarWidth, ' ');
  return "[" + label + "] [" + bar + "] " + std::to_string(done) + "/" + std::to_string(total) + " " + unit;
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

void ConsoleProgress::ShowInput(int64_t done, int64_t total, const std::string& unit) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Print(Bar(label_, done, total, unit));
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
