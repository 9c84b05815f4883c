#include "spate/expr/function_options.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"
#include "spate/types/ddl_parser.h"
#include "spate/types/json_schema.h"

namespace spate {

bool IsConstantExpr(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kColumn) return false;
  for (const auto& c : e.children()) {
    if (!IsConstantExpr(*c)) return false;
  }
  return true;
}

arrow::Result<std::shared_ptr<arrow::Scalar>> FoldConstant(const BoundExpr& e) {
  if (ConstantValue(e) != nullptr) {
    return static_cast<const BoundLiteral&>(e).value();
  }
  if (!IsConstantExpr(e)) return nullptr;
  auto one_row = arrow::RecordBatch::Make(arrow::schema({}), 1, arrow::ArrayVector{});
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(e, *one_row, EvalContext{}));
  return array->GetScalar(0);
}

arrow::Result<Options> ReadOptions(const std::vector<BoundExprPtr>& args, size_t index,
                                   const std::string& pretty) {
  Options options;
  if (args.size() <= index) return options;
  ARROW_ASSIGN_OR_RAISE(auto folded, FoldConstant(*args[index]));
  const arrow::Scalar* value = folded.get();
  if (value == nullptr || args[index]->type()->id() != TypeId::kMap) {
    return SparkError("INVALID_OPTIONS.NON_MAP_FUNCTION", "42K06",
                      "Invalid options: Must use the `map()` function for options.");
  }
  if (!value->is_valid) return options;
  const auto& map = static_cast<const arrow::MapScalar&>(*value);
  const auto& entries = static_cast<const arrow::StructArray&>(*map.value);
  for (int64_t i = 0; i < entries.length(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto k, entries.field(0)->GetScalar(i));
    ARROW_ASSIGN_OR_RAISE(auto v, entries.field(1)->GetScalar(i));
    if (k->type->id() != arrow::Type::STRING || v->type->id() != arrow::Type::STRING) {
      return SparkError("INVALID_OPTIONS.NON_STRING_TYPE", "42K06",
                        fmt::format("Invalid options: A type of keys and values in `map()` must "
                                    "be string, but got {}.",
                                    QuotedType(*args[index]->type())));
    }
    // Option names are case-insensitive, as Spark's CaseInsensitiveMap.
    options[AsciiLower(k->ToString())] = v->is_valid ? v->ToString() : "";
  }
  (void)pretty;
  return options;
}

std::string OptionOr(const Options& options, const std::string& key, std::string fallback) {
  auto it = options.find(AsciiLower(key));
  return it == options.end() ? fallback : it->second;
}

std::string FirstArgName(const std::string& name, const std::vector<BoundExprPtr>& args,
                         const std::string& pretty) {
  if (args.empty() || !pretty.starts_with(name + "(")) return pretty;
  return fmt::format("{}({})", name, args[0]->name());
}

arrow::Result<std::string> FoldableText(const BoundExpr& arg, const std::string& what,
                                        const std::string& pretty) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value != nullptr && !value->is_valid) {
    return DataTypeMismatch("UNEXPECTED_NULL", pretty, fmt::format("The {} must not be null", what));
  }
  if (value == nullptr || arg.type()->id() != TypeId::kString) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `{}` should be a foldable \"STRING\" "
                                        "expression; however, got \"{}\"",
                                        what, arg.name()));
  }
  return value->ToString();
}

arrow::Result<DataTypePtr> SchemaArgument(const BoundExpr& arg) {
  // A foldable expression (a literal, schema_of_json(...), concat of literals).
  ARROW_ASSIGN_OR_RAISE(auto folded, FoldConstant(arg));
  const arrow::Scalar* value = folded.get();
  if (value == nullptr) {
    return SparkError("INVALID_SCHEMA.NON_STRING_LITERAL", "42K07",
                      fmt::format("The input schema \"{}\" is not a valid schema string. The "
                                  "input expression must be string literal and not null.",
                                  arg.name()));
  }
  if (arg.type()->IsNested()) return arg.type();
  if (arg.type()->id() != TypeId::kString || !value->is_valid) {
    return SparkError("INVALID_SCHEMA.NON_STRING_LITERAL", "42K07",
                      fmt::format("The input schema \"{}\" is not a valid schema string. The "
                                  "input expression must be string literal and not null.",
                                  arg.name()));
  }
  std::string text = value->ToString();
  std::string_view trimmed = text;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!trimmed.empty() && is_space(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && is_space(trimmed.back())) trimmed.remove_suffix(1);
  if (trimmed.starts_with("{")) return ParseJsonType(trimmed);
  return ParseSchemaString(trimmed);
}

}  // namespace spate
