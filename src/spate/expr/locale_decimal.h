#pragma once

// Spark's reading of decimal text for a `locale` option (JSON and CSV,
// ExprUtils.getDecimalParser): for en-US, the default, Java's BigDecimal of
// the text without its commas; for any other locale java.text.DecimalFormat
// with the locale's symbols, which reads an optional minus sign, digits with
// grouping separators between them (each followed by a digit), a decimal
// separator and an exponent `E[-]digits`, and must read the whole text.
// Symbols are known for a few languages (de, es, it, nl, pt: "1.000,5"; fr:
// "1 000,5" with U+202F; others as Java's root locale: "1,000.5").

#include <optional>
#include <string>
#include <string_view>

namespace spate {

class LocaleDecimalParser {
 public:
  /// en-US's parser, the default.
  LocaleDecimalParser() = default;
  /// The parser of a BCP 47 language tag, read as Java's Locale.forLanguageTag
  /// (case ignored; a tag that is not well formed is the root locale).
  static LocaleDecimalParser ForLanguageTag(std::string_view tag);

  /// The text as a plain decimal (`-1000.5`, `15E-1`), or nullopt when the
  /// locale's parser does not read it.
  std::optional<std::string> Plain(std::string_view text) const;

 private:
  bool us_ = true;
  char decimal_ = '.';
  std::string grouping_ = ",";
};

}  // namespace spate
