// String functions with Spark's semantics: positions and lengths count
// Unicode code points (as Spark's UTF8String does), NULL in gives NULL out
// unless noted, and non-string atomic arguments are implicitly cast to
// STRING. Regular expressions run on Arrow's regex kernels (RE2), after
// translating the Java-only pieces of syntax Spark users write.

#include "spate/expr/functions_string_common.h"

namespace spate {
namespace strings {
namespace {

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
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 2, 2,
                                         {Arg::kString, Arg::kInt}, types::String(), impl));
  if (left) return bound;
  // right() is Spark's IF(str IS NULL, NULL, ...): always nullable.
  return MakeFunction(name, impl, types::String(), bound->children(), pretty, true);
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
  if (needle.empty()) return 1;  // Spark: the empty string is found at the start
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

// locate(substr, str[, pos]): a position below 1 finds nothing; a NULL
// position gives 0 whatever the strings are.
arrow::Result<BoundExprPtr> BindLocate(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
    arrow::Int32Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(rows.num_rows));
    for (int64_t i = 0; i < rows.num_rows; ++i) {
      bool has_pos = a.values.size() > 2;
      if (has_pos && rows.IsNull(2, i)) {
        out.UnsafeAppend(0);
      } else if (rows.IsNull(0, i) || rows.IsNull(1, i)) {
        out.UnsafeAppendNull();
      } else {
        int64_t pos = has_pos ? rows.Int(2, i) : 1;
        out.UnsafeAppend(pos < 1 ? 0 : CharPosition(rows.Str(1, i), rows.Str(0, i), pos - 1));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 2, 3,
                                         {Arg::kString, Arg::kString, Arg::kInt}, types::Int(), impl));
  const auto& children = bound->children();
  bool nullable = children[0]->nullable() || children[1]->nullable();
  return MakeFunction(name, impl, types::Int(), children, pretty, nullable);
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
        if (!word_start) {
          result += s.substr(offsets[k], offsets[k + 1] - offsets[k]);
        } else {
          // Java title-cases 'ß' as "Ss"; utf8proc upper-cases it to 'ẞ'.
          std::string_view up = ups.GetView(next++);
          result += s.substr(offsets[k], offsets[k + 1] - offsets[k]) == "ß" ? std::string_view("Ss") : up;
        }
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
// Characters, lists and edits

// char(n) / chr(n): the char of code point n mod 256; '' for negative n.
arrow::Result<BoundExprPtr> BindChr(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      int64_t n = rows.Int(0, i);
      std::string out;
      if (n >= 0) {
        AppendUtf8(out, static_cast<uint32_t>(n % 256));
      }
      return std::optional<std::string>(std::move(out));
    });
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kLong}, types::String(), impl);
}

// elt(n, v1, v2, ...): the n-th value (1-based). An index out of range is
// INVALID_ARRAY_INDEX under ANSI, NULL otherwise. All values are strings, or
// all binary.
arrow::Result<BoundExprPtr> BindElt(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  if (args.size() < 2) {
    return SparkError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605",
                      fmt::format("The `{}` requires > 1 parameters but the actual number is {}. "
                                  "Please, refer to "
                                  "'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
                                  "for a fix.",
                                  name, args.size()));
  }
  ARROW_ASSIGN_OR_RAISE(args[0], CoerceArg(args[0], 0, Arg::kInt, pretty));
  bool binary = true;
  for (size_t i = 1; i < args.size(); ++i) binary = binary && args[i]->type()->id() == TypeId::kBinary;
  for (size_t i = 1; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, binary ? Arg::kStringOrBinary : Arg::kString, pretty));
  }
  auto impl = [binary](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
    int64_t count = static_cast<int64_t>(a.values.size()) - 1;
    arrow::BinaryBuilder bytes;
    arrow::StringBuilder text;
    for (int64_t i = 0; i < rows.num_rows; ++i) {
      int64_t n = rows.IsNull(0, i) ? 0 : rows.Int(0, i);
      bool in_range = !rows.IsNull(0, i) && n >= 1 && n <= count;
      if (!rows.IsNull(0, i) && !in_range && a.ctx.ansi) {
        return SparkError("INVALID_ARRAY_INDEX", "22003",
                          fmt::format("The index {} is out of bounds. The array has {} elements. "
                                      "Use the SQL function `get()` to tolerate accessing element "
                                      "at invalid index and return NULL instead.",
                                      n, count));
      }
      bool valid = in_range && !rows.IsNull(static_cast<size_t>(n), i);
      if (binary) {
        ARROW_RETURN_NOT_OK(valid ? bytes.Append(rows.Str(n, i)) : bytes.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(valid ? text.Append(rows.Str(n, i)) : text.AppendNull());
      }
    }
    std::shared_ptr<arrow::Array> out;
    if (binary) {
      ARROW_RETURN_NOT_OK(bytes.Finish(&out));
    } else {
      ARROW_RETURN_NOT_OK(text.Finish(&out));
    }
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, binary ? types::Binary() : types::String(), std::move(args),
                      pretty, true);
}

// find_in_set(str, list): the 1-based position of str among the
// comma-separated items of list; 0 when absent or when str holds a comma.
arrow::Result<BoundExprPtr> BindFindInSet(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), list = rows.Str(1, i);
      if (s.find(',') != std::string_view::npos) return std::optional<int32_t>(0);
      int32_t k = 1;
      for (size_t at = 0;; ++k) {
        size_t comma = list.find(',', at);
        if (list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at) == s) {
          return std::optional<int32_t>(k);
        }
        if (comma == std::string_view::npos) return std::optional<int32_t>(0);
        at = comma + 1;
      }
    });
  };
  return Bind(name, std::move(args), pretty, 2, 2, {Arg::kString}, types::Int(), impl);
}

// Edit distance between the code points of a and b.
int64_t Levenshtein(std::string_view a, std::string_view b) {
  auto ca = CharOffsets(a), cb = CharOffsets(b);
  size_t n = ca.size() - 1, m = cb.size() - 1;
  auto ch = [](std::string_view s, const std::vector<size_t>& o, size_t k) {
    return s.substr(o[k], o[k + 1] - o[k]);
  };
  std::vector<int64_t> prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= m; ++j) {
      int64_t cost = ch(a, ca, i - 1) == ch(b, cb, j - 1) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

// levenshtein(a, b[, threshold]): -1 when the distance exceeds threshold.
arrow::Result<BoundExprPtr> BindLevenshtein(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(a, [&](const ArgRows& rows, int64_t i) {
      int64_t d = Levenshtein(rows.Str(0, i), rows.Str(1, i));
      if (a.values.size() > 2 && d > rows.Int(2, i)) d = -1;
      return std::optional<int32_t>(static_cast<int32_t>(d));
    });
  };
  return Bind(name, std::move(args), pretty, 2, 3, {Arg::kString, Arg::kString, Arg::kInt},
              types::Int(), impl);
}

// soundex: American Soundex of an ASCII-letter-led string; any other string
// is returned as it is. H and W do not separate equal codes; other
// non-letters do.
std::string Soundex(std::string_view s) {
  static const char kCodes[] = "01230127022455012623017202";
  if (s.empty()) return "";
  char first = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  if (first < 'A' || first > 'Z') return std::string(s);
  std::string out(1, first);
  char last = kCodes[first - 'A'];
  for (size_t i = 1; i < s.size() && out.size() < 4; ++i) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    if (c < 'A' || c > 'Z') {
      last = '0';
      continue;
    }
    char code = kCodes[c - 'A'];
    if (code == '7') continue;
    if (code != '0' && code != last) out += code;
    last = code;
  }
  out.resize(4, '0');
  return out;
}

arrow::Result<BoundExprPtr> BindSoundex(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      return std::optional<std::string>(Soundex(rows.Str(0, i)));
    });
  };
  return Bind(name, std::move(args), pretty, 1, 1, {Arg::kString}, types::String(), impl);
}

// split_part(str, delim, n): the n-th part (negative counts from the end) of
// str split at each occurrence of the literal delim; '' when out of range;
// n = 0 raises INVALID_INDEX_OF_ZERO. An empty delim does not split.
arrow::Result<BoundExprPtr> BindSplitPart(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    bool zero = false;
    auto out = MapToString(a, [&](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), delim = rows.Str(1, i);
      int64_t n = rows.Int(2, i);
      zero = zero || n == 0;
      std::vector<std::string_view> parts;
      if (delim.empty()) {
        parts.push_back(s);
      } else {
        size_t at = 0;
        for (size_t hit; (hit = s.find(delim, at)) != std::string_view::npos; at = hit + delim.size()) {
          parts.push_back(s.substr(at, hit - at));
        }
        parts.push_back(s.substr(at));
      }
      auto count = static_cast<int64_t>(parts.size());
      int64_t k = n > 0 ? n - 1 : count + n;
      if (k < 0 || k >= count) return std::optional<std::string>("");
      return std::optional<std::string>(parts[k]);
    });
    if (zero) {
      return SparkError("INVALID_INDEX_OF_ZERO", "22003",
                        "The index 0 is invalid. An index shall be either < 0 or > 0 (the first "
                        "element has index 1).");
    }
    return out;
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 3, 3,
                                         {Arg::kString, Arg::kString, Arg::kInt}, types::String(), impl));
  return MakeFunction(name, impl, types::String(), bound->children(), pretty, true);
}

// substring_index(str, delim, count): the text before the count-th delim
// (count > 0) or after the count-th from the end (count < 0); the whole
// string when there are fewer; '' for count 0 or an empty delim.
std::string_view SubstringIndex(std::string_view s, std::string_view delim, int64_t count) {
  if (count == 0 || delim.empty()) return {};
  if (count > 0) {
    size_t idx = std::string_view::npos;
    for (; count > 0; --count) {
      idx = s.find(delim, idx == std::string_view::npos ? 0 : idx + 1);
      if (idx == std::string_view::npos) return s;
    }
    return s.substr(0, idx);
  }
  if (delim.size() > s.size()) return s;
  size_t idx = s.size() - delim.size() + 1;
  for (; count < 0; ++count) {
    if (idx == 0) return s;
    idx = s.rfind(delim, idx - 1);
    if (idx == std::string_view::npos) return s;
  }
  return s.substr(idx + delim.size());
}

arrow::Result<BoundExprPtr> BindSubstringIndex(const std::string& name,
                                               std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      return std::optional<std::string>(SubstringIndex(rows.Str(0, i), rows.Str(1, i), rows.Int(2, i)));
    });
  };
  return Bind(name, std::move(args), pretty, 3, 3, {Arg::kString, Arg::kString, Arg::kInt},
              types::String(), impl);
}

// translate(str, from, to): each char of `from` becomes the char at the same
// position of `to`, or is deleted when `to` is shorter; the first occurrence
// of a repeated char in `from` wins.
arrow::Result<BoundExprPtr> BindTranslate(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), from = rows.Str(1, i), to = rows.Str(2, i);
      auto fo = CharOffsets(from), to_o = CharOffsets(to), so = CharOffsets(s);
      auto ch = [](std::string_view t, const std::vector<size_t>& o, size_t k) {
        return t.substr(o[k], o[k + 1] - o[k]);
      };
      std::string out;
      for (size_t k = 0; k + 1 < so.size(); ++k) {
        std::string_view c = ch(s, so, k);
        size_t j = 0;
        while (j + 1 < fo.size() && ch(from, fo, j) != c) ++j;
        if (j + 1 == fo.size()) out += c;
        else if (j + 1 < to_o.size()) out += ch(to, to_o, j);
      }
      return std::optional<std::string>(std::move(out));
    });
  };
  return Bind(name, std::move(args), pretty, 3, 3, {Arg::kString}, types::String(), impl);
}

// overlay(src, rep, pos[, len]): src with `len` chars (bytes for binary) from
// 1-based `pos` replaced by rep; len < 0 means rep's length.
arrow::Result<BoundExprPtr> BindOverlay(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 4));
  bool src_binary = args[0]->type()->id() == TypeId::kBinary;
  bool binary = src_binary && args[1]->type()->id() == TypeId::kBinary;
  if (src_binary != (args[1]->type()->id() == TypeId::kBinary)) {
    return DataTypeMismatch("DATA_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should all be the same type, but it's ({} or "
                                        "{})",
                                        name, QuotedType(*args[0]->type()),
                                        QuotedType(*args[1]->type())));
  }
  auto impl = [binary](const FunctionArgs& a) {
    auto edit = [&](const ArgRows& rows, int64_t i) {
      std::string_view s = rows.Str(0, i), rep = rows.Str(1, i);
      int64_t pos = rows.Int(2, i);
      int64_t len = a.values.size() > 3 ? rows.Int(3, i) : -1;
      auto cut = [&](std::string_view t, int64_t p, int64_t l) -> std::string_view {
        if (!binary) return SubstringSql(t, p, l);
        int64_t n = static_cast<int64_t>(t.size());
        int64_t start = p > 0 ? p - 1 : (p < 0 ? n + p : 0);
        int64_t end = l > n - start ? n : start + l;
        start = std::max<int64_t>(start, 0);
        if (start >= end) return {};
        return t.substr(start, end - start);
      };
      int64_t rep_len = binary ? static_cast<int64_t>(rep.size()) : NumChars(rep);
      std::string out(cut(s, 1, pos - 1));
      out += rep;
      out += cut(s, pos + (len >= 0 ? len : rep_len), INT32_MAX);
      return std::optional<std::string>(std::move(out));
    };
    if (binary) return MapRows<arrow::BinaryBuilder>(a, edit);
    return MapToString(a, edit);
  };
  Arg text = binary ? Arg::kStringOrBinary : Arg::kString;
  return Bind(name, std::move(args), pretty, 3, 4, {text, text, Arg::kInt, Arg::kInt},
              binary ? types::Binary() : types::String(), impl);
}

// quote(str): str in single quotes, each ' escaped with a backslash.
arrow::Result<BoundExprPtr> BindQuote(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  auto impl = [](const FunctionArgs& a) {
    return MapToString(a, [](const ArgRows& rows, int64_t i) {
      std::string out = "'";
      for (char c : rows.Str(0, i)) {
        if (c == '\'') out += '\\';
        out += c;
      }
      out += '\'';
      return std::optional<std::string>(std::move(out));
    });
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 1, 1, {Arg::kString},
                                         types::String(), impl));
  return MakeFunction(name, impl, types::String(), bound->children(), pretty, true);
}

// mask(str[, upper = 'X'[, lower = 'x'[, digit = 'n'[, other = NULL]]]]):
// each upper-case letter, lower-case letter and digit replaced by its
// constant char; a NULL replacement keeps those chars. Chars outside the
// Basic Multilingual Plane count as two "other" chars (Spark classifies
// UTF-16 units).
arrow::Result<BoundExprPtr> BindMask(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 5));
  static const char* const kNames[] = {"", "upperChar", "lowerChar", "digitChar", "otherChar"};
  static const char* const kDefaults[] = {"", "X", "x", "n", nullptr};
  std::optional<std::string> with[5];
  for (size_t k = 0; k < args.size(); ++k) {
    ARROW_ASSIGN_OR_RAISE(args[k], CoerceArg(args[k], k, Arg::kString, pretty));
  }
  for (size_t k = 1; k < 5; ++k) {
    if (k >= args.size()) {
      if (kDefaults[k] != nullptr) with[k] = kDefaults[k];
      continue;
    }
    const arrow::Scalar* value = ConstantValue(*args[k]);
    if (value == nullptr) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                              fmt::format("the input {} should be a foldable \"STRING\" "
                                          "expression; however, got \"{}\"",
                                          kNames[k], args[k]->name()));
    }
    if (!value->is_valid) continue;
    std::string text = static_cast<const arrow::StringScalar&>(*value).ToString();
    if (NumChars(text) != 1) {
      return DataTypeMismatch("INPUT_SIZE_NOT_ONE", pretty,
                              fmt::format("Length of {} should be 1", kNames[k]));
    }
    with[k] = text;
  }
  auto impl = [upper = with[1], lower = with[2], digit = with[3], other = with[4]](
                  const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    const auto& strings = static_cast<const arrow::StringArray&>(*input);
    // Classify the non-ASCII chars of the batch through Arrow's Unicode kernels.
    arrow::StringBuilder wide;
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) continue;
      std::string_view s = strings.GetView(i);
      auto offsets = CharOffsets(s);
      for (size_t k = 0; k + 1 < offsets.size(); ++k) {
        if (static_cast<unsigned char>(s[offsets[k]]) >= 0x80) {
          ARROW_RETURN_NOT_OK(wide.Append(s.substr(offsets[k], offsets[k + 1] - offsets[k])));
        }
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto chars, wide.Finish());
    ARROW_ASSIGN_OR_RAISE(auto is_upper, cp::CallFunction("utf8_is_upper", {chars}));
    ARROW_ASSIGN_OR_RAISE(auto is_lower, cp::CallFunction("utf8_is_lower", {chars}));
    ARROW_ASSIGN_OR_RAISE(auto is_digit, cp::CallFunction("utf8_is_decimal", {chars}));
    auto ups = is_upper.make_array(), lows = is_lower.make_array(), digs = is_digit.make_array();
    auto flag = [](const std::shared_ptr<arrow::Array>& arr, int64_t k) {
      return static_cast<const arrow::BooleanArray&>(*arr).Value(k);
    };
    int64_t next = 0;
    arrow::StringBuilder out;
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      std::string_view s = strings.GetView(i);
      auto offsets = CharOffsets(s);
      std::string result;
      for (size_t k = 0; k + 1 < offsets.size(); ++k) {
        std::string_view c = s.substr(offsets[k], offsets[k + 1] - offsets[k]);
        auto b = static_cast<unsigned char>(c[0]);
        const std::optional<std::string>* rep = &other;
        if (b < 0x80) {
          if (std::isupper(b)) rep = &upper;
          else if (std::islower(b)) rep = &lower;
          else if (std::isdigit(b)) rep = &digit;
        } else {
          int64_t at = next++;
          if (c.size() == 4) {
            result += other ? *other + *other : std::string(c);
            continue;
          }
          if (flag(ups, at) && !flag(lows, at)) rep = &upper;
          else if (flag(lows, at) && !flag(ups, at)) rep = &lower;
          else if (flag(digs, at)) rep = &digit;
        }
        result += *rep ? std::string_view(**rep) : c;
      }
      ARROW_RETURN_NOT_OK(out.Append(result));
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// sentences(str[, language, country]): the words of each sentence, as
// java.text.BreakIterator finds them for English: a sentence ends after
// '.', '!' or '?' followed by a space or the end; a word is a run of letters
// and digits, which may hold an apostrophe or a period between letters and a
// period or comma between digits. The locale arguments are ignored.
std::vector<std::vector<std::string_view>> Sentences(std::string_view s) {
  auto offsets = CharOffsets(s);
  size_t n = offsets.size() - 1;
  auto at = [&](size_t k) { return k < n ? s[offsets[k]] : '\0'; };
  auto word_char = [&](size_t k) {
    if (k >= n) return false;
    auto b = static_cast<unsigned char>(s[offsets[k]]);
    return b >= 0x80 || std::isalnum(b);
  };
  auto digit = [&](size_t k) { return k < n && std::isdigit(static_cast<unsigned char>(at(k))); };
  std::vector<std::vector<std::string_view>> out;
  std::vector<std::string_view> sentence;
  size_t k = 0;
  while (k < n) {
    if (word_char(k)) {
      size_t start = k;
      while (true) {
        while (word_char(k)) ++k;
        char c = at(k);
        bool letters = (c == '\'' || c == '.') && !digit(k - 1) && word_char(k + 1) && !digit(k + 1);
        bool numbers = (c == '.' || c == ',') && digit(k - 1) && digit(k + 1);
        if (!letters && !numbers) break;
        ++k;
      }
      // Java checks the word's first UTF-16 unit, a surrogate for chars
      // beyond the Basic Multilingual Plane: such words are dropped.
      if (offsets[start + 1] - offsets[start] < 4) {
        sentence.push_back(s.substr(offsets[start], offsets[k] - offsets[start]));
      }
      continue;
    }
    char c = at(k++);
    if (c == '.' || c == '!' || c == '?') {
      while (at(k) == '.' || at(k) == '!' || at(k) == '?') ++k;
      if (k >= n || std::isspace(static_cast<unsigned char>(at(k)))) {
        if (!sentence.empty()) out.push_back(std::move(sentence));
        sentence.clear();
      }
    }
  }
  if (!sentence.empty()) out.push_back(std::move(sentence));
  return out;
}

arrow::Result<BoundExprPtr> BindSentences(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  DataTypePtr type = types::Array(types::Array(types::String(), false), false);
  ARROW_ASSIGN_OR_RAISE(auto list_type, ToArrowType(*type));
  auto impl = [list_type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    const auto& strings = static_cast<const arrow::StringArray&>(*input);
    const auto& inner_type = static_cast<const arrow::ListType&>(*list_type).value_type();
    auto words = std::make_shared<arrow::StringBuilder>();
    auto inner = std::make_shared<arrow::ListBuilder>(arrow::default_memory_pool(), words, inner_type);
    arrow::ListBuilder outer(arrow::default_memory_pool(), inner, list_type);
    for (int64_t i = 0; i < strings.length(); ++i) {
      if (strings.IsNull(i)) {
        ARROW_RETURN_NOT_OK(outer.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(outer.Append());
      for (const auto& sentence : Sentences(strings.GetView(i))) {
        ARROW_RETURN_NOT_OK(inner->Append());
        for (auto w : sentence) ARROW_RETURN_NOT_OK(words->Append(w));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, outer.Finish());
    return arrow::Datum(done);
  };
  ARROW_ASSIGN_OR_RAISE(auto bound, Bind(name, std::move(args), pretty, 1, 3, {Arg::kString},
                                         type, impl));
  return MakeFunction(name, impl, type, bound->children(), pretty, true);
}

}  // namespace
}  // namespace strings

void RegisterStringFunctions(FunctionRegistry& r) {
  using namespace strings;  // NOLINT
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
  r.Add("btrim", BindTrim);
  r.Add("char", BindChr);
  r.Add("chr", BindChr);
  r.Add("elt", BindElt);
  r.Add("find_in_set", BindFindInSet);
  r.Add("levenshtein", BindLevenshtein);
  r.Add("soundex", BindSoundex);
  r.Add("split_part", BindSplitPart);
  r.Add("substring_index", BindSubstringIndex);
  r.Add("translate", BindTranslate);
  r.Add("overlay", BindOverlay);
  r.Add("quote", BindQuote);
  r.Add("mask", BindMask);
  r.Add("sentences", BindSentences);
  RegisterRegexpFunctions(r);
  RegisterStringFormatFunctions(r);
  RegisterStringCodecFunctions(r);
}

}  // namespace spate
