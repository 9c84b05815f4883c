#pragma once

// HttpServer: a small HTTP/1.0 server on POSIX sockets for the web UI. One
// thread accepts connections and answers them one at a time (the UI's load is
// a browser polling and a metrics scraper); every response closes its
// connection.
//
// Threading: Start and Stop from any thread; the handler runs on the
// server's own thread.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <arrow/result.h>

namespace spate {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, percent-decoded
  std::string query;   // after '?', as sent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string location;  // for redirects
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer : public std::enable_shared_from_this<HttpServer> {
 public:
  HttpServer() = default;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  /// Listens (call on a shared HttpServer: its thread holds it until it ends) on host:port, else on the next ports up to `max_retries` more
  /// (port 0: any free port), and starts serving; returns the bound port.
  arrow::Result<int> Start(const std::string& host, int port, int max_retries, HttpHandler handler);
  /// Stops serving; waits for the thread unless called from it (the handler).
  void Stop();

 private:
  void Serve();
  void CloseSockets();
  void Answer(int fd);

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  HttpHandler handler_;
};

}  // namespace spate
