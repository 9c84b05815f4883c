#pragma once

// What the string function files share (functions_string*.cc, functions_regexp.cc):
// UTF-8 position helpers, row-wise evaluation of arguments, and binding with
// Spark's implicit casts. Included only by those files.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate::strings {

namespace cp = arrow::compute;

// ---------------------------------------------------------------------------
// UTF-8 helpers

inline bool IsLeadByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

inline int64_t NumChars(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += IsLeadByte(c);
  return n;
}

// Byte offset of every code point, plus the end: offsets[k] starts char k.
inline std::vector<size_t> CharOffsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsLeadByte(s[i])) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

// Chars [start, end) of `s`, clamped to the string.
inline std::string_view SubChars(std::string_view s, int64_t start, int64_t end) {
  auto offsets = CharOffsets(s);
  int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  return s.substr(offsets[start], offsets[end] - offsets[start]);
}

// UTF8String.substringSQL: 1-based `pos`, 0 acts as 1, negative counts from
// the end; the window is cut before clamping, so substr('abc', -5, 3) is ''.
inline std::string_view SubstringSql(std::string_view s, int64_t pos, int64_t len) {
  int64_t n = NumChars(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? n + pos : 0);
  int64_t end = start + len;
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  return SubChars(s, start, end);
}

// Byte position of char `k` within `s` (s.size() when past the end).
inline size_t ByteOfChar(std::string_view s, int64_t k) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsLeadByte(s[i]) && k-- == 0) return i;
  }
  return s.size();
}

// Appends code point `cp` as UTF-8.
inline void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Char index of byte `b` (a lead byte).
inline int64_t CharOfByte(std::string_view s, size_t b) { return NumChars(s.substr(0, b)); }

// ---------------------------------------------------------------------------
// Evaluated arguments, row by row

class ArgRows {
 public:
  static arrow::Result<ArgRows> Make(const FunctionArgs& a) {
    ArgRows rows;
    rows.num_rows = a.num_rows;
    for (const auto& v : a.values) {
      if (v.is_array()) {
        rows.arrays_.push_back(v.make_array());
      } else {
        ARROW_ASSIGN_OR_RAISE(auto arr, arrow::MakeArrayFromScalar(*v.scalar(), a.num_rows));
        rows.arrays_.push_back(std::move(arr));
      }
    }
    return rows;
  }

  bool IsNull(size_t arg, int64_t i) const { return arrays_[arg]->IsNull(i); }
  bool AnyNull(int64_t i) const {
    for (const auto& arr : arrays_) {
      if (arr->IsNull(i)) return true;
    }
    return false;
  }
  std::string_view Str(size_t arg, int64_t i) const {
    return static_cast<const arrow::BaseBinaryArray<arrow::BinaryType>&>(*arrays_[arg]).GetView(i);
  }
  int64_t Int(size_t arg, int64_t i) const {
    const auto& arr = *arrays_[arg];
    switch (arr.type_id()) {
      case arrow::Type::INT8: return static_cast<const arrow::Int8Array&>(arr).Value(i);
      case arrow::Type::INT16: return static_cast<const arrow::Int16Array&>(arr).Value(i);
      case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(arr).Value(i);
      default: return static_cast<const arrow::Int64Array&>(arr).Value(i);
    }
  }

  double Double(size_t arg, int64_t i) const {
    const auto& arr = *arrays_[arg];
    if (arr.type_id() == arrow::Type::FLOAT) return static_cast<const arrow::FloatArray&>(arr).Value(i);
    return static_cast<const arrow::DoubleArray&>(arr).Value(i);
  }
  bool Bool(size_t arg, int64_t i) const {
    return static_cast<const arrow::BooleanArray&>(*arrays_[arg]).Value(i);
  }
  const arrow::Array& array(size_t arg) const { return *arrays_[arg]; }

  int64_t num_rows = 0;

 private:
  std::vector<std::shared_ptr<arrow::Array>> arrays_;
};

// Maps rows whose arguments are all non-null through `fn`, which returns the
// value to append (or nullopt for NULL); rows with a NULL argument give NULL.
template <typename Builder, typename Fn>
inline arrow::Result<arrow::Datum> MapRows(const FunctionArgs& a, Fn fn) {
  ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
  Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(rows.num_rows));
  for (int64_t i = 0; i < rows.num_rows; ++i) {
    if (rows.AnyNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    auto value = fn(rows, i);
    if (value) {
      ARROW_RETURN_NOT_OK(builder.Append(*value));
    } else {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
  return arrow::Datum(out);
}

template <typename Fn>
inline arrow::Result<arrow::Datum> MapToString(const FunctionArgs& a, Fn fn) {
  return MapRows<arrow::StringBuilder>(a, fn);
}

// ---------------------------------------------------------------------------
// Binding: argument kinds and Spark's implicit casts

enum class Arg { kString, kStringOrBinary, kInt, kLong, kBoolean };

inline bool IsAtomic(const DataType& t) {
  return !t.IsNested() && t.id() != TypeId::kInterval;
}

inline const char* ExpectedName(Arg kind) {
  switch (kind) {
    case Arg::kString: return "\"STRING\"";
    case Arg::kStringOrBinary: return "(\"STRING\" or \"BINARY\")";
    case Arg::kInt: return "\"INT\"";
    case Arg::kLong: return "\"BIGINT\"";
    case Arg::kBoolean: return "\"BOOLEAN\"";
  }
  return "";
}

/// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for argument i; `expected` as
/// Spark prints it ("\"BINARY\"", "(\"STRING\" or \"BINARY\")").
inline arrow::Status UnexpectedTypeOf(const BoundExpr& arg, size_t i, const std::string& expected,
                                      const std::string& pretty) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has "
                                      "the type {}",
                                      Ordinal(i), expected, arg.name(), QuotedType(*arg.type())));
}

inline arrow::Status UnexpectedType(const BoundExpr& arg, size_t i, Arg kind, const std::string& pretty) {
  return UnexpectedTypeOf(arg, i, ExpectedName(kind), pretty);
}

inline arrow::Result<BoundExprPtr> CoerceArg(BoundExprPtr arg, size_t i, Arg kind,
                                      const std::string& pretty) {
  const DataType& t = *arg->type();
  switch (kind) {
    case Arg::kString:
    case Arg::kStringOrBinary:
      if (t.id() == TypeId::kBinary && kind == Arg::kStringOrBinary) return arg;
      if (!IsAtomic(t)) return UnexpectedType(*arg, i, kind, pretty);
      return ImplicitCast(arg, types::String());
    case Arg::kInt:
    case Arg::kLong:
      if (!t.IsNumeric() && t.id() != TypeId::kString && t.id() != TypeId::kNull) {
        return UnexpectedType(*arg, i, kind, pretty);
      }
      return ImplicitCast(arg, kind == Arg::kInt ? types::Int() : types::Long());
    case Arg::kBoolean:
      if (t.id() != TypeId::kBoolean && t.id() != TypeId::kNull) {
        return UnexpectedType(*arg, i, kind, pretty);
      }
      return ImplicitCast(arg, types::Boolean());
  }
  return arg;
}

// Checks the count, coerces argument i to kinds[i] (the last kind repeats for
// variadic functions) and makes the function.
inline arrow::Result<BoundExprPtr> Bind(const std::string& name, std::vector<BoundExprPtr> args,
                                 const std::string& pretty, size_t min, size_t max,
                                 const std::vector<Arg>& kinds, DataTypePtr result,
                                 FunctionImpl impl) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, min, max));
  bool nullable = false;
  for (size_t i = 0; i < args.size(); ++i) {
    Arg kind = kinds[std::min(i, kinds.size() - 1)];
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kind, pretty));
    nullable = nullable || args[i]->nullable();
  }
  return MakeFunction(name, std::move(impl), std::move(result), std::move(args), pretty, nullable);
}

// A constant argument's value as text (nullopt for NULL); non-constant
// options are not supported.
inline arrow::Result<std::optional<std::string>> ConstantString(const BoundExpr& arg, const std::string& fn,
                                                         const char* what) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return arrow::Status::NotImplemented(fn, " with a ", what, " that is not a constant");
  }
  if (!value->is_valid) return std::nullopt;
  return static_cast<const arrow::StringScalar&>(*value).ToString();
}

inline arrow::Result<std::optional<int64_t>> ConstantInt(const BoundExpr& arg, const std::string& fn,
                                                  const char* what) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return arrow::Status::NotImplemented(fn, " with a ", what, " that is not a constant");
  }
  if (!value->is_valid) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto as_long, value->CastTo(arrow::int64()));
  return static_cast<const arrow::Int64Scalar&>(*as_long).value;
}

inline constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Padded base64; `chunk` breaks lines of 76 chars with CRLF (Java's MIME
// encoder, what Spark's base64 writes by default).
inline std::string Base64Encode(std::string_view in, bool chunk) {
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    if (chunk && line == 76) {
      out += "\r\n";
      line = 0;
    }
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[n & 63] : '=';
    line += 4;
  }
  return out;
}

inline FunctionImpl NullResult(const std::shared_ptr<arrow::DataType>& type) {
  return [type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    return arrow::MakeArrayOfNull(type, a.num_rows);
  };
}

inline arrow::Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}


/// Registration of the other string files, called by RegisterStringFunctions.
void RegisterRegexpFunctions(FunctionRegistry& r);
void RegisterStringFormatFunctions(FunctionRegistry& r);
void RegisterStringCodecFunctions(FunctionRegistry& r);

}  // namespace spate::strings
