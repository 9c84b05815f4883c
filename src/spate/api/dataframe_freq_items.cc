// DataFrame.freqItems: the frequent-items counter of Karp, Shenker and
// Papadimitriou, as Spark runs it: at most 1/support counters; a value
// without a counter when all are taken lowers every counter by one
// (dropping those that reach zero) instead of getting one.

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "spate/api/dataframe.h"
#include "spate/api/session.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

class FrequentItems {
 public:
  explicit FrequentItems(size_t size) : size_(size) {}

  void Add(const std::shared_ptr<arrow::Scalar>& value) {
    const std::string key = value->is_valid ? value->ToString() : std::string("\0null", 5);
    if (auto it = counts_.find(key); it != counts_.end()) {
      ++it->second.second;
      return;
    }
    if (counts_.size() < size_) {
      counts_.emplace(key, std::make_pair(value, int64_t{1}));
      return;
    }
    // All counters taken: the value's one occurrence cancels one of each.
    for (auto it = counts_.begin(); it != counts_.end();) {
      it = --it->second.second == 0 ? counts_.erase(it) : std::next(it);
    }
  }

  arrow::Status AppendTo(arrow::ListBuilder* list) const {
    ARROW_RETURN_NOT_OK(list->Append());
    for (const auto& [k, entry] : counts_) ARROW_RETURN_NOT_OK(list->value_builder()->AppendScalar(*entry.first));
    return arrow::Status::OK();
  }

 private:
  size_t size_;
  std::map<std::string, std::pair<std::shared_ptr<arrow::Scalar>, int64_t>> counts_;
};

arrow::Result<std::shared_ptr<arrow::Table>> FreqItemsTable(const DataFrame& df, const std::vector<std::string>& cols,
                                                            double support) {
  if (!(support >= 1e-4 && support <= 1.0)) {
    return arrow::Status::Invalid(fmt::format("requirement failed: Support ({}) must be greater than 1e-4.", support));
  }
  std::vector<Column> picked(cols.begin(), cols.end());
  DataFrame values = df.select(picked);
  ARROW_RETURN_NOT_OK(values.status());
  ARROW_ASSIGN_OR_RAISE(auto table, values.toArrow());
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (int c = 0; c < table->num_columns(); ++c) {
    FrequentItems counter(static_cast<size_t>(1 / support));
    for (int64_t i = 0; i < table->num_rows(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto value, table->column(c)->GetScalar(i));
      counter.Add(value);
    }
    auto type = arrow::list(table->schema()->field(c)->type());
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
    ARROW_RETURN_NOT_OK(counter.AppendTo(static_cast<arrow::ListBuilder*>(builder.get())));
    ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
    fields.push_back(arrow::field(cols[c] + "_freqItems", type, false));
    columns.push_back(std::move(array));
  }
  return arrow::Table::Make(arrow::schema(fields), columns, 1);
}

}  // namespace

DataFrame DataFrame::freqItems(const std::vector<std::string>& cols, double support) const {
  if (!ok()) return *this;
  auto table = FreqItemsTable(*this, cols, support);
  if (!table.ok()) return DataFrame(session_, table.status());
  return session_->CreateDataFrame(*table);
}

}  // namespace spate
