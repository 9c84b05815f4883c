#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/session.h"

namespace spate {
namespace {

// A one-connection TCP server on a free loopback port that sends `lines`.
class LineServer {
 public:
  LineServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 1);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~LineServer() {
    if (client_ >= 0) ::close(client_);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  void Serve(std::string text) {
    thread_ = std::thread([this, text] {
      client_ = ::accept(fd_, nullptr, nullptr);
      ::send(client_, text.data(), text.size(), 0);
    });
  }

 private:
  int fd_ = -1;
  int client_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(SocketSourceTest, LinesBecomeRows) {
  LineServer server;
  server.Serve("hello\nworld\r\npartial");
  auto session = Session::Make();
  auto df = session->ReadStream().format("socket").option("host", "127.0.0.1")
                .option("port", std::to_string(server.port())).option("includeTimestamp", "true").load();
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"value", "timestamp"}));
  auto query = df.writeStream().format("memory").queryName("lines").start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  std::shared_ptr<arrow::Table> rows;
  for (int i = 0; i < 200; ++i) {  // wait for both lines to arrive (at most 2 s)
    ASSERT_TRUE((*query)->processAllAvailable().ok());
    rows = session->Sql("SELECT value FROM lines").toArrow().ValueOrDie();
    if (rows->num_rows() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE((*query)->stop().ok());
  ASSERT_EQ(rows->num_rows(), 2);  // "partial" has no newline yet: not a line
  auto values = std::static_pointer_cast<arrow::StringArray>(rows->column(0)->chunk(0));
  EXPECT_EQ(values->GetString(0), "hello");
  EXPECT_EQ(values->GetString(1), "world");
}

TEST(SocketSourceTest, MissingOptionsAndRefusedConnections) {
  auto session = Session::Make();
  auto no_host = session->ReadStream().format("socket").option("port", "1").load();
  EXPECT_EQ(no_host.status().message(), "Set a host to read from with option(\"host\", ...).");
  auto bad_port = session->ReadStream().format("socket").option("host", "localhost").option("port", "x").load();
  EXPECT_EQ(bad_port.status().message(), "Port must be an integer");
  // Nothing listens on the port of a server that was just closed.
  int port;
  {
    LineServer closed;
    port = closed.port();
  }
  auto df = session->ReadStream().format("socket").option("host", "127.0.0.1").option("port", std::to_string(port)).load();
  auto query = df.writeStream().format("noop").start();
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.status().message().find("cannot connect to 127.0.0.1"), std::string::npos) << query.status().message();
}

}  // namespace
}  // namespace spate
