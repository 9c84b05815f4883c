#include "spate/expr/csv_text.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

std::optional<std::string> Find(const std::map<std::string, std::string>& options,
                                const std::string& key) {
  for (const auto& [k, v] : options) {
    if (AsciiLower(k) == AsciiLower(key)) return v;
  }
  return std::nullopt;
}

arrow::Result<bool> BoolOption(const std::map<std::string, std::string>& options,
                               const std::string& key, bool fallback) {
  auto v = Find(options, key);
  if (!v) return fallback;
  std::string lower = AsciiLower(*v);
  if (lower == "true") return true;
  if (lower == "false") return false;
  return SparkError("INVALID_OPTIONS", "42K06",
                    fmt::format("{} flag can be true or false.", key));
}

// A one-character option; "" means none ('\0'), as Spark reads "quote" "".
arrow::Result<char> CharOption(const std::map<std::string, std::string>& options,
                               const std::string& key, char fallback) {
  auto v = Find(options, key);
  if (!v) return fallback;
  if (v->empty()) return '\0';
  if (*v == "\\t") return '\t';
  if (v->size() != 1) {
    return SparkError("INVALID_OPTIONS", "42K06",
                      fmt::format("{} cannot be more than one character.", key));
  }
  return (*v)[0];
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

class Tokenizer {
 public:
  Tokenizer(std::string_view text, const CsvOptions& o) : text_(text), o_(o) {}

  bool Done() const { return pos_ >= text_.size(); }

  // One record starting at the current position; `skip` is set for blank
  // and comment lines.
  CsvRecord Next(bool* skip) {
    CsvRecord record;
    size_t start = pos_;
    *skip = AtLineEnd() || (o_.comment != '\0' && text_[pos_] == o_.comment);
    if (*skip) {
      SkipLine();
      return record;
    }
    while (true) {
      record.fields.push_back(Field());
      if (pos_ < text_.size() && text_[pos_] == o_.sep) {
        ++pos_;
        continue;
      }
      break;
    }
    record.text = std::string(text_.substr(start, pos_ - start));
    SkipLineBreak();
    return record;
  }

 private:
  bool AtLineEnd() const { return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r'; }

  void SkipLine() {
    while (!AtLineEnd()) ++pos_;
    SkipLineBreak();
  }

  void SkipLineBreak() {
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  }

  std::optional<std::string> Field() {
    size_t begin = pos_;
    if (o_.ignore_leading_ws_read) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    }
    if (o_.quote != '\0' && pos_ < text_.size() && text_[pos_] == o_.quote) return Quoted();
    pos_ = begin;
    if (o_.ignore_leading_ws_read) {
      while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    }
    std::string value;
    while (!AtLineEnd() && text_[pos_] != o_.sep) value += text_[pos_++];
    if (o_.ignore_trailing_ws_read) {
      while (!value.empty() && IsSpace(value.back())) value.pop_back();
    }
    // An empty unquoted field is nullValue itself.
    if (value.empty() || value == o_.null_value) return std::nullopt;
    return value;
  }

  std::optional<std::string> Quoted() {
    ++pos_;  // the opening quote
    std::string value;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      bool next_is_quote = pos_ + 1 < text_.size() && text_[pos_ + 1] == o_.quote;
      if (c == o_.escape && c != o_.quote && next_is_quote) {
        value += o_.quote;
        pos_ += 2;
      } else if (c == o_.quote && next_is_quote) {
        value += o_.quote;  // a doubled quote
        pos_ += 2;
      } else if (c == o_.quote) {
        ++pos_;
        break;
      } else if ((c == '\n' || c == '\r') && !o_.multi_line) {
        break;  // without multiLine a record never spans lines
      } else {
        value += c;
        ++pos_;
      }
    }
    // Text after the closing quote belongs to the field, as the parser keeps it.
    while (!AtLineEnd() && text_[pos_] != o_.sep) value += text_[pos_++];
    if (value.empty()) value = o_.empty_value_read;
    if (value == o_.null_value) return std::nullopt;
    return value;
  }

  std::string_view text_;
  const CsvOptions& o_;
  size_t pos_ = 0;
};

bool NeedsQuotes(std::string_view v, const CsvOptions& o) {
  if (o.quote_all) return true;
  for (char c : v) {
    if (c == o.sep || c == '\n' || c == '\r' || (c == o.quote && o.escape_quotes)) return true;
  }
  return o.comment != '\0' && !v.empty() && v[0] == o.comment;
}

}  // namespace

arrow::Result<CsvOptions> CsvOptions::Make(const std::map<std::string, std::string>& options) {
  CsvOptions o;
  auto sep = Find(options, "sep");
  if (!sep) sep = Find(options, "delimiter");
  if (sep) {
    if (*sep == "\\t") {
      o.sep = '\t';
    } else if (sep->size() == 1) {
      o.sep = (*sep)[0];
    } else {
      return SparkError("INVALID_OPTIONS", "42K06",
                        "Delimiter cannot be more than one character: " + *sep);
    }
  }
  ARROW_ASSIGN_OR_RAISE(o.quote, CharOption(options, "quote", '"'));
  ARROW_ASSIGN_OR_RAISE(o.escape, CharOption(options, "escape", '\\'));
  ARROW_ASSIGN_OR_RAISE(o.comment, CharOption(options, "comment", '\0'));
  ARROW_ASSIGN_OR_RAISE(o.header, BoolOption(options, "header", false));
  ARROW_ASSIGN_OR_RAISE(o.infer_schema, BoolOption(options, "inferSchema", false));
  ARROW_ASSIGN_OR_RAISE(o.multi_line, BoolOption(options, "multiLine", false));
  ARROW_ASSIGN_OR_RAISE(o.enforce_schema, BoolOption(options, "enforceSchema", true));
  ARROW_ASSIGN_OR_RAISE(o.quote_all, BoolOption(options, "quoteAll", false));
  ARROW_ASSIGN_OR_RAISE(o.escape_quotes, BoolOption(options, "escapeQuotes", true));
  ARROW_ASSIGN_OR_RAISE(o.ignore_leading_ws_read, BoolOption(options, "ignoreLeadingWhiteSpace", false));
  ARROW_ASSIGN_OR_RAISE(o.ignore_trailing_ws_read, BoolOption(options, "ignoreTrailingWhiteSpace", false));
  ARROW_ASSIGN_OR_RAISE(o.ignore_leading_ws_write, BoolOption(options, "ignoreLeadingWhiteSpace", true));
  ARROW_ASSIGN_OR_RAISE(o.ignore_trailing_ws_write, BoolOption(options, "ignoreTrailingWhiteSpace", true));
  o.null_value = Find(options, "nullValue").value_or("");
  if (auto empty = Find(options, "emptyValue")) {
    o.empty_value_read = *empty;
    o.empty_value_write = *empty;
  }
  o.mode = ParseModeOf(Find(options, "mode").value_or("PERMISSIVE"));
  o.corrupt_column = Find(options, "columnNameOfCorruptRecord").value_or("_corrupt_record");
  o.line_sep = Find(options, "lineSep").value_or("\n");
  return o;
}

std::vector<CsvRecord> ParseCsv(std::string_view text, const CsvOptions& options) {
  std::vector<CsvRecord> records;
  Tokenizer tokenizer(text, options);
  while (!tokenizer.Done()) {
    bool skip = false;
    CsvRecord record = tokenizer.Next(&skip);
    if (!skip) records.push_back(std::move(record));
  }
  return records;
}

void AppendCsvField(const std::optional<std::string_view>& value, const CsvOptions& o,
                    std::string* out) {
  if (!value) {
    *out += o.null_value;
    return;
  }
  std::string_view v = *value;
  if (o.ignore_leading_ws_write) {
    while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  }
  if (o.ignore_trailing_ws_write) {
    while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
  }
  if (v.empty()) {
    *out += o.empty_value_write;
    return;
  }
  if (o.quote == '\0' || !NeedsQuotes(v, o)) {
    *out += v;
    return;
  }
  *out += o.quote;
  for (char c : v) {
    if (c == o.quote) *out += (o.escape == '\0' ? o.quote : o.escape);
    *out += c;
  }
  *out += o.quote;
}

}  // namespace spate
