#pragma once

// WebUi: the live web UI of the process, as Spark's UI belongs to its
// SparkContext: one HTTP server shared by every session made while it runs,
// listing the streaming queries of all of them. Started by the first session
// with spark.ui.enabled (spark.ui.port, the next free port if taken,
// spark.ui.host / spark.driver.bindAddress else 127.0.0.1); stops when its
// last session goes or Stop() is called.
//
// Routes: / and /streaming/ (pages), /api/v1/streaming/queries,
// /api/v1/streaming/queries/<id>/progress, /metrics (Prometheus text).
//
// Threading: requests are answered on the server's thread; every other
// method may be called from any thread.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace spate {

class HttpServer;
class Session;
struct HttpRequest;
struct HttpResponse;

class WebUi {
 public:
  /// The process's running UI with `session` added to it, else a new one
  /// started with the session's settings; nullptr when it cannot bind (a
  /// warning goes to stderr).
  static std::shared_ptr<WebUi> Attach(const std::shared_ptr<Session>& session);

  WebUi();
  ~WebUi();
  WebUi(const WebUi&) = delete;
  WebUi& operator=(const WebUi&) = delete;

  /// "http://127.0.0.1:4040".
  const std::string& url() const { return url_; }
  /// False once Stop() ended the server.
  bool running();
  void Stop();

 private:
  HttpResponse Handle(const HttpRequest& req);
  std::vector<std::shared_ptr<Session>> Sessions();

  std::shared_ptr<HttpServer> server_;
  std::string url_;
  bool kill_enabled_ = false;
  std::mutex mutex_;
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace spate
