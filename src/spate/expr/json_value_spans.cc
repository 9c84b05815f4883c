#include "spate/expr/json_value_spans.h"

#include <algorithm>
#include <string_view>

namespace spate {

namespace {

class SpanScanner {
 public:
  explicit SpanScanner(std::string_view text) : text_(text) {}

  std::vector<std::string_view> Run() {
    if (!Value()) spans_.clear();
    return std::move(spans_);
  }

 private:
  bool AtEnd() const { return i_ >= text_.size(); }

  // Spaces and comments.
  void Skip() {
    while (!AtEnd()) {
      char c = text_[i_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i_;
      } else if (text_.substr(i_, 2) == "/*") {
        size_t end = text_.find("*/", i_ + 2);
        i_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else if (text_.substr(i_, 2) == "//") {
        size_t end = text_.find('\n', i_);
        i_ = end == std::string_view::npos ? text_.size() : end + 1;
      } else {
        return;
      }
    }
  }

  bool Value() {
    Skip();
    if (AtEnd()) return false;
    size_t begin = i_;
    size_t index = spans_.size();
    spans_.emplace_back();
    char c = text_[i_];
    bool ok = c == '{' ? Container('}', true) : c == '[' ? Container(']', false) : Scalar();
    if (ok) spans_[index] = text_.substr(begin, i_ - begin);
    return ok;
  }

  // An object's members or an array's elements, up to `close`.
  bool Container(char close, bool object) {
    ++i_;
    Skip();
    if (!AtEnd() && text_[i_] == close) return ++i_, true;
    while (true) {
      if (object && !(Name() && Consume(':'))) return false;
      if (!Value()) return false;
      Skip();
      if (AtEnd()) return false;
      char c = text_[i_++];
      if (c == close) return true;
      if (c != ',') return false;
    }
  }

  // A field name: quoted, or bare (allowUnquotedFieldNames).
  bool Name() {
    Skip();
    if (AtEnd()) return false;
    if (text_[i_] == '"' || text_[i_] == '\'') return String();
    size_t end = text_.find_first_of(": \t\r\n", i_);
    if (end == std::string_view::npos || end == i_) return false;
    i_ = end;
    return true;
  }

  bool Consume(char c) {
    Skip();
    if (AtEnd() || text_[i_] != c) return false;
    ++i_;
    return true;
  }

  bool Scalar() {
    char c = text_[i_];
    if (c == '"' || c == '\'') return String();
    size_t end = std::min(text_.find_first_of(" \t\r\n,:]}/", i_), text_.size());
    if (end == i_) return false;
    i_ = end;
    return true;
  }

  // A string quoted by its first character; a backslash escapes the next one.
  bool String() {
    char quote = text_[i_++];
    while (!AtEnd()) {
      char c = text_[i_++];
      if (c == quote) return true;
      if (c == '\\') ++i_;
    }
    return false;
  }

  std::string_view text_;
  size_t i_ = 0;
  std::vector<std::string_view> spans_;
};

}  // namespace

std::vector<std::string_view> JsonValueSpans(std::string_view text) { return SpanScanner(text).Run(); }

}  // namespace spate
