// Higher-order functions, whose arguments include lambdas: transform, filter,
// exists, forall, aggregate (reduce), zip_with, array_sort with a comparator,
// map_filter, transform_keys, transform_values and map_zip_with.
//
// A bound lambda is a function "lambdafunction" whose children are its body
// and then its variables. A higher-order function evaluates the body once for
// all elements of a batch: the elements become the rows of a batch that holds
// the columns of each element's outer row and one column per variable, which
// the variable reads back by a field name unique to it. Lambdas nest: an inner
// lambda's batch holds the outer lambda's variables too.

#include <algorithm>
#include <atomic>
#include <set>

#include <arrow/api.h>
#include <arrow/buffer_builder.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/nested_internal.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using namespace nested;  // NOLINT

constexpr std::string_view kVariablePrefix = "\x01lambda#";
constexpr const char* kVariableName = "namedlambdavariable()";
constexpr const char* kLambdaName = "lambdafunction";

bool IsLambda(const BoundExpr& e) {
  return e.kind() == BoundExpr::Kind::kFunction &&
         static_cast<const BoundFunction&>(e).function() == kLambdaName;
}

const BoundExpr& Body(const BoundExpr& lambda) { return *lambda.children()[0]; }

void CollectColumnIndices(const BoundExpr& e, std::set<int>* out) {
  if (e.kind() == BoundExpr::Kind::kColumn) out->insert(static_cast<const BoundColumn&>(e).index());
  for (const auto& c : e.children()) CollectColumnIndices(*c, out);
}

using Int64ArrayPtr = std::shared_ptr<arrow::Int64Array>;

// The lambda's body evaluated once per element: element i sees the columns of
// outer row parents[i] and variables[k][i] for the lambda's variable k.
// Columns the body does not read are passed as NULLs.
arrow::Result<ArrayPtr> ApplyLambda(const BoundExpr& lambda, const arrow::RecordBatch& batch,
                                    const arrow::Int64Array& parents,
                                    const std::vector<ArrayPtr>& variables, const EvalContext& ctx) {
  const int64_t n = parents.length();
  std::set<int> used;
  CollectColumnIndices(Body(lambda), &used);
  arrow::FieldVector fields;
  std::vector<ArrayPtr> columns;
  for (int j = 0; j < batch.num_columns(); ++j) {
    const auto& field = batch.schema()->field(j);
    fields.push_back(field);
    if (used.count(j) > 0 || field->name().starts_with(kVariablePrefix)) {
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(*batch.column(j), parents));
      columns.push_back(std::move(taken));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(field->type(), n));
      columns.push_back(std::move(nulls));
    }
  }
  for (size_t k = 0; k < variables.size(); ++k) {
    const auto& variable = static_cast<const BoundFunction&>(*lambda.children()[k + 1]);
    fields.push_back(arrow::field(variable.function(), variables[k]->type()));
    columns.push_back(variables[k]);
  }
  auto expanded = arrow::RecordBatch::Make(arrow::schema(fields), n, std::move(columns));
  return EvaluateToArray(Body(lambda), *expanded, ctx);
}

// The elements of a batch's arrays (NULL arrays have none), in order: their
// outer row, their position in their array, and their values.
struct Elements {
  Int64ArrayPtr parents;
  ArrayPtr positions;  // INT
  ArrayPtr values;
};

arrow::Result<Elements> FlattenElements(const arrow::ListArray& list) {
  arrow::Int64Builder parents, indices;
  arrow::Int32Builder positions;
  for (int64_t row = 0; row < list.length(); ++row) {
    if (list.IsNull(row)) continue;
    int64_t begin = list.value_offset(row), len = list.value_length(row);
    for (int64_t k = 0; k < len; ++k) {
      ARROW_RETURN_NOT_OK(parents.Append(row));
      ARROW_RETURN_NOT_OK(indices.Append(begin + k));
      ARROW_RETURN_NOT_OK(positions.Append(static_cast<int32_t>(k)));
    }
  }
  Elements out;
  ARROW_ASSIGN_OR_RAISE(auto p, parents.Finish());
  out.parents = std::static_pointer_cast<arrow::Int64Array>(p);
  ARROW_ASSIGN_OR_RAISE(out.positions, positions.Finish());
  ARROW_ASSIGN_OR_RAISE(auto idx, indices.Finish());
  ARROW_ASSIGN_OR_RAISE(out.values, cp::Take(*list.values(), *idx));
  return out;
}

arrow::Result<std::shared_ptr<arrow::ListArray>> EvaluateList(const BoundExpr& e,
                                                              const arrow::RecordBatch& batch,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(e, batch, ctx));
  if (array->type_id() == arrow::Type::NA) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*types::Array(types::Null())));
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayOfNull(type, batch.num_rows()));
  }
  if (array->offset() != 0) {
    ARROW_ASSIGN_OR_RAISE(array, arrow::Concatenate({array}));
  }
  return std::static_pointer_cast<arrow::ListArray>(array);
}

// Which rows of a result are valid (not NULL).
struct Validity {
  int64_t length = 0;
  std::shared_ptr<arrow::Buffer> bitmap;  // null: all valid
  int64_t null_count = 0;
};

Validity ValidityOf(const arrow::Array& a) {
  return {a.length(), a.null_count() > 0 ? a.data()->buffers[0] : nullptr, a.null_count()};
}

// Valid where both inputs are.
arrow::Result<Validity> BothValid(const arrow::Array& a, const arrow::Array& b) {
  arrow::TypedBufferBuilder<bool> bits;
  int64_t nulls = 0;
  for (int64_t row = 0; row < a.length(); ++row) {
    bool valid = a.IsValid(row) && b.IsValid(row);
    nulls += valid ? 0 : 1;
    ARROW_RETURN_NOT_OK(bits.Append(valid));
  }
  ARROW_ASSIGN_OR_RAISE(auto bitmap, bits.Finish());
  return Validity{a.length(), nulls > 0 ? bitmap : nullptr, nulls};
}

// A list (or map) array of `type` with `counts[row]` elements per row, taken
// in order from `values` (for a map, a struct array of keys and values).
arrow::Result<ArrayPtr> MakeList(const DataType& type, const Validity& validity,
                                 const std::vector<int32_t>& counts, ArrayPtr values) {
  arrow::Int32Builder offsets;
  ARROW_RETURN_NOT_OK(offsets.Reserve(static_cast<int64_t>(counts.size()) + 1));
  int32_t total = 0;
  offsets.UnsafeAppend(0);
  for (int32_t c : counts) offsets.UnsafeAppend(total += c);
  ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  const auto& offset_buffer = offset_array->data()->buffers[1];
  if (type.id() == TypeId::kMap) {
    const auto& entries = static_cast<const arrow::StructArray&>(*values);
    return std::make_shared<arrow::MapArray>(arrow_type, validity.length, offset_buffer,
                                             entries.field(0), entries.field(1), validity.bitmap,
                                             validity.null_count);
  }
  return std::make_shared<arrow::ListArray>(arrow_type, validity.length, offset_buffer,
                                            std::move(values), validity.bitmap, validity.null_count);
}

// Row counts of a list array's rows (0 for NULL rows).
std::vector<int32_t> Counts(const arrow::ListArray& list) {
  std::vector<int32_t> counts(list.length());
  for (int64_t row = 0; row < list.length(); ++row) {
    counts[row] = list.IsNull(row) ? 0 : list.value_length(row);
  }
  return counts;
}

arrow::Result<Int64ArrayPtr> Indices(const std::vector<int64_t>& v) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.AppendValues(v));
  ARROW_ASSIGN_OR_RAISE(auto out, b.Finish());
  return std::static_pointer_cast<arrow::Int64Array>(out);
}

DataTypePtr ElementType(const BoundExpr& e) { return AsArrayType(*e.type()).element_type(); }
bool ElementNullable(const BoundExpr& e) { return AsArrayType(*e.type()).contains_null(); }

arrow::Status RequireLambda(const std::vector<BoundExprPtr>& args, size_t i,
                            const std::string& pretty) {
  if (IsLambda(*args[i])) return arrow::Status::OK();
  return UnexpectedType(*args[i], i, "\"LAMBDA FUNCTION\"", pretty);
}

arrow::Status RequireBooleanLambda(const std::vector<BoundExprPtr>& args, size_t i,
                                   const std::string& pretty) {
  ARROW_RETURN_NOT_OK(RequireLambda(args, i, pretty));
  if (args[i]->type()->id() == TypeId::kBoolean) return arrow::Status::OK();
  return UnexpectedType(*args[i], i, "\"BOOLEAN\"", pretty);
}

// ---------------------------------------------------------------------------
// Arrays

// transform(a, x -> f) / transform(a, (x, i) -> f): f of every element.
arrow::Result<BoundExprPtr> BindTransform(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireLambda(args, 1, pretty));
  DataTypePtr type = types::Array(args[1]->type(), args[1]->nullable());
  bool nullable = args[0]->nullable();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto e, FlattenElements(*list));
    std::vector<ArrayPtr> vars = {e.values, e.positions};
    vars.resize(a.exprs[1]->children().size() - 1);
    ARROW_ASSIGN_OR_RAISE(auto values, ApplyLambda(*a.exprs[1], a.batch, *e.parents, vars, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeList(a.result_type, ValidityOf(*list), Counts(*list), values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// filter(a, x -> p) / filter(a, (x, i) -> p): the elements where p is true.
arrow::Result<BoundExprPtr> BindFilter(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireBooleanLambda(args, 1, pretty));
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto e, FlattenElements(*list));
    std::vector<ArrayPtr> vars = {e.values, e.positions};
    vars.resize(a.exprs[1]->children().size() - 1);
    ARROW_ASSIGN_OR_RAISE(auto keep, ApplyLambda(*a.exprs[1], a.batch, *e.parents, vars, a.ctx));
    const auto& flags = static_cast<const arrow::BooleanArray&>(*keep);
    std::vector<int32_t> counts(list->length(), 0);
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < flags.length(); ++i) {
      if (flags.IsValid(i) && flags.Value(i)) {
        ++counts[e.parents->Value(i)];
        kept.push_back(i);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto idx, Indices(kept));
    ARROW_ASSIGN_OR_RAISE(auto values, cp::Take(*e.values, *idx));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeList(a.result_type, ValidityOf(*list), counts, values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// exists(a, p): true when p holds for some element; otherwise NULL when p was
// NULL for some element (three-valued logic, Spark's default), else false.
// forall(a, p): false when p fails for some element; otherwise NULL when p was
// NULL for some element, else true.
arrow::Result<BoundExprPtr> BindExistsForall(const std::string& name,
                                             std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireBooleanLambda(args, 1, pretty));
  bool nullable = args[0]->nullable() || args[1]->nullable();
  const bool decisive = name == "exists";  // the value that settles the answer
  LazyImpl impl = [decisive](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto e, FlattenElements(*list));
    ARROW_ASSIGN_OR_RAISE(auto result, ApplyLambda(*a.exprs[1], a.batch, *e.parents, {e.values}, a.ctx));
    const auto& flags = static_cast<const arrow::BooleanArray&>(*result);
    std::vector<char> settled(list->length(), 0), saw_null(list->length(), 0);
    for (int64_t i = 0; i < flags.length(); ++i) {
      int64_t row = e.parents->Value(i);
      if (flags.IsNull(i)) {
        saw_null[row] = 1;
      } else if (flags.Value(i) == decisive) {
        settled[row] = 1;
      }
    }
    arrow::BooleanBuilder out;
    ARROW_RETURN_NOT_OK(out.Reserve(list->length()));
    for (int64_t row = 0; row < list->length(); ++row) {
      if (list->IsNull(row) || (!settled[row] && saw_null[row])) {
        out.UnsafeAppendNull();
      } else {
        out.UnsafeAppend(settled[row] ? decisive : !decisive);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::Datum(array);
  };
  return MakeLazyFunction(name, impl, types::Boolean(), std::move(args), pretty, nullable);
}

// Rows of `values` scattered to `n` rows: row rows[i] gets values[i], the
// others `fallback[row]` (or NULL without a fallback).
arrow::Result<ArrayPtr> Scatter(const ArrayPtr& values, const std::vector<int64_t>& rows,
                                const ArrayPtr& fallback, int64_t n) {
  std::vector<int64_t> index(n, -1);
  for (size_t i = 0; i < rows.size(); ++i) index[rows[i]] = static_cast<int64_t>(i);
  arrow::Int64Builder idx;
  ArrayPtr source = values;
  if (fallback) {
    ARROW_ASSIGN_OR_RAISE(source, arrow::Concatenate({values, fallback}));
  }
  for (int64_t row = 0; row < n; ++row) {
    if (index[row] >= 0) {
      ARROW_RETURN_NOT_OK(idx.Append(index[row]));
    } else if (fallback) {
      ARROW_RETURN_NOT_OK(idx.Append(values->length() + row));
    } else {
      ARROW_RETURN_NOT_OK(idx.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, idx.Finish());
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(*source, *indices));
  return out;
}

// aggregate(a, zero, (acc, x) -> merge [, acc -> finish]), also named reduce:
// folds the elements left to right; merge must return zero's type. A NULL
// array gives NULL. All rows advance together, one element per step.
arrow::Result<BoundExprPtr> BindAggregate(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 4));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireLambda(args, 2, pretty));
  if (!args[2]->type()->Equals(*args[1]->type())) {
    return UnexpectedType(*args[2], 2, QuotedType(*args[1]->type()), pretty);
  }
  std::string name_out = pretty;
  if (args.size() == 3) {
    // Spark names the identity finish it adds.
    name_out = pretty.substr(0, pretty.size() - 1) +
               fmt::format(", {}({}, {}))", kLambdaName, kVariableName, kVariableName);
  } else {
    ARROW_RETURN_NOT_OK(RequireLambda(args, 3, pretty));
  }
  DataTypePtr type = args.back()->type();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    const int64_t n = a.batch.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto list, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(ArrayPtr acc, EvaluateToArray(*a.exprs[1], a.batch, a.ctx));
    int64_t longest = 0;
    for (int64_t row = 0; row < n; ++row) {
      if (!list->IsNull(row)) longest = std::max<int64_t>(longest, list->value_length(row));
    }
    for (int64_t k = 0; k < longest; ++k) {
      std::vector<int64_t> rows, elements;
      for (int64_t row = 0; row < n; ++row) {
        if (!list->IsNull(row) && list->value_length(row) > k) {
          rows.push_back(row);
          elements.push_back(list->value_offset(row) + k);
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto parents, Indices(rows));
      ARROW_ASSIGN_OR_RAISE(auto element_idx, Indices(elements));
      ARROW_ASSIGN_OR_RAISE(auto acc_now, cp::Take(*acc, *parents));
      ARROW_ASSIGN_OR_RAISE(auto x, cp::Take(*list->values(), *element_idx));
      ARROW_ASSIGN_OR_RAISE(auto merged, ApplyLambda(*a.exprs[2], a.batch, *parents, {acc_now, x}, a.ctx));
      ARROW_ASSIGN_OR_RAISE(acc, Scatter(merged, rows, acc, n));
    }
    std::vector<int64_t> rows;
    for (int64_t row = 0; row < n; ++row) {
      if (!list->IsNull(row)) rows.push_back(row);
    }
    ARROW_ASSIGN_OR_RAISE(auto parents, Indices(rows));
    ARROW_ASSIGN_OR_RAISE(ArrayPtr result, cp::Take(*acc, *parents));
    if (a.exprs.size() == 4) {
      ARROW_ASSIGN_OR_RAISE(result, ApplyLambda(*a.exprs[3], a.batch, *parents, {result}, a.ctx));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, Scatter(result, rows, nullptr, n));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), name_out, true);
}

// zip_with(a, b, (x, y) -> f): f of the elements at each position; the shorter
// array is padded with NULLs. NULL when either array is NULL.
arrow::Result<BoundExprPtr> BindZipWith(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  for (size_t i = 0; i < 2; ++i) ARROW_RETURN_NOT_OK(RequireArray(*args[i], i, pretty));
  ARROW_RETURN_NOT_OK(RequireLambda(args, 2, pretty));
  DataTypePtr type = types::Array(args[2]->type(), args[2]->nullable());
  bool nullable = args[0]->nullable() || args[1]->nullable();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    const int64_t n = a.batch.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto left, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto right, EvaluateList(*a.exprs[1], a.batch, a.ctx));
    arrow::Int64Builder parents, li, ri;
    std::vector<int32_t> counts(n, 0);
    for (int64_t row = 0; row < n; ++row) {
      if (left->IsNull(row) || right->IsNull(row)) continue;
      int64_t ln = left->value_length(row), rn = right->value_length(row);
      counts[row] = static_cast<int32_t>(std::max(ln, rn));
      for (int64_t k = 0; k < counts[row]; ++k) {
        ARROW_RETURN_NOT_OK(parents.Append(row));
        ARROW_RETURN_NOT_OK(k < ln ? li.Append(left->value_offset(row) + k) : li.AppendNull());
        ARROW_RETURN_NOT_OK(k < rn ? ri.Append(right->value_offset(row) + k) : ri.AppendNull());
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto p, parents.Finish());
    ARROW_ASSIGN_OR_RAISE(auto lidx, li.Finish());
    ARROW_ASSIGN_OR_RAISE(auto ridx, ri.Finish());
    ARROW_ASSIGN_OR_RAISE(auto x, cp::Take(*left->values(), *lidx));
    ARROW_ASSIGN_OR_RAISE(auto y, cp::Take(*right->values(), *ridx));
    ARROW_ASSIGN_OR_RAISE(auto values, ApplyLambda(*a.exprs[2], a.batch,
                                                   static_cast<const arrow::Int64Array&>(*p), {x, y},
                                                   a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto validity, BothValid(*left, *right));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeList(a.result_type, validity, counts, values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// Sorts as Java's Arrays.sort(Object[], Comparator) does, so that a comparator
// that is not a total order (say, NULL equal to everything) gives Spark's
// order: short arrays by a binary insertion sort after the first run, longer
// ones by a stable sort.
template <typename Compare>
void SortLikeJava(std::vector<int64_t>& a, Compare c) {
  const size_t n = a.size();
  if (n < 2) return;
  if (n >= 32) {
    std::stable_sort(a.begin(), a.end(), [&](int64_t x, int64_t y) { return c(x, y) < 0; });
    return;
  }
  size_t run = 1;
  if (c(a[1], a[0]) < 0) {
    run = 2;
    while (run < n && c(a[run], a[run - 1]) < 0) ++run;
    std::reverse(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(run));
  } else {
    run = 2;
    while (run < n && c(a[run], a[run - 1]) >= 0) ++run;
  }
  for (size_t start = run; start < n; ++start) {
    int64_t pivot = a[start];
    size_t left = 0, right = start;
    while (left < right) {
      size_t mid = (left + right) / 2;
      if (c(pivot, a[mid]) < 0) {
        right = mid;
      } else {
        left = mid + 1;
      }
    }
    for (size_t k = start; k > left; --k) a[k] = a[k - 1];
    a[left] = pivot;
  }
}

// array_sort(a, (l, r) -> c): a stable sort where c < 0 puts l first; the
// comparator must return INT, and returning NULL is an error.
arrow::Result<BoundExprPtr> BindArraySortWithComparator(const std::string& name,
                                                        std::vector<BoundExprPtr> args,
                                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(RequireLambda(args, 1, pretty));
  if (args[1]->type()->id() != TypeId::kInt) {
    return DataTypeMismatch("UNEXPECTED_RETURN_TYPE", pretty,
                            fmt::format("The `{}` requires return \"INT\" type, but the actual is {} "
                                        "type",
                                        kLambdaName, QuotedType(*args[1]->type())));
  }
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  // Every pair of elements of a row is compared in one evaluation.
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, EvaluateList(*a.exprs[0], a.batch, a.ctx));
    arrow::Int64Builder parents, li, ri;
    for (int64_t row = 0; row < list->length(); ++row) {
      if (list->IsNull(row)) continue;
      int64_t begin = list->value_offset(row), len = list->value_length(row);
      for (int64_t i = 0; i < len; ++i) {
        for (int64_t j = 0; j < len; ++j) {
          ARROW_RETURN_NOT_OK(parents.Append(row));
          ARROW_RETURN_NOT_OK(li.Append(begin + i));
          ARROW_RETURN_NOT_OK(ri.Append(begin + j));
        }
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto p, parents.Finish());
    ARROW_ASSIGN_OR_RAISE(auto lidx, li.Finish());
    ARROW_ASSIGN_OR_RAISE(auto ridx, ri.Finish());
    ARROW_ASSIGN_OR_RAISE(auto l, cp::Take(*list->values(), *lidx));
    ARROW_ASSIGN_OR_RAISE(auto r, cp::Take(*list->values(), *ridx));
    ARROW_ASSIGN_OR_RAISE(auto cmp_array, ApplyLambda(*a.exprs[1], a.batch,
                                                      static_cast<const arrow::Int64Array&>(*p),
                                                      {l, r}, a.ctx));
    const auto& cmp = static_cast<const arrow::Int32Array&>(*cmp_array);
    if (cmp.null_count() > 0) {
      return SparkError("COMPARATOR_RETURNS_NULL", "22004",
                        "The comparator has returned a NULL for a comparison between elements.");
    }
    std::vector<int64_t> order;
    int64_t pair_base = 0;
    for (int64_t row = 0; row < list->length(); ++row) {
      if (list->IsNull(row)) continue;
      int64_t begin = list->value_offset(row), len = list->value_length(row);
      std::vector<int64_t> idx(len);
      for (int64_t i = 0; i < len; ++i) idx[i] = i;
      SortLikeJava(idx, [&](int64_t x, int64_t y) { return cmp.Value(pair_base + x * len + y); });
      for (int64_t i : idx) order.push_back(begin + i);
      pair_base += len * len;
    }
    ARROW_ASSIGN_OR_RAISE(auto order_idx, Indices(order));
    ARROW_ASSIGN_OR_RAISE(auto values, cp::Take(*list->values(), *order_idx));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeList(a.result_type, ValidityOf(*list), Counts(*list), values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Maps

// The entries of a batch's maps, in order: outer row, keys and values.
struct Entries {
  Int64ArrayPtr parents;
  ArrayPtr keys, values;
};

arrow::Result<Entries> FlattenEntries(const arrow::MapArray& map) {
  arrow::Int64Builder parents, indices;
  for (int64_t row = 0; row < map.length(); ++row) {
    if (map.IsNull(row)) continue;
    int64_t begin = map.value_offset(row), len = map.value_length(row);
    for (int64_t k = 0; k < len; ++k) {
      ARROW_RETURN_NOT_OK(parents.Append(row));
      ARROW_RETURN_NOT_OK(indices.Append(begin + k));
    }
  }
  Entries out;
  ARROW_ASSIGN_OR_RAISE(auto p, parents.Finish());
  out.parents = std::static_pointer_cast<arrow::Int64Array>(p);
  ARROW_ASSIGN_OR_RAISE(auto idx, indices.Finish());
  ARROW_ASSIGN_OR_RAISE(out.keys, cp::Take(*map.keys(), *idx));
  ARROW_ASSIGN_OR_RAISE(out.values, cp::Take(*map.items(), *idx));
  return out;
}

arrow::Result<std::shared_ptr<arrow::MapArray>> EvaluateMap(const BoundExpr& e,
                                                            const arrow::RecordBatch& batch,
                                                            const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(e, batch, ctx));
  if (array->offset() != 0) {
    ARROW_ASSIGN_OR_RAISE(array, arrow::Concatenate({array}));
  }
  return std::static_pointer_cast<arrow::MapArray>(array);
}

arrow::Result<ArrayPtr> MakeMap(const DataType& type, const Validity& like,
                                const std::vector<int32_t>& counts, const ArrayPtr& keys,
                                const ArrayPtr& values) {
  ARROW_ASSIGN_OR_RAISE(auto entries,
                        arrow::StructArray::Make({keys, values}, std::vector<std::string>{"key", "value"}));
  return MakeList(type, like, counts, entries);
}

// Rejects NULL and duplicate keys within each row of a rebuilt map.
arrow::Status CheckMapKeys(const arrow::Array& keys, const std::vector<int32_t>& counts) {
  int64_t begin = 0;
  for (int32_t c : counts) {
    for (int64_t i = begin; i < begin + c; ++i) ARROW_RETURN_NOT_OK(CheckMapKey(keys, begin, i));
    begin += c;
  }
  return arrow::Status::OK();
}

// map_filter(m, (k, v) -> p): the entries where p is true.
arrow::Result<BoundExprPtr> BindMapFilter(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireMap(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireBooleanLambda(args, 1, pretty));
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto map, EvaluateMap(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto e, FlattenEntries(*map));
    ARROW_ASSIGN_OR_RAISE(auto keep, ApplyLambda(*a.exprs[1], a.batch, *e.parents, {e.keys, e.values}, a.ctx));
    const auto& flags = static_cast<const arrow::BooleanArray&>(*keep);
    std::vector<int32_t> counts(map->length(), 0);
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < flags.length(); ++i) {
      if (flags.IsValid(i) && flags.Value(i)) {
        ++counts[e.parents->Value(i)];
        kept.push_back(i);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto idx, Indices(kept));
    ARROW_ASSIGN_OR_RAISE(auto keys, cp::Take(*e.keys, *idx));
    ARROW_ASSIGN_OR_RAISE(auto values, cp::Take(*e.values, *idx));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeMap(a.result_type, ValidityOf(*map), counts, keys, values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// transform_keys(m, (k, v) -> k2) / transform_values(m, (k, v) -> v2). New
// keys must be non-NULL and distinct (NULL_MAP_KEY, DUPLICATED_MAP_KEY).
arrow::Result<BoundExprPtr> BindTransformMap(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireMap(*args[0], 0, pretty));
  ARROW_RETURN_NOT_OK(RequireLambda(args, 1, pretty));
  const auto& map_type = AsMapType(*args[0]->type());
  const bool keys = name == "transform_keys";
  DataTypePtr type = keys ? types::Map(args[1]->type(), map_type.value_type(),
                                       map_type.value_contains_null())
                          : types::Map(map_type.key_type(), args[1]->type(), args[1]->nullable());
  bool nullable = args[0]->nullable();
  LazyImpl impl = [keys](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto map, EvaluateMap(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto e, FlattenEntries(*map));
    ARROW_ASSIGN_OR_RAISE(auto result, ApplyLambda(*a.exprs[1], a.batch, *e.parents, {e.keys, e.values}, a.ctx));
    std::vector<int32_t> counts = Counts(*map);
    if (keys) ARROW_RETURN_NOT_OK(CheckMapKeys(*result, counts));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeMap(a.result_type, ValidityOf(*map), counts, keys ? result : e.keys,
                                            keys ? e.values : result));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

// map_zip_with's keys: the wider of the two maps' key types (a string meets
// only strings), or MAP_ZIP_WITH_DIFF_TYPES.
arrow::Result<DataTypePtr> MapZipKeyType(const std::vector<BoundExprPtr>& args,
                                         const std::string& pretty) {
  const DataTypePtr& a = AsMapType(*args[0]->type()).key_type();
  const DataTypePtr& b = AsMapType(*args[1]->type()).key_type();
  DataTypePtr common;
  if ((a->id() == TypeId::kString) == (b->id() == TypeId::kString)) common = WiderType(a, b);
  if (common) return common;
  return DataTypeMismatch("MAP_ZIP_WITH_DIFF_TYPES", pretty,
                          fmt::format("Input to the `map_zip_with` should have been two maps with "
                                      "compatible key types, but it's [{}, {}]",
                                      QuotedType(*args[0]->type()), QuotedType(*args[1]->type())));
}

// map_zip_with(m1, m2, (k, v1, v2) -> f): f for every key of either map (the
// keys of m1 in order, then those only in m2); a missing value is NULL.
arrow::Result<BoundExprPtr> BindMapZipWith(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  for (size_t i = 0; i < 2; ++i) ARROW_RETURN_NOT_OK(RequireMap(*args[i], i, pretty));
  ARROW_RETURN_NOT_OK(RequireLambda(args, 2, pretty));
  ARROW_ASSIGN_OR_RAISE(DataTypePtr key, MapZipKeyType(args, pretty));
  DataTypePtr type = types::Map(key, args[2]->type(), args[2]->nullable());
  bool nullable = args[0]->nullable() || args[1]->nullable();
  LazyImpl impl = [](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    const int64_t n = a.batch.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto m1, EvaluateMap(*a.exprs[0], a.batch, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto m2, EvaluateMap(*a.exprs[1], a.batch, a.ctx));
    // Both maps' keys in the common key type.
    ARROW_ASSIGN_OR_RAISE(auto key_type, ToArrowType(*AsMapType(a.result_type).key_type()));
    ARROW_ASSIGN_OR_RAISE(auto keys1, cp::Cast(*m1->keys(), key_type));
    ARROW_ASSIGN_OR_RAISE(auto keys2, cp::Cast(*m2->keys(), key_type));
    const arrow::Array& k1 = *keys1;
    const arrow::Array& k2 = *keys2;
    // Per output entry: its row, and where its key and values come from.
    arrow::Int64Builder parents, key_idx, v1, v2;
    std::vector<int32_t> counts(n, 0);
    for (int64_t row = 0; row < n; ++row) {
      if (m1->IsNull(row) || m2->IsNull(row)) continue;
      int64_t b1 = m1->value_offset(row), e1 = b1 + m1->value_length(row);
      int64_t b2 = m2->value_offset(row), e2 = b2 + m2->value_length(row);
      auto find2 = [&](int64_t i) {
        for (int64_t j = b2; j < e2; ++j) {
          if (SameValue(k1, i, k2, j)) return j;
        }
        return int64_t{-1};
      };
      for (int64_t i = b1; i < e1; ++i) {
        int64_t j = find2(i);
        ARROW_RETURN_NOT_OK(parents.Append(row));
        ARROW_RETURN_NOT_OK(key_idx.Append(i));
        ARROW_RETURN_NOT_OK(v1.Append(i));
        ARROW_RETURN_NOT_OK(j >= 0 ? v2.Append(j) : v2.AppendNull());
        ++counts[row];
      }
      for (int64_t j = b2; j < e2; ++j) {
        bool in1 = false;
        for (int64_t i = b1; i < e1 && !in1; ++i) in1 = SameValue(k1, i, k2, j);
        if (in1) continue;
        ARROW_RETURN_NOT_OK(parents.Append(row));
        ARROW_RETURN_NOT_OK(key_idx.Append(k1.length() + j));
        ARROW_RETURN_NOT_OK(v1.AppendNull());
        ARROW_RETURN_NOT_OK(v2.Append(j));
        ++counts[row];
      }
    }
    // Key index i < len(k1) is k1[i], else k2[i - len(k1)].
    ARROW_ASSIGN_OR_RAISE(auto p, parents.Finish());
    const auto& pa = static_cast<const arrow::Int64Array&>(*p);
    ARROW_ASSIGN_OR_RAISE(auto all_keys, arrow::Concatenate({keys1, keys2}));
    ARROW_ASSIGN_OR_RAISE(auto kidx, key_idx.Finish());
    ARROW_ASSIGN_OR_RAISE(auto keys, cp::Take(*all_keys, *kidx));
    ARROW_ASSIGN_OR_RAISE(auto i1, v1.Finish());
    ARROW_ASSIGN_OR_RAISE(auto i2, v2.Finish());
    ARROW_ASSIGN_OR_RAISE(auto x, cp::Take(*m1->items(), *i1));
    ARROW_ASSIGN_OR_RAISE(auto y, cp::Take(*m2->items(), *i2));
    ARROW_ASSIGN_OR_RAISE(auto values, ApplyLambda(*a.exprs[2], a.batch, pa,
                                                   {keys, x, y},
                                                   a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto validity, BothValid(*m1, *m2));
    ARROW_ASSIGN_OR_RAISE(auto out, MakeMap(a.result_type, validity, counts,
                                            keys, values));
    return arrow::Datum(out);
  };
  return MakeLazyFunction(name, impl, type, std::move(args), pretty, nullable);
}

arrow::Status NumArgsMismatch(size_t expected, size_t actual) {
  return SparkError("INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH", "42K0D",
                    fmt::format("Invalid lambda function call. A higher order function expects {} "
                                "arguments, but got {}.",
                                expected, actual));
}

arrow::Status NoLambdaHere() {
  return SparkError("INVALID_LAMBDA_FUNCTION_CALL.PARAMETER_DOES_NOT_ACCEPT_LAMBDA_FUNCTION", "42K0D",
                    "Invalid lambda function call. You passed a lambda function to a parameter that "
                    "does not accept it. Please check if lambda function argument is in the correct "
                    "position.");
}

}  // namespace

// The variables each higher-order function passes to its lambda at `index`.
arrow::Result<std::vector<LambdaVariable>> LambdaVariables(const std::string& name,
                                                           const std::vector<BoundExprPtr>& args,
                                                           size_t index, size_t num_params,
                                                           const std::string& pretty) {
  static const char* const kArrayFunctions[] = {"transform", "filter", "exists", "forall",
                                                "aggregate", "reduce", "zip_with", "array_sort"};
  static const char* const kMapFunctions[] = {"map_filter", "transform_keys", "transform_values",
                                              "map_zip_with"};
  bool on_arrays = std::any_of(std::begin(kArrayFunctions), std::end(kArrayFunctions),
                               [&](const char* f) { return name == f; });
  bool on_maps = std::any_of(std::begin(kMapFunctions), std::end(kMapFunctions),
                             [&](const char* f) { return name == f; });
  if (!on_arrays && !on_maps) {
    return SparkError("INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION", "42K0D",
                      fmt::format("Invalid lambda function call. A lambda function should only be "
                                  "used in a higher order function. However, its class is `{}`, "
                                  "which is not a higher order function.",
                                  name));
  }
  if (index == 0 || !args[0]) return NoLambdaHere();
  if (on_arrays) ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  if (on_maps) ARROW_RETURN_NOT_OK(RequireMap(*args[0], 0, pretty));
  std::vector<LambdaVariable> vars;
  if (on_arrays) {
    LambdaVariable element{ElementType(*args[0]), ElementNullable(*args[0])};
    if (name == "transform" || name == "filter") {
      if (index != 1) return NoLambdaHere();
      vars = {element};
      if (num_params == 2) vars.push_back({types::Int(), false});
    } else if (name == "exists" || name == "forall") {
      if (index != 1) return NoLambdaHere();
      vars = {element};
    } else if (name == "array_sort") {
      if (index != 1) return NoLambdaHere();
      vars = {element, element};
    } else if (name == "zip_with") {
      if (index != 2 || !args[1]) return NoLambdaHere();
      ARROW_RETURN_NOT_OK(RequireArray(*args[1], 1, pretty));
      vars = {{element.type, true}, {ElementType(*args[1]), true}};
    } else {  // aggregate, reduce
      if (index < 2 || !args[1]) return NoLambdaHere();
      if (index == 2) vars = {{args[1]->type(), true}, element};
      if (index == 3) vars = {{args[2]->type(), true}};
    }
  } else {
    const auto& m = AsMapType(*args[0]->type());
    if (name == "map_zip_with") {
      if (index != 2 || !args[1]) return NoLambdaHere();
      ARROW_RETURN_NOT_OK(RequireMap(*args[1], 1, pretty));
      ARROW_ASSIGN_OR_RAISE(auto key, MapZipKeyType(args, pretty));
      vars = {{key, false}, {m.value_type(), true},
              {AsMapType(*args[1]->type()).value_type(), true}};
    } else {
      if (index != 1) return NoLambdaHere();
      vars = {{m.key_type(), false}, {m.value_type(), m.value_contains_null()}};
    }
  }
  if (vars.size() != num_params) return NumArgsMismatch(num_params, vars.size());
  return vars;
}

BoundExprPtr MakeLambdaVariable(const LambdaVariable& variable) {
  static std::atomic<int64_t> next_id{0};
  std::string tag = std::string(kVariablePrefix) + std::to_string(next_id++);
  LazyImpl impl = [tag](const LazyArgs& a) -> arrow::Result<arrow::Datum> {
    int i = a.batch.schema()->GetFieldIndex(tag);
    if (i < 0) return arrow::Status::Invalid("a lambda variable used outside its lambda");
    return arrow::Datum(a.batch.column(i));
  };
  return MakeLazyFunction(tag, impl, variable.type, {}, kVariableName, variable.nullable);
}

BoundExprPtr MakeLambda(BoundExprPtr body, std::vector<BoundExprPtr> variables) {
  std::string name = fmt::format("{}({}", kLambdaName, body->name());
  for (const auto& v : variables) name += ", " + v->name();
  name += ")";
  DataTypePtr type = body->type();
  bool nullable = body->nullable();
  std::vector<BoundExprPtr> children = {std::move(body)};
  for (auto& v : variables) children.push_back(std::move(v));
  LazyImpl impl = [](const LazyArgs&) -> arrow::Result<arrow::Datum> {
    return arrow::Status::Invalid("a lambda function is evaluated by its higher-order function");
  };
  return std::make_shared<BoundFunction>(kLambdaName, impl, type, nullable, name, std::move(children));
}

void RegisterHigherOrderFunctions(FunctionRegistry& r) {
  r.Add("transform", BindTransform);
  r.Add("filter", BindFilter);
  r.Add("exists", BindExistsForall);
  r.Add("forall", BindExistsForall);
  r.Add("aggregate", BindAggregate);
  r.Add("reduce", BindAggregate);
  r.Add("zip_with", BindZipWith);
  r.Add("map_filter", BindMapFilter);
  r.Add("transform_keys", BindTransformMap);
  r.Add("transform_values", BindTransformMap);
  r.Add("map_zip_with", BindMapZipWith);
}

/// array_sort(a, comparator): bound from functions_array.cc's array_sort.
arrow::Result<BoundExprPtr> BindArraySortWithLambda(const std::string& name,
                                                    std::vector<BoundExprPtr> args,
                                                    const std::string& pretty) {
  return BindArraySortWithComparator(name, std::move(args), pretty);
}

}  // namespace spate
