// Collations: collation(s) names a string's collation, collate(s, name) sets
// it. Spate's strings all compare byte by byte (Spark's default collation,
// UTF8_BINARY), so collate takes that one collation and refuses the others
// Spark knows (case- or accent-insensitive, trimming, ICU locales), which
// would change how comparisons, grouping, joins and sorting treat strings.

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

constexpr const char* kBinary = "UTF8_BINARY";

bool IsStringOrNull(const DataType& t) { return t.id() == TypeId::kString || t.id() == TypeId::kNull; }

arrow::Status NotAString(const std::string& pretty, const BoundExpr& arg) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The first parameter requires the \"STRING\" type, however \"{}\" has the "
                                      "type {}",
                                      arg.name(), QuotedType(*arg.type())));
}

// The collations Spark accepts that Spate does not apply: the UTF8_LCASE and
// UNICODE families and the _RTRIM forms (ICU locale names are not told apart
// from unknown names).
bool IsOtherSparkCollation(const std::string& upper) {
  return upper == "UTF8_BINARY_RTRIM" || upper.starts_with("UTF8_LCASE") || upper.starts_with("UNICODE");
}

// Checks collate's collation name: a constant, non-NULL string naming UTF8_BINARY.
arrow::Status CheckCollationName(const BoundExpr& arg) {
  if (arg.type()->id() != TypeId::kString) {
    return SparkError("UNEXPECTED_INPUT_TYPE", "42K09",
                      fmt::format("Parameter first of function `collate` requires the \"STRING\" type, however "
                                  "\"{}\" has the type {}.",
                                  arg.name(), QuotedType(*arg.type())));
  }
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return SparkError("NON_FOLDABLE_ARGUMENT", "42K08",
                      "The function `collate` requires the parameter `collationName` to be a foldable "
                      "expression of the type \"STRING\", but the actual argument is a non-foldable.");
  }
  if (!value->is_valid) {
    return DataTypeMismatch("UNEXPECTED_NULL", "CAST(NULL AS STRING)", "The `collation` must not be null");
  }
  std::string name = static_cast<const arrow::StringScalar&>(*value).ToString();
  std::string upper = AsciiUpper(name);
  if (upper.starts_with("SYSTEM.BUILTIN.")) upper = upper.substr(15);
  if (upper == kBinary) return arrow::Status::OK();
  if (IsOtherSparkCollation(upper)) {
    return SparkError("UNSUPPORTED_COLLATION.FOR_FUNCTION", "0A000",
                      fmt::format("Collation {} is not supported for: function collate. Please try to use a "
                                  "different collation. Spate supports the collation {} only.",
                                  name, kBinary));
  }
  return SparkError("COLLATION_INVALID_NAME", "42704",
                    fmt::format("The value {} does not represent a correct collation name. Suggested valid "
                                "collation names: [{}].",
                                name, kBinary));
}

// collation(s): the collation's full name; never NULL, s is not evaluated.
arrow::Result<BoundExprPtr> BindCollation(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  if (!IsStringOrNull(*args[0]->type())) return NotAString(pretty, *args[0]);
  auto value = std::make_shared<arrow::StringScalar>(fmt::format("SYSTEM.BUILTIN.{}", kBinary));
  auto impl = [value](const LazyArgs&) -> arrow::Result<arrow::Datum> { return arrow::Datum(value); };
  return MakeLazyFunction(name, impl, types::String(), std::move(args), pretty, /*nullable=*/false);
}

// collate(s, name): s itself under UTF8_BINARY.
arrow::Result<BoundExprPtr> BindCollate(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  if (!IsStringOrNull(*args[0]->type())) return NotAString(pretty, *args[0]);
  ARROW_RETURN_NOT_OK(FoldConstant(&args[1]));
  ARROW_RETURN_NOT_OK(CheckCollationName(*args[1]));
  args[0] = ImplicitCast(args[0], types::String());
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> { return a.values[0]; };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

}  // namespace

void RegisterCollationFunctions(FunctionRegistry& r) {
  r.Add("collation", BindCollation);
  r.Add("collate", BindCollate);
}

}  // namespace spate
