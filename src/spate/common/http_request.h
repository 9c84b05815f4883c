#pragma once

// One HTTP request over libcurl, for the clients of REST services that sit
// below the connectors (the Avro schema registry of from_avro / to_avro).

#include <string>
#include <vector>

#include <arrow/result.h>

namespace spate {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;                  // sent with POST and PUT
  std::vector<std::string> headers;  // "Name: value"
  std::string basic_auth;            // "user:password", or empty for none
  long timeout_seconds = 30;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

/// Sends the request and returns the server's answer, whatever its status.
/// An IOError when no answer came (the server is unreachable, the connection
/// failed, the time ran out), with libcurl's reason.
arrow::Result<HttpResponse> SendHttpRequest(const HttpRequest& request);

}  // namespace spate
