// DataFrame.unpivot (melt): columns to rows. Each input row becomes one row per
// value column, holding the id columns, the value column's name and its value,
// cast to the value columns' common type.

#include <algorithm>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/api/dataframe.h"
#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"

namespace spate {

DataFrame DataFrame::unpivot(const std::vector<Column>& ids, const std::vector<Column>& values,
                             const std::string& variable_column, const std::string& value_column) const {
  if (!ok()) return *this;
  std::vector<Column> value_columns = values;
  if (value_columns.empty()) {  // every column that is not an id
    for (const auto& a : plan_->output) {
      bool is_id = false;
      for (const auto& id : ids) {
        const Expr& e = *id.expr();
        is_id = is_id || (e.kind == ExprKind::kColumn && !e.name_parts.empty() && e.name_parts.back() == a.name);
      }
      if (!is_id) value_columns.push_back(Column(ex::Col({a.name})));
    }
  }
  if (value_columns.empty()) {
    return With(SparkError("UNPIVOT_REQUIRES_VALUE_COLUMNS", "42K0A",
                           "At least one value column needs to be specified for UNPIVOT, all columns "
                           "specified as ids."));
  }
  // The value columns as the input gives them: their names and types.
  DataFrame picked = select(value_columns);
  if (!picked.ok()) return picked;
  std::vector<DataTypePtr> types;
  for (const auto& a : picked.plan()->output) types.push_back(a.type);
  DataTypePtr common = types[0];
  for (size_t i = 1; i < types.size() && common; ++i) {
    common = types[i]->id() == TypeId::kString || common->id() == TypeId::kString
                 ? (types[i]->Equals(*common) ? common : nullptr)  // no string promotion here
                 : WiderType(common, types[i]);
  }
  if (!common) {
    std::vector<std::pair<std::string, std::string>> listed;
    for (size_t i = 0; i < types.size(); ++i) listed.emplace_back(QuotedType(*types[i]), picked.plan()->output[i].name);
    std::sort(listed.begin(), listed.end());
    std::string text;
    for (const auto& [type, name] : listed) text += fmt::format("{}{} (`{}`)", text.empty() ? "" : ", ", type, name);
    return With(SparkError("UNPIVOT_VALUE_DATA_TYPE_MISMATCH", "42K09",
                           fmt::format("Unpivot value columns must share a least common type, some types do "
                                       "not: [{}].",
                                       text)));
  }
  DataFrame out(nullptr, arrow::Status::Invalid("no value columns"));
  for (size_t i = 0; i < value_columns.size(); ++i) {
    std::vector<Column> row = ids;
    row.push_back(lit(picked.plan()->output[i].name).alias(variable_column));
    row.push_back(value_columns[i].cast(common).alias(value_column));
    DataFrame part = select(row);
    out = i == 0 ? part : out.union_(part);
  }
  return out;
}

}  // namespace spate
