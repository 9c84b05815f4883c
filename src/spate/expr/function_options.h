#pragma once

// What the text-format functions (from_json/to_json/from_csv/from_xml/...)
// share when binding: constant folding of arguments, the options map of their
// last argument, and Spark's naming of such calls.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

/// Option name (lowercased: Spark's options are case-insensitive) -> value.
using Options = std::map<std::string, std::string>;

/// Whether `e` is made of literals only (no column reference).
bool IsConstantExpr(const BoundExpr& e);

/// The value of an argument made of literals only (map('k', 'v') as well as a
/// literal map), or null when it depends on the input.
arrow::Result<std::shared_ptr<arrow::Scalar>> FoldConstant(const BoundExpr& e);

/// The options map at args[index] (empty when absent): a constant
/// MAP<STRING, STRING>, else Spark's INVALID_OPTIONS errors.
arrow::Result<Options> ReadOptions(const std::vector<BoundExprPtr>& args, size_t index,
                                   const std::string& pretty);

/// The option `key` (any case), or `fallback`.
std::string OptionOr(const Options& options, const std::string& key, std::string fallback);

/// Spark names from_json/to_json/from_csv/to_csv/schema_of_* calls after
/// their first argument only (the schema and options are left out).
std::string FirstArgName(const std::string& name, const std::vector<BoundExprPtr>& args,
                         const std::string& pretty);

/// The constant text schema_of_json / schema_of_csv / schema_of_xml infer
/// from: a foldable, non-NULL string (NON_FOLDABLE_INPUT, UNEXPECTED_NULL).
arrow::Result<std::string> FoldableText(const BoundExpr& arg, const std::string& what,
                                        const std::string& pretty);

/// The schema argument of from_json / from_xml: a nested type, or a foldable
/// DDL or JSON schema string such as schema_of_json(...)
/// (INVALID_SCHEMA.NON_STRING_LITERAL otherwise).
arrow::Result<DataTypePtr> SchemaArgument(const BoundExpr& arg);

}  // namespace spate
