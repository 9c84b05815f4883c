// The socket source (development only, as in Spark): connects to host:port
// when the query starts and reads UTF-8 lines; each line is a row (value
// STRING, plus timestamp TIMESTAMP with includeTimestamp). Offsets count
// lines received. Lines live in memory until committed, so a restarted query
// cannot replay them: this source is not fault-tolerant.

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/connectors/registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

StructTypePtr SocketSchema(bool include_timestamp) {
  std::vector<StructField> fields = {{"value", types::String(), true}};
  if (include_timestamp) fields.push_back({"timestamp", types::Timestamp(), true});
  return types::Struct(std::move(fields));
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SocketSource final : public StreamSource {
 public:
  SocketSource(std::string host, int port, bool include_timestamp)
      : host_(std::move(host)), port_(port), include_timestamp_(include_timestamp) {}
  ~SocketSource() override { Stop(); }

  arrow::Status Connect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = ::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &found);
    if (rc != 0) {
      return arrow::Status::IOError(fmt::format("socket source: cannot resolve {}: {}", host_, gai_strerror(rc)));
    }
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) {
      return arrow::Status::IOError(fmt::format("socket source: cannot connect to {}:{}: {}", host_, port_,
                                                std::strerror(errno)));
    }
    reader_ = std::thread([this] { ReadLines(); });
    return arrow::Status::OK();
  }

  StructTypePtr schema() const override { return SocketSchema(include_timestamp_); }
  std::string description() const override { return fmt::format("TextSocketV2[host: {}, port: {}]", host_, port_); }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>&,
                                                         const ReadLimit&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t received = first_offset_ + static_cast<int64_t>(lines_.size());
    if (received == 0) return std::nullopt;
    return std::to_string(received);
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    int64_t from = start ? std::stoll(*start) : 0;
    int64_t to = std::stoll(end);
    arrow::StringBuilder values;
    arrow::TimestampBuilder times(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (from < first_offset_ || to > first_offset_ + static_cast<int64_t>(lines_.size())) {
        return arrow::Status::Invalid(fmt::format(
            "socket source: lines ({}, {}] are no longer held; the socket source cannot replay data "
            "after a restart",
            from, to));
      }
      for (int64_t i = from; i < to; ++i) {
        const auto& [line, micros] = lines_[i - first_offset_];
        ARROW_RETURN_NOT_OK(values.Append(line));
        ARROW_RETURN_NOT_OK(times.Append(micros));
      }
    }
    std::vector<std::shared_ptr<arrow::Array>> columns(1);
    ARROW_RETURN_NOT_OK(values.Finish(&columns[0]));
    if (include_timestamp_) {
      columns.emplace_back();
      ARROW_RETURN_NOT_OK(times.Finish(&columns[1]));
    }
    ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*schema()));
    return arrow::Table::Make(arrow_schema, columns);
  }

  arrow::Status Commit(const std::string& end) override {
    int64_t upto = std::stoll(end);
    std::lock_guard<std::mutex> lock(mutex_);
    while (first_offset_ < upto && !lines_.empty()) {
      lines_.pop_front();
      ++first_offset_;
    }
    return arrow::Status::OK();
  }

  void Stop() override {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  void ReadLines() {
    std::string pending;
    char buf[64 * 1024];
    while (true) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      size_t start = 0, newline;
      while ((newline = pending.find('\n', start)) != std::string::npos) {
        std::string line = pending.substr(start, newline - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.emplace_back(std::move(line), NowMicros());
        start = newline + 1;
      }
      pending.erase(0, start);
    }
  }

  std::string host_;
  int port_;
  bool include_timestamp_;
  int fd_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::deque<std::pair<std::string, int64_t>> lines_;
  int64_t first_offset_ = 0;
};

class SocketSourceFactory final : public StreamSourceFactory {
 public:
  SocketSourceFactory(std::string host, int port, bool include_timestamp)
      : host_(std::move(host)), port_(port), include_timestamp_(include_timestamp) {}
  StructTypePtr schema() const override { return SocketSchema(include_timestamp_); }
  std::string name() const override { return "socket"; }
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string&) override {
    auto source = std::make_shared<SocketSource>(host_, port_, include_timestamp_);
    ARROW_RETURN_NOT_OK(source->Connect());
    return source;
  }

 private:
  std::string host_;
  int port_;
  bool include_timestamp_;
};

}  // namespace

void RegisterSocketConnectors(std::map<std::string, StreamingFormat>& formats) {
  formats["socket"].source = [](const SourceRequest& r) -> arrow::Result<std::shared_ptr<StreamSourceFactory>> {
    if (r.user_schema) {
      return LegacyAnalysisError("The socket source does not support a user-specified schema.");
    }
    auto host = r.options.Get("host");
    if (!host) return arrow::Status::Invalid("Set a host to read from with option(\"host\", ...).");
    auto port_text = r.options.Get("port");
    if (!port_text) return arrow::Status::Invalid("Set a port to read from with option(\"port\", ...).");
    auto port = r.options.GetInt("port", 0);
    if (!port.ok() || *port <= 0 || *port > 65535) return arrow::Status::Invalid("Port must be an integer");
    ARROW_ASSIGN_OR_RAISE(bool include_timestamp, r.options.GetBool("includeTimestamp", false));
    return std::make_shared<SocketSourceFactory>(*host, static_cast<int>(*port), include_timestamp);
  };
}

}  // namespace spate
