// String functions with Spark's semantics: positions and lengths count
// Unicode code points (as Spark's UTF8String does), NULL in gives NULL out
// unless noted, and non-string atomic arguments are implicitly cast to
// STRING. Regular expressions run on Arrow's regex kernels (RE2), after
// translating the Java-only pieces of syntax Spark users write.

#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

// ---------------------------------------------------------------------------
// UTF-8 helpers

bool IsLeadByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

int64_t NumChars(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += IsLeadByte(c);
  return n;
}

// Byte offset of every code point, plus the end: offsets[k] starts char k.
std::vector<size_t> CharOffsets(std::string_view s) {
  std::vector<size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsLeadByte(s[i])) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

// Chars [start, end) of `s`, clamped to the string.
std::string_view SubChars(std::string_view s, int64_t start, int64_t end) {
  auto offsets = CharOffsets(s);
  int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  return s.substr(offsets[start], offsets[end] - offsets[start]);
}

// UTF8String.substringSQL: 1-based `pos`, 0 acts as 1, negative counts from
// the end; the window is cut before clamping, so substr('abc', -5, 3) is ''.
std::string_view SubstringSql(std::string_view s, int64_t pos, int64_t len) {
  int64_t n = NumChars(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? n + pos : 0);
  int64_t end = start + len;
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  return SubChars(s, start, end);
}

// Byte position of char `k` within `s` (s.size() when past the end).
size_t ByteOfChar(std::string_view s, int64_t k) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsLeadByte(s[i]) && k-- == 0) return i;
  }
  return s.size();
}

// Char index of byte `b` (a lead byte).
int64_t CharOfByte(std::string_view s, size_t b) { return NumChars(s.substr(0, b)); }

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

  int64_t num_rows = 0;

 private:
  std::vector<std::shared_ptr<arrow::Array>> arrays_;
};

// Maps rows whose arguments are all non-null through `fn`, which returns the
// value to append (or nullopt for NULL); rows with a NULL argument give NULL.
template <typename Builder, typename Fn>
arrow::Result<arrow::Datum> MapRows(const FunctionArgs& a, Fn fn) {
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
arrow::Result<arrow::Datum> MapToString(const FunctionArgs& a, Fn fn) {
  return MapRows<arrow::StringBuilder>(a, fn);
}

// ---------------------------------------------------------------------------
// Binding: argument kinds and Spark's implicit casts

enum class Arg { kString, kStringOrBinary, kInt, kLong, kBoolean };

bool IsAtomic(const DataType& t) {
  return !t.IsNested() && t.id() != TypeId::kInterval;
}

const char* ExpectedName(Arg kind) {
  switch (kind) {
    case Arg::kString: return "\"STRING\"";
    case Arg::kStringOrBinary: return "(\"STRING\" or \"BINARY\")";
    case Arg::kInt: return "\"INT\"";
    case Arg::kLong: return "\"BIGINT\"";
    case Arg::kBoolean: return "\"BOOLEAN\"";
  }
  return "";
}

arrow::Status UnexpectedType(const BoundExpr& arg, size_t i, Arg kind, const std::string& pretty) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has "
                                      "the type {}",
                                      Ordinal(i), ExpectedName(kind), arg.name(),
                                      QuotedType(*arg.type())));
}

arrow::Result<BoundExprPtr> CoerceArg(BoundExprPtr arg, size_t i, Arg kind,
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
arrow::Result<BoundExprPtr> Bind(const std::string& name, std::vector<BoundExprPtr> args,
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
arrow::Result<std::optional<std::string>> ConstantString(const BoundExpr& arg, const std::string& fn,
                                                         const char* what) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return arrow::Status::NotImplemented(fn, " with a ", what, " that is not a constant");
  }
  if (!value->is_valid) return std::nullopt;
  return static_cast<const arrow::StringScalar&>(*value).ToString();
}

arrow::Result<std::optional<int64_t>> ConstantInt(const BoundExpr& arg, const std::string& fn,
                                                  const char* what) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return arrow::Status::NotImplemented(fn, " with a ", what, " that is not a constant");
  }
  if (!value->is_valid) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto as_long, value->CastTo(arrow::int64()));
  return static_cast<const arrow::Int64Scalar&>(*as_long).value;
}

FunctionImpl NullResult(const std::shared_ptr<arrow::DataType>& type) {
  return [type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    return arrow::MakeArrayOfNull(type, a.num_rows);
  };
}

// ---------------------------------------------------------------------------
// Case, length, concatenation

FunctionImpl ArrowUnary(std::string fn) {
  return [fn](const FunctionArgs& a) { return cp::CallFunction(fn, {a.values[0]}); };
}

arrow::Result<BoundExprPtr> BindCase(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  bool upper = name == "upper" || name == "ucase";
  if (!upper) {
    return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::String(),
                ArrowUnary("utf8_lower"));
  }
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    // Java upper-cases with the full mapping, 'ß' -> "SS"; utf8proc's simple
    // mapping would give 'ẞ'.
    cp::ReplaceSubstringOptions sharp_s("ß", "SS");
    ARROW_ASSIGN_OR_RAISE(auto expanded, cp::CallFunction("replace_substring", {a.values[0]}, &sharp_s));
    return cp::CallFunction("utf8_upper", {expanded});
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::String(), impl);
}

arrow::Result<BoundExprPtr> BindLength(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    // Strings count chars, binary counts bytes; Spark's result is INT.
    bool binary = a.exprs[0]->type()->id() == TypeId::kBinary;
    ARROW_ASSIGN_OR_RAISE(auto n, cp::CallFunction(binary ? "binary_length" : "utf8_length",
                                                   {a.values[0]}));
    return cp::Cast(n, arrow::int32());
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kStringOrBinary}, types::Int(), impl);
}

arrow::Result<BoundExprPtr> BindConcat(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) {
      std::string out;
      for (size_t k = 0; k < a.values.size(); ++k) out += rows.Str(k, i);
      return std::optional<std::string>(std::move(out));
    });
  };
  if (args.empty()) {
    // concat() is the empty string.
    return MakeFunction(name, [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
      return arrow::MakeArrayFromScalar(arrow::StringScalar(""), a.num_rows);
    }, types::String(), {}, pretty, false);
  }
  return Bind(name, std::move(args), pretty, 1, SIZE_MAX, {Arg::kString}, types::String(), impl);
}

// concat_ws(sep, s1, s2, ...): NULL values are skipped; array<string>
// arguments contribute each of their non-null elements.
arrow::Result<BoundExprPtr> BindConcatWs(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, SIZE_MAX));
  for (size_t i = 0; i < args.size(); ++i) {
    const DataType& t = *args[i]->type();
    bool string_array = t.id() == TypeId::kArray &&
                        static_cast<const ArrayType&>(t).element_type()->id() == TypeId::kString;
    if (i > 0 && string_array) continue;
    if (!IsAtomic(t)) {
      return DataTypeMismatch(
          "UNEXPECTED_INPUT_TYPE", pretty,
          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                      Ordinal(i), i == 0 ? "\"STRING\"" : "(\"ARRAY<STRING>\" or \"STRING\")",
                      args[i]->name(), QuotedType(t)));
    }
    args[i] = ImplicitCast(args[i], types::String());
  }
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (const auto& v : a.values) {
      ARROW_ASSIGN_OR_RAISE(auto arr, v.is_array() ? arrow::Result<std::shared_ptr<arrow::Array>>(v.make_array())
                                                   : arrow::MakeArrayFromScalar(*v.scalar(), a.num_rows));
      arrays.push_back(arr);
    }
    arrow::StringBuilder builder;
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (rows.IsNull(0, i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      std::string_view sep = rows.Str(0, i);
      std::string out;
      bool first = true;
      auto add = [&](std::string_view s) {
        if (!first) out += sep;
        out += s;
        first = false;
      };
      for (size_t k = 1; k < arrays.size(); ++k) {
        if (arrays[k]->IsNull(i)) continue;
        if (arrays[k]->type_id() == arrow::Type::LIST) {
          const auto& list = static_cast<const arrow::ListArray&>(*arrays[k]);
          const auto& items = static_cast<const arrow::StringArray&>(*list.values());
          for (int64_t j = list.value_offset(i); j < list.value_offset(i + 1); ++j) {
            if (items.IsValid(j)) add(items.GetView(j));
          }
        } else {
          add(rows.Str(k, i));
        }
      }
      ARROW_RETURN_NOT_OK(builder.Append(out));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
    return arrow::Datum(out);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Substrings

arrow::Result<BoundExprPtr> BindSubstring(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  bool binary = !args.empty() && args[0]->type()->id() == TypeId::kBinary;
  auto impl = [binary](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    auto cut = [&](const ArgRows& rows, int64_t i) {
      int64_t len = a.values.size() > 2 ? rows.Int(2, i) : INT32_MAX;
      std::string_view s = rows.Str(0, i);
      if (!binary) return std::optional<std::string>(SubstringSql(s, rows.Int(1, i), len));
      // Binary counts bytes, with the same window rules.
      int64_t pos = rows.Int(1, i), n = static_cast<int64_t>(s.size());
      int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? n + pos : 0);
      int64_t end = std::min(start + len, n);
      start = std::max<int64_t>(start, 0);
      if (start >= end) return std::optional<std::string>("");
      return std::optional<std::string>(s.substr(start, end - start));
    };
    if (binary) return MapRows<arrow::BinaryBuilder>(a, cut);
    return MapToString(a, cut);
  };
  return Bind(name, std::move(args), pretty, 2, 3, {Arg::kStringOrBinary, Arg::kInt, Arg::kInt},
              binary ? types::Binary() : types::String(), impl);
}

arrow::Result<BoundExprPtr> BindLeftRight(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  bool left = name == "left";
  auto impl = [left](const FunctionArgs& a) {
    return MapToString(a, [left](const ArgRows& rows, int64_t i) {
      int64_t len = rows.Int(1, i);
      if (len <= 0) return std::optional<std::string>("");
      std::string_view s = rows.Str(0, i);
      return std::optional<std::string>(left ? SubstringSql(s, 1, len)
                                             : SubstringSql(s, -len, INT32_MAX));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 2, {Arg::kString, Arg::kInt}, types::String(),
              impl);
}

// ---------------------------------------------------------------------------
// Trimming and padding

bool InSet(std::string_view set_chars, std::string_view ch) {
  return set_chars.find(ch) != std::string_view::npos;
}

// Trims whole code points found in `chars` (Spark trims only ' ' by default).
std::string_view TrimChars(std::string_view s, std::string_view chars, bool lead, bool trail) {
  auto offsets = CharOffsets(s);
  size_t b = 0, e = offsets.size() - 1;
  auto ch = [&](size_t k) { return s.substr(offsets[k], offsets[k + 1] - offsets[k]); };
  while (lead && b < e && InSet(chars, ch(b))) ++b;
  while (trail && e > b && InSet(chars, ch(e - 1))) --e;
  return s.substr(offsets[b], offsets[e] - offsets[b]);
}

arrow::Result<BoundExprPtr> BindTrim(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  bool lead = name != "rtrim", trail = name != "ltrim";
  auto impl = [lead, trail](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view chars = a.values.size() > 1 ? rows.Str(1, i) : std::string_view(" ");
      return std::optional<std::string>(TrimChars(rows.Str(0, i), chars, lead, trail));
    });
  };
  return Bind(name, std::move(args), pretty, 1, 2, {Arg::kString}, types::String(), impl);
}

// UTF8String.lpad/rpad: the result has exactly `len` chars, the pad cycling;
// a string longer than `len` (or an empty pad) is cut to `len`.
std::string Pad(std::string_view s, int64_t len, std::string_view pad, bool left) {
  if (len <= 0) return "";
  int64_t n = NumChars(s);
  int64_t missing = len - n;
  if (missing <= 0 || pad.empty()) return std::string(SubChars(s, 0, len));
  int64_t pad_chars = NumChars(pad);
  std::string fill;
  for (int64_t k = 0; k < missing / pad_chars; ++k) fill += pad;
  fill += SubChars(pad, 0, missing % pad_chars);
  return left ? fill + std::string(s) : std::string(s) + fill;
}

arrow::Result<BoundExprPtr> BindPad(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  bool left = name == "lpad";
  auto impl = [left](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view pad = a.values.size() > 2 ? rows.Str(2, i) : std::string_view(" ");
      return std::optional<std::string>(Pad(rows.Str(0, i), rows.Int(1, i), pad, left));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 3, {Arg::kString, Arg::kInt, Arg::kString},
              types::String(), impl);
}

// ---------------------------------------------------------------------------
// Searching and rewriting

arrow::Result<BoundExprPtr> BindReplace(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), search = rows.Str(1, i);
      std::string_view rep = a.values.size() > 2 ? rows.Str(2, i) : std::string_view();
      if (search.empty()) return std::optional<std::string>(s);
      std::string out;
      size_t at = 0;
      for (size_t hit; (hit = s.find(search, at)) != std::string_view::npos; at = hit + search.size()) {
        out.append(s.substr(at, hit - at)).append(rep);
      }
      out.append(s.substr(at));
      return std::optional<std::string>(std::move(out));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 3, {Arg::kString}, types::String(), impl);
}

// 1-based char position of `needle` in `s` at or after char `from`, 0 if absent.
int32_t CharPosition(std::string_view s, std::string_view needle, int64_t from) {
  size_t start = ByteOfChar(s, from);
  if (start > s.size() || (start == s.size() && from > NumChars(s))) return 0;
  size_t hit = s.find(needle, start);
  if (hit == std::string_view::npos) return 0;
  return static_cast<int32_t>(CharOfByte(s, hit) + 1);
}

arrow::Result<BoundExprPtr> BindInstr(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [](const ArgRows& rows, int64_t i) {
      return std::optional<int32_t>(CharPosition(rows.Str(0, i), rows.Str(1, i), 0));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 2, {Arg::kString}, types::Int(), impl);
}

// locate(substr, str[, pos]): a position below 1 finds nothing.
arrow::Result<BoundExprPtr> BindLocate(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [&](const ArgRows& rows, int64_t i) {
      int64_t pos = a.values.size() > 2 ? rows.Int(2, i) : 1;
      if (pos < 1) return std::optional<int32_t>(0);
      return std::optional<int32_t>(CharPosition(rows.Str(1, i), rows.Str(0, i), pos - 1));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 3, {Arg::kString, Arg::kString, Arg::kInt},
              types::Int(), impl);
}

arrow::Result<BoundExprPtr> BindReverse(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i);
      auto offsets = CharOffsets(s);
      std::string out;
      out.reserve(s.size());
      for (size_t k = offsets.size() - 1; k > 0; --k) {
        out.append(s.substr(offsets[k - 1], offsets[k] - offsets[k - 1]));
      }
      return std::optional<std::string>(std::move(out));
    });
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::String(), impl);
}

// initcap: lower-cases the string, then upper-cases the first letter of each
// word; only spaces separate words, as in Spark.
arrow::Result<BoundExprPtr> BindInitcap(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto lower, cp::CallFunction("utf8_lower", {a.values[0]}));
    ARROW_ASSIGN_OR_RAISE(auto arr, lower.is_array() ? arrow::Result<std::shared_ptr<arrow::Array>>(lower.make_array())
                                                     : arrow::MakeArrayFromScalar(*lower.scalar(), a.num_rows));
    // Upper-case each word's first char through Arrow so that non-ASCII
    // letters follow Unicode's rules.
    const auto& strings = static_cast<const arrow::StringArray&>(*arr);
    arrow::StringBuilder firsts;
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        ARROW_RETURN_NOT_OK(firsts.AppendNull());
        continue;
      }
      std::string_view s = strings.GetView(i);
      auto offsets = CharOffsets(s);
      for (size_t k = 0; k + 1 < offsets.size(); ++k) {
        if (k == 0 || s[offsets[k] - 1] == ' ') {
          ARROW_RETURN_NOT_OK(firsts.Append(s.substr(offsets[k], offsets[k + 1] - offsets[k])));
        }
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto first_chars, firsts.Finish());
    ARROW_ASSIGN_OR_RAISE(auto upper, cp::CallFunction("utf8_upper", {first_chars}));
    auto upper_array = upper.make_array();
    const auto& ups = static_cast<const arrow::StringArray&>(*upper_array);
    arrow::StringBuilder out;
    int64_t next = 0;
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        ++next;
        continue;
      }
      std::string_view s = strings.GetView(i);
      auto offsets = CharOffsets(s);
      std::string result;
      for (size_t k = 0; k + 1 < offsets.size(); ++k) {
        bool word_start = k == 0 || s[offsets[k] - 1] == ' ';
        result += word_start ? ups.GetView(next++) : s.substr(offsets[k], offsets[k + 1] - offsets[k]);
      }
      ARROW_RETURN_NOT_OK(out.Append(result));
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::String(), impl);
}

arrow::Result<BoundExprPtr> BindRepeat(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      std::string out;
      for (int64_t k = 0; k < rows.Int(1, i); ++k) out += rows.Str(0, i);
      return std::optional<std::string>(std::move(out));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 2, {Arg::kString, Arg::kInt}, types::String(),
              impl);
}

arrow::Result<BoundExprPtr> BindStringPredicate(const std::string& name,
                                                std::vector<BoundExprPtr> args,
                                                const std::string& pretty) {
  auto impl = [name](const FunctionArgs& a) {
    return MapRows<arrow::BooleanBuilder>(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), p = rows.Str(1, i);
      if (name == "startswith") return std::optional<bool>(s.substr(0, p.size()) == p);
      if (name == "endswith") {
        return std::optional<bool>(s.size() >= p.size() && s.substr(s.size() - p.size()) == p);
      }
      return std::optional<bool>(s.find(p) != std::string_view::npos);
    });
  };
  return Bind(name, std::move(args), pretty, 2, 2, {Arg::kString}, types::Boolean(), impl);
}

// ascii: the code point of the first char, 0 for the empty string.
arrow::Result<BoundExprPtr> BindAscii(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i);
      if (s.empty()) return std::optional<int32_t>(0);
      auto b = static_cast<unsigned char>(s[0]);
      int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      int32_t cp = len == 1 ? b : b & (0x3F >> (len - 1));
      for (int k = 1; k < len && k < static_cast<int>(s.size()); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
      }
      return std::optional<int32_t>(cp);
    });
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::Int(), impl);
}

// ---------------------------------------------------------------------------
// Regular expressions

// Rewrites each capturing group of a Java regex to a named group g1, g2, ...
// (Arrow's extract_regex reports named groups only) and counts them.
std::string NameGroups(const std::string& pattern, int* count) {
  std::string out;
  bool in_class = false;
  *count = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c != '(') {
      out += c;
      continue;
    }
    bool named = pattern.compare(i, 3, "(?<") == 0 && i + 3 < pattern.size() &&
                 pattern[i + 3] != '=' && pattern[i + 3] != '!';
    bool named_p = pattern.compare(i, 4, "(?P<") == 0;
    if (i + 1 < pattern.size() && pattern[i + 1] == '?' && !named && !named_p) {
      out += c;  // non-capturing group, flags or lookaround
      continue;
    }
    if (named || named_p) i = pattern.find('>', i);
    if (i == std::string::npos) return out + pattern.substr(out.size());
    out += fmt::format("(?P<g{}>", ++*count);
  }
  return out;
}

// Java's replacement syntax ($1, \$) in RE2's (\1, $).
std::string RewriteReplacement(std::string_view rep) {
  std::string out;
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\' && i + 1 < rep.size()) {
      char next = rep[++i];
      if (next == '\\') out += "\\\\";
      else out += next;
    } else if (c == '$' && i + 1 < rep.size() && std::isdigit(static_cast<unsigned char>(rep[i + 1]))) {
      out += '\\';
      out += rep[++i];
    } else {
      out += c;
    }
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

arrow::Result<BoundExprPtr> BindRegexpExtract(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::vector<Arg> kinds = {Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  std::optional<int64_t> idx = 1;
  if (args.size() > 2) {
    ARROW_ASSIGN_OR_RAISE(idx, ConstantInt(*args[2], name, "group index"));
  }
  if (!pattern || !idx) return MakeFunction(name, NullResult(arrow::utf8()), types::String(), std::move(args), pretty);
  int groups = 0;
  std::string named = "(?P<g0>" + NameGroups(*pattern, &groups) + ")";
  int64_t group = *idx;
  auto impl = [named, groups, group, name, source = *pattern](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (group < 0 || group > groups) {
      return SparkError("INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", "22023",
                        fmt::format("The value of parameter(s) `idx` in `{}` is invalid: Expects "
                                    "group index between 0 and {}, but got {}.",
                                    name, groups, group));
    }
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    cp::ExtractRegexOptions options(named);
    auto extracted = cp::CallFunction("extract_regex", {input}, &options);
    if (!extracted.ok()) return InvalidPattern(name, "regexp", source);
    auto matches_array = extracted->make_array();
    const auto& matches = static_cast<const arrow::StructArray&>(*matches_array);
    const auto& values = static_cast<const arrow::StringArray&>(*matches.field(static_cast<int>(group)));
    // A row that does not match gives the empty string, not NULL.
    arrow::StringBuilder out;
    for (int64_t i = 0; i < input->length(); ++i) {
      if (input->IsNull(i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(out.Append(matches.IsNull(i) ? std::string_view() : values.GetView(i)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// regexp_replace(str, regexp, rep[, pos]): replaces every match at or after
// char `pos` (1-based); the chars before it stay as they are.
arrow::Result<BoundExprPtr> BindRegexpReplace(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 4));
  std::vector<Arg> kinds = {Arg::kString, Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  ARROW_ASSIGN_OR_RAISE(auto rep, ConstantString(*args[2], name, "replacement"));
  std::optional<int64_t> pos = 1;
  if (args.size() > 3) {
    ARROW_ASSIGN_OR_RAISE(pos, ConstantInt(*args[3], name, "position"));
  }
  if (pos && *pos <= 0) {
    return DataTypeMismatch("VALUE_OUT_OF_RANGE", pretty,
                            fmt::format("The {} parameter requires the value to be greater than 0, "
                                        "however \"{}\" has the value {}",
                                        Ordinal(3), args[3]->name(), *pos));
  }
  if (!pattern || !rep || !pos) return MakeFunction(name, NullResult(arrow::utf8()), types::String(), std::move(args), pretty);
  std::string regex = *pattern, replacement = RewriteReplacement(*rep);
  int64_t skip = *pos - 1;
  auto impl = [regex, replacement, skip, name, source = *pattern](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    arrow::Datum head = arrow::MakeScalar(std::string());
    arrow::Datum tail = input;
    if (skip > 0) {
      cp::SliceOptions before(0, skip), after(skip);
      ARROW_ASSIGN_OR_RAISE(head, cp::CallFunction("utf8_slice_codeunits", {input}, &before));
      ARROW_ASSIGN_OR_RAISE(tail, cp::CallFunction("utf8_slice_codeunits", {input}, &after));
    }
    cp::ReplaceSubstringOptions options(regex, replacement);
    auto replaced = cp::CallFunction("replace_substring_regex", {tail}, &options);
    if (!replaced.ok()) return InvalidPattern(name, "regexp", source);
    if (skip == 0) return replaced;
    // A position past the end leaves the string untouched.
    ARROW_ASSIGN_OR_RAISE(auto joined, cp::CallFunction("binary_join_element_wise",
                                                        {head, *replaced, arrow::MakeScalar(std::string())}));
    return joined;
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// split(str, regex[, limit]): limit > 0 keeps at most `limit` entries (the last
// holds the rest); otherwise all, trailing empty strings included. An empty
// regex splits between chars.
std::vector<std::string_view> SplitChars(std::string_view s, int64_t limit) {
  auto offsets = CharOffsets(s);
  int64_t n = static_cast<int64_t>(offsets.size()) - 1;
  if (n == 0) return {s};
  int64_t parts = limit > 0 && limit < n ? limit : n;
  std::vector<std::string_view> out;
  for (int64_t k = 0; k < parts; ++k) {
    size_t end = k == parts - 1 ? s.size() : offsets[k + 1];
    out.push_back(s.substr(offsets[k], end - offsets[k]));
  }
  return out;
}

arrow::Result<arrow::Datum> SplitByChars(const arrow::Array& input, int64_t limit,
                                         const std::shared_ptr<arrow::DataType>& list_type) {
  const auto& strings = static_cast<const arrow::StringArray&>(input);
  auto values = std::make_shared<arrow::StringBuilder>();
  arrow::ListBuilder builder(arrow::default_memory_pool(), values, list_type);
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(builder.Append());
    for (auto part : SplitChars(strings.GetView(i), limit)) ARROW_RETURN_NOT_OK(values->Append(part));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
  return arrow::Datum(out);
}

arrow::Result<BoundExprPtr> BindSplit(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::vector<Arg> kinds = {Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  DataTypePtr type = types::Array(types::String());
  ARROW_ASSIGN_OR_RAISE(auto list_type, ToArrowType(*type));
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  std::optional<int64_t> limit = -1;
  if (args.size() > 2) {
    ARROW_ASSIGN_OR_RAISE(limit, ConstantInt(*args[2], name, "limit"));
  }
  if (!pattern || !limit) return MakeFunction(name, NullResult(list_type), type, std::move(args), pretty);
  std::string regex = *pattern;
  int64_t max_parts = *limit;
  auto impl = [regex, max_parts, list_type, name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    if (regex.empty()) return SplitByChars(*input, max_parts, list_type);
    cp::SplitPatternOptions options(regex, max_parts > 0 ? max_parts - 1 : -1);
    auto parts = cp::CallFunction("split_pattern_regex", {input}, &options);
    if (!parts.ok()) return InvalidPattern(name, "regex", regex);
    return parts->make_array()->View(list_type);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& r) {
  for (const char* n : {"upper", "ucase", "lower", "lcase"}) r.Add(n, BindCase);
  for (const char* n : {"length", "char_length", "character_length", "len"}) r.Add(n, BindLength);
  r.Add("concat", BindConcat);
  r.Add("concat_ws", BindConcatWs);
  r.Add("substring", BindSubstring);
  r.Add("substr", BindSubstring);
  r.Add("left", BindLeftRight);
  r.Add("right", BindLeftRight);
  for (const char* n : {"trim", "ltrim", "rtrim"}) r.Add(n, BindTrim);
  r.Add("lpad", BindPad);
  r.Add("rpad", BindPad);
  r.Add("replace", BindReplace);
  r.Add("instr", BindInstr);
  r.Add("locate", BindLocate);
  r.Add("position", BindLocate);
  r.Add("reverse", BindReverse);
  r.Add("initcap", BindInitcap);
  r.Add("repeat", BindRepeat);
  for (const char* n : {"startswith", "endswith", "contains"}) r.Add(n, BindStringPredicate);
  r.Add("ascii", BindAscii);
  r.Add("regexp_extract", BindRegexpExtract);
  r.Add("regexp_replace", BindRegexpReplace);
  r.Add("split", BindSplit);
}

}  // namespace spate
