#include "spate/ui/http_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <arrow/status.h>

namespace spate {

namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Internal Server Error";
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Reads until the end of the request head (a blank line); false on error or timeout.
bool ReadHead(int fd, std::string* head) {
  char buf[4096];
  while (head->find("\r\n\r\n") == std::string::npos && head->find("\n\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    head->append(buf, static_cast<size_t>(n));
    if (head->size() > kMaxRequestBytes) return false;
  }
  return true;
}

bool ParseRequestLine(const std::string& head, HttpRequest* req) {
  size_t eol = head.find_first_of("\r\n");
  std::string line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.find(' ', sp1 == std::string::npos ? sp1 : sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  req->method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  req->path = PercentDecode(target.substr(0, q));
  if (q != std::string::npos) req->query = target.substr(q + 1);
  return !req->path.empty() && req->path[0] == '/';
}

void SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

std::string Serialize(const HttpResponse& r) {
  std::string out = "HTTP/1.0 " + std::to_string(r.status) + " " + ReasonPhrase(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n";
  if (!r.location.empty()) out += "Location: " + r.location + "\r\n";
  out += "\r\n";
  return out + r.body;
}

// A listening socket on host:port, or -1.
int Listen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 16) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  char service[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, nullptr, 0, service, sizeof(service),
                  NI_NUMERICSERV) != 0) {
    return -1;
  }
  return std::atoi(service);
}

}  // namespace

HttpServer::~HttpServer() {
  Stop();
  CloseSockets();
}

arrow::Result<int> HttpServer::Start(const std::string& host, int port, int max_retries,
                                     HttpHandler handler) {
  for (int attempt = 0; attempt <= max_retries && listen_fd_ < 0; ++attempt) {
    int candidate = port == 0 ? 0 : port + attempt;
    if (candidate > 65535) break;
    listen_fd_ = Listen(host, candidate);
  }
  if (listen_fd_ < 0) {
    return arrow::Status::IOError("Failed to bind the web UI to ", host, ":", port, " after ",
                                  max_retries, " retries: ", std::strerror(errno));
  }
  if (pipe2(wake_fds_, O_CLOEXEC) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return arrow::Status::IOError("pipe: ", std::strerror(errno));
  }
  handler_ = std::move(handler);
  thread_ = std::thread([self = shared_from_this()] { self->Serve(); });
  return BoundPort(listen_fd_);
}

void HttpServer::Stop() {
  if (listen_fd_ < 0 || stopping_.exchange(true)) return;
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(wake_fds_[1], &byte, 1);
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // called from the handler: Serve returns after it, then the thread lets go
  } else {
    thread_.join();
  }
}

void HttpServer::CloseSockets() {
  if (listen_fd_ < 0) return;
  close(listen_fd_);
  close(wake_fds_[0]);
  close(wake_fds_[1]);
  listen_fd_ = -1;
}

void HttpServer::Serve() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (stopping_ || (fds[1].revents & POLLIN)) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Answer(fd);
    close(fd);
  }
}

void HttpServer::Answer(int fd) {
  std::string head;
  HttpRequest req;
  HttpResponse resp;
  if (!ReadHead(fd, &head)) return;
  if (!ParseRequestLine(head, &req)) {
    resp.status = 400;
    resp.body = "Bad request\n";
  } else {
    resp = handler_(req);
  }
  SendAll(fd, Serialize(resp));
  shutdown(fd, SHUT_WR);
}

}  // namespace spate
