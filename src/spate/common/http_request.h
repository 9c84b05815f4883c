#pragma once

// One HTTP request over libcurl, for the clients of REST services that sit
// below the connectors (the Avro schema registry of from_avro / to_avro) and
// the object stores' conditional writes.

#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace spate {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;                  // sent with POST and PUT
  std::vector<std::string> headers;  // "Name: value"
  std::string basic_auth;            // "user:password", or empty for none
  double connect_timeout_seconds = 10;
  double timeout_seconds = 30;       // the whole request
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

/// Sends the request and returns the server's answer, whatever its status.
/// An IOError when no answer came (the server is unreachable, the connection
/// failed, the time ran out), with libcurl's reason.
arrow::Result<HttpResponse> SendHttpRequest(const HttpRequest& request);

/// `text` with every byte %-encoded but RFC 3986's unreserved ones (letters,
/// digits, - _ . ~) and those in `keep` ("/" for a whole path).
std::string PercentEncode(std::string_view text, std::string_view keep = {});

/// `text` as a JSON string, quoted and escaped, for a request body.
std::string JsonQuoted(std::string_view text);

}  // namespace spate
