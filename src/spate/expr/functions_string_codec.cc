// String <-> bytes functions: base64/unbase64, encode/decode, to_binary,
// URL encoding and parsing, UTF-8 validation, bit/octet lengths.
//
// Spark's strings may hold bytes that are not UTF-8; Spate's strings are
// always valid UTF-8 (invalid sequences become U+FFFD where text enters, see
// common/utf8.h). The UTF-8 validation functions therefore see the raw bytes
// only of BINARY arguments.

#include "spate/common/utf8.h"
#include "spate/expr/functions_string_common.h"

namespace spate::strings {
namespace {

// ---------------------------------------------------------------------------
// Lengths

// bit_length / octet_length: bytes of the UTF-8 text or of the binary value.
arrow::Result<BoundExprPtr> BindByteLength(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  int32_t bits = name == "bit_length" ? 8 : 1;
  auto impl = [bits](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [bits](const ArgRows& rows, int64_t i) {
      return std::optional<int32_t>(static_cast<int32_t>(rows.Str(0, i).size()) * bits);
    });
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kStringOrBinary}, types::Int(), impl);
}

// ---------------------------------------------------------------------------
// Base64 and hex

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Java's MIME decoder: characters outside the alphabet are skipped (when
// `strict`, only white space is), '=' ends the data; a last group of a single character is
// malformed (nullopt).
std::optional<std::string> Base64Decode(std::string_view in, bool strict) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0, count = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = Base64Value(c);
    if (v < 0 && strict && !std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++count;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (count % 4 == 1) return std::nullopt;
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex digits to bytes; an odd count reads as if led by '0'.
std::optional<std::string> HexDecode(std::string_view in) {
  std::string out;
  size_t i = 0;
  if (in.size() % 2 == 1) {
    int v = HexValue(in[0]);
    if (v < 0) return std::nullopt;
    out += static_cast<char>(v);
    i = 1;
  }
  for (; i < in.size(); i += 2) {
    int hi = HexValue(in[i]), lo = HexValue(in[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

arrow::Result<BoundExprPtr> BindBase64(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& t = *args[0]->type();
  if (t.id() != TypeId::kBinary && t.id() != TypeId::kString && t.id() != TypeId::kNull) {
    return UnexpectedTypeOf(*args[0], 0, "\"BINARY\"", pretty);
  }
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      return std::optional<std::string>(Base64Encode(rows.Str(0, i), true));
    });
  };
  bool nullable = args[0]->nullable();
  args[0] = ImplicitCast(args[0], types::Binary());
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindUnbase64(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  auto impl = [name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Status error;
    auto out = MapRows<arrow::BinaryBuilder>(a, [&](const ArgRows& rows, int64_t i) {
      auto bytes = Base64Decode(rows.Str(0, i), false);
      if (!bytes && error.ok()) {
        error = SparkError("CONVERSION_INVALID_INPUT", "22018",
                           fmt::format("The value '{}' ('BASE64') cannot be converted to \"BINARY\" "
                                       "because it is malformed. Correct the value as per the "
                                       "syntax, or change its format. Use `try_to_binary` to "
                                       "tolerate malformed input and return NULL instead.",
                                       rows.Str(0, i)));
      }
      return bytes;
    });
    ARROW_RETURN_NOT_OK(error);
    return out;
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::Binary(), impl);
}

// to_binary(str[, fmt]) / try_to_binary: fmt is a constant, case-insensitive
// 'hex' (the default), 'utf-8'/'utf8' or 'base64'. Malformed input raises
// CONVERSION_INVALID_INPUT (NULL for try_to_binary); an unknown format is an
// analysis error (NULL for try_to_binary).
arrow::Result<BoundExprPtr> BindToBinary(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  bool try_mode = name == "try_to_binary";
  ARROW_ASSIGN_OR_RAISE(args[0], CoerceArg(args[0], 0, Arg::kString, pretty));
  std::optional<std::string> format = "hex";
  if (args.size() > 1) {
    const arrow::Scalar* value = ConstantValue(*args[1]);
    bool is_string = args[1]->type()->id() == TypeId::kString || args[1]->type()->id() == TypeId::kNull;
    if (value == nullptr || !is_string) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                              fmt::format("the input fmt should be a foldable \"STRING\" "
                                          "expression; however, got \"{}\"",
                                          args[1]->name()));
    }
    format = value->is_valid ? std::optional<std::string>(value->ToString()) : std::nullopt;
  }
  if (format) {
    for (char& c : *format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!format) return MakeFunction(name, NullResult(arrow::binary()), types::Binary(), std::move(args), pretty);
  if (*format != "hex" && *format != "utf-8" && *format != "utf8" && *format != "base64") {
    if (try_mode) return MakeFunction(name, NullResult(arrow::binary()), types::Binary(), std::move(args), pretty, true);
    return DataTypeMismatch(
        "INVALID_ARG_VALUE", pretty,
        fmt::format("The fmt value must to be a case-insensitive \"STRING\" literal of 'hex', "
                    "'utf-8', 'utf8', or 'base64', but got '{}'",
                    *format));
  }
  std::string fmt_name = *format;
  auto impl = [fmt_name, try_mode](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Status error;
    auto out = MapRows<arrow::BinaryBuilder>(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i);
      std::optional<std::string> bytes;
      if (fmt_name == "hex") bytes = HexDecode(s);
      else if (fmt_name == "base64") bytes = Base64Decode(s, true);
      else bytes = std::string(s);
      if (!bytes && !try_mode && error.ok()) {
        std::string upper = fmt_name;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        error = SparkError("CONVERSION_INVALID_INPUT", "22018",
                           fmt::format("The value '{}' ('{}') cannot be converted to \"BINARY\" "
                                       "because it is malformed. Correct the value as per the "
                                       "syntax, or change its format. Use `try_to_binary` to "
                                       "tolerate malformed input and return NULL instead.",
                                       s, upper));
      }
      return bytes;
    });
    ARROW_RETURN_NOT_OK(error);
    return out;
  };
  // Spark: only the base64 form keeps its input's nullability.
  bool nullable = fmt_name == "base64" ? args[0]->nullable() : true;
  return MakeFunction(name, impl, types::Binary(), std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Character sets

const char* const kCharsets[] = {"iso-8859-1", "us-ascii", "utf-16", "utf-16be",
                                 "utf-16le",   "utf-32",   "utf-8"};

// Decodes one code point of valid UTF-8 at s[i], advancing i.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  uint32_t cp = len == 1 ? b : b & (0x3F >> (len - 1));
  for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

void AppendUnit(std::string& out, uint32_t unit, int bytes, bool big_endian) {
  for (int k = 0; k < bytes; ++k) {
    int shift = big_endian ? 8 * (bytes - 1 - k) : 8 * k;
    out += static_cast<char>((unit >> shift) & 0xFF);
  }
}

// UTF-8 text in `charset` (one of kCharsets); nullopt when a char has no
// encoding there.
std::optional<std::string> EncodeText(std::string_view s, const std::string& charset) {
  if (charset == "utf-8") return std::string(s);
  std::string out;
  bool utf16 = charset.rfind("utf-16", 0) == 0;
  bool big_endian = charset != "utf-16le";
  if (charset == "utf-16" && !s.empty()) out += "\xFE\xFF";  // Java writes a byte-order mark
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = NextCodePoint(s, i);
    if (charset == "us-ascii" || charset == "iso-8859-1") {
      if (cp > (charset == "us-ascii" ? 0x7Fu : 0xFFu)) return std::nullopt;
      out += static_cast<char>(cp);
    } else if (utf16) {
      if (cp >= 0x10000) {
        AppendUnit(out, 0xD800 + ((cp - 0x10000) >> 10), 2, big_endian);
        AppendUnit(out, 0xDC00 + ((cp - 0x10000) & 0x3FF), 2, big_endian);
      } else {
        AppendUnit(out, cp, 2, big_endian);
      }
    } else {
      AppendUnit(out, cp, 4, true);
    }
  }
  return out;
}

uint32_t ReadUnit(std::string_view b, size_t i, int bytes, bool big_endian) {
  uint32_t v = 0;
  for (int k = 0; k < bytes; ++k) {
    uint32_t byte = static_cast<unsigned char>(b[i + k]);
    v |= byte << (big_endian ? 8 * (bytes - 1 - k) : 8 * k);
  }
  return v;
}

// Bytes in `charset` as UTF-8 text; nullopt when they are malformed there.
std::optional<std::string> DecodeText(std::string_view b, const std::string& charset) {
  std::string out;
  if (charset == "utf-8") {
    for (size_t i = 0; i < b.size();) {
      size_t n = Utf8SequenceLength(b, i);
      if (n == 1 && static_cast<unsigned char>(b[i]) >= 0x80) return std::nullopt;
      i += n;
    }
    return std::string(b);
  }
  if (charset == "us-ascii" || charset == "iso-8859-1") {
    for (char c : b) {
      auto v = static_cast<unsigned char>(c);
      if (charset == "us-ascii" && v > 0x7F) return std::nullopt;
      AppendUtf8(out, v);
    }
    return out;
  }
  int width = charset == "utf-32" ? 4 : 2;
  bool big_endian = charset != "utf-16le";
  size_t i = 0;
  if (charset == "utf-16" && b.size() >= 2) {
    uint32_t bom = ReadUnit(b, 0, 2, true);
    if (bom == 0xFEFF || bom == 0xFFFE) {
      big_endian = bom == 0xFEFF;
      i = 2;
    }
  }
  if ((b.size() - i) % width != 0) return std::nullopt;
  for (; i < b.size(); i += width) {
    uint32_t unit = ReadUnit(b, i, width, big_endian);
    if (width == 2 && unit >= 0xD800 && unit < 0xDC00) {
      if (i + 4 > b.size()) return std::nullopt;
      uint32_t low = ReadUnit(b, i + 2, 2, big_endian);
      if (low < 0xDC00 || low >= 0xE000) return std::nullopt;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    } else if ((unit >= 0xD800 && unit < 0xE000) || unit > 0x10FFFF) {
      return std::nullopt;
    }
    AppendUtf8(out, unit);
  }
  return out;
}

// encode(str, charset) -> BINARY, decode(bin, charset) -> STRING. The charset
// is a constant among kCharsets (case-insensitive); a char or byte sequence
// the charset cannot represent raises MALFORMED_CHARACTER_CODING.
arrow::Result<BoundExprPtr> BindCharsetCoding(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  bool encode = name == "encode";
  if (encode) {
    ARROW_ASSIGN_OR_RAISE(args[0], CoerceArg(args[0], 0, Arg::kString, pretty));
  } else {
    const DataType& t = *args[0]->type();
    if (t.id() != TypeId::kBinary && t.id() != TypeId::kNull) {
      return UnexpectedTypeOf(*args[0], 0, "\"BINARY\"", pretty);
    }
    args[0] = ImplicitCast(args[0], types::Binary());
  }
  ARROW_ASSIGN_OR_RAISE(args[1], CoerceArg(args[1], 1, Arg::kString, pretty));
  ARROW_ASSIGN_OR_RAISE(auto given, ConstantString(*args[1], name, "charset"));
  DataTypePtr type = encode ? types::Binary() : types::String();
  auto arrow_type = encode ? arrow::binary() : arrow::utf8();
  if (!given) return MakeFunction(name, NullResult(arrow_type), type, std::move(args), pretty);
  std::string charset = *given;
  for (char& c : charset) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool known = false;
  for (const char* c : kCharsets) known = known || charset == c;
  auto impl = [name, encode, charset, known, given = *given](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (!known) {
      return SparkError("INVALID_PARAMETER_VALUE.CHARSET", "22023",
                        fmt::format("The value of parameter(s) `charset` in `{}` is invalid: "
                                    "expects one of the iso-8859-1, us-ascii, utf-16, utf-16be, "
                                    "utf-16le, utf-32, utf-8, but got {}.",
                                    name, given));
    }
    bool malformed = false;
    auto convert = [&](const ArgRows& rows, int64_t i) {
      auto out = encode ? EncodeText(rows.Str(0, i), charset) : DecodeText(rows.Str(0, i), charset);
      malformed = malformed || !out;
      return out;
    };
    auto out = encode ? MapRows<arrow::BinaryBuilder>(a, convert) : MapToString(a, convert);
    if (malformed) {
      return SparkError("MALFORMED_CHARACTER_CODING", "22000",
                        fmt::format("Invalid value found when performing `{}` with {}", name, given));
    }
    return out;
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// UTF-8 validity. Only BINARY arguments can hold invalid UTF-8 in Spate.

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 1 && static_cast<unsigned char>(s[i]) >= 0x80) return false;
    i += n;
  }
  return true;
}

// Spark's rendering of a byte string in INVALID_UTF8_STRING: ASCII bytes as
// they are, others as \xHH.
std::string ShowBytes(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x80) out += c;
    else out += fmt::format("\\x{:02X}", b);
  }
  return out;
}

arrow::Result<BoundExprPtr> BindUtf8Check(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_ASSIGN_OR_RAISE(args[0], CoerceArg(args[0], 0, Arg::kStringOrBinary, pretty));
  if (name == "is_valid_utf8") {
    auto impl = [](const FunctionArgs& a) {
      return MapRows<arrow::BooleanBuilder>(a, [](const ArgRows& rows, int64_t i) {
        return std::optional<bool>(IsValidUtf8(rows.Str(0, i)));
      });
    };
    return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty, true);
  }
  auto impl = [name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::string invalid;
    bool failed = false;
    auto out = MapToString(a, [&](const ArgRows& rows, int64_t i) -> std::optional<std::string> {
      std::string_view s = rows.Str(0, i);
      if (IsValidUtf8(s)) return std::string(s);
      if (name == "make_valid_utf8") return ReplaceInvalidUtf8(s);
      if (name == "validate_utf8" && !failed) {
        failed = true;
        invalid = ShowBytes(s);
      }
      return std::nullopt;
    });
    if (failed) {
      return SparkError("INVALID_UTF8_STRING", "22029",
                        fmt::format("Invalid UTF8 byte sequence found in string: {}.", invalid));
    }
    return out;
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// URLs

// url_encode: application/x-www-form-urlencoded of the UTF-8 bytes (Java's
// URLEncoder): letters, digits and ".-*_" stay, ' ' becomes '+'.
std::string UrlEncode(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '.' || c == '-' || c == '*' || c == '_') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", b);
    }
  }
  return out;
}

// url_decode: '+' is ' ', %HH a byte; a malformed escape is nullopt. The
// bytes are read as UTF-8, invalid sequences as U+FFFD.
std::optional<std::string> UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return IsValidUtf8(out) ? out : ReplaceInvalidUtf8(out);
}

arrow::Result<BoundExprPtr> BindUrlCoding(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  bool encode = name == "url_encode", try_mode = name == "try_url_decode";
  auto impl = [encode, try_mode](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Status error;
    auto out = MapToString(a, [&](const ArgRows& rows, int64_t i) -> std::optional<std::string> {
      std::string_view s = rows.Str(0, i);
      if (encode) return UrlEncode(s);
      auto decoded = UrlDecode(s);
      if (!decoded && !try_mode && error.ok()) {
        error = SparkError("CANNOT_DECODE_URL", "22546",
                           fmt::format("The provided URL cannot be decoded: {}. Please ensure that "
                                       "the URL is properly formatted and try again.",
                                       s));
      }
      return decoded;
    });
    ARROW_RETURN_NOT_OK(error);
    return out;
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 1, 1, {Arg::kString},
                                         types::String(), impl));
  // Spark's URL functions are always nullable.
  return MakeFunction(name, impl, types::String(), bound->children(), pretty, true);
}

// The parts of a URI as java.net.URI splits it (raw, still escaped).
struct UriParts {
  std::optional<std::string_view> scheme, authority, user_info, host, path, query, fragment;
};

bool IsSchemeChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// nullopt when java.net.URI would reject the text: characters it never allows
// unescaped, a malformed %-escape, an empty scheme or scheme-specific part.
std::optional<UriParts> ParseUri(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b <= 0x20 || b == 0x7F || std::string_view("\"<>\\^`{|}").find(s[i]) != std::string_view::npos) {
      return std::nullopt;
    }
    if (s[i] == '%' && (i + 2 >= s.size() || HexValue(s[i + 1]) < 0 || HexValue(s[i + 2]) < 0)) {
      return std::nullopt;
    }
  }
  UriParts uri;
  std::string_view rest = s;
  size_t colon = s.find(':');
  size_t stop = s.find_first_of("/?#");
  if (colon != std::string_view::npos && (stop == std::string_view::npos || colon < stop)) {
    std::string_view scheme = s.substr(0, colon);
    if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme[0]))) return std::nullopt;
    for (char c : scheme) {
      if (!IsSchemeChar(c)) return std::nullopt;
    }
    uri.scheme = scheme;
    rest = s.substr(colon + 1);
    if (rest.empty()) return std::nullopt;
  }
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    uri.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  if (uri.scheme && (rest.empty() || rest[0] != '/')) return uri;  // opaque: mailto:a@b
  if (rest.substr(0, 2) == "//") {
    rest = rest.substr(2);
    size_t end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (!authority.empty()) {
      uri.authority = authority;
      std::string_view host = authority;
      size_t at = host.rfind('@');
      if (at != std::string_view::npos) {
        uri.user_info = host.substr(0, at);
        host = host.substr(at + 1);
      }
      size_t port = host.rfind(':');
      if (port != std::string_view::npos && host.find(']', port) == std::string_view::npos) {
        for (char c : host.substr(port + 1)) {
          if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        }
        host = host.substr(0, port);
      }
      if (!host.empty()) uri.host = host;
    }
  }
  size_t question = rest.find('?');
  uri.path = rest.substr(0, question);
  if (question != std::string_view::npos) uri.query = rest.substr(question + 1);
  return uri;
}

// The value of `key` in a query string: the first key=value pair.
std::optional<std::string> QueryValue(std::string_view query, std::string_view key) {
  size_t at = 0;
  while (at <= query.size()) {
    size_t amp = query.find('&', at);
    std::string_view pair = query.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return std::string(pair.substr(key.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  return std::nullopt;
}

std::optional<std::string> UrlPart(const UriParts& uri, std::string_view part) {
  auto text = [](const std::optional<std::string_view>& v) {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  if (part == "HOST") return text(uri.host);
  if (part == "PATH") return text(uri.path);
  if (part == "QUERY") return text(uri.query);
  if (part == "REF") return text(uri.fragment);
  if (part == "PROTOCOL") return text(uri.scheme);
  if (part == "AUTHORITY") return text(uri.authority);
  if (part == "USERINFO") return text(uri.user_info);
  if (part == "FILE") {
    if (!uri.path) return std::nullopt;
    return std::string(*uri.path) + (uri.query ? "?" + std::string(*uri.query) : "");
  }
  return std::nullopt;
}

// parse_url(url, part[, key]) / try_parse_url: part is HOST, PATH, QUERY,
// REF, PROTOCOL, FILE, AUTHORITY or USERINFO (case-sensitive; others give
// NULL); with a key, the value of that query parameter. A URL java.net.URI
// rejects raises INVALID_URL (NULL for try_parse_url).
arrow::Result<BoundExprPtr> BindParseUrl(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  bool try_mode = name == "try_parse_url";
  auto impl = [try_mode](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Status error;
    auto out = MapToString(a, [&](const ArgRows& rows, int64_t i) -> std::optional<std::string> {
      std::string_view url = rows.Str(0, i);
      auto uri = ParseUri(url);
      if (!uri) {
        if (!try_mode && error.ok()) {
          error = SparkError("INVALID_URL", "22P02",
                             fmt::format("The url is invalid: {}. Use `try_parse_url` to tolerate "
                                         "invalid URL and return NULL instead.",
                                         url));
        }
        return std::nullopt;
      }
      std::string_view part = rows.Str(1, i);
      if (a.values.size() < 3) return UrlPart(*uri, part);
      if (part != "QUERY" || !uri->query) return std::nullopt;
      return QueryValue(*uri->query, rows.Str(2, i));
    });
    ARROW_RETURN_NOT_OK(error);
    return out;
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 2, 3, {Arg::kString},
                                         types::String(), impl));
  return MakeFunction(name, impl, types::String(), bound->children(), pretty, true);
}

}  // namespace

void RegisterStringCodecFunctions(FunctionRegistry& r) {
  r.Add("bit_length", BindByteLength);
  r.Add("octet_length", BindByteLength);
  r.Add("base64", BindBase64);
  r.Add("unbase64", BindUnbase64);
  r.Add("to_binary", BindToBinary);
  r.Add("try_to_binary", BindToBinary);
  r.Add("encode", BindCharsetCoding);
  r.Add("decode", BindCharsetCoding);
  for (const char* n : {"is_valid_utf8", "make_valid_utf8", "validate_utf8", "try_validate_utf8"}) {
    r.Add(n, BindUtf8Check);
  }
  for (const char* n : {"url_encode", "url_decode", "try_url_decode"}) r.Add(n, BindUrlCoding);
  r.Add("parse_url", BindParseUrl);
  r.Add("try_parse_url", BindParseUrl);
}

}  // namespace spate::strings
