#include "spate/sql/parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <arrow/scalar.h>
#include <arrow/util/decimal.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/interval_text.h"
#include "spate/common/sql_lexer.h"
#include "spate/common/strings.h"
#include "spate/expr/datetime_parse.h"
#include "spate/expr/window_expr.h"
#include "spate/plan/grouping_sets.h"
#include "spate/types/ddl_parser.h"

namespace spate::sql {

namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::optional<std::string> ParseHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    char pair[3] = {hex[i], hex[i + 1], 0};
    char* end = nullptr;
    long byte = std::strtol(pair, &end, 16);
    if (end != pair + 2) return std::nullopt;
    bytes += static_cast<char>(byte);
  }
  return bytes;
}

// The precision of DECIMAL that holds digits[.digits][E[+-]exponent] exactly
// with a scale of at least 0, as Spark types such a literal.
std::optional<int64_t> DecimalPrecision(std::string_view text) {
  size_t e = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, e);
  int64_t exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view exp_text = text.substr(e + 1);
    bool negative = !exp_text.empty() && exp_text[0] == '-';
    if (!exp_text.empty() && (exp_text[0] == '-' || exp_text[0] == '+')) exp_text.remove_prefix(1);
    size_t i = 0;
    if (!ReadDigits(exp_text, &i, 9, &exponent) || i != exp_text.size()) return std::nullopt;
    if (negative) exponent = -exponent;
  }
  size_t dot = mantissa.find('.');
  int64_t fraction = dot == std::string_view::npos ? 0 : mantissa.size() - dot - 1;
  int64_t significant = 0;
  for (char c : mantissa) {
    if (c == '.') continue;
    if (!IsDigit(c)) return std::nullopt;
    if (significant > 0 || c != '0') ++significant;
  }
  int64_t scale = fraction - exponent;
  int64_t precision = std::max<int64_t>(significant, 1);
  return scale < 0 ? precision - scale : std::max(precision, scale);
}

// ---------------------------------------------------------------------------
// The recursive-descent parser. Each method reads one rule of Spark's grammar
// (SqlBaseParser.g4) from the current token on.

// Words that start the next clause or join: never read as an implicit alias,
// so "SELECT a FROM t" and "FROM t JOIN u" are not "a AS FROM", "t AS JOIN".
bool IsClauseKeyword(const Token& t) {
  static const std::string_view kWords[] = {
      "FROM",  "WHERE", "GROUP", "HAVING",  "ORDER",   "LIMIT",  "OFFSET",   "UNION",
      "EXCEPT", "INTERSECT", "MINUS", "JOIN", "INNER", "CROSS", "LEFT",     "RIGHT",
      "FULL",  "SEMI",  "ANTI",  "NATURAL", "ON",      "USING",  "WINDOW",   "OVER",
      "LATERAL", "SORT", "CLUSTER", "DISTRIBUTE", "QUALIFY", "AS", "PIVOT", "UNPIVOT",
      "TABLESAMPLE"};
  for (std::string_view w : kWords) {
    if (t.IsKeyword(w)) return true;
  }
  return false;
}

bool IsName(const Token& t) {
  return t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier;
}

// Spark's INVALID_NUMERIC_LITERAL_RANGE text for a suffixed literal.
arrow::Status NumericRangeError(std::string_view text, const Token& at, std::string_view raw,
                                std::string_view type_name, std::string_view min,
                                std::string_view max) {
  return ParseError("INVALID_NUMERIC_LITERAL_RANGE", "22003",
                    fmt::format("Numeric literal {} is outside the valid range for {} with minimum "
                                "value of {} and maximum value of {}. Please adjust the value "
                                "accordingly.",
                                raw, type_name, min, max),
                    text, at.offset);
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, const ParseOptions& options)
      : text_(text), tokens_(std::move(tokens)), options_(options) {}

  arrow::Result<ExprPtr> SingleExpression() {
    ARROW_ASSIGN_OR_RAISE(auto e, NamedExpression());
    ARROW_RETURN_NOT_OK(ExpectEnd());
    return e;
  }

  arrow::Result<Statement> SingleStatement() {
    ARROW_ASSIGN_OR_RAISE(auto statement, AnyStatement());
    AcceptOp(";");
    ARROW_RETURN_NOT_OK(ExpectEnd());
    return statement;
  }

 private:
  // --- token helpers -------------------------------------------------------

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }

  bool AcceptKeyword(std::string_view keyword) {
    if (!Peek().IsKeyword(keyword)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!Peek().IsOp(op)) return false;
    Next();
    return true;
  }

  arrow::Status Error() const { return SyntaxError(text_, Peek()); }

  arrow::Status ExpectKeyword(std::string_view keyword) {
    return AcceptKeyword(keyword) ? arrow::Status::OK() : Error();
  }

  arrow::Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return arrow::Status::OK();
    // At the end of the input the only repair is the missing token, which
    // Spark names in the message.
    if (AtEnd() && op == ")") return SyntaxError(text_, Peek(), "missing ')'");
    return Error();
  }

  // Anything left over is an error; when a single token is in the way Spark
  // calls it extra input.
  arrow::Status ExpectEnd() const {
    if (AtEnd()) return arrow::Status::OK();
    const Token& t = Peek();
    bool single = Peek(1).kind == TokenKind::kEnd ||
                  (Peek(1).IsOp(";") && Peek(2).kind == TokenKind::kEnd);
    if (single) {
      std::string_view extra = text_.substr(t.offset, t.length);
      return SyntaxError(text_, t, fmt::format("extra input '{}'", extra));
    }
    return SyntaxError(text_, t);
  }

  arrow::Result<std::string> Identifier() {
    if (!IsName(Peek())) return Error();
    return Next().text;
  }

  // name ('.' name)*
  arrow::Result<std::vector<std::string>> MultipartName() {
    std::vector<std::string> parts;
    ARROW_ASSIGN_OR_RAISE(auto first, Identifier());
    parts.push_back(std::move(first));
    while (Peek().IsOp(".") && IsName(Peek(1))) {
      Next();
      parts.push_back(Next().text);
    }
    return parts;
  }

  // '(' name (',' name)* ')'
  arrow::Result<std::vector<std::string>> NameList() {
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    std::vector<std::string> names;
    do {
      ARROW_ASSIGN_OR_RAISE(auto name, Identifier());
      names.push_back(std::move(name));
    } while (AcceptOp(","));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return names;
  }

  // --- expressions ---------------------------------------------------------

  // expression [AS] alias
  arrow::Result<ExprPtr> NamedExpression() {
    ARROW_ASSIGN_OR_RAISE(auto e, Expression());
    if (AcceptKeyword("AS")) {
      if (Peek().IsOp("(")) return MultiAlias(std::move(e));
      ARROW_ASSIGN_OR_RAISE(auto alias, Identifier());
      return ex::Alias(std::move(e), std::move(alias));
    }
    if (Peek().IsOp("(") && IsName(Peek(1)) && (Peek(2).IsOp(",") || Peek(2).IsOp(")"))) {
      return MultiAlias(std::move(e));
    }
    const Token& t = Peek();
    if (t.kind == TokenKind::kQuotedIdentifier ||
        (t.kind == TokenKind::kIdentifier && !IsClauseKeyword(t))) {
      return ex::Alias(std::move(e), Next().text);
    }
    return e;
  }

  // explode(m) AS (k, v): one alias per produced column.
  arrow::Result<ExprPtr> MultiAlias(ExprPtr e) {
    ARROW_ASSIGN_OR_RAISE(auto names, NameList());
    return ex::MultiAlias(std::move(e), std::move(names));
  }

  arrow::Result<ExprPtr> Expression() { return Nested(&Parser::Or); }

  // Runs one level of nesting. Deeply nested input fails cleanly, with
  // Spark's error for statements too complex to parse, instead of
  // exhausting the stack.
  template <typename T>
  arrow::Result<T> Nested(arrow::Result<T> (Parser::*rule)()) {
    if (depth_ >= kMaxDepth) return TooComplex();
    ++depth_;
    auto result = (this->*rule)();
    --depth_;
    return result;
  }

  arrow::Status TooComplex() const { return TooComplexError(text_, Peek().offset); }

  // Operator chains (1 + 1 + ..., a[0][0]...) build trees one level deeper per
  // operator without nesting the parser: their depth is bounded here.
  arrow::Status CheckOperandDepth(const ExprPtr& operand) const {
    return operand->depth >= kMaxExprDepth ? TooComplex() : arrow::Status::OK();
  }

  // a OR b OR c ...: the operands of a chain make a balanced tree, as Spark's parser
  // builds it (so a chain of any length stays shallow, and names match Spark's).
  arrow::Result<ExprPtr> Or() { return BooleanChain("OR", "or", &Parser::And); }
  arrow::Result<ExprPtr> And() { return BooleanChain("AND", "and", &Parser::Not); }

  arrow::Result<ExprPtr> BooleanChain(std::string_view keyword, const char* name,
                                      arrow::Result<ExprPtr> (Parser::*operand)()) {
    std::vector<ExprPtr> operands;
    do {
      ARROW_ASSIGN_OR_RAISE(auto next, (this->*operand)());
      operands.push_back(std::move(next));
    } while (AcceptKeyword(keyword));
    return Balanced(operands, 0, operands.size() - 1, name);
  }

  // Spark's reduceToExpressionTree: [low, high] split at low + (high - low) / 2.
  static ExprPtr Balanced(const std::vector<ExprPtr>& operands, size_t low, size_t high,
                          const char* name) {
    if (low == high) return operands[low];
    if (high - low == 1) return ex::Call(name, {operands[low], operands[high]});
    size_t mid = low + (high - low) / 2;
    return ex::Call(name, {Balanced(operands, low, mid, name), Balanced(operands, mid + 1, high, name)});
  }

  arrow::Result<ExprPtr> Not() {
    if (AcceptKeyword("NOT") || AcceptOp("!")) {
      ARROW_ASSIGN_OR_RAISE(auto e, Nested(&Parser::Not));
      return ex::Call("not", {std::move(e)});
    }
    return Predicated();
  }

  static ExprPtr Negate(ExprPtr e, bool negate) {
    return negate ? ex::Call("not", {std::move(e)}) : e;
  }

  // value [NOT] BETWEEN | IN | LIKE | RLIKE | ILIKE ..., value IS [NOT] ...
  arrow::Result<ExprPtr> Predicated() {
    ARROW_ASSIGN_OR_RAISE(auto value, Comparison());
    if (AcceptKeyword("IS")) return IsPredicate(std::move(value));
    bool negated = false;
    if (Peek().IsKeyword("NOT")) {
      const Token& after = Peek(1);
      if (!(after.IsKeyword("BETWEEN") || after.IsKeyword("IN") || after.IsKeyword("LIKE") ||
            after.IsKeyword("RLIKE") || after.IsKeyword("REGEXP") || after.IsKeyword("ILIKE"))) {
        return value;
      }
      Next();
      negated = true;
    }
    if (AcceptKeyword("BETWEEN")) {
      ARROW_ASSIGN_OR_RAISE(auto low, Comparison());
      ARROW_RETURN_NOT_OK(ExpectKeyword("AND"));
      ARROW_ASSIGN_OR_RAISE(auto high, Comparison());
      auto between = ex::Call("and", {ex::Call(">=", {value, std::move(low)}),
                                      ex::Call("<=", {value, std::move(high)})});
      return Negate(std::move(between), negated);
    }
    if (AcceptKeyword("IN")) {
      ARROW_RETURN_NOT_OK(ExpectOp("("));
      ARROW_RETURN_NOT_OK(RejectSubquery());
      std::vector<ExprPtr> args = {std::move(value)};
      do {
        ARROW_ASSIGN_OR_RAISE(auto item, Expression());
        args.push_back(std::move(item));
      } while (AcceptOp(","));
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
      return Negate(ex::Call("in", std::move(args)), negated);
    }
    static const std::pair<std::string_view, const char*> kPatterns[] = {
        {"LIKE", "like"}, {"RLIKE", "rlike"}, {"REGEXP", "rlike"}, {"ILIKE", "ilike"}};
    for (const auto& [keyword, name] : kPatterns) {
      if (AcceptKeyword(keyword)) {
        ARROW_ASSIGN_OR_RAISE(auto pattern, Comparison());
        std::vector<ExprPtr> args = {std::move(value), std::move(pattern)};
        if (std::string_view(name) != "rlike" && AcceptKeyword("ESCAPE")) {
          if (Peek().kind != TokenKind::kString) return Error();
          args.push_back(ex::String(Next().text));
        }
        return Negate(ex::Call(name, std::move(args)), negated);
      }
    }
    return value;
  }

  // After IS: [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM value
  arrow::Result<ExprPtr> IsPredicate(ExprPtr value) {
    bool negated = AcceptKeyword("NOT");
    if (AcceptKeyword("NULL") || AcceptKeyword("UNKNOWN")) {
      return ex::Call(negated ? "isnotnull" : "isnull", {std::move(value)});
    }
    if (Peek().IsKeyword("TRUE") || Peek().IsKeyword("FALSE")) {
      bool truth = Next().IsKeyword("TRUE");
      return Negate(ex::Call("<=>", {std::move(value), ex::Bool(truth)}), negated);
    }
    if (AcceptKeyword("DISTINCT")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("FROM"));
      ARROW_ASSIGN_OR_RAISE(auto other, Comparison());
      // IS DISTINCT FROM is the negation of null-safe equality.
      return Negate(ex::Call("<=>", {std::move(value), std::move(other)}), !negated);
    }
    return Error();
  }

  arrow::Result<ExprPtr> Comparison() {
    ARROW_ASSIGN_OR_RAISE(auto left, BitOr());
    while (true) {
      const Token& t = Peek();
      if (t.kind != TokenKind::kOperator) return left;
      std::string op = t.text;
      bool not_equal = op == "<>" || op == "!=";
      if (op == "==") op = "=";
      if (!(not_equal || op == "=" || op == "<=>" || op == "<" || op == "<=" || op == ">" ||
            op == ">=")) {
        return left;
      }
      Next();
      ARROW_ASSIGN_OR_RAISE(auto right, BitOr());
      left = not_equal ? ex::Call("not", {ex::Call("=", {std::move(left), std::move(right)})})
                       : ex::Call(op, {std::move(left), std::move(right)});
    }
  }

  using Level = arrow::Result<ExprPtr> (Parser::*)();

  // left (op left)* for the binary operators `ops` (call names given by `names`).
  arrow::Result<ExprPtr> LeftAssociative(Level next, std::initializer_list<std::string_view> ops,
                                         std::initializer_list<std::string_view> names) {
    ARROW_ASSIGN_OR_RAISE(auto left, (this->*next)());
    while (true) {
      std::optional<std::string_view> name;
      auto name_it = names.begin();
      for (auto op : ops) {
        bool keyword = std::isalpha(static_cast<unsigned char>(op[0])) != 0;
        if (keyword ? Peek().IsKeyword(op) : Peek().IsOp(op)) name = *name_it;
        ++name_it;
      }
      if (!name) return left;
      ARROW_RETURN_NOT_OK(CheckOperandDepth(left));
      Next();
      ARROW_ASSIGN_OR_RAISE(auto right, (this->*next)());
      left = ex::Call(std::string(*name), {std::move(left), std::move(right)});
    }
  }

  arrow::Result<ExprPtr> BitOr() { return LeftAssociative(&Parser::BitXor, {"|"}, {"|"}); }
  arrow::Result<ExprPtr> BitXor() { return LeftAssociative(&Parser::BitAnd, {"^"}, {"^"}); }
  arrow::Result<ExprPtr> BitAnd() { return LeftAssociative(&Parser::Shift, {"&"}, {"&"}); }

  // The length (in tokens) of a shift operator at the current token: the
  // lexer splits << >> >>> into single characters (">>" also closes nested
  // types), so adjacent ones are joined here.
  size_t ShiftOperatorLength(std::string* name) const {
    auto adjacent = [&](size_t i) { return Peek(i).offset == Peek(i - 1).offset + 1; };
    if (Peek().IsOp("<") && Peek(1).IsOp("<") && adjacent(1)) {
      *name = "<<";
      return 2;
    }
    if (!Peek().IsOp(">") || !Peek(1).IsOp(">") || !adjacent(1)) return 0;
    if (Peek(2).IsOp(">") && adjacent(2)) {
      *name = ">>>";
      return 3;
    }
    *name = ">>";
    return 2;
  }

  // additive (('<<' | '>>' | '>>>') additive)*
  arrow::Result<ExprPtr> Shift() {
    ARROW_ASSIGN_OR_RAISE(auto left, Additive());
    std::string name;
    while (size_t length = ShiftOperatorLength(&name)) {
      ARROW_RETURN_NOT_OK(CheckOperandDepth(left));
      pos_ += length;
      ARROW_ASSIGN_OR_RAISE(auto right, Additive());
      left = ex::Call(name, {std::move(left), std::move(right)});
    }
    return left;
  }
  arrow::Result<ExprPtr> Additive() {
    return LeftAssociative(&Parser::Multiplicative, {"+", "-", "||"}, {"+", "-", "concat"});
  }
  arrow::Result<ExprPtr> Multiplicative() {
    return LeftAssociative(&Parser::Unary, {"*", "/", "%", "DIV"}, {"*", "/", "%", "div"});
  }

  bool NumberAhead(size_t ahead) const {
    auto kind = Peek(ahead).kind;
    return kind == TokenKind::kInteger || kind == TokenKind::kDecimal;
  }

  arrow::Result<ExprPtr> Unary() {
    // A minus directly before a number is part of the literal (Spark's
    // `number` rule), so -2147483648 is an INT.
    if (Peek().IsOp("-") && !NumberAhead(1)) {
      Next();
      ARROW_ASSIGN_OR_RAISE(auto e, Nested(&Parser::Unary));
      return ex::Call("-", {std::move(e)});
    }
    if (AcceptOp("+")) {
      ARROW_ASSIGN_OR_RAISE(auto e, Nested(&Parser::Unary));
      return ex::Call("positive", {std::move(e)});
    }
    if (AcceptOp("~")) {
      ARROW_ASSIGN_OR_RAISE(auto e, Nested(&Parser::Unary));
      return ex::Call("~", {std::move(e)});
    }
    return Postfix();
  }

  // primary ('[' expr ']' | '.' name | '.' '*' | '::' type)*
  arrow::Result<ExprPtr> Postfix() {
    ARROW_ASSIGN_OR_RAISE(auto e, Primary());
    // Dotted names extend a bare column reference: its parts are gathered and the
    // column built once, so a name of many parts costs linear time. After anything
    // else a '.' reads a struct field.
    bool column_chain = e->kind == ExprKind::kColumn;
    std::vector<std::string> parts = column_chain ? e->name_parts : std::vector<std::string>{};
    auto end_chain = [&] {
      if (column_chain && parts.size() != e->name_parts.size()) e = ex::Col(std::move(parts));
      column_chain = false;
    };
    while (true) {
      ARROW_RETURN_NOT_OK(CheckOperandDepth(e));
      if (AcceptOp("[")) {
        end_chain();
        ARROW_ASSIGN_OR_RAISE(auto key, Expression());
        ARROW_RETURN_NOT_OK(ExpectOp("]"));
        e = ex::Extract(std::move(e), std::move(key));
      } else if (Peek().IsOp(".") && Peek(1).IsOp("*") && column_chain) {
        Next();
        Next();
        return ex::Star(std::move(parts));
      } else if (Peek().IsOp(".") && IsName(Peek(1))) {
        Next();
        std::string field = Next().text;
        if (column_chain) {
          parts.push_back(std::move(field));
        } else {
          e = ex::Extract(std::move(e), ex::String(std::move(field)));
        }
      } else if (AcceptOp("::")) {
        end_chain();
        ARROW_ASSIGN_OR_RAISE(auto type, TypeAt());
        e = ex::Cast(std::move(e), std::move(type));
      } else {
        end_chain();
        return e;
      }
    }
  }

  arrow::Result<DataTypePtr> TypeAt() { return ParseDdlTypeAt(text_, tokens_, &pos_); }

  arrow::Result<ExprPtr> Primary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kString:
        return StringLiteral();
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
        return Number(/*negative=*/false);
      case TokenKind::kIdentifier:
        return IdentifierPrimary();
      case TokenKind::kQuotedIdentifier:
        if (Peek(1).IsOp("->")) return Lambda();
        return ex::Col({Next().text});
      case TokenKind::kOperator:
        if (t.IsOp("-") && NumberAhead(1)) {
          Next();
          return Number(/*negative=*/true);
        }
        if (t.IsOp("*")) {
          Next();
          return ex::Star();
        }
        if (t.IsOp("(")) return Parenthesized();
        return Error();
      case TokenKind::kEnd:
        return Error();
    }
    return Error();
  }

  arrow::Result<ExprPtr> StringLiteral() {
    std::string value;
    while (Peek().kind == TokenKind::kString) value += Next().text;  // 'a' 'b' is 'ab'
    return ex::String(std::move(value));
  }

  // '(' expr ')', a row '(' expr, expr ... ')' or a lambda '(' x, y ')' '->' body
  arrow::Result<ExprPtr> Parenthesized() {
    size_t i = 1;
    while (IsName(Peek(i)) && (Peek(i + 1).IsOp(",") || Peek(i + 1).IsOp(")"))) {
      if (Peek(i + 1).IsOp(")")) {
        if (Peek(i + 2).IsOp("->")) return Lambda();
        break;
      }
      i += 2;
    }
    Next();
    ARROW_RETURN_NOT_OK(RejectSubquery());
    ARROW_ASSIGN_OR_RAISE(auto e, Expression());
    if (!Peek().IsOp(",")) {
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
      return e;
    }
    // (a, b) is a row: struct(a, b), as in (a, b) IN ((1, 2), (3, 4)).
    std::vector<ExprPtr> fields = {std::move(e)};
    while (AcceptOp(",")) {
      ARROW_ASSIGN_OR_RAISE(auto field, NamedExpression());
      fields.push_back(std::move(field));
    }
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call("struct", std::move(fields));
  }

  // Subqueries inside expressions (scalar, IN, EXISTS) have no expression
  // node yet; they are valid SQL, so this is not a syntax error.
  arrow::Status RejectSubquery() const {
    if (!Peek().IsKeyword("SELECT") && !Peek().IsKeyword("WITH")) return arrow::Status::OK();
    return arrow::Status::NotImplemented("subqueries in expressions are not supported yet: ",
                                         text_);
  }

  arrow::Result<ExprPtr> Lambda() {
    std::vector<std::string> params;
    if (AcceptOp("(")) {
      do {
        params.push_back(Next().text);
      } while (AcceptOp(","));
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
    } else {
      params.push_back(Next().text);
    }
    ARROW_RETURN_NOT_OK(ExpectOp("->"));
    ARROW_ASSIGN_OR_RAISE(auto body, Expression());
    return ex::Lambda(std::move(params), std::move(body));
  }

  arrow::Result<ExprPtr> IdentifierPrimary() {
    const Token& t = Peek();
    const Token& after = Peek(1);
    bool string_after = after.kind == TokenKind::kString;
    if (t.IsKeyword("TRUE") || t.IsKeyword("FALSE")) return ex::Bool(Next().IsKeyword("TRUE"));
    if (t.IsKeyword("NULL")) {
      Next();
      return ex::Null();
    }
    if (t.IsKeyword("CASE")) return Case();
    if ((t.IsKeyword("CAST") || t.IsKeyword("TRY_CAST")) && after.IsOp("(")) return CastCall();
    if (string_after && (t.IsKeyword("DATE") || t.IsKeyword("TIMESTAMP") ||
                         t.IsKeyword("TIMESTAMP_NTZ") || t.IsKeyword("TIMESTAMP_LTZ"))) {
      return TypedLiteral();
    }
    if (string_after && t.IsKeyword("X") && after.offset == t.offset + t.length) {
      return BinaryLiteral();
    }
    bool signed_value = (after.IsOp("-") || after.IsOp("+")) &&
                        (NumberAhead(2) || Peek(2).kind == TokenKind::kString);
    if (t.IsKeyword("INTERVAL") && (string_after || NumberAhead(1) || signed_value)) {
      return IntervalLiteral();
    }
    if (!after.IsOp("(") && (t.IsKeyword("CURRENT_DATE") || t.IsKeyword("CURRENT_TIMESTAMP") ||
                             t.IsKeyword("CURRENT_USER") || t.IsKeyword("SESSION_USER"))) {
      return ex::Call(AsciiLower(Next().text), {});
    }
    if (after.IsOp("->")) return Lambda();
    if (after.IsOp("(")) {
      if (t.IsKeyword("EXTRACT") && IsName(Peek(2)) && Peek(3).IsKeyword("FROM")) return Extract();
      if (t.IsKeyword("POSITION")) return Position();
      if (t.IsKeyword("SUBSTRING") || t.IsKeyword("SUBSTR")) return Substring();
      if (t.IsKeyword("TRIM")) return TrimCall();
      if (t.IsKeyword("OVERLAY")) return Overlay();
      return FunctionCall();
    }
    return ex::Col({Next().text});
  }

  // name '(' [DISTINCT | ALL] ['*' | expr (',' expr)*] ')'
  arrow::Result<ExprPtr> FunctionCall() {
    std::string name = AsciiLower(Next().text);
    Next();  // (
    ARROW_RETURN_NOT_OK(RejectSubquery());  // EXISTS (SELECT ...)
    bool distinct = AcceptKeyword("DISTINCT");
    if (!distinct) AcceptKeyword("ALL");
    std::vector<ExprPtr> args;
    if (Peek().IsOp("*") && Peek(1).IsOp(")")) {
      Next();
      args.push_back(ex::Star());
    } else if (!Peek().IsOp(")")) {
      ARROW_ASSIGN_OR_RAISE(args, Arguments(name));
    }
    // first(x IGNORE NULLS) and first(x) IGNORE NULLS pass the flag as an argument;
    // lag/lead(...) IGNORE NULLS OVER (...) carry it on the window expression.
    bool ignore_nulls = IgnoreNulls();
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    ignore_nulls = IgnoreNulls() || ignore_nulls;
    bool flag_on_window = (name == "lag" || name == "lead") && Peek().IsKeyword("OVER");
    if (ignore_nulls && !flag_on_window) args.push_back(ex::Bool(true));
    auto call = ex::Call(std::move(name), std::move(args), distinct);
    if (Peek().IsKeyword("WITHIN") && Peek(1).IsKeyword("GROUP")) {
      ARROW_ASSIGN_OR_RAISE(call, WithinGroup(std::move(call)));
    }
    if (Peek().IsKeyword("FILTER") && Peek(1).IsOp("(")) return AggregateFilter(std::move(call));
    if (Peek().IsKeyword("OVER")) return Over(std::move(call), ignore_nulls && flag_on_window);
    return call;
  }

  // call WITHIN GROUP '(' ORDER BY sortItem (',' sortItem)* ')'
  arrow::Result<ExprPtr> WithinGroup(ExprPtr call) {
    pos_ += 2;  // WITHIN GROUP
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    ARROW_RETURN_NOT_OK(ExpectKeyword("ORDER"));
    ARROW_RETURN_NOT_OK(ExpectKeyword("BY"));
    std::vector<ExprPtr> args{std::move(call)};
    do {
      ARROW_ASSIGN_OR_RAISE(auto e, SortItem());
      args.push_back(std::move(e));
    } while (AcceptOp(","));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call(kWithinGroupCall, std::move(args));
  }

  // call FILTER '(' WHERE expr ')': the call aggregates only the rows where expr is true.
  arrow::Result<ExprPtr> AggregateFilter(ExprPtr call) {
    pos_ += 2;  // FILTER (
    ARROW_RETURN_NOT_OK(ExpectKeyword("WHERE"));
    ARROW_ASSIGN_OR_RAISE(auto condition, Expression());
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    if (Peek().IsKeyword("OVER")) {
      return arrow::Status::Invalid(
          "[_LEGACY_ERROR_TEMP_1030] Window aggregate function with filter predicate is not supported yet.");
    }
    return ex::Call(kAggregateFilterCall, {std::move(call), std::move(condition)});
  }

  // --- window functions ------------------------------------------------------

  // OVER name | OVER windowSpec
  arrow::Result<ExprPtr> Over(ExprPtr function, bool ignore_nulls) {
    Next();  // OVER
    WindowExprParts parts{std::move(function), {}, ignore_nulls};
    if (IsName(Peek()) && !Peek().IsOp("(")) {
      parts.spec.reference = Next().text;
    } else {
      ARROW_ASSIGN_OR_RAISE(parts.spec, WindowSpec());
    }
    return ex::Window(parts);
  }

  // '(' name ')' | '(' [(PARTITION | DISTRIBUTE) BY exprs] [(ORDER | SORT) BY sortItems]
  // [(ROWS | RANGE) (BETWEEN bound AND bound | bound)] ')'
  arrow::Result<WindowSpecParts> WindowSpec() {
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    WindowSpecParts spec;
    if (IsName(Peek()) && Peek(1).IsOp(")")) {
      spec.reference = Next().text;
      Next();
      return spec;
    }
    if (AcceptKeyword("PARTITION") || AcceptKeyword("DISTRIBUTE")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("BY"));
      do {
        ARROW_ASSIGN_OR_RAISE(auto e, Expression());
        spec.partition.push_back(std::move(e));
      } while (AcceptOp(","));
    }
    if (AcceptKeyword("ORDER") || AcceptKeyword("SORT")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("BY"));
      do {
        ARROW_ASSIGN_OR_RAISE(auto e, SortItem());
        spec.order.push_back(std::move(e));
      } while (AcceptOp(","));
    }
    if (Peek().IsKeyword("ROWS") || Peek().IsKeyword("RANGE")) {
      spec.frame_type = AsciiUpper(Next().text);
      if (AcceptKeyword("BETWEEN")) {
        ARROW_ASSIGN_OR_RAISE(spec.lower, FrameBound());
        ARROW_RETURN_NOT_OK(ExpectKeyword("AND"));
        ARROW_ASSIGN_OR_RAISE(spec.upper, FrameBound());
      } else {
        ARROW_ASSIGN_OR_RAISE(spec.lower, FrameBound());
        spec.upper = {"CURRENT ROW"};
      }
    }
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return spec;
  }

  // UNBOUNDED (PRECEDING | FOLLOWING) | CURRENT ROW | literal (PRECEDING | FOLLOWING)
  arrow::Result<FrameBoundSpec> FrameBound() {
    if (AcceptKeyword("UNBOUNDED")) {
      if (AcceptKeyword("PRECEDING")) return FrameBoundSpec{"UNBOUNDED PRECEDING"};
      ARROW_RETURN_NOT_OK(ExpectKeyword("FOLLOWING"));
      return FrameBoundSpec{"UNBOUNDED FOLLOWING"};
    }
    if (Peek().IsKeyword("CURRENT") && Peek(1).IsKeyword("ROW")) {
      pos_ += 2;
      return FrameBoundSpec{"CURRENT ROW"};
    }
    const Token start = Peek();
    ARROW_ASSIGN_OR_RAISE(auto value, Additive());
    bool literal = value->kind == ExprKind::kLiteral ||
                   (value->kind == ExprKind::kCall && value->name == "negative" &&
                    value->args[0]->kind == ExprKind::kLiteral);
    if (!literal) {
      return ParseError("_LEGACY_ERROR_TEMP_0064", "42000", "Frame bound value must be a literal.", text_,
                        start.offset);
    }
    if (AcceptKeyword("PRECEDING")) return FrameBoundSpec{"PRECEDING", value};
    ARROW_RETURN_NOT_OK(ExpectKeyword("FOLLOWING"));
    return FrameBoundSpec{"FOLLOWING", value};
  }

  // WINDOW name AS (spec | name) (',' ...)*: the named windows of a SELECT.
  arrow::Result<std::vector<std::pair<std::string, WindowSpecParts>>> WindowClause() {
    std::vector<std::pair<std::string, WindowSpecParts>> windows;
    do {
      const Token at = Peek();
      ARROW_ASSIGN_OR_RAISE(auto name, Identifier());
      ARROW_RETURN_NOT_OK(ExpectKeyword("AS"));
      WindowSpecParts spec;
      if (Peek().IsOp("(")) {
        ARROW_ASSIGN_OR_RAISE(spec, WindowSpec());
      } else {
        ARROW_ASSIGN_OR_RAISE(spec.reference, Identifier());
      }
      for (const auto& w : windows) {
        if (!EqualsIgnoreCase(w.first, name)) continue;
        return ParseError("INVALID_SQL_SYNTAX.REPETITIVE_WINDOW_DEFINITION", "42000",
                          fmt::format("Invalid SQL syntax: The definition of window `{}` is repetitive.", name),
                          text_, at.offset);
      }
      windows.emplace_back(std::move(name), std::move(spec));
    } while (AcceptOp(","));
    return windows;
  }

  // [IGNORE | RESPECT] NULLS; true for IGNORE.
  bool IgnoreNulls() {
    bool keyword = Peek().IsKeyword("IGNORE") || Peek().IsKeyword("RESPECT");
    if (!keyword || !Peek(1).IsKeyword("NULLS")) return false;
    bool ignore = Next().IsKeyword("IGNORE");
    Next();
    return ignore;
  }

  // expr (',' expr)*. In timestampadd(HOUR, n, ts) and its relatives the
  // leading unit is a keyword, passed on as a string as Spark does.
  arrow::Result<std::vector<ExprPtr>> Arguments(const std::string& function) {
    static const std::string_view kUnitFunctions[] = {
        "timestampadd", "dateadd", "date_add", "timestampdiff", "datediff", "date_diff"};
    static const std::string_view kUnits[] = {
        "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFYEAR", "HOUR", "MINUTE", "SECOND",
        "MILLISECOND", "MICROSECOND"};
    std::vector<ExprPtr> args;
    bool unit_function = std::find(std::begin(kUnitFunctions), std::end(kUnitFunctions),
                                   function) != std::end(kUnitFunctions);
    if (unit_function && Peek().kind == TokenKind::kIdentifier && Peek(1).IsOp(",") &&
        std::find(std::begin(kUnits), std::end(kUnits), AsciiUpper(Peek().text)) != std::end(kUnits)) {
      args.push_back(ex::String(AsciiUpper(Next().text)));
      Next();  // ,
    }
    // struct's arguments may carry aliases, which name its fields: struct(a AS x).
    const bool named = function == "struct";
    do {
      ARROW_ASSIGN_OR_RAISE(auto arg, named ? NamedExpression() : Expression());
      args.push_back(std::move(arg));
    } while (AcceptOp(","));
    return args;
  }

  // TRIM '(' [BOTH | LEADING | TRAILING] [chars] FROM str ')' is trim, ltrim
  // or rtrim of (chars, str), the argument order of the two-argument calls.
  arrow::Result<ExprPtr> TrimCall() {
    size_t start = pos_;
    pos_ += 2;
    std::string name = "trim";
    // The option words are also column names when a comma or ')' follows.
    bool option = (Peek().IsKeyword("LEADING") || Peek().IsKeyword("TRAILING") ||
                   Peek().IsKeyword("BOTH")) &&
                  !Peek(1).IsOp(",") && !Peek(1).IsOp(")");
    if (option) {
      if (Peek().IsKeyword("LEADING")) name = "ltrim";
      if (Peek().IsKeyword("TRAILING")) name = "rtrim";
      Next();
    }
    std::vector<ExprPtr> args;
    if (!AcceptKeyword("FROM")) {
      ARROW_ASSIGN_OR_RAISE(auto chars, Comparison());
      if (!AcceptKeyword("FROM")) {  // the call forms trim(str), trim(chars, str)
        pos_ = start;
        return FunctionCall();
      }
      args.push_back(std::move(chars));
    }
    ARROW_ASSIGN_OR_RAISE(auto str, Comparison());
    args.push_back(std::move(str));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call(std::move(name), std::move(args));
  }

  // EXTRACT '(' field FROM source ')' is extract('field', source).
  arrow::Result<ExprPtr> Extract() {
    pos_ += 2;
    std::string field = Next().text;
    Next();  // FROM
    ARROW_ASSIGN_OR_RAISE(auto source, Expression());
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call("extract", {ex::String(std::move(field)), std::move(source)});
  }

  // POSITION '(' substr IN str ')' is locate(substr, str); other forms are calls.
  arrow::Result<ExprPtr> Position() {
    size_t start = pos_;
    pos_ += 2;
    ARROW_ASSIGN_OR_RAISE(auto needle, Comparison());
    if (!AcceptKeyword("IN")) {
      pos_ = start;
      return FunctionCall();
    }
    ARROW_ASSIGN_OR_RAISE(auto haystack, Expression());
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call("locate", {std::move(needle), std::move(haystack)});
  }

  // SUBSTRING '(' str FROM pos [FOR len] ')' is substring(str, pos[, len]);
  // the comma form is an ordinary call.
  arrow::Result<ExprPtr> Substring() {
    size_t start = pos_;
    std::string name = AsciiLower(Next().text);
    Next();  // (
    ARROW_ASSIGN_OR_RAISE(auto str, Expression());
    if (!AcceptKeyword("FROM")) {
      pos_ = start;
      return FunctionCall();
    }
    std::vector<ExprPtr> args = {std::move(str)};
    ARROW_ASSIGN_OR_RAISE(auto from, Expression());
    args.push_back(std::move(from));
    if (AcceptKeyword("FOR")) {
      ARROW_ASSIGN_OR_RAISE(auto length, Expression());
      args.push_back(std::move(length));
    }
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call(std::move(name), std::move(args));
  }

  // OVERLAY '(' input PLACING replace FROM pos [FOR len] ')', or the plain call.
  arrow::Result<ExprPtr> Overlay() {
    size_t start = pos_;
    std::string name = AsciiLower(Next().text);
    Next();  // (
    ARROW_ASSIGN_OR_RAISE(auto input, Expression());
    if (!AcceptKeyword("PLACING")) {
      pos_ = start;
      return FunctionCall();
    }
    std::vector<ExprPtr> args = {std::move(input)};
    ARROW_ASSIGN_OR_RAISE(auto replace, Expression());
    args.push_back(std::move(replace));
    ARROW_RETURN_NOT_OK(ExpectKeyword("FROM"));
    ARROW_ASSIGN_OR_RAISE(auto from, Expression());
    args.push_back(std::move(from));
    if (AcceptKeyword("FOR")) {
      ARROW_ASSIGN_OR_RAISE(auto length, Expression());
      args.push_back(std::move(length));
    }
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Call(std::move(name), std::move(args));
  }

  // CAST '(' expr AS type ')'
  arrow::Result<ExprPtr> CastCall() {
    bool try_cast = Next().IsKeyword("TRY_CAST");
    Next();  // (
    ARROW_ASSIGN_OR_RAISE(auto e, Expression());
    ARROW_RETURN_NOT_OK(ExpectKeyword("AS"));
    ARROW_ASSIGN_OR_RAISE(auto type, TypeAt());
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return ex::Cast(std::move(e), std::move(type), try_cast);
  }

  // CASE [operand] (WHEN c THEN v)+ [ELSE e] END
  arrow::Result<ExprPtr> Case() {
    Next();
    ExprPtr operand;
    if (!Peek().IsKeyword("WHEN")) {
      ARROW_ASSIGN_OR_RAISE(operand, Expression());
    }
    std::vector<ExprPtr> args;
    if (!Peek().IsKeyword("WHEN")) return Error();
    while (AcceptKeyword("WHEN")) {
      ARROW_ASSIGN_OR_RAISE(auto condition, Expression());
      ARROW_RETURN_NOT_OK(ExpectKeyword("THEN"));
      ARROW_ASSIGN_OR_RAISE(auto value, Expression());
      if (operand) condition = ex::Call("=", {operand, std::move(condition)});
      args.push_back(std::move(condition));
      args.push_back(std::move(value));
    }
    if (AcceptKeyword("ELSE")) {
      ARROW_ASSIGN_OR_RAISE(auto otherwise, Expression());
      args.push_back(std::move(otherwise));
    }
    ARROW_RETURN_NOT_OK(ExpectKeyword("END"));
    return ex::Call("casewhen", std::move(args));
  }

  arrow::Status InvalidTypedLiteral(const Token& at, std::string_view type,
                                    std::string_view value) const {
    return ParseError("INVALID_TYPED_LITERAL", "42604",
                      fmt::format("The value of the typed literal \"{}\" is invalid: '{}'.", type,
                                  value),
                      text_, at.offset);
  }

  // DATE '...', TIMESTAMP '...', TIMESTAMP_NTZ '...'
  arrow::Result<ExprPtr> TypedLiteral() {
    const Token keyword = Next();
    const std::string value = Next().text;
    std::string type = AsciiUpper(keyword.text);
    if (type == "DATE") {
      auto days = ParseDateText(value);
      if (!days) return InvalidTypedLiteral(keyword, type, value);
      return ex::Lit(std::make_shared<arrow::Date32Scalar>(*days), types::Date());
    }
    // Text without a zone is read in the session's zone, as Spark does when it parses.
    bool ntz = type == "TIMESTAMP_NTZ";
    auto parsed = ParseTimestampText(value, options_.time_zone, ntz);
    if (!parsed.ok() || !*parsed) return InvalidTypedLiteral(keyword, type, value);
    int64_t micros = **parsed;
    if (ntz) {
      return ex::Lit(std::make_shared<arrow::TimestampScalar>(
                         micros, arrow::timestamp(arrow::TimeUnit::MICRO)),
                     types::TimestampNtz());
    }
    return ex::Lit(std::make_shared<arrow::TimestampScalar>(
                       micros, arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                   types::Timestamp());
  }

  // X'0A1B'
  arrow::Result<ExprPtr> BinaryLiteral() {
    const Token keyword = Next();
    const std::string hex = Next().text;
    auto bytes = ParseHex(hex);
    if (!bytes) return InvalidTypedLiteral(keyword, "X", hex);
    return ex::Lit(std::make_shared<arrow::BinaryScalar>(std::move(*bytes)), types::Binary());
  }

  // INTERVAL (value unit)+ | INTERVAL 'text'; a value is [+-] number or a string. The
  // literal keeps the text Spark gives its ANSI interval (INTERVAL '01' HOUR), from the
  // first to the last field its units name.
  arrow::Result<ExprPtr> IntervalLiteral() {
    const Token keyword = Next();
    IntervalValue acc;
    std::optional<AnsiField> start, end;
    auto widen = [&start, &end](std::string_view unit) {
      auto field = AnsiFieldOfUnit(unit);
      if (!field) return;
      start = start ? std::min(*start, *field) : *field;
      end = end ? std::max(*end, *field) : *field;
    };
    bool first = true;
    while (true) {
      std::string sign;
      if (Peek().IsOp("-") || Peek().IsOp("+")) sign = Next().text;
      const Token value = Peek();
      if (value.kind != TokenKind::kString && value.kind != TokenKind::kInteger &&
          value.kind != TokenKind::kDecimal) {
        if (first || !sign.empty()) return Error();
        break;
      }
      Next();
      bool has_unit = Peek().kind == TokenKind::kIdentifier && LookupIntervalUnit(Peek().text).has_value();
      if (!has_unit) {
        // INTERVAL '1 hour 30 minutes': the whole string is the interval.
        if (!first || value.kind != TokenKind::kString) return Error();
        auto parsed = ReadIntervalText(value.text);
        if (!parsed) return InvalidTypedLiteral(keyword, "INTERVAL", value.text);
        if (sign == "-") {
          parsed->months = -parsed->months;
          parsed->days = -parsed->days;
          parsed->micros = -parsed->micros;
        }
        acc = *parsed;
        for (std::string_view word : IntervalWords(value.text)) widen(word);
        break;
      }
      const Token unit = Next();
      widen(unit.text);
      if (first && value.kind == TokenKind::kString && Peek().IsKeyword("TO")) {
        widen(Peek(1).text);
        ARROW_ASSIGN_OR_RAISE(acc, UnitToUnit(keyword, sign + value.text, unit));
        break;
      }
      std::string number = sign + std::string(TrimAsciiSpace(value.text));
      if (value.kind != TokenKind::kString && !IsDigit(number.back())) {
        return SyntaxError(text_, value);
      }
      if (!AddIntervalUnit(number, *LookupIntervalUnit(unit.text), &acc)) {
        return InvalidTypedLiteral(keyword, "INTERVAL", number + " " + unit.text);
      }
      first = false;
      if (!(NumberAhead(0) || Peek().kind == TokenKind::kString ||
            ((Peek().IsOp("-") || Peek().IsOp("+")) && NumberAhead(1)))) {
        break;
      }
    }
    int64_t nanos = 0;
    if (__builtin_mul_overflow(acc.micros, 1000, &nanos)) {
      return InvalidTypedLiteral(keyword, "INTERVAL", text_.substr(keyword.offset));
    }
    Expr literal{.kind = ExprKind::kLiteral,
                 .literal = std::make_shared<arrow::MonthDayNanoIntervalScalar>(
                     arrow::MonthDayNanoIntervalType::MonthDayNanos{acc.months, acc.days, nanos}),
                 .type = types::Interval()};
    if (start) literal.name = AnsiIntervalSql(acc, *start, *end).value_or("");
    return ex::Node(std::move(literal));
  }

  // INTERVAL 'text' from TO to, the TO next.
  arrow::Result<IntervalValue> UnitToUnit(const Token& keyword, const std::string& text,
                                          const Token& from) {
    Next();  // TO
    const Token to = Peek();
    static const std::string_view kUnits[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
    std::string from_unit = AsciiUpper(from.text), to_unit = AsciiUpper(to.text);
    bool known = std::find(std::begin(kUnits), std::end(kUnits), from_unit) != std::end(kUnits) &&
                 std::find(std::begin(kUnits), std::end(kUnits), to_unit) != std::end(kUnits);
    if (!known) return Error();
    Next();
    auto value = ReadUnitToUnit(text, from_unit, to_unit);
    if (!value) {
      return InvalidTypedLiteral(keyword, "INTERVAL",
                                 fmt::format("{} {} TO {}", text, from_unit, to_unit));
    }
    return *value;
  }

  // Integer and decimal literals with Spark's typing rules. A '-' before the
  // number has been consumed when `negative`.
  arrow::Result<ExprPtr> Number(bool negative) {
    const Token t = Next();
    std::string upper = AsciiUpper(t.text);
    if (t.kind == TokenKind::kInteger) return IntegerLiteral(t, upper, negative);
    if (upper.size() > 2 && upper.substr(upper.size() - 2) == "BD") {
      return DecimalLiteral(t, upper.substr(0, upper.size() - 2), negative);
    }
    char suffix = upper.back();
    bool exponent = upper.find('E') != std::string::npos;
    if (suffix == 'D' || suffix == 'F' || exponent) {
      std::string digits = (negative ? "-" : "") + upper;
      if (suffix == 'D' || suffix == 'F') digits.pop_back();
      double value = std::strtod(digits.c_str(), nullptr);
      std::string raw = (negative ? "-" : "") + t.text.substr(0, t.text.size() - 1);
      if (suffix == 'F') {
        if (std::isinf(static_cast<float>(value))) {
          return NumericRangeError(text_, t, raw, "float", "-3.4028235E38", "3.4028235E38");
        }
        return ex::Lit(arrow::MakeScalar(static_cast<float>(value)), types::Float());
      }
      if (std::isinf(value)) {
        return NumericRangeError(text_, t, suffix == 'D' ? raw : digits, "double",
                                 "-1.7976931348623157E308", "1.7976931348623157E308");
      }
      return ex::Double(value);
    }
    return DecimalLiteral(t, upper, negative);
  }

  arrow::Result<ExprPtr> IntegerLiteral(const Token& t, const std::string& upper, bool negative) {
    char suffix = upper.back();
    bool has_suffix = suffix == 'L' || suffix == 'S' || suffix == 'Y';
    std::string digits =
        (negative ? "-" : "") + (has_suffix ? upper.substr(0, upper.size() - 1) : upper);
    errno = 0;
    char* end = nullptr;
    long long value = std::strtoll(digits.c_str(), &end, 10);
    bool fits64 = errno != ERANGE;
    auto in = [&](int64_t lo, int64_t hi) { return fits64 && value >= lo && value <= hi; };
    switch (has_suffix ? suffix : 0) {
      case 'L':
        if (!fits64) {
          return NumericRangeError(text_, t, digits, "bigint", "-9223372036854775808",
                                   "9223372036854775807");
        }
        return ex::Long(value);
      case 'S':
        if (!in(-32768, 32767)) {
          return NumericRangeError(text_, t, digits, "smallint", "-32768", "32767");
        }
        return ex::Lit(arrow::MakeScalar(static_cast<int16_t>(value)), types::Short());
      case 'Y':
        if (!in(-128, 127)) return NumericRangeError(text_, t, digits, "tinyint", "-128", "127");
        return ex::Lit(arrow::MakeScalar(static_cast<int8_t>(value)), types::Byte());
      default:
        if (in(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max())) {
          return ex::Int(static_cast<int32_t>(value));
        }
        if (fits64) return ex::Long(value);
        return DecimalLiteral(t, upper, negative);
    }
  }

  // An exact numeric: DECIMAL(precision, scale) as Java's BigDecimal reads it.
  arrow::Result<ExprPtr> DecimalLiteral(const Token& t, const std::string& digits, bool negative) {
    auto too_precise = [&](int64_t precision) {
      return ParseError("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "22003",
                        fmt::format("Decimal precision {} exceeds max precision {}.", precision,
                                    DecimalType::kMaxPrecision),
                        text_, t.offset);
    };
    arrow::Decimal128 value;
    int32_t precision = 0, scale = 0;
    if (!arrow::Decimal128::FromString(digits, &value, &precision, &scale).ok()) {
      // Arrow refuses more than 38 digits; Spark names the precision.
      auto needed = DecimalPrecision(digits);
      if (!needed) return SyntaxError(text_, t);
      return too_precise(*needed);
    }
    if (scale < 0) {  // 1E2BD: Spark does not keep negative scales
      if (precision - scale > DecimalType::kMaxPrecision) return too_precise(precision - scale);
      value *= arrow::Decimal128::GetScaleMultiplier(-scale);
      precision -= scale;
      scale = 0;
    }
    precision = std::max({precision, scale, 1});
    if (precision > DecimalType::kMaxPrecision) return too_precise(precision);
    if (negative) value.Negate();
    auto scalar =
        std::make_shared<arrow::Decimal128Scalar>(value, arrow::decimal128(precision, scale));
    return ex::Lit(std::move(scalar), types::Decimal(precision, scale));
  }

  // --- queries -------------------------------------------------------------

  arrow::Result<Statement> AnyStatement() {
    const Token& t = Peek();
    if (t.IsKeyword("SELECT") || t.IsKeyword("WITH") || t.IsOp("(")) {
      Statement statement;
      ARROW_ASSIGN_OR_RAISE(statement.select, Query());
      return statement;
    }
    if (t.IsKeyword("CREATE")) return Create();
    if (t.IsKeyword("SHOW")) return Show();
    if (t.IsKeyword("DESCRIBE") || t.IsKeyword("DESC")) return Describe();
    if (t.IsKeyword("DROP")) return Drop();
    if (t.IsKeyword("USE")) return Use();
    if (t.IsKeyword("INSERT")) return Insert();
    if (t.IsKeyword("MERGE")) return Merge();
    if (t.IsKeyword("UPDATE")) return Update();
    if (t.IsKeyword("DELETE")) return Delete();
    return UnsupportedStatement();
  }

  // Statements Spark has and the contract does not carry yet fail as not
  // supported, naming the statement; anything else is a syntax error.
  arrow::Status UnsupportedStatement() const {
    static const std::string_view kStatements[] = {
        "SET",   "RESET",    "CACHE", "UNCACHE", "CLEAR", "EXPLAIN",
        "ALTER",  "TRUNCATE", "REFRESH", "MSCK", "ANALYZE",
        "LOAD",   "ADD",   "LIST",     "VALUES", "REPAIR", "COMMENT", "DECLARE", "EXECUTE"};
    const Token& t = Peek();
    for (std::string_view keyword : kStatements) {
      if (t.IsKeyword(keyword)) {
        return arrow::Status::NotImplemented("SQL statement ", keyword, " is not supported yet");
      }
    }
    return Error();
  }

  // [WITH ctes] operand ((UNION|EXCEPT|MINUS) [ALL|DISTINCT] operand)* [ORDER BY ...] [LIMIT n],
  // where an operand is term (INTERSECT [ALL|DISTINCT] term)*.
  arrow::Result<SelectPtr> Query() {
    std::vector<std::pair<std::string, SelectPtr>> ctes;
    if (AcceptKeyword("WITH")) {
      do {
        ARROW_ASSIGN_OR_RAISE(auto name, Identifier());
        AcceptKeyword("AS");
        ARROW_RETURN_NOT_OK(ExpectOp("("));
        ARROW_ASSIGN_OR_RAISE(auto query, Nested(&Parser::Query));
        ARROW_RETURN_NOT_OK(ExpectOp(")"));
        ctes.emplace_back(std::move(name), std::move(query));
      } while (AcceptOp(","));
    }
    using SetOp = SelectStatement::SetOperation;
    ARROW_ASSIGN_OR_RAISE(auto first, IntersectOperand());
    std::vector<SetOp> operations;
    while (true) {
      SetOp::Kind kind;
      if (AcceptKeyword("UNION")) {
        kind = SetOp::Kind::kUnion;
      } else if (AcceptKeyword("EXCEPT") || AcceptKeyword("MINUS")) {
        kind = SetOp::Kind::kExcept;
      } else {
        break;
      }
      bool all = AcceptKeyword("ALL");
      if (!all) AcceptKeyword("DISTINCT");
      ARROW_ASSIGN_OR_RAISE(auto next, IntersectOperand());
      operations.push_back({kind, all, std::move(next)});
    }
    bool has_tail = !operations.empty() || Peek().IsKeyword("ORDER") || Peek().IsKeyword("LIMIT") ||
                    Peek().IsKeyword("OFFSET") || !ctes.empty();
    if (!has_tail) return first;
    auto result = Extendable(first);
    for (auto& op : operations) result->set_operations.push_back(std::move(op));
    ARROW_RETURN_NOT_OK(OrderByAndLimit(result.get()));
    result->ctes = std::move(ctes);
    return result;
  }

  // term (INTERSECT [ALL|DISTINCT] term)*
  arrow::Result<SelectPtr> IntersectOperand() {
    ARROW_ASSIGN_OR_RAISE(auto first, QueryTerm());
    if (!Peek().IsKeyword("INTERSECT")) return first;
    auto result = Extendable(first);
    while (AcceptKeyword("INTERSECT")) {
      bool all = AcceptKeyword("ALL");
      if (!all) AcceptKeyword("DISTINCT");
      ARROW_ASSIGN_OR_RAISE(auto next, QueryTerm());
      result->set_operations.push_back({SelectStatement::SetOperation::Kind::kIntersect, all, std::move(next)});
    }
    return result;
  }

  // A copy of `query` that set operations, ORDER BY and LIMIT can be appended
  // to; a query that already has its own is wrapped: (q ORDER BY x) UNION ...
  static std::shared_ptr<SelectStatement> Extendable(const SelectPtr& query) {
    bool closed = !query->set_operations.empty() || !query->order_by.empty() || query->limit ||
                  query->offset || !query->ctes.empty();
    return closed ? WrapInSubquery(query) : std::make_shared<SelectStatement>(*query);
  }

  // SELECT * FROM (query): keeps a parenthesized query's own ORDER BY/LIMIT.
  static std::shared_ptr<SelectStatement> WrapInSubquery(SelectPtr query) {
    auto outer = std::make_shared<SelectStatement>();
    outer->select_list = {ex::Star()};
    auto from = std::make_shared<FromItem>();
    from->kind = FromItem::Kind::kSubquery;
    from->subquery = std::move(query);
    outer->from = std::move(from);
    return outer;
  }

  arrow::Result<SelectPtr> QueryTerm() {
    if (AcceptOp("(")) {
      ARROW_ASSIGN_OR_RAISE(auto inner, Nested(&Parser::Query));
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
      return inner;
    }
    return SelectCore();
  }

  arrow::Status OrderByAndLimit(SelectStatement* select) {
    if (AcceptKeyword("ORDER")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("BY"));
      do {
        ARROW_ASSIGN_OR_RAISE(auto item, SortItem());
        select->order_by.push_back(std::move(item));
      } while (AcceptOp(","));
    }
    if (AcceptKeyword("LIMIT")) {
      ARROW_ASSIGN_OR_RAISE(select->limit, Count());
    }
    if (AcceptKeyword("OFFSET")) {
      ARROW_ASSIGN_OR_RAISE(select->offset, Count());
    }
    return arrow::Status::OK();
  }

  // The row count of LIMIT and OFFSET: a non-negative integer literal.
  arrow::Result<int64_t> Count() {
    const Token t = Peek();
    if (t.kind != TokenKind::kInteger) return Error();
    ARROW_ASSIGN_OR_RAISE(auto n, Number(/*negative=*/false));
    switch (n->type->id()) {
      case TypeId::kInt: return static_cast<const arrow::Int32Scalar&>(*n->literal).value;
      case TypeId::kLong: return static_cast<const arrow::Int64Scalar&>(*n->literal).value;
      default: break;
    }
    return SyntaxError(text_, t);
  }

  // expr [ASC|DESC] [NULLS FIRST|LAST]; nulls come first when ascending.
  arrow::Result<ExprPtr> SortItem() {
    ARROW_ASSIGN_OR_RAISE(auto e, Expression());
    bool ascending = true;
    if (AcceptKeyword("DESC")) {
      ascending = false;
    } else {
      AcceptKeyword("ASC");
    }
    bool nulls_first = ascending;
    if (AcceptKeyword("NULLS")) {
      if (AcceptKeyword("FIRST")) {
        nulls_first = true;
      } else {
        ARROW_RETURN_NOT_OK(ExpectKeyword("LAST"));
        nulls_first = false;
      }
    }
    return ex::Sort(std::move(e), ascending, nulls_first);
  }

  // SELECT [DISTINCT|ALL] items [FROM ...] [WHERE ...] [GROUP BY ...] [HAVING ...]
  arrow::Result<SelectPtr> SelectCore() {
    ARROW_RETURN_NOT_OK(ExpectKeyword("SELECT"));
    auto select = std::make_shared<SelectStatement>();
    select->distinct = AcceptKeyword("DISTINCT");
    if (!select->distinct) AcceptKeyword("ALL");
    do {
      ARROW_ASSIGN_OR_RAISE(auto item, NamedExpression());
      select->select_list.push_back(std::move(item));
    } while (AcceptOp(","));
    if (AcceptKeyword("FROM")) {
      ARROW_ASSIGN_OR_RAISE(select->from, FromClause());
    }
    if (AcceptKeyword("WHERE")) {
      ARROW_ASSIGN_OR_RAISE(select->where, Expression());
    }
    if (AcceptKeyword("GROUP")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("BY"));
      ARROW_ASSIGN_OR_RAISE(select->group_by, GroupByItems());
    }
    if (AcceptKeyword("HAVING")) {
      ARROW_ASSIGN_OR_RAISE(select->having, Expression());
    }
    std::vector<std::pair<std::string, WindowSpecParts>> windows;
    if (AcceptKeyword("WINDOW")) {
      ARROW_ASSIGN_OR_RAISE(windows, WindowClause());
    }
    for (auto& item : select->select_list) {
      ARROW_ASSIGN_OR_RAISE(item, SubstituteNamedWindows(item, windows));
    }
    return select;
  }

  // GROUP BY items: expressions, ROLLUP(...), CUBE(...) and GROUPING SETS(...)
  // (plan/grouping_sets.h), or `expressions WITH ROLLUP|CUBE`.
  arrow::Result<std::vector<ExprPtr>> GroupByItems() {
    std::vector<ExprPtr> items;
    do {
      const bool list_follows = Peek(1).IsOp("(") && !Peek(2).IsOp(")");
      if ((Peek().IsKeyword("ROLLUP") || Peek().IsKeyword("CUBE")) && list_follows) {
        const char* name = Next().IsKeyword("ROLLUP") ? kRollup : kCube;
        ARROW_ASSIGN_OR_RAISE(auto elements, GroupingElements());
        items.push_back(ex::Call(name, std::move(elements)));
      } else if (Peek().IsKeyword("GROUPING") && Peek(1).IsKeyword("SETS")) {
        pos_ += 2;
        ARROW_ASSIGN_OR_RAISE(auto elements, GroupingElements());
        items.push_back(ex::Call(kGroupingSets, std::move(elements)));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto e, Expression());
        items.push_back(std::move(e));
      }
    } while (AcceptOp(","));
    if (Peek().IsKeyword("WITH") && (Peek(1).IsKeyword("ROLLUP") || Peek(1).IsKeyword("CUBE"))) {
      Next();
      return std::vector<ExprPtr>{ex::Call(Next().IsKeyword("ROLLUP") ? kRollup : kCube, std::move(items))};
    }
    return items;
  }

  // '(' element, ... ')' where an element is an expression or a
  // parenthesised list of them ('()' for the empty set).
  arrow::Result<std::vector<ExprPtr>> GroupingElements() {
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    std::vector<ExprPtr> elements;
    do {
      ARROW_ASSIGN_OR_RAISE(auto list, ParenthesisedGroupingSet());
      if (list) {
        elements.push_back(std::move(list));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto e, Expression());
      elements.push_back(std::move(e));
    } while (AcceptOp(","));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return elements;
  }

  // '(' [expr, ...] ')' ending a grouping element, as a kGroupingSet call;
  // null (reading nothing) when the parenthesis starts an expression instead.
  arrow::Result<ExprPtr> ParenthesisedGroupingSet() {
    if (!Peek().IsOp("(")) return nullptr;
    const size_t start = pos_;
    Next();
    std::vector<ExprPtr> exprs;
    if (!Peek().IsOp(")")) {
      do {
        auto e = Expression();
        if (!e.ok()) {
          pos_ = start;
          return nullptr;
        }
        exprs.push_back(*std::move(e));
      } while (AcceptOp(","));
    }
    if (AcceptOp(")") && (Peek().IsOp(",") || Peek().IsOp(")"))) return ex::Call(kGroupingSet, std::move(exprs));
    pos_ = start;
    return nullptr;
  }

  static std::shared_ptr<FromItem> MakeJoin(FromItemPtr left, FromItemPtr right,
                                            std::string join_type) {
    auto join = std::make_shared<FromItem>();
    join->kind = FromItem::Kind::kJoin;
    join->left = std::move(left);
    join->right = std::move(right);
    join->join_type = std::move(join_type);
    return join;
  }

  // relation (',' relation)* lateral_view*: commas are cross joins, looser
  // than JOIN; each lateral view applies to everything before it.
  arrow::Result<FromItemPtr> FromClause() {
    ARROW_ASSIGN_OR_RAISE(auto from, Relation());
    while (AcceptOp(",")) {
      ARROW_ASSIGN_OR_RAISE(auto right, Relation());
      from = MakeJoin(std::move(from), std::move(right), "cross");
    }
    while (Peek().IsKeyword("LATERAL") && Peek(1).IsKeyword("VIEW")) {
      ARROW_ASSIGN_OR_RAISE(from, LateralView(std::move(from)));
    }
    return from;
  }

  // LATERAL VIEW [OUTER] name '(' [expr (',' expr)*] ')' alias [[AS] column (',' column)*]
  arrow::Result<FromItemPtr> LateralView(FromItemPtr source) {
    pos_ += 2;  // LATERAL VIEW
    auto item = std::make_shared<FromItem>();
    item->kind = FromItem::Kind::kLateralView;
    item->left = std::move(source);
    if (Peek().IsKeyword("OUTER") && !Peek(1).IsOp("(")) {  // outer(...) is a function's name
      Next();
      item->outer = true;
    }
    ARROW_ASSIGN_OR_RAISE(item->name, MultipartName());
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    if (!AcceptOp(")")) {
      do {
        ARROW_ASSIGN_OR_RAISE(auto arg, Expression());
        item->args.push_back(std::move(arg));
      } while (AcceptOp(","));
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
    }
    ARROW_ASSIGN_OR_RAISE(item->alias, Identifier());
    if (AcceptKeyword("AS") || (IsName(Peek()) && !IsClauseKeyword(Peek()))) {
      do {
        ARROW_ASSIGN_OR_RAISE(auto column, Identifier());
        item->column_aliases.push_back(std::move(column));
      } while (AcceptOp(","));
    }
    return item;
  }

  // The join type at the current token, consuming it through JOIN; nullopt
  // (consuming nothing) when no join follows.
  arrow::Result<std::optional<std::string>> JoinType() {
    static const std::pair<std::vector<std::string_view>, std::string_view> kJoins[] = {
        {{"JOIN"}, "inner"},
        {{"INNER", "JOIN"}, "inner"},
        {{"CROSS", "JOIN"}, "cross"},
        {{"LEFT", "OUTER", "JOIN"}, "left_outer"},
        {{"LEFT", "SEMI", "JOIN"}, "left_semi"},
        {{"LEFT", "ANTI", "JOIN"}, "left_anti"},
        {{"LEFT", "JOIN"}, "left_outer"},
        {{"RIGHT", "OUTER", "JOIN"}, "right_outer"},
        {{"RIGHT", "JOIN"}, "right_outer"},
        {{"FULL", "OUTER", "JOIN"}, "full_outer"},
        {{"FULL", "JOIN"}, "full_outer"},
        {{"SEMI", "JOIN"}, "left_semi"},
        {{"ANTI", "JOIN"}, "left_anti"},
    };
    for (const auto& [words, type] : kJoins) {
      bool match = true;
      for (size_t i = 0; i < words.size() && match; ++i) match = Peek(i).IsKeyword(words[i]);
      if (match) {
        pos_ += words.size();
        return std::optional<std::string>(type);
      }
    }
    // A join keyword not followed by JOIN is misplaced: report it there.
    for (std::string_view w : {"INNER", "CROSS", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"}) {
      if (Peek().IsKeyword(w)) {
        size_t i = 1;
        while (Peek(i).IsKeyword("OUTER") || Peek(i).IsKeyword("SEMI") ||
               Peek(i).IsKeyword("ANTI")) {
          ++i;
        }
        return SyntaxError(text_, Peek(i));
      }
    }
    return std::optional<std::string>();
  }

  // primary (join primary [ON cond | USING (cols)])*
  arrow::Result<FromItemPtr> Relation() {
    ARROW_ASSIGN_OR_RAISE(auto left, RelationPrimary());
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto join_type, JoinType());
      if (!join_type) return left;
      ARROW_ASSIGN_OR_RAISE(auto right, RelationPrimary());
      auto join = MakeJoin(std::move(left), std::move(right), std::move(*join_type));
      if (AcceptKeyword("ON")) {
        ARROW_ASSIGN_OR_RAISE(join->condition, Expression());
      } else if (Peek().IsKeyword("USING")) {
        Next();
        ARROW_ASSIGN_OR_RAISE(join->using_columns, NameList());
      }
      left = std::move(join);
    }
  }

  // VALUES row [, row ...]: a row is (expr, ...) or a single expression.
  arrow::Result<std::vector<std::vector<ExprPtr>>> InlineRows() {
    std::vector<std::vector<ExprPtr>> rows;
    do {
      std::vector<ExprPtr> row;
      if (AcceptOp("(")) {
        do {
          ARROW_ASSIGN_OR_RAISE(auto e, Expression());
          row.push_back(std::move(e));
        } while (AcceptOp(","));
        ARROW_RETURN_NOT_OK(ExpectOp(")"));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto e, Expression());
        row.push_back(std::move(e));
      }
      rows.push_back(std::move(row));
    } while (AcceptOp(","));
    return rows;
  }

  // table [alias] | function '(' args ')' [alias [(columns)]] | '(' query ')' [alias] |
  // '(' relation ')' [alias] | VALUES rows [[AS] alias [(columns)]]
  arrow::Result<FromItemPtr> RelationPrimary() {
    auto item = std::make_shared<FromItem>();
    if (AcceptKeyword("VALUES")) {
      item->kind = FromItem::Kind::kValues;
      ARROW_ASSIGN_OR_RAISE(item->rows, InlineRows());
    } else if (AcceptOp("(")) {
      if (Peek().IsKeyword("SELECT") || Peek().IsKeyword("WITH") || Peek().IsOp("(")) {
        item->kind = FromItem::Kind::kSubquery;
        ARROW_ASSIGN_OR_RAISE(item->subquery, Nested(&Parser::Query));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto inner, Nested(&Parser::FromClause));
        item = std::make_shared<FromItem>(*inner);
      }
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
    } else {
      const Token& at = Peek();
      item->kind = FromItem::Kind::kTable;
      ARROW_ASSIGN_OR_RAISE(item->name, MultipartName());
      if (Peek().IsOp("(")) ARROW_RETURN_NOT_OK(TableFunctionArguments(at, item.get()));
    }
    if (AcceptKeyword("AS")) {
      ARROW_ASSIGN_OR_RAISE(item->alias, Identifier());
    } else if (Peek().kind == TokenKind::kQuotedIdentifier ||
               (Peek().kind == TokenKind::kIdentifier && !IsClauseKeyword(Peek()))) {
      item->alias = Next().text;
    }
    if (!item->alias.empty() && Peek().IsOp("(")) {
      ARROW_ASSIGN_OR_RAISE(item->column_aliases, NameList());
    }
    while (Peek().IsKeyword("PIVOT") || Peek().IsKeyword("UNPIVOT")) {
      ARROW_ASSIGN_OR_RAISE(item, Next().IsKeyword("PIVOT") ? Pivot(std::move(item)) : Unpivot(std::move(item)));
    }
    return item;
  }

  // A table-valued function's '(' [expr (',' expr)*] ')' after its name: range(10), explode(a).
  arrow::Status TableFunctionArguments(const Token& at, FromItem* item) {
    if (item->name.size() > 1) {
      std::string quoted;
      for (const auto& part : item->name) quoted += (quoted.empty() ? "`" : ".`") + part + "`";
      return ParseError("INVALID_SQL_SYNTAX.INVALID_TABLE_VALUED_FUNC_NAME", "42000",
                        fmt::format("Invalid SQL syntax: Table valued function cannot specify database name: {}.",
                                    quoted),
                        text_, at.offset);
    }
    item->kind = FromItem::Kind::kFunction;
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    if (AcceptOp(")")) return arrow::Status::OK();
    do {
      ARROW_ASSIGN_OR_RAISE(auto arg, Expression());
      item->args.push_back(std::move(arg));
    } while (AcceptOp(","));
    return ExpectOp(")");
  }

  // expr [[AS] alias] (',' ...)* : the aggregates and values of PIVOT, the columns of UNPIVOT.
  arrow::Result<std::vector<ExprPtr>> AliasedList() {
    std::vector<ExprPtr> out;
    do {
      ARROW_ASSIGN_OR_RAISE(auto e, Expression());
      if (AcceptKeyword("AS") || (IsName(Peek()) && !Peek().IsKeyword("FOR"))) {
        ARROW_ASSIGN_OR_RAISE(auto alias, Identifier());
        e = ex::Alias(std::move(e), std::move(alias));
      }
      out.push_back(std::move(e));
    } while (AcceptOp(","));
    return out;
  }

  // source PIVOT '(' aggregates FOR column IN '(' values ')' ')' [[AS] alias]
  arrow::Result<std::shared_ptr<FromItem>> Pivot(FromItemPtr source) {
    auto item = std::make_shared<FromItem>();
    item->kind = FromItem::Kind::kPivot;
    item->left = std::move(source);
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    ARROW_ASSIGN_OR_RAISE(item->aggregates, AliasedList());
    ARROW_RETURN_NOT_OK(ExpectKeyword("FOR"));
    ARROW_ASSIGN_OR_RAISE(item->pivot, Primary());
    ARROW_RETURN_NOT_OK(InListAndAlias(item.get()));
    return item;
  }

  // source UNPIVOT [(INCLUDE | EXCLUDE) NULLS] '(' value FOR name IN '(' columns ')' ')' [[AS] alias]
  arrow::Result<std::shared_ptr<FromItem>> Unpivot(FromItemPtr source) {
    auto item = std::make_shared<FromItem>();
    item->kind = FromItem::Kind::kUnpivot;
    item->left = std::move(source);
    if (Peek().IsKeyword("INCLUDE") || Peek().IsKeyword("EXCLUDE")) {
      item->include_nulls = Next().IsKeyword("INCLUDE");
      ARROW_RETURN_NOT_OK(ExpectKeyword("NULLS"));
    }
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    ARROW_ASSIGN_OR_RAISE(item->value_column, Identifier());
    ARROW_RETURN_NOT_OK(ExpectKeyword("FOR"));
    ARROW_ASSIGN_OR_RAISE(item->name_column, Identifier());
    ARROW_RETURN_NOT_OK(InListAndAlias(item.get()));
    return item;
  }

  // The end of PIVOT and UNPIVOT: IN '(' values ')' ')' [[AS] alias]
  arrow::Status InListAndAlias(FromItem* item) {
    ARROW_RETURN_NOT_OK(ExpectKeyword("IN"));
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    ARROW_ASSIGN_OR_RAISE(item->values, AliasedList());
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return TrailingAlias(item);
  }

  arrow::Status TrailingAlias(FromItem* item) {
    if (AcceptKeyword("AS")) {
      ARROW_ASSIGN_OR_RAISE(item->alias, Identifier());
    } else if (Peek().kind == TokenKind::kQuotedIdentifier ||
               (Peek().kind == TokenKind::kIdentifier && !IsClauseKeyword(Peek()))) {
      item->alias = Next().text;
    }
    return arrow::Status::OK();
  }

  // --- other statements ----------------------------------------------------

  arrow::Result<Statement> Create() {
    Next();  // CREATE
    if (AtNamespaceKeyword()) return CreateNamespace();
    Statement s;
    if (AcceptKeyword("OR")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("REPLACE"));
      s.or_replace = true;
    }
    s.global = AcceptKeyword("GLOBAL");
    s.temporary = AcceptKeyword("TEMP") || AcceptKeyword("TEMPORARY");
    if (AcceptKeyword("VIEW")) return CreateView(std::move(s));
    if (s.global || s.temporary) return Error();
    ARROW_RETURN_NOT_OK(ExpectKeyword("TABLE"));
    return CreateTable(std::move(s));
  }

  arrow::Status IfNotExists(bool* flag) {
    if (!AcceptKeyword("IF")) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(ExpectKeyword("NOT"));
    ARROW_RETURN_NOT_OK(ExpectKeyword("EXISTS"));
    *flag = true;
    return arrow::Status::OK();
  }

  arrow::Result<Statement> CreateView(Statement s) {
    s.kind = Statement::Kind::kCreateView;
    ARROW_RETURN_NOT_OK(IfNotExists(&s.if_not_exists));
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    if (s.temporary && (Peek().IsOp("(") || Peek().IsKeyword("USING"))) {
      // CREATE TEMPORARY VIEW v [(schema)] USING fmt OPTIONS (...): a view
      // over a data source rather than over a query.
      ARROW_RETURN_NOT_OK(SchemaAndClauses(&s));
      if (s.using_format.empty()) return Error();
      return s;
    }
    ARROW_RETURN_NOT_OK(ExpectKeyword("AS"));
    ARROW_ASSIGN_OR_RAISE(s.select, Query());
    return s;
  }

  arrow::Result<Statement> CreateTable(Statement s) {
    s.kind = Statement::Kind::kCreateTable;
    ARROW_RETURN_NOT_OK(IfNotExists(&s.if_not_exists));
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    ARROW_RETURN_NOT_OK(SchemaAndClauses(&s));
    if (AcceptKeyword("AS") || Peek().IsKeyword("SELECT") || Peek().IsKeyword("WITH")) {
      ARROW_ASSIGN_OR_RAISE(s.select, Query());
    }
    return s;
  }

  // ['(' columns ')'] then USING, PARTITIONED BY, OPTIONS, TBLPROPERTIES,
  // LOCATION and COMMENT clauses in any order.
  arrow::Status SchemaAndClauses(Statement* statement) {
    Statement& s = *statement;
    if (AcceptOp("(")) {
      ARROW_ASSIGN_OR_RAISE(auto fields, ParseDdlFieldsAt(text_, tokens_, &pos_));
      s.schema = types::Struct(std::move(fields));
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
    }
    while (true) {
      if (AcceptKeyword("USING")) {
        ARROW_ASSIGN_OR_RAISE(auto parts, MultipartName());
        for (size_t i = 0; i < parts.size(); ++i) s.using_format += (i > 0 ? "." : "") + parts[i];
      } else if (Peek().IsKeyword("PARTITIONED") && Peek(1).IsKeyword("BY")) {
        pos_ += 2;
        ARROW_RETURN_NOT_OK(ExpectOp("("));
        do {
          ARROW_ASSIGN_OR_RAISE(auto e, Expression());
          s.partitioned_by.push_back(std::move(e));
        } while (AcceptOp(","));
        ARROW_RETURN_NOT_OK(ExpectOp(")"));
      } else if (AcceptKeyword("OPTIONS")) {
        ARROW_ASSIGN_OR_RAISE(s.options, PropertyList());
      } else if (AcceptKeyword("TBLPROPERTIES")) {
        ARROW_ASSIGN_OR_RAISE(s.properties, PropertyList());
      } else if (AcceptKeyword("LOCATION")) {
        if (Peek().kind != TokenKind::kString) return Error();
        s.location = Next().text;
      } else if (AcceptKeyword("COMMENT")) {
        if (Peek().kind != TokenKind::kString) return Error();
        s.comment = Next().text;
      } else {
        return arrow::Status::OK();
      }
    }
  }

  // '(' key [=] value (',' key [=] value)* ')'; keys are strings or dotted
  // names, values strings, numbers or booleans.
  arrow::Result<std::vector<std::pair<std::string, std::string>>> PropertyList() {
    ARROW_RETURN_NOT_OK(ExpectOp("("));
    std::vector<std::pair<std::string, std::string>> properties;
    do {
      std::string key;
      if (Peek().kind == TokenKind::kString) {
        key = Next().text;
      } else {
        ARROW_ASSIGN_OR_RAISE(auto parts, MultipartName());
        for (size_t i = 0; i < parts.size(); ++i) key += (i > 0 ? "." : "") + parts[i];
      }
      AcceptOp("=");
      const Token& v = Peek();
      std::string value;
      if (v.kind == TokenKind::kString || v.kind == TokenKind::kInteger ||
          v.kind == TokenKind::kDecimal) {
        value = Next().text;
      } else if (v.IsKeyword("TRUE") || v.IsKeyword("FALSE")) {
        value = AsciiLower(Next().text);
      } else {
        return Error();
      }
      properties.emplace_back(std::move(key), std::move(value));
    } while (AcceptOp(","));
    ARROW_RETURN_NOT_OK(ExpectOp(")"));
    return properties;
  }

  // --- catalog statements ------------------------------------------------

  // NAMESPACE, DATABASE or SCHEMA: the three spellings Spark accepts.
  bool AtNamespaceKeyword() const {
    return Peek().IsKeyword("NAMESPACE") || Peek().IsKeyword("DATABASE") || Peek().IsKeyword("SCHEMA");
  }

  // SHOW TABLES | VIEWS | NAMESPACES | CURRENT NAMESPACE | COLUMNS | CREATE TABLE
  arrow::Result<Statement> Show() {
    Next();  // SHOW
    Statement s;
    if (AcceptKeyword("TABLES")) {
      s.kind = Statement::Kind::kShowTables;
      return ShowListing(std::move(s));
    }
    if (AcceptKeyword("VIEWS")) {
      s.kind = Statement::Kind::kShowViews;
      return ShowListing(std::move(s));
    }
    if (AcceptKeyword("NAMESPACES") || AcceptKeyword("DATABASES") || AcceptKeyword("SCHEMAS")) {
      s.kind = Statement::Kind::kShowNamespaces;
      return ShowListing(std::move(s));
    }
    if (Peek().IsKeyword("CURRENT") && (Peek(1).IsKeyword("NAMESPACE") || Peek(1).IsKeyword("DATABASE") ||
                                        Peek(1).IsKeyword("SCHEMA"))) {
      pos_ += 2;
      s.kind = Statement::Kind::kShowCurrentNamespace;
      return s;
    }
    if (AcceptKeyword("COLUMNS")) {
      s.kind = Statement::Kind::kShowColumns;
      if (!AcceptKeyword("IN")) ARROW_RETURN_NOT_OK(ExpectKeyword("FROM"));
      ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
      if (AcceptKeyword("IN") || AcceptKeyword("FROM")) {
        ARROW_ASSIGN_OR_RAISE(s.database, MultipartName());
      }
      return s;
    }
    if (Peek().IsKeyword("CREATE") && Peek(1).IsKeyword("TABLE")) {
      pos_ += 2;
      s.kind = Statement::Kind::kShowCreateTable;
      ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
      if (AcceptKeyword("AS")) ARROW_RETURN_NOT_OK(ExpectKeyword("SERDE"));
      return s;
    }
    return Error();
  }

  // ... [(IN|FROM) name] [[LIKE] 'pattern'] of SHOW TABLES / VIEWS / NAMESPACES
  arrow::Result<Statement> ShowListing(Statement s) {
    if (AcceptKeyword("IN") || AcceptKeyword("FROM")) {
      ARROW_ASSIGN_OR_RAISE(s.database, MultipartName());
    }
    AcceptKeyword("LIKE");
    if (Peek().kind == TokenKind::kString) s.pattern = Next().text;
    return s;
  }

  // USE [NAMESPACE|DATABASE|SCHEMA] name
  arrow::Result<Statement> Use() {
    Next();  // USE
    Statement s;
    s.kind = Statement::Kind::kUse;
    if (AtNamespaceKeyword() && IsName(Peek(1))) {
      Next();
      s.namespace_only = true;
    }
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    return s;
  }

  // (after CREATE) NAMESPACE [IF NOT EXISTS] name [COMMENT 'c'] [LOCATION 'l']
  //   [WITH (DBPROPERTIES|PROPERTIES) (...)], clauses in any order
  arrow::Result<Statement> CreateNamespace() {
    Next();  // NAMESPACE
    Statement s;
    s.kind = Statement::Kind::kCreateNamespace;
    ARROW_RETURN_NOT_OK(IfNotExists(&s.if_not_exists));
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    while (true) {
      if (AcceptKeyword("COMMENT")) {
        if (Peek().kind != TokenKind::kString) return Error();
        s.comment = Next().text;
      } else if (AcceptKeyword("LOCATION")) {
        if (Peek().kind != TokenKind::kString) return Error();
        s.location = Next().text;
      } else if (AcceptKeyword("WITH")) {
        if (!AcceptKeyword("DBPROPERTIES")) ARROW_RETURN_NOT_OK(ExpectKeyword("PROPERTIES"));
        ARROW_ASSIGN_OR_RAISE(auto props, PropertyList());
        s.properties.insert(s.properties.end(), props.begin(), props.end());
      } else {
        return s;
      }
    }
  }

  // (after DROP) NAMESPACE [IF EXISTS] name [RESTRICT|CASCADE]
  arrow::Result<Statement> DropNamespace() {
    Next();  // NAMESPACE
    Statement s;
    s.kind = Statement::Kind::kDropNamespace;
    if (AcceptKeyword("IF")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("EXISTS"));
      s.if_exists = true;
    }
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    if (AcceptKeyword("CASCADE")) {
      s.cascade = true;
    } else {
      AcceptKeyword("RESTRICT");
    }
    return s;
  }

  // (after DESCRIBE) NAMESPACE [EXTENDED] name
  arrow::Result<Statement> DescribeNamespace() {
    Next();  // NAMESPACE
    Statement s;
    s.kind = Statement::Kind::kDescribeNamespace;
    if (Peek().IsKeyword("EXTENDED") && IsName(Peek(1))) {
      Next();
      s.extended = true;
    }
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    return s;
  }

  // DESCRIBE|DESC [TABLE] [EXTENDED|FORMATTED] name, DESCRIBE [QUERY] query,
  // or DESCRIBE NAMESPACE ...
  arrow::Result<Statement> Describe() {
    Next();
    if (AtNamespaceKeyword() && IsName(Peek(1))) return DescribeNamespace();
    Statement s;
    auto at_query = [this](size_t k) {
      const Token& t = Peek(k);
      return t.IsKeyword("SELECT") || t.IsKeyword("WITH") || t.IsOp("(");
    };
    if (at_query(0) || (Peek().IsKeyword("QUERY") && at_query(1))) {
      if (Peek().IsKeyword("QUERY")) Next();
      s.kind = Statement::Kind::kDescribeQuery;
      ARROW_ASSIGN_OR_RAISE(s.select, Query());
      return s;
    }
    s.kind = Statement::Kind::kDescribe;
    // "TABLE" is the keyword unless it is the name itself (DESCRIBE table).
    if (Peek().IsKeyword("TABLE") && IsName(Peek(1))) Next();
    if ((Peek().IsKeyword("EXTENDED") || Peek().IsKeyword("FORMATTED")) && IsName(Peek(1))) {
      Next();
      s.extended = true;
    }
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    return s;
  }

  // DROP TABLE|VIEW [IF EXISTS] name, or DROP NAMESPACE ...
  arrow::Result<Statement> Drop() {
    Next();
    if (AtNamespaceKeyword()) return DropNamespace();
    Statement s;
    if (AcceptKeyword("TABLE")) {
      s.kind = Statement::Kind::kDropTable;
    } else if (AcceptKeyword("VIEW")) {
      s.kind = Statement::Kind::kDropView;
    } else {
      return Error();
    }
    if (AcceptKeyword("IF")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("EXISTS"));
      s.if_exists = true;
    }
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    return s;
  }

  // --- writes to tables ------------------------------------------------------

  // INSERT (INTO [TABLE] | OVERWRITE [TABLE]) name [(columns)] (query | VALUES rows)
  arrow::Result<Statement> Insert() {
    Next();  // INSERT
    Statement s;
    s.kind = Statement::Kind::kInsert;
    if (AcceptKeyword("OVERWRITE")) {
      s.overwrite = true;
    } else {
      ARROW_RETURN_NOT_OK(ExpectKeyword("INTO"));
    }
    AcceptKeyword("TABLE");
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    if (Peek().IsOp("(") && IsName(Peek(1)) && (Peek(2).IsOp(",") || Peek(2).IsOp(")"))) {
      ARROW_ASSIGN_OR_RAISE(s.columns, NameList());
    }
    ARROW_ASSIGN_OR_RAISE(s.select, InsertedRows());
    return s;
  }

  // A query, or VALUES rows as SELECT * FROM VALUES rows.
  arrow::Result<SelectPtr> InsertedRows() {
    if (!Peek().IsKeyword("VALUES")) return Query();
    auto values = std::make_shared<FromItem>();
    values->kind = FromItem::Kind::kValues;
    Next();
    ARROW_ASSIGN_OR_RAISE(values->rows, InlineRows());
    auto select = std::make_shared<SelectStatement>();
    select->select_list.push_back(ex::Star());
    select->from = std::move(values);
    return select;
  }

  // name [[AS] alias], the alias not being one of `stop` (UPDATE t SET ...).
  arrow::Result<std::string> TableAlias(std::initializer_list<std::string_view> stop) {
    if (AcceptKeyword("AS")) return Identifier();
    const Token& t = Peek();
    bool name = t.kind == TokenKind::kQuotedIdentifier || (t.kind == TokenKind::kIdentifier && !IsClauseKeyword(t));
    for (std::string_view word : stop) name = name && !t.IsKeyword(word);
    return name ? Next().text : std::string();
  }

  // col = expr [, ...]
  arrow::Result<std::vector<Assignment>> Assignments() {
    std::vector<Assignment> out;
    do {
      Assignment a;
      ARROW_ASSIGN_OR_RAISE(a.column, MultipartName());
      ARROW_RETURN_NOT_OK(ExpectOp("="));
      ARROW_ASSIGN_OR_RAISE(a.value, Expression());
      out.push_back(std::move(a));
    } while (AcceptOp(","));
    return out;
  }

  // MERGE INTO target [[AS] a] USING source [[AS] b] ON cond (WHEN clause)+
  arrow::Result<Statement> Merge() {
    Next();  // MERGE
    Statement s;
    s.kind = Statement::Kind::kMerge;
    ARROW_RETURN_NOT_OK(ExpectKeyword("INTO"));
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    ARROW_ASSIGN_OR_RAISE(s.alias, TableAlias({}));
    ARROW_RETURN_NOT_OK(ExpectKeyword("USING"));
    ARROW_ASSIGN_OR_RAISE(s.source, RelationPrimary());
    ARROW_RETURN_NOT_OK(ExpectKeyword("ON"));
    ARROW_ASSIGN_OR_RAISE(s.condition, Expression());
    if (!Peek().IsKeyword("WHEN")) return Error();
    while (AcceptKeyword("WHEN")) {
      ARROW_ASSIGN_OR_RAISE(auto clause, WhenClause());
      s.merge_clauses.push_back(std::move(clause));
    }
    return s;
  }

  // [NOT] MATCHED [BY TARGET|BY SOURCE] [AND cond] THEN action
  arrow::Result<MergeClause> WhenClause() {
    using When = MergeClause::When;
    using Action = MergeClause::Action;
    MergeClause c;
    if (AcceptKeyword("NOT")) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("MATCHED"));
      c.when = When::kNotMatched;
      if (AcceptKeyword("BY")) {
        if (AcceptKeyword("SOURCE")) {
          c.when = When::kNotMatchedBySource;
        } else {
          ARROW_RETURN_NOT_OK(ExpectKeyword("TARGET"));
        }
      }
    } else {
      ARROW_RETURN_NOT_OK(ExpectKeyword("MATCHED"));
    }
    if (AcceptKeyword("AND")) {
      ARROW_ASSIGN_OR_RAISE(c.condition, Expression());
    }
    ARROW_RETURN_NOT_OK(ExpectKeyword("THEN"));
    if (c.when == When::kNotMatched) {
      ARROW_RETURN_NOT_OK(ExpectKeyword("INSERT"));
      c.action = Action::kInsert;
      if (AcceptOp("*")) {
        c.all = true;
        return c;
      }
      ARROW_ASSIGN_OR_RAISE(auto columns, NameList());
      ARROW_RETURN_NOT_OK(ExpectKeyword("VALUES"));
      ARROW_RETURN_NOT_OK(ExpectOp("("));
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) ARROW_RETURN_NOT_OK(ExpectOp(","));
        Assignment a{{columns[i]}, nullptr};
        ARROW_ASSIGN_OR_RAISE(a.value, Expression());
        c.assignments.push_back(std::move(a));
      }
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
      return c;
    }
    if (AcceptKeyword("DELETE")) {
      c.action = Action::kDelete;
      return c;
    }
    ARROW_RETURN_NOT_OK(ExpectKeyword("UPDATE"));
    ARROW_RETURN_NOT_OK(ExpectKeyword("SET"));
    c.action = Action::kUpdate;
    if (c.when == When::kMatched && AcceptOp("*")) {
      c.all = true;
      return c;
    }
    ARROW_ASSIGN_OR_RAISE(c.assignments, Assignments());
    return c;
  }

  // UPDATE name [[AS] alias] SET col = expr [, ...] [WHERE cond]
  arrow::Result<Statement> Update() {
    Next();  // UPDATE
    Statement s;
    s.kind = Statement::Kind::kUpdate;
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    ARROW_ASSIGN_OR_RAISE(s.alias, TableAlias({"SET"}));
    ARROW_RETURN_NOT_OK(ExpectKeyword("SET"));
    ARROW_ASSIGN_OR_RAISE(s.assignments, Assignments());
    if (AcceptKeyword("WHERE")) {
      ARROW_ASSIGN_OR_RAISE(s.condition, Expression());
    }
    return s;
  }

  // DELETE FROM name [[AS] alias] [WHERE cond]
  arrow::Result<Statement> Delete() {
    Next();  // DELETE
    Statement s;
    s.kind = Statement::Kind::kDelete;
    ARROW_RETURN_NOT_OK(ExpectKeyword("FROM"));
    ARROW_ASSIGN_OR_RAISE(s.name, MultipartName());
    ARROW_ASSIGN_OR_RAISE(s.alias, TableAlias({}));
    if (AcceptKeyword("WHERE")) {
      ARROW_ASSIGN_OR_RAISE(s.condition, Expression());
    }
    return s;
  }

  static constexpr int kMaxDepth = 256;

  std::string_view text_;
  std::vector<Token> tokens_;
  ParseOptions options_;
  size_t pos_ = 0;
  int depth_ = 0;  // expressions being parsed, one inside the other
};

}  // namespace

namespace {

// Text with nothing but blanks and comments has its own error in Spark.
arrow::Result<std::vector<Token>> TokenizeNonEmpty(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, Tokenize(text));
  if (tokens.size() == 1) {
    return ParseError("PARSE_EMPTY_STATEMENT", "42617",
                      "Syntax error, unexpected empty statement.", text, 0);
  }
  return tokens;
}

}  // namespace

arrow::Result<ExprPtr> ParseExpression(std::string_view text, const ParseOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, TokenizeNonEmpty(text));
  return Parser(text, std::move(tokens), options).SingleExpression();
}

arrow::Result<Statement> ParseStatement(std::string_view text, const ParseOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, TokenizeNonEmpty(text));
  return Parser(text, std::move(tokens), options).SingleStatement();
}

}  // namespace spate::sql
