#include "spate/common/sql_lexer.h"

#include "spate/common/error.h"
#include "spate/common/utf8.h"

#include <cctype>

#include <fmt/format.h>

namespace spate::sql {

namespace {

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Longest operators first so "<=>" wins over "<=" and "<".
constexpr std::string_view kOperators[] = {
    "<=>", "<>", "<=", ">=", "!=", "==", "||", "->", "::", "&&", "(", ")", "[", "]", "{", "}",
    ",", ".", ":", ";", "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "?"};

// How many UTF-16 units (Java's string positions) the UTF-8 text takes.
int Utf16Length(std::string_view text) {
  int units = 0;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++units;  // not a continuation byte
    if (byte >= 0xF0) ++units;           // outside the BMP: a surrogate pair
  }
  return units;
}

}  // namespace

bool Token::IsKeyword(std::string_view upper) const {
  if (kind != TokenKind::kIdentifier || text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != upper[i]) return false;
  }
  return true;
}

arrow::Result<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  auto unterminated = [&](int32_t start, std::string_view what) {
    return ParseError("PARSE_SYNTAX_ERROR", "42601",
                      fmt::format("Syntax error at or near {}: unterminated {}.",
                                  text.substr(start, 1), what),
                      text, start);
  };
  while (i < n) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      int32_t start = i;
      size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return unterminated(start, "comment");
      i = static_cast<int32_t>(end) + 2;
      continue;
    }
    const int32_t start = i;
    if (c == '`') {
      std::string name;
      ++i;
      while (true) {
        if (i >= n) return unterminated(start, "quoted identifier");
        if (text[i] == '`') {
          if (i + 1 < n && text[i + 1] == '`') {
            name += '`';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        name += text[i++];
      }
      tokens.push_back({TokenKind::kQuotedIdentifier, std::move(name), start, i - start});
      continue;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      ++i;
      while (true) {
        if (i >= n) return unterminated(start, "string literal");
        char d = text[i];
        if (d == c && i + 1 < n && text[i + 1] == c) {  // 'I''m': a doubled quote is one quote
          value += c;
          i += 2;
          continue;
        }
        if (d == c) {
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < n) {
          char e = text[i + 1];
          switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case '0': value += '\0'; break;
            case 'b': value += '\b'; break;
            case 'Z': value += '\x1a'; break;
            case '%': value += "\\%"; break;  // LIKE patterns keep these escaped
            case '_': value += "\\_"; break;
            default: value += e;
          }
          i += 2;
          continue;
        }
        value += d;
        ++i;
      }
      tokens.push_back({TokenKind::kString, std::move(value), start, i - start});
      continue;
    }
    bool digit = std::isdigit(static_cast<unsigned char>(c));
    if (digit || (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      bool is_decimal = false;
      if (i < n && text[i] == '.') {
        is_decimal = true;
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        int32_t j = i + 1;
        if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < n && std::isdigit(static_cast<unsigned char>(text[j]))) {
          is_decimal = true;
          i = j;
          while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        }
      }
      // A literal followed by letters is an identifier such as 1a or 2d_col,
      // unless the letters are a literal suffix (L, S, Y, D, F, BD).
      int32_t j = i;
      while (j < n && IsIdentChar(text[j])) ++j;
      std::string_view suffix = text.substr(i, j - i);
      auto upper = [](std::string_view s) {
        std::string u(s);
        for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return u;
      };
      std::string us = upper(suffix);
      bool literal_suffix = us.empty() || us == "L" || us == "S" || us == "Y" || us == "D" ||
                            us == "F" || us == "BD";
      if (!literal_suffix && !is_decimal) {
        tokens.push_back({TokenKind::kIdentifier, std::string(text.substr(start, j - start)), start,
                          j - start});
        i = j;
        continue;
      }
      i = j;
      bool as_decimal = is_decimal || us == "D" || us == "F" || us == "BD";
      tokens.push_back({as_decimal ? TokenKind::kDecimal : TokenKind::kInteger,
                        std::string(text.substr(start, i - start)), start, i - start});
      continue;
    }
    if (IsIdentChar(c)) {
      while (i < n && IsIdentChar(text[i])) ++i;
      tokens.push_back({TokenKind::kIdentifier, std::string(text.substr(start, i - start)), start,
                        i - start});
      continue;
    }
    bool matched = false;
    for (std::string_view op : kOperators) {
      if (text.substr(i, op.size()) == op) {
        tokens.push_back({TokenKind::kOperator, std::string(op), start, static_cast<int32_t>(op.size())});
        i += static_cast<int32_t>(op.size());
        matched = true;
        break;
      }
    }
    if (!matched && static_cast<unsigned char>(c) >= 0x80) {
      // A word with non-ASCII letters: Spark reads it as an identifier, then refuses it.
      int32_t j = i;
      while (j < n && (IsIdentChar(text[j]) || static_cast<unsigned char>(text[j]) >= 0x80)) ++j;
      std::string_view word = text.substr(i, j - i);
      return ParseError("INVALID_IDENTIFIER", "42602",
                        fmt::format("The unquoted identifier {0} is invalid and must be back quoted "
                                    "as: `{0}`.\nUnquoted identifiers can only contain ASCII letters "
                                    "('a' - 'z', 'A' - 'Z'), digits ('0' - '9'), and underbar ('_')."
                                    "\nUnquoted identifiers must also not start with a digit.\n"
                                    "Different data sources and meta stores may impose additional "
                                    "restrictions on valid identifiers.",
                                    word),
                        text, i);
    }
    if (!matched) {  // the whole character, however many bytes it takes in UTF-8
      return ParseError("PARSE_SYNTAX_ERROR", "42601",
                        fmt::format("Syntax error at or near '{}'.",
                                    text.substr(i, Utf8SequenceLength(text, static_cast<size_t>(i)))),
                        text, i);
    }
  }
  tokens.push_back({TokenKind::kEnd, "", n, 0});
  return tokens;
}

arrow::Status TooComplexError(std::string_view text, int32_t offset) {
  return ParseError("FAILED_TO_PARSE_TOO_COMPLEX", "54001", kTooComplexMessage, text, offset);
}

arrow::Status ParseError(std::string_view error_class, std::string_view sqlstate,
                         std::string_view message, std::string_view text, int32_t offset) {
  // Line is 1-based, pos is 0-based within the line, as Spark reports them.
  int line = 1;
  size_t line_start = 0;
  for (int32_t i = 0; i < offset && i < static_cast<int32_t>(text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  // Spark counts characters (UTF-16 units), not bytes.
  int pos = Utf16Length(text.substr(line_start, offset - line_start));
  std::string excerpt;
  size_t start = 0;
  int current = 1;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    excerpt += fmt::format("{}\n", text.substr(start, end - start));
    if (current == line) excerpt += std::string(pos, '-') + "^^^\n";
    ++current;
    start = end + 1;
  }
  return arrow::Status::Invalid("[", error_class, "] ", message, " SQLSTATE: ", sqlstate,
                                " (line ", line, ", pos ", pos, ")\n\n== SQL ==\n", excerpt);
}

arrow::Status SyntaxError(std::string_view text, const Token& at, std::string_view hint) {
  std::string near = at.kind == TokenKind::kEnd
                         ? "end of input"
                         : fmt::format("'{}'", text.substr(at.offset, at.length));
  std::string message = fmt::format("Syntax error at or near {}", near);
  if (!hint.empty()) message += fmt::format(": {}", hint);
  return ParseError("PARSE_SYNTAX_ERROR", "42601", message + ".", text, at.offset);
}

}  // namespace spate::sql
