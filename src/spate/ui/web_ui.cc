#include "spate/ui/web_ui.h"

#include <algorithm>
#include <cstdio>

#include "spate/api/session.h"
#include "spate/common/strings.h"
#include "spate/ui/http_server.h"
#include "spate/ui/ui_content.h"

namespace spate {

namespace {

constexpr int kMaxPortRetries = 16;  // spark.port.maxRetries

std::mutex g_running_mutex;
std::weak_ptr<WebUi> g_running;  // the process's UI while it runs

HttpResponse Respond(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

HttpResponse NotFound() { return Respond(404, "text/plain; charset=utf-8", "Not found\n"); }

std::string BindHost(const RuntimeConfig& conf) {
  if (auto host = conf.Get("spark.ui.host")) return *host;
  if (auto host = conf.Get("spark.driver.bindAddress")) return *host;
  return "127.0.0.1";
}

std::string UrlHost(const std::string& host) {
  if (host == "0.0.0.0" || host == "::") return "127.0.0.1";
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

const UiQuery* FindQuery(const std::vector<UiQuery>& queries, const std::string& id) {
  // The latest run of the query with this id (a restarted query has several).
  for (auto it = queries.rbegin(); it != queries.rend(); ++it) {
    if (it->query->id() == id || it->query->run_id() == id) return &*it;
  }
  return nullptr;
}

}  // namespace

WebUi::WebUi() = default;

WebUi::~WebUi() { Stop(); }

std::shared_ptr<WebUi> WebUi::Attach(const std::shared_ptr<Session>& session) {
  std::lock_guard<std::mutex> lock(g_running_mutex);
  if (auto ui = g_running.lock()) {
    std::lock_guard<std::mutex> ui_lock(ui->mutex_);
    if (ui->server_) {  // not stopped by spark.stop() while other sessions still hold it
      ui->sessions_.push_back(session);
      return ui;
    }
  }
  const RuntimeConfig& conf = session->conf();
  auto ui = std::make_shared<WebUi>();
  ui->sessions_.push_back(session);
  ui->kill_enabled_ = conf.Get("spark.ui.killEnabled", "true") == "true";
  std::string host = BindHost(conf);
  int port = std::atoi(conf.Get("spark.ui.port", "4040").c_str());
  auto server = std::make_shared<HttpServer>();
  WebUi* raw = ui.get();
  auto bound = server->Start(host, port, kMaxPortRetries,
                             [raw](const HttpRequest& req) { return raw->Handle(req); });
  if (!bound.ok()) {
    std::fprintf(stderr, "WARN: the web UI is off: %s\n", bound.status().message().c_str());
    return nullptr;
  }
  ui->server_ = std::move(server);
  ui->url_ = "http://" + UrlHost(host) + ":" + std::to_string(*bound);
  std::fprintf(stderr, "Spate web UI available at %s\n", ui->url_.c_str());
  g_running = ui;
  return ui;
}

bool WebUi::running() {
  std::lock_guard<std::mutex> lock(mutex_);
  return server_ != nullptr;
}

void WebUi::Stop() {
  std::shared_ptr<HttpServer> server;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    server = std::move(server_);
  }
  if (server) server->Stop();
}

std::vector<std::shared_ptr<Session>> WebUi::Sessions() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Session>> out;
  std::erase_if(sessions_, [](const auto& s) { return s.expired(); });
  for (const auto& weak : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

HttpResponse WebUi::Handle(const HttpRequest& req) {
  std::vector<UiQuery> queries;
  for (const auto& session : Sessions()) {
    bool metrics = session->conf().Get("spark.sql.streaming.metricsEnabled", "false") == "true";
    for (auto& started : session->streams().started()) {
      queries.push_back({std::move(started.query), started.started_ms, metrics});
    }
  }
  std::sort(queries.begin(), queries.end(),
            [](const UiQuery& a, const UiQuery& b) { return a.started_ms < b.started_ms; });
  const std::string& path = req.path;
  bool is_get = req.method == "GET" || req.method == "HEAD";
  if (!is_get && req.method != "POST") return Respond(405, "text/plain; charset=utf-8", "Method not allowed\n");

  const std::string api = "/api/v1/streaming/queries";
  if (is_get && (path == api || path == api + "/")) {
    return Respond(200, "application/json", QueriesJson(queries));
  }
  if (is_get && path.starts_with(api + "/") && path.ends_with("/progress")) {
    std::string id = path.substr(api.size() + 1, path.size() - api.size() - 1 - 9);
    const UiQuery* q = FindQuery(queries, id);
    return q ? Respond(200, "application/json", ProgressJson(*q->query)) : NotFound();
  }
  if (is_get && path == "/metrics") {
    std::lock_guard<std::mutex> lock(mutex_);
    return Respond(200, "text/plain; version=0.0.4; charset=utf-8", PrometheusText(queries));
  }
  if (is_get && (path == "/" || path == "/streaming" || path == "/streaming/")) {
    return Respond(200, "text/html; charset=utf-8", QueryListPage(queries));
  }
  if (is_get && path == "/static/spate-ui.js") {
    return Respond(200, "text/javascript; charset=utf-8", std::string(ChartScript()));
  }
  const std::string query_page = "/streaming/query/";
  if (path.starts_with(query_page)) {
    std::string rest = path.substr(query_page.size());
    bool kill = rest.ends_with("/stop");
    std::string id = kill ? rest.substr(0, rest.size() - 5) : rest;
    const UiQuery* q = FindQuery(queries, id);
    if (q == nullptr) return NotFound();
    if (is_get && !kill) return Respond(200, "text/html; charset=utf-8", QueryPage(*q, kill_enabled_));
    if (!kill || is_get) return Respond(405, "text/plain; charset=utf-8", "Method not allowed\n");
    if (!kill_enabled_) return Respond(403, "text/plain; charset=utf-8", "spark.ui.killEnabled is false\n");
    (void)q->query->stop();
    HttpResponse r = Respond(303, "text/plain; charset=utf-8", "Stopped\n");
    r.location = query_page + q->query->id();
    return r;
  }
  return NotFound();
}

}  // namespace spate
