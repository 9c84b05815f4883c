#pragma once

// Tokens of Spark SQL text, shared by the DDL type parser (types/) and the SQL
// parser (sql/); it lives here, below both.
// Whitespace and comments (-- to end of line, /* ... */) are skipped.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace spate::sql {

enum class TokenKind {
  kIdentifier,         // letters, digits and '_' (also keywords: compare with IsKeyword)
  kQuotedIdentifier,   // `name` (text holds the unquoted name)
  kInteger,            // 123, with an optional suffix kept in `text` (123L, 5S, 7Y)
  kDecimal,            // 1.5, 1e10, 1.5D, 1.5BD
  kString,             // 'text' or "text" (text holds the unescaped value)
  kOperator,           // punctuation and operators: ( ) , . : < > <= >= = == <> != + - * / % ...
  kEnd,
};

struct Token {
  TokenKind kind;
  std::string text;
  int32_t offset;  // byte offset of the token's first character in the input
  int32_t length;  // its length in the input

  bool IsKeyword(std::string_view upper) const;  // case-insensitive, identifiers only
  bool IsOp(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
};

/// Splits `text` into tokens; the last one is kEnd. Fails with
/// [PARSE_SYNTAX_ERROR] on an unterminated string, quote or comment.
arrow::Result<std::vector<Token>> Tokenize(std::string_view text);

/// Spark's ParseException text: "[CLASS] message SQLSTATE: s (line L, pos P)"
/// followed by the "== SQL ==" excerpt with a marker under the position.
arrow::Status ParseError(std::string_view error_class, std::string_view sqlstate,
                         std::string_view message, std::string_view text, int32_t offset);

/// [FAILED_TO_PARSE_TOO_COMPLEX]: input nested deeper than the parsers take.
arrow::Status TooComplexError(std::string_view text, int32_t offset);

/// [PARSE_SYNTAX_ERROR] Syntax error at or near 'tok' (or "end of input").
arrow::Status SyntaxError(std::string_view text, const Token& at, std::string_view hint = {});

}  // namespace spate::sql
