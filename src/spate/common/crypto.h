#pragma once

// Digests, HMACs and base64 on OpenSSL's libcrypto: what the request
// signatures of the object stores need (S3's Signature Version 4 in
// s3_conditional_put.cc, Azure's Shared Key in azure_conditional_put.cc).

#include <optional>
#include <string>
#include <string_view>

namespace spate {

/// SHA-256 of `data`, as raw bytes.
std::string Sha256(std::string_view data);

/// HMAC-SHA256 of `data` under `key`, as raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

/// `bytes` as lowercase hex digits.
std::string Hex(std::string_view bytes);

/// `bytes` in base64 (RFC 4648, padded).
std::string Base64Encode(std::string_view bytes);

/// The bytes of base64 `text`; nullopt when it is not base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace spate
