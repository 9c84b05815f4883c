#include "spate/expr/json_path.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "spate/expr/json_record_parser.h"
#include "spate/expr/json_text.h"

namespace spate {

// ---------------------------------------------------------------------------
// Reading a path. Spark's grammar skips spaces (Java's \s) before its words
// and patterns, not before its single characters `$`, `.`, `[`, `]`, `*`.

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r'; }

size_t SkipSpaces(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

bool At(std::string_view s, size_t i, std::string_view word) { return s.substr(i, word.size()) == word; }

}  // namespace

std::optional<JsonPath> ParseJsonPath(std::string_view s) {
  if (s.empty() || s[0] != '$') return std::nullopt;
  JsonPath path;
  size_t i = 1;
  while (i < s.size()) {
    size_t word = SkipSpaces(s, i);
    if (At(s, word, ".*") || At(s, word, "['*']")) {
      path.push_back({JsonPathStep::kEveryField, "", 0});
      i = word + (s[word] == '.' ? 2 : 5);
    } else if (s[i] == '.') {
      size_t start = SkipSpaces(s, i + 1);
      size_t end = std::min(s.find_first_of(".[", start), s.size());
      if (end == start) return std::nullopt;
      path.push_back({JsonPathStep::kField, std::string(s.substr(start, end - start)), 0});
      i = end;
    } else if (At(s, word, "['")) {
      size_t start = SkipSpaces(s, word + 2);
      size_t end = s.find('\'', start);
      if (end == std::string_view::npos || end == start || !At(s, end, "']")) return std::nullopt;
      path.push_back({JsonPathStep::kField, std::string(s.substr(start, end - start)), 0});
      i = end + 2;
    } else if (At(s, i, "[*]")) {
      path.push_back({JsonPathStep::kEveryElement, "", 0});
      i += 3;
    } else if (s[i] == '[') {
      size_t start = SkipSpaces(s, i + 1);
      size_t end = start;
      while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
      int64_t index = 0;
      // An index beyond a long fails in Spark (NumberFormatException); here it matches nothing.
      if (end == start || !At(s, end, "]") || std::from_chars(s.data() + start, s.data() + end, index).ec != std::errc()) {
        return std::nullopt;
      }
      path.push_back({JsonPathStep::kIndex, "", index});
      i = end + 1;
    } else {
      return std::nullopt;
    }
  }
  return path;
}

// ---------------------------------------------------------------------------
// Following a path: Spark streams the value into a Jackson generator; the
// generator here keeps its separators, so that what is written matches even
// where Spark writes brackets that end up holding no match.

namespace {

// How a match is written: a string as its text (only at the top), as JSON
// (under [*]), or with arrays flattened into their parent (under [*][*]).
enum class Style { kRaw, kQuoted, kFlatten };

class Generator {
 public:
  Generator(JacksonOutput output, std::string* text) : output_(output), text_(*text) {}

  void StartArray() {
    Separate();
    text_ += '[';
    first_in_array_.push_back(true);
  }
  void EndArray() {
    text_ += ']';
    first_in_array_.pop_back();
  }
  void Copy(const rapidjson::Value& v, bool big_numbers) {
    Separate();
    AppendJacksonJson(v, big_numbers, output_, &text_);
  }
  void RawValue(std::string_view text) {
    Separate();
    text_ += text;
  }
  void Raw(std::string_view text) { text_ += text; }

 private:
  // Values in an array are separated by commas, values at the root by a space.
  void Separate() {
    if (first_in_array_.empty()) {
      if (root_values_++ > 0) text_ += ' ';
    } else if (first_in_array_.back()) {
      first_in_array_.back() = false;
    } else {
      text_ += ',';
    }
  }

  JacksonOutput output_;
  std::string& text_;
  std::vector<bool> first_in_array_;
  int root_values_ = 0;
};

class PathWalk {
 public:
  PathWalk(const JsonPath& path, bool big_numbers) : path_(path), big_numbers_(big_numbers) {}

  // Writes what step k onwards matches in `v`; true when anything matched.
  bool Walk(const rapidjson::Value& v, size_t k, Style style, Generator* g) const {
    if (k == path_.size()) return WriteMatch(v, style, g);
    switch (path_[k].kind) {
      case JsonPathStep::kField: return v.IsObject() && Field(v, k, style, g);
      case JsonPathStep::kIndex: return v.IsArray() && Index(v, k, style, g);
      case JsonPathStep::kEveryElement: return v.IsArray() && EveryElement(v, k, style, g);
      case JsonPathStep::kEveryField: return false;  // Spark expects it at a field name, never reached
    }
    return false;
  }

 private:
  bool IsText(const rapidjson::Value& v) const { return v.IsString() && !(big_numbers_ && BigNumberText(v)); }
  bool NextIsEveryElement(size_t k) const {
    return k + 1 < path_.size() && path_[k + 1].kind == JsonPathStep::kEveryElement;
  }

  bool WriteMatch(const rapidjson::Value& v, Style style, Generator* g) const {
    if (style == Style::kRaw && IsText(v)) {
      g->Raw({v.GetString(), v.GetStringLength()});
      return true;
    }
    if (style == Style::kFlatten && v.IsArray()) {
      bool matched = false;
      for (const auto& e : v.GetArray()) matched |= WriteMatch(e, style, g);
      return matched;
    }
    g->Copy(v, big_numbers_);
    return true;
  }

  // The first field of the name (repeated keys: the first that matches) whose
  // value is not null and matches the rest of the path.
  bool Field(const rapidjson::Value& v, size_t k, Style style, Generator* g) const {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (name == path_[k].name && !it->value.IsNull() && Walk(it->value, k + 1, style, g)) return true;
    }
    return false;
  }

  bool Index(const rapidjson::Value& v, size_t k, Style style, Generator* g) const {
    if (path_[k].index >= static_cast<int64_t>(v.Size())) return false;
    const auto& e = v[static_cast<rapidjson::SizeType>(path_[k].index)];
    return Walk(e, k + 1, NextIsEveryElement(k) ? Style::kQuoted : style, g);
  }

  bool EveryElement(const rapidjson::Value& v, size_t k, Style style, Generator* g) const {
    if (NextIsEveryElement(k) || style == Style::kQuoted) {
      // [*][*] flattens what the rest matches; under another [*] the matches form an array.
      size_t next = NextIsEveryElement(k) ? k + 2 : k + 1;
      Style inner = NextIsEveryElement(k) ? Style::kFlatten : Style::kQuoted;
      bool matched = false;
      g->StartArray();
      for (const auto& e : v.GetArray()) matched |= Walk(e, next, inner, g);
      g->EndArray();
      return matched;
    }
    // The matches gathered apart: several form an array, a single one is written alone.
    std::string text;
    Generator matches(JacksonOutput::kChars, &text);
    int count = 0;
    matches.StartArray();
    for (const auto& e : v.GetArray()) {
      count += Walk(e, k + 1, style == Style::kRaw ? Style::kQuoted : style, &matches) ? 1 : 0;
    }
    matches.EndArray();
    if (count > 1) g->RawValue(text);
    if (count == 1) g->RawValue(text.substr(1, text.size() - 2));
    return count > 0;
  }

  const JsonPath& path_;
  bool big_numbers_;
};

}  // namespace

bool EvaluateJsonPath(const JsonPath& path, const rapidjson::Value& root, bool big_numbers, std::string* out) {
  Generator g(JacksonOutput::kBytes, out);
  return PathWalk(path, big_numbers).Walk(root, 0, Style::kRaw, &g);
}

int JsonPathPruner::MemberState(int state, std::string_view name) const {
  auto k = static_cast<size_t>(state);
  if (k >= path_.size()) return state;
  return path_[k].kind == JsonPathStep::kField && path_[k].name == name ? state + 1 : -1;
}

int JsonPathPruner::ElementState(int state, size_t index) const {
  auto k = static_cast<size_t>(state);
  if (k >= path_.size()) return state;
  switch (path_[k].kind) {
    case JsonPathStep::kIndex: return static_cast<int64_t>(index) == path_[k].index ? state + 1 : -1;
    case JsonPathStep::kEveryElement:
      // Under [*][*] the walk flattens what it finds: keep all of it.
      return k + 1 < path_.size() && path_[k + 1].kind == JsonPathStep::kEveryElement
                 ? static_cast<int>(path_.size())
                 : state + 1;
    default: return -1;
  }
}

}  // namespace spate
