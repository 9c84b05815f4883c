#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/session.h"
#include "spate/ui/http_server.h"

namespace spate {
namespace {

// The body of GET http://host:port/path, "" when the request fails.
std::string HttpGet(const std::string& url, const std::string& path) {
  std::string hostport = url.substr(std::string("http://").size());
  std::string host = hostport.substr(0, hostport.rfind(':'));
  std::string port = hostport.substr(hostport.rfind(':') + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return "";
  int fd = socket(found->ai_family, SOCK_STREAM, 0);
  bool connected = connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  std::string response;
  if (connected) {
    std::string req = "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n";
    send(fd, req.data(), req.size(), 0);
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return response;
}

TEST(WebUiTest, ServesTheQueriesApi) {
  auto session = Session::Make({{"spark.ui.port", "0"}, {"spark.sql.streaming.metricsEnabled", "true"}});
  std::string url = session->uiWebUrl();
  ASSERT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  auto df = session->ReadStream().format("rate").option("rowsPerSecond", "100").load();
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  auto query = df.writeStream().format("noop").queryName("cpp_ui").start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  for (int i = 0; i < 200 && !(*query)->lastProgress(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string queries = HttpGet(url, "/api/v1/streaming/queries");
  EXPECT_NE(queries.find("HTTP/1.0 200 OK"), std::string::npos) << queries;
  EXPECT_NE(queries.find("\"name\":\"cpp_ui\""), std::string::npos) << queries;
  EXPECT_NE(queries.find("\"status\":\"RUNNING\""), std::string::npos) << queries;
  std::string metrics = HttpGet(url, "/metrics");
  EXPECT_NE(metrics.find("spate_streaming_input_rows_total{query_name=\"cpp_ui\""), std::string::npos)
      << metrics;
  EXPECT_NE(HttpGet(url, "/nope").find("HTTP/1.0 404"), std::string::npos);
  ASSERT_TRUE((*query)->stop().ok());
  session->StopUi();
  EXPECT_EQ(session->uiWebUrl(), "");
  EXPECT_EQ(HttpGet(url, "/api/v1/streaming/queries"), "");
}

TEST(WebUiTest, OffWhenDisabled) {
  auto session = Session::Make({{"spark.ui.enabled", "false"}});
  EXPECT_EQ(session->uiWebUrl(), "");
}

TEST(HttpServerTest, TakesTheNextPortWhenTaken) {
  auto first = std::make_shared<HttpServer>();
  auto handler = [](const HttpRequest& req) {
    HttpResponse r;
    r.body = req.method + " " + req.path;
    return r;
  };
  auto port = first->Start("127.0.0.1", 0, 0, handler);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  auto second = std::make_shared<HttpServer>();
  auto next = second->Start("127.0.0.1", *port, 16, handler);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_GT(*next, *port);
  std::string body = HttpGet("http://127.0.0.1:" + std::to_string(*next), "/a%20b?x=1");
  EXPECT_NE(body.find("GET /a b"), std::string::npos) << body;
  auto third = std::make_shared<HttpServer>();
  EXPECT_FALSE(third->Start("127.0.0.1", *port, 0, handler).ok());
  second->Stop();
  first->Stop();
}

}  // namespace
}  // namespace spate
