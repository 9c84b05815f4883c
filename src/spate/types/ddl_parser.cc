#include "spate/types/ddl_parser.h"

#include <fmt/format.h>

#include "spate/common/sql_lexer.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

using sql::Token;
using sql::TokenKind;

class DdlParser {
 public:
  DdlParser(std::string_view text, const std::vector<Token>& tokens, size_t pos = 0)
      : text_(text), tokens_(tokens), pos_(pos) {}

  size_t pos() const { return pos_; }

  // tableSchema: field (',' field)* EOF
  arrow::Result<StructTypePtr> TableSchema(bool colon_allowed) {
    std::vector<StructField> fields;
    if (Peek().kind == TokenKind::kEnd) return types::Struct({});
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto field, Field(colon_allowed));
      fields.push_back(std::move(field));
      if (Peek().IsOp(",")) {
        Next();
        continue;
      }
      ARROW_RETURN_NOT_OK(ExpectEnd());
      return types::Struct(std::move(fields));
    }
  }

  // field (',' field)*, stopping at the first token that is not a comma.
  arrow::Result<std::vector<StructField>> FieldList() {
    std::vector<StructField> fields;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto field, Field(/*colon_allowed=*/false));
      fields.push_back(std::move(field));
      if (!Peek().IsOp(",")) return fields;
      Next();
    }
  }

  arrow::Result<DataTypePtr> OneType() { return Type(); }

  arrow::Result<DataTypePtr> SingleType() {
    ARROW_ASSIGN_OR_RAISE(auto type, Type());
    ARROW_RETURN_NOT_OK(ExpectEnd());
    return type;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  arrow::Status ExpectEnd() {
    if (Peek().kind == TokenKind::kEnd) return arrow::Status::OK();
    const Token& t = Peek();
    return sql::SyntaxError(text_, t, fmt::format("extra input '{}'", text_.substr(t.offset, t.length)));
  }

  arrow::Status ExpectOp(std::string_view op) {
    if (Peek().IsOp(op)) {
      Next();
      return arrow::Status::OK();
    }
    return sql::SyntaxError(text_, Peek());
  }

  // field: name [':'] type [NOT NULL] [COMMENT 'text']
  arrow::Result<StructField> Field(bool colon_allowed) {
    const Token& name = Peek();
    if (name.kind != TokenKind::kIdentifier && name.kind != TokenKind::kQuotedIdentifier) {
      return sql::SyntaxError(text_, name);
    }
    Next();
    StructField field;
    field.name = name.text;
    if (colon_allowed && Peek().IsOp(":")) Next();
    if (Peek().kind == TokenKind::kEnd || Peek().IsOp(",") || Peek().IsOp(">")) {
      return sql::SyntaxError(text_, Peek());
    }
    ARROW_ASSIGN_OR_RAISE(field.type, Type());
    if (Peek().IsKeyword("NOT")) {
      Next();
      if (!Peek().IsKeyword("NULL")) return sql::SyntaxError(text_, Peek());
      Next();
      field.nullable = false;
    }
    if (Peek().IsKeyword("COMMENT")) {
      Next();
      if (Peek().kind != TokenKind::kString) return sql::SyntaxError(text_, Peek());
      field.metadata_json = MetadataWithComment(Next().text);
    }
    return field;
  }

  arrow::Result<int> IntArg() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kInteger) return sql::SyntaxError(text_, t);
    Next();
    try {
      return std::stoi(t.text);
    } catch (const std::exception&) {
      return sql::SyntaxError(text_, t);
    }
  }

  arrow::Result<DataTypePtr> Decimal(const Token& start) {
    int precision = DecimalType::kDefaultPrecision, scale = 0;
    if (Peek().IsOp("(")) {
      Next();
      ARROW_ASSIGN_OR_RAISE(precision, IntArg());
      if (Peek().IsOp(",")) {
        Next();
        ARROW_ASSIGN_OR_RAISE(scale, IntArg());
      }
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
    }
    if (precision > DecimalType::kMaxPrecision) {
      return sql::ParseError("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "22003",
                             fmt::format("Decimal precision {} exceeds max precision {}.", precision,
                                         DecimalType::kMaxPrecision),
                             text_, start.offset);
    }
    if (precision < 1 || scale > precision) {
      return sql::ParseError(
          "INVALID_DECIMAL_PRECISION_SCALE", "22003",
          fmt::format("Decimal precision {} and scale {} are not allowed: precision must be in "
                      "[1, {}] and scale in [0, precision].",
                      precision, scale, DecimalType::kMaxPrecision),
          text_, start.offset);
    }
    return types::Decimal(precision, scale);
  }

  // Nested types (ARRAY<ARRAY<...>>) recurse once per level: the depth is bounded.
  arrow::Result<DataTypePtr> Type() {
    if (depth_ >= kMaxTypeDepth) return sql::TooComplexError(text_, Peek().offset);
    ++depth_;
    auto type = TypeAtThisLevel();
    --depth_;
    return type;
  }

  arrow::Result<DataTypePtr> TypeAtThisLevel() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier) return sql::SyntaxError(text_, t);
    Next();
    if (t.IsKeyword("ARRAY")) {
      ARROW_RETURN_NOT_OK(ExpectOp("<"));
      ARROW_ASSIGN_OR_RAISE(auto element, Type());
      ARROW_RETURN_NOT_OK(ExpectOp(">"));
      return types::Array(std::move(element), true);
    }
    if (t.IsKeyword("MAP")) {
      ARROW_RETURN_NOT_OK(ExpectOp("<"));
      ARROW_ASSIGN_OR_RAISE(auto key, Type());
      ARROW_RETURN_NOT_OK(ExpectOp(","));
      ARROW_ASSIGN_OR_RAISE(auto value, Type());
      ARROW_RETURN_NOT_OK(ExpectOp(">"));
      return types::Map(std::move(key), std::move(value), true);
    }
    if (t.IsKeyword("STRUCT")) {
      if (Peek().IsOp("<>")) {
        Next();
        return types::Struct({});
      }
      ARROW_RETURN_NOT_OK(ExpectOp("<"));
      std::vector<StructField> fields;
      if (!Peek().IsOp(">")) {
        while (true) {
          ARROW_ASSIGN_OR_RAISE(auto field, Field(/*colon_allowed=*/true));
          fields.push_back(std::move(field));
          if (!Peek().IsOp(",")) break;
          Next();
        }
      }
      ARROW_RETURN_NOT_OK(ExpectOp(">"));
      return types::Struct(std::move(fields));
    }
    if (t.IsKeyword("DECIMAL") || t.IsKeyword("DEC") || t.IsKeyword("NUMERIC")) return Decimal(t);
    if (t.IsKeyword("CHAR") || t.IsKeyword("CHARACTER") || t.IsKeyword("VARCHAR")) {
      // Spark keeps the length only as a write-side check; the column reads as a string.
      ARROW_RETURN_NOT_OK(ExpectOp("("));
      ARROW_RETURN_NOT_OK(IntArg().status());
      ARROW_RETURN_NOT_OK(ExpectOp(")"));
      return types::String();
    }
    static const std::pair<std::string_view, const DataTypePtr& (*)()> kSimple[] = {
        {"BOOLEAN", types::Boolean},   {"TINYINT", types::Byte},
        {"BYTE", types::Byte},         {"SMALLINT", types::Short},
        {"SHORT", types::Short},       {"INT", types::Int},
        {"INTEGER", types::Int},       {"BIGINT", types::Long},
        {"LONG", types::Long},         {"FLOAT", types::Float},
        {"REAL", types::Float},        {"DOUBLE", types::Double},
        {"STRING", types::String},     {"BINARY", types::Binary},
        {"DATE", types::Date},         {"TIMESTAMP", types::Timestamp},
        {"TIMESTAMP_LTZ", types::Timestamp}, {"TIMESTAMP_NTZ", types::TimestampNtz},
        {"VOID", types::Null},
    };
    for (const auto& [name, fn] : kSimple) {
      if (t.IsKeyword(name)) return fn();
    }
    std::string upper = t.text;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return sql::ParseError("UNSUPPORTED_DATATYPE", "0A000",
                           fmt::format("Unsupported data type \"{}\".", upper), text_, t.offset);
  }

  static constexpr int kMaxTypeDepth = 256;

  std::string_view text_;
  const std::vector<Token>& tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

arrow::Result<DataTypePtr> ParseDdlTypeAt(std::string_view text,
                                          const std::vector<sql::Token>& tokens, size_t* pos) {
  DdlParser parser(text, tokens, *pos);
  ARROW_ASSIGN_OR_RAISE(auto type, parser.OneType());
  *pos = parser.pos();
  return type;
}

arrow::Result<std::vector<StructField>> ParseDdlFieldsAt(std::string_view text,
                                                         const std::vector<sql::Token>& tokens,
                                                         size_t* pos) {
  DdlParser parser(text, tokens, *pos);
  ARROW_ASSIGN_OR_RAISE(auto fields, parser.FieldList());
  *pos = parser.pos();
  return fields;
}

arrow::Result<StructTypePtr> ParseDdlSchema(std::string_view ddl) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, sql::Tokenize(ddl));
  return DdlParser(ddl, std::move(tokens)).TableSchema(/*colon_allowed=*/false);
}

arrow::Result<DataTypePtr> ParseDdlType(std::string_view ddl) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, sql::Tokenize(ddl));
  return DdlParser(ddl, std::move(tokens)).SingleType();
}

arrow::Result<DataTypePtr> ParseSchemaString(std::string_view ddl) {
  auto schema = ParseDdlSchema(ddl);
  if (schema.ok()) return std::static_pointer_cast<const DataType>(*schema);
  auto single = ParseDdlType(ddl);
  if (single.ok()) return single;
  ARROW_ASSIGN_OR_RAISE(auto tokens, sql::Tokenize(ddl));
  auto with_colons = DdlParser(ddl, std::move(tokens)).TableSchema(/*colon_allowed=*/true);
  if (with_colons.ok()) return std::static_pointer_cast<const DataType>(*with_colons);
  return schema.status();
}

}  // namespace spate
