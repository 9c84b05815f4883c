// Regular-expression string functions. Spark uses Java's regex engine; Spate
// runs Arrow's kernels, which use RE2. The syntax both share (classes,
// quantifiers, groups, named groups, flags) behaves the same; Java-only
// constructs (backreferences, lookaround, possessive quantifiers, atomic
// groups) are rejected with an explicit error instead of silently differing.
// Patterns must be constants. NULL string or pattern gives NULL.

#include <cctype>

#include "spate/expr/functions_string_common.h"

namespace spate::strings {
namespace {


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


// The first Java-only construct of `pattern` that RE2 lacks, or nullptr.
const char* JavaOnlySyntax(std::string_view p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    char next = i + 1 < p.size() ? p[i + 1] : '\0';
    if (c == '\\') {
      if (!in_class && ((next >= '1' && next <= '9') || (next == 'k' && p.compare(i + 2, 1, "<") == 0))) {
        return "backreferences";
      }
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (next == '^') ++i;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;
    } else if (p.compare(i, 3, "(?=") == 0 || p.compare(i, 3, "(?!") == 0 ||
               p.compare(i, 4, "(?<=") == 0 || p.compare(i, 4, "(?<!") == 0) {
      return "lookaround";
    } else if (p.compare(i, 3, "(?>") == 0) {
      return "atomic groups";
    } else if ((c == '*' || c == '+' || c == '?' || c == '}') && next == '+') {
      return "possessive quantifiers";
    }
  }
  return nullptr;
}

arrow::Status CheckJavaOnlySyntax(const std::string& fn, const std::string& pattern) {
  if (const char* what = JavaOnlySyntax(pattern)) {
    return arrow::Status::NotImplemented(
        fmt::format("{}: the regular expression '{}' uses {}, which Java's regex engine "
                    "supports but Spate's (RE2) does not",
                    fn, pattern, what));
  }
  return arrow::Status::OK();
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

arrow::Result<BoundExprPtr> BindRegexpExtract(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::vector<Arg> kinds = {Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  if (pattern) ARROW_RETURN_NOT_OK(CheckJavaOnlySyntax(name, *pattern));
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
  if (pattern) ARROW_RETURN_NOT_OK(CheckJavaOnlySyntax(name, *pattern));
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

// The text a Java regex matches when it matches only that text: one without
// metacharacters, or one escaped punctuation character (`\\.`, `\\|`), as
// Java's String.split recognizes. Such a split needs no regex engine.
std::optional<std::string> LiteralOfRegex(const std::string& regex) {
  if (regex.size() == 2 && regex[0] == '\\' && std::ispunct(static_cast<unsigned char>(regex[1]))) {
    return regex.substr(1);
  }
  if (regex.empty() || regex.find_first_of("\\^$.|?*+()[]{}") != std::string::npos) return std::nullopt;
  return regex;
}

arrow::Result<BoundExprPtr> BindSplit(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::vector<Arg> kinds = {Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  DataTypePtr type = types::Array(types::String(), false);
  ARROW_ASSIGN_OR_RAISE(auto list_type, ToArrowType(*type));
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  if (pattern) ARROW_RETURN_NOT_OK(CheckJavaOnlySyntax(name, *pattern));
  std::optional<int64_t> limit = -1;
  if (args.size() > 2) {
    ARROW_ASSIGN_OR_RAISE(limit, ConstantInt(*args[2], name, "limit"));
  }
  if (!pattern || !limit) return MakeFunction(name, NullResult(list_type), type, std::move(args), pretty);
  std::string regex = *pattern;
  int64_t max_parts = *limit;
  auto literal = LiteralOfRegex(regex);
  auto impl = [regex, literal, max_parts, list_type, name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    if (regex.empty()) return SplitByChars(*input, max_parts, list_type);
    cp::SplitPatternOptions options(literal.value_or(regex), max_parts > 0 ? max_parts - 1 : -1);
    auto parts = cp::CallFunction(literal ? "split_pattern" : "split_pattern_regex", {input}, &options);
    if (!parts.ok()) return InvalidPattern(name, "regex", regex);
    return parts->make_array()->View(list_type);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}


arrow::Status GroupIndexError(const std::string& fn, int groups, int64_t group) {
  return SparkError("INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX", "22023",
                    fmt::format("The value of parameter(s) `idx` in `{}` is invalid: Expects "
                                "group index between 0 and {}, but got {}.",
                                fn, groups, group));
}

// A call f(str, regexp[, idx]) with a constant pattern (and group index).
struct RegexpCall {
  std::vector<BoundExprPtr> args;
  std::string pattern;   // as written (Java syntax)
  std::string regex;     // in RE2's syntax
  int groups = 0;        // capturing groups in it
  int64_t group = 0;     // the idx argument, or the default
  bool null = false;     // a NULL pattern or idx: the result is NULL
};

arrow::Result<RegexpCall> BindRegexpCall(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty, size_t max_args,
                                         int64_t default_group) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, max_args));
  const Arg kinds[] = {Arg::kString, Arg::kString, Arg::kInt};
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, kinds[i], pretty));
  }
  RegexpCall call;
  ARROW_ASSIGN_OR_RAISE(auto pattern, ConstantString(*args[1], name, "pattern"));
  std::optional<int64_t> idx = default_group;
  if (args.size() > 2) {
    ARROW_ASSIGN_OR_RAISE(idx, ConstantInt(*args[2], name, "group index"));
  }
  call.null = !pattern || !idx;
  if (pattern) {
    ARROW_RETURN_NOT_OK(CheckJavaOnlySyntax(name, *pattern));
    call.pattern = *pattern;
    call.regex = NameGroups(*pattern, &call.groups);
  }
  call.group = idx.value_or(0);
  call.args = std::move(args);
  return call;
}

// Every match of `regex` in each string (null rows stay null), as the text of
// group `group` of the match (empty when the group did not take part). RE2's
// global replace writes each group between the bytes 0xFF and 0xFE, which
// valid UTF-8 never holds, and the marks are read back.
arrow::Result<std::vector<std::optional<std::vector<std::string_view>>>> AllMatches(
    const arrow::Array& input, const std::string& regex, int64_t group,
    std::shared_ptr<arrow::Array>* keep_alive) {
  if (group > 9) return arrow::Status::NotImplemented("regular expression group index above 9");
  cp::ReplaceSubstringOptions options(regex, fmt::format("\xFF\\{}\xFE", group));
  ARROW_ASSIGN_OR_RAISE(auto marked, cp::CallFunction("replace_substring_regex", {input}, &options));
  *keep_alive = marked.make_array();
  const auto& strings = static_cast<const arrow::StringArray&>(**keep_alive);
  std::vector<std::optional<std::vector<std::string_view>>> out(strings.length());
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) continue;
    std::string_view s = strings.GetView(i);
    auto& matches = out[i].emplace();
    for (size_t at = s.find('\xFF'); at != std::string_view::npos; at = s.find('\xFF', at)) {
      size_t end = s.find('\xFE', at);
      matches.push_back(s.substr(at + 1, end - at - 1));
      at = end;
    }
  }
  return out;
}

// regexp_count(str, regexp): the number of non-overlapping matches.
arrow::Result<BoundExprPtr> BindRegexpCount(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto call, BindRegexpCall(name, std::move(args), pretty, 2, 0));
  bool nullable = call.args[0]->nullable() || call.args[1]->nullable();
  if (call.null) return MakeFunction(name, NullResult(arrow::int32()), types::Int(), std::move(call.args), pretty);
  auto impl = [name, call](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    cp::MatchSubstringOptions options(call.regex);
    auto counted = cp::CallFunction("count_substring_regex", {a.values[0]}, &options);
    if (!counted.ok()) return InvalidPattern(name, "regexp", call.pattern);
    return cp::Cast(*counted, arrow::int32());
  };
  return MakeFunction(name, impl, types::Int(), std::move(call.args), pretty, nullable);
}

// regexp_instr(str, regexp[, idx]): the 1-based char position where the first
// match starts, 0 when none; idx is accepted and not used, as in Spark.
arrow::Result<BoundExprPtr> BindRegexpInstr(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto call, BindRegexpCall(name, std::move(args), pretty, 3, 0));
  bool nullable = call.args[0]->nullable() || call.args[1]->nullable();
  if (call.null) return MakeFunction(name, NullResult(arrow::int32()), types::Int(), std::move(call.args), pretty);
  auto impl = [name, call](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    cp::MatchSubstringOptions options(call.regex);
    auto found = cp::CallFunction("find_substring_regex", {input}, &options);
    if (!found.ok()) return InvalidPattern(name, "regexp", call.pattern);
    auto bytes_array = found->make_array();
    const auto& bytes = static_cast<const arrow::Int32Array&>(*bytes_array);
    const auto& strings = static_cast<const arrow::StringArray&>(*input);
    arrow::Int32Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(input->length()));
    for (int64_t i = 0; i < input->length(); ++i) {
      if (strings.IsNull(i)) {
        out.UnsafeAppendNull();
      } else {
        int32_t b = bytes.Value(i);
        out.UnsafeAppend(b < 0 ? 0 : static_cast<int32_t>(CharOfByte(strings.GetView(i), b) + 1));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, types::Int(), std::move(call.args), pretty, nullable);
}

// regexp_substr(str, regexp): the first match, NULL when there is none.
arrow::Result<BoundExprPtr> BindRegexpSubstr(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto call, BindRegexpCall(name, std::move(args), pretty, 2, 0));
  if (call.null) return MakeFunction(name, NullResult(arrow::utf8()), types::String(), std::move(call.args), pretty);
  std::string named = "(?P<g0>" + call.regex + ")";
  auto impl = [name, named, source = call.pattern](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    cp::ExtractRegexOptions options(named);
    auto extracted = cp::CallFunction("extract_regex", {a.values[0]}, &options);
    if (!extracted.ok()) return InvalidPattern(name, "regexp", source);
    if (extracted->is_scalar()) {
      const auto& match = static_cast<const arrow::StructScalar&>(*extracted->scalar());
      if (!match.is_valid || !match.value[0]->is_valid ||
          static_cast<const arrow::StringScalar&>(*match.value[0]).value->size() == 0) {
        return arrow::Datum(arrow::MakeNullScalar(arrow::utf8()));
      }
      return arrow::Datum(match.value[0]);
    }
    // No match, or an empty one, is NULL.
    auto matches = extracted->make_array();
    ARROW_ASSIGN_OR_RAISE(auto whole, static_cast<const arrow::StructArray&>(*matches).GetFlattenedField(0));
    cp::MatchSubstringOptions nonempty("(?s).", false);
    ARROW_ASSIGN_OR_RAISE(auto keep, cp::CallFunction("match_substring_regex", {whole}, &nonempty));
    return cp::IfElse(keep, whole, arrow::MakeNullScalar(arrow::utf8()));
  };
  return MakeFunction(name, impl, types::String(), std::move(call.args), pretty, true);
}

// regexp_extract_all(str, regexp[, idx = 1]): group idx of every match.
arrow::Result<BoundExprPtr> BindRegexpExtractAll(const std::string& name,
                                                 std::vector<BoundExprPtr> args,
                                                 const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto call, BindRegexpCall(name, std::move(args), pretty, 3, 1));
  DataTypePtr type = types::Array(types::String());
  ARROW_ASSIGN_OR_RAISE(auto list_type, ToArrowType(*type));
  bool nullable = call.args[0]->nullable() || call.args[1]->nullable();
  if (call.null) return MakeFunction(name, NullResult(list_type), type, std::move(call.args), pretty);
  auto impl = [name, call, list_type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (call.group < 0 || call.group > call.groups) return GroupIndexError(name, call.groups, call.group);
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    std::shared_ptr<arrow::Array> marked;
    auto matches = AllMatches(*input, call.regex, call.group, &marked);
    if (!matches.ok()) {
      if (matches.status().IsNotImplemented()) return matches.status();
      return InvalidPattern(name, "regexp", call.pattern);
    }
    auto values = std::make_shared<arrow::StringBuilder>();
    arrow::ListBuilder builder(arrow::default_memory_pool(), values, list_type);
    for (const auto& row : *matches) {
      if (!row) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(builder.Append());
      for (auto m : *row) ARROW_RETURN_NOT_OK(values->Append(m));
    }
    ARROW_ASSIGN_OR_RAISE(auto done, builder.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, type, std::move(call.args), pretty, nullable);
}

// str_to_map(text[, pairDelim = ','[, keyValueDelim = ':']]): text split into
// pairs at the regex pairDelim, each pair split once at the regex
// keyValueDelim; a pair without it maps to NULL. A duplicate key raises
// DUPLICATED_MAP_KEY. The delimiters must be constants.
arrow::Result<BoundExprPtr> BindStrToMap(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 3));
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, Arg::kString, pretty));
  }
  std::optional<std::string> delims[2] = {",", ":"};
  for (size_t k = 1; k < args.size(); ++k) {
    ARROW_ASSIGN_OR_RAISE(delims[k - 1], ConstantString(*args[k], name, "delimiter"));
    if (delims[k - 1]) ARROW_RETURN_NOT_OK(CheckJavaOnlySyntax(name, *delims[k - 1]));
  }
  DataTypePtr type = types::Map(types::String(), types::String());
  ARROW_ASSIGN_OR_RAISE(auto map_type, ToArrowType(*type));
  bool nullable = false;
  for (const auto& arg : args) nullable = nullable || arg->nullable();
  if (!delims[0] || !delims[1]) return MakeFunction(name, NullResult(map_type), type, std::move(args), pretty);
  std::string pair_delim = *delims[0], kv_delim = *delims[1];
  auto impl = [pair_delim, kv_delim, map_type, name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArray(a.values[0], a.num_rows));
    cp::SplitPatternOptions pair_options(pair_delim), kv_options(kv_delim, 1);
    auto pairs_result = cp::CallFunction("split_pattern_regex", {input}, &pair_options);
    if (!pairs_result.ok()) return InvalidPattern(name, "pairDelim", pair_delim);
    auto pairs_array = pairs_result->make_array();
    const auto& pairs = static_cast<const arrow::ListArray&>(*pairs_array);
    auto kv_result = cp::CallFunction("split_pattern_regex", {pairs.values()}, &kv_options);
    if (!kv_result.ok()) return InvalidPattern(name, "keyValueDelim", kv_delim);
    auto kv_array = kv_result->make_array();
    const auto& kvs = static_cast<const arrow::ListArray&>(*kv_array);
    const auto& parts = static_cast<const arrow::StringArray&>(*kvs.values());
    auto keys = std::make_shared<arrow::StringBuilder>();
    auto items = std::make_shared<arrow::StringBuilder>();
    arrow::MapBuilder builder(arrow::default_memory_pool(), keys, items, map_type);
    for (int64_t i = 0; i < pairs.length(); ++i) {
      if (pairs.IsNull(i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(builder.Append());
      std::vector<std::string_view> seen;
      for (int64_t p = pairs.value_offset(i); p < pairs.value_offset(i + 1); ++p) {
        int64_t first = kvs.value_offset(p), count = kvs.value_length(p);
        std::string_view key = parts.GetView(first);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
          return SparkError("DUPLICATED_MAP_KEY", "23505",
                            fmt::format("Duplicate map key {} was found, please check the input "
                                        "data. If you want to remove the duplicated keys, you can "
                                        "set \"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so "
                                        "that the key inserted at last takes precedence.",
                                        key));
        }
        seen.push_back(key);
        ARROW_RETURN_NOT_OK(keys->Append(key));
        ARROW_RETURN_NOT_OK(count > 1 ? items->Append(parts.GetView(first + 1)) : items->AppendNull());
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto done, builder.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

}  // namespace

void RegisterRegexpFunctions(FunctionRegistry& r) {
  r.Add("regexp_count", BindRegexpCount);
  r.Add("str_to_map", BindStrToMap);
  r.Add("regexp_instr", BindRegexpInstr);
  r.Add("regexp_substr", BindRegexpSubstr);
  r.Add("regexp_extract_all", BindRegexpExtractAll);
  r.Add("regexp_extract", BindRegexpExtract);
  r.Add("regexp_replace", BindRegexpReplace);
  r.Add("split", BindSplit);
}

}  // namespace spate::strings
