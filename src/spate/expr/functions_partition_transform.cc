// Partition transforms outside partitionedBy: years(ts), months(ts), days(ts),
// hours(ts) and bucket(n, col) of the DataFrame API name a table's
// partitioning (connectors/iceberg); as a column of a query they are INT
// columns that fail when computed, as Spark's do (analysis only checks that
// bucket's count is a constant).

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/expression.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

// args: the transform's name (a string literal), bucket's count, the column.
arrow::Result<BoundExprPtr> BindPartitionTransform(const std::string& name, std::vector<BoundExprPtr> args,
                                                   const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  const arrow::Scalar* transform_name = ConstantValue(*args[0]);
  if (transform_name == nullptr || !transform_name->is_valid || args[0]->type()->id() != TypeId::kString) {
    return arrow::Status::Invalid("a partition transform needs its name first: ", pretty);
  }
  const std::string transform = static_cast<const arrow::StringScalar&>(*transform_name).ToString();
  const BoundExpr& column = *args.back();
  if (transform == "bucket") {
    const arrow::Scalar* count = args.size() == 3 ? ConstantValue(*args[1]) : nullptr;
    if (count == nullptr || !count->is_valid || !args[1]->type()->IsIntegral()) {
      return SparkError("_LEGACY_ERROR_TEMP_1322", "",
                        fmt::format("Invalid number of buckets: bucket({}, {}).",
                                    args.size() == 3 ? args[1]->name() : "", column.name()));
    }
  }
  // Spark names the column after the transform and its column only: bucket(id).
  std::string shown = fmt::format("{}({})", transform, column.name());
  // Spark's message shows the column as it is bound at run time.
  std::string in_message = fmt::format(
      "{}({})", transform, column.kind() == BoundExpr::Kind::kColumn ? "boundreference()" : column.name());
  auto impl = [in_message](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
    return SparkError("PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY", "42S23",
                      fmt::format("The expression \"{}\" must be inside 'partitionedBy'.", in_message));
  };
  return MakeFunction(transform, impl, types::Int(), std::move(args), shown, /*nullable=*/true);
}

}  // namespace

void RegisterPartitionTransformFunctions(FunctionRegistry& r) {
  r.Add(kPartitionTransformCall, BindPartitionTransform);
}

}  // namespace spate
