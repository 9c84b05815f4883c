#include "spate/expr/locale_decimal.h"

#include <algorithm>
#include <iterator>

#include "spate/common/strings.h"

namespace spate {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The language of a well-formed tag: its first subtag, 2 to 8 letters.
std::string LanguageOf(std::string_view tag) {
  std::string language = AsciiLower(tag.substr(0, tag.find('-')));
  bool letters = std::all_of(language.begin(), language.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return letters && language.size() >= 2 && language.size() <= 8 ? language : "";
}

}  // namespace

LocaleDecimalParser LocaleDecimalParser::ForLanguageTag(std::string_view tag) {
  LocaleDecimalParser p;
  p.us_ = AsciiLower(tag) == "en-us";
  if (p.us_) return p;
  std::string language = LanguageOf(tag);
  if (language == "de" || language == "es" || language == "it" || language == "nl" || language == "pt") {
    p.decimal_ = ',';
    p.grouping_ = ".";
  } else if (language == "fr") {
    p.decimal_ = ',';
    p.grouping_ = "\u202f";
  }
  return p;
}

std::optional<std::string> LocaleDecimalParser::Plain(std::string_view text) const {
  std::string out;
  if (us_) {
    std::remove_copy(text.begin(), text.end(), std::back_inserter(out), ',');
    return out;
  }
  size_t i = 0;
  auto digits = [&]() {
    size_t start = i;
    while (i < text.size() && IsDigit(text[i])) out += text[i++];
    return i > start;
  };
  if (i < text.size() && text[i] == '-') out += text[i++];
  bool any = digits();
  // A grouping separator counts only when a digit follows it (",5" is 5).
  while (text.substr(i, grouping_.size()) == grouping_ && i + grouping_.size() < text.size() &&
         IsDigit(text[i + grouping_.size()])) {
    i += grouping_.size();
    any = digits();
  }
  if (i < text.size() && text[i] == decimal_) {
    ++i;
    out += '.';
    any = digits() || any;
  }
  if (!any) return std::nullopt;
  if (i + 1 < text.size() && text[i] == 'E' && (IsDigit(text[i + 1]) || text[i + 1] == '-')) {
    size_t mark = i;
    std::string exponent = "E";
    ++i;
    if (text[i] == '-') exponent += text[i++];
    size_t start = i;
    while (i < text.size() && IsDigit(text[i])) exponent += text[i++];
    if (i > start) out += exponent;
    else i = mark;
  }
  if (i != text.size()) return std::nullopt;
  return out;
}

}  // namespace spate
