// Array functions: array_append, array_prepend, array_insert, array_remove,
// array_position, array_compact, array_union, array_intersect, array_except,
// arrays_overlap, arrays_zip, array_max, array_min, array_size, array_sort,
// array_repeat, reverse (of arrays), sequence, shuffle and slice.
//
// Elements compare as Spark compares them: NaN equals NaN, -0.0 equals 0.0,
// and the set functions (union, intersect, except) keep one NULL. Results are
// built by copying element slices or gathering element indices with `take`.

#include <algorithm>
#include <random>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/calendar.h"
#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/nested_internal.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

// array_sort(a, comparator): in functions_higher_order.cc.
arrow::Result<BoundExprPtr> BindArraySortWithLambda(const std::string& name,
                                                    std::vector<BoundExprPtr> args,
                                                    const std::string& pretty);

namespace {

namespace cp = arrow::compute;
using namespace nested;  // NOLINT

using ListPtr = std::shared_ptr<arrow::ListArray>;

arrow::Result<ListPtr> ListArg(const FunctionArgs& a, size_t i) {
  ARROW_ASSIGN_OR_RAISE(auto array, AsArray(a.values[i], a.num_rows));
  if (array->type_id() == arrow::Type::NA) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*types::Array(types::Null())));
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayOfNull(type, a.num_rows));
  }
  return std::static_pointer_cast<arrow::ListArray>(array);
}

arrow::Result<arrow::Datum> Finish(arrow::ArrayBuilder& builder) {
  ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
  return arrow::Datum(out);
}

// The common type Spark's tightest-common-type rule finds for an element and a
// value: equal types, NULL with anything, numeric widening without decimals
// (and decimals only with themselves), date with timestamp.
DataTypePtr TightestType(const DataTypePtr& a, const DataTypePtr& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  bool a_num = a->IsNumeric() && a->id() != TypeId::kDecimal;
  bool b_num = b->IsNumeric() && b->id() != TypeId::kDecimal;
  bool times = (a->id() == TypeId::kDate || a->id() == TypeId::kTimestamp) &&
               (b->id() == TypeId::kDate || b->id() == TypeId::kTimestamp);
  if ((a_num && b_num) || times) return WiderType(a, b);
  return nullptr;
}

// array_xxx(array, value): the element and the value meet at their tightest
// common type, or ARRAY_FUNCTION_DIFF_TYPES. Casts both; returns the element type.
arrow::Result<DataTypePtr> CoerceArrayAndValue(const std::string& name,
                                               std::vector<BoundExprPtr>& args, size_t value,
                                               const std::string& pretty) {
  bool is_array = args[0]->type()->id() == TypeId::kArray;
  DataTypePtr common =
      is_array ? TightestType(AsArrayType(*args[0]->type()).element_type(), args[value]->type())
               : nullptr;
  if (!common) {
    return DataTypeMismatch("ARRAY_FUNCTION_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should have been \"ARRAY\" followed by a "
                                        "value with same element type, but it's [{}, {}]",
                                        name, QuotedType(*args[0]->type()),
                                        QuotedType(*args[value]->type())));
  }
  args[0] = ImplicitCast(args[0], types::Array(common, AsArrayType(*args[0]->type()).contains_null()));
  args[value] = ImplicitCast(args[value], common);
  return common;
}

// Two arrays (the set functions, arrays_overlap): elements widen to a common
// type (a string meets only strings), or BINARY_ARRAY_DIFF_TYPES.
arrow::Result<DataTypePtr> CoerceTwoArrays(const std::string& name, std::vector<BoundExprPtr>& args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  DataTypePtr common;
  if (args[0]->type()->id() == TypeId::kArray && args[1]->type()->id() == TypeId::kArray) {
    DataTypePtr a = AsArrayType(*args[0]->type()).element_type();
    DataTypePtr b = AsArrayType(*args[1]->type()).element_type();
    bool a_str = a->id() == TypeId::kString, b_str = b->id() == TypeId::kString;
    if (a_str == b_str || a->id() == TypeId::kNull || b->id() == TypeId::kNull) common = WiderType(a, b);
  }
  if (!common) {
    return DataTypeMismatch("BINARY_ARRAY_DIFF_TYPES", pretty,
                            fmt::format("Input to function `{}` should have been two \"ARRAY\" with "
                                        "same element type, but it's [{}, {}]",
                                        name, QuotedType(*args[0]->type()),
                                        QuotedType(*args[1]->type())));
  }
  for (auto& arg : args) {
    arg = ImplicitCast(arg, types::Array(common, AsArrayType(*arg->type()).contains_null()));
  }
  return common;
}

bool ContainsNull(const BoundExpr& e) { return AsArrayType(*e.type()).contains_null(); }

// Whether values[i] equals one of values[begin, end).
bool AmongRange(const arrow::Array& values, int64_t begin, int64_t end, const arrow::Array& v,
                int64_t i) {
  for (int64_t j = begin; j < end; ++j) {
    if (SameValue(values, j, v, i)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Adding and removing elements

// array_append(a, v) / array_prepend(a, v): NULL when the array is NULL; a
// NULL value is added as an element.
arrow::Result<BoundExprPtr> BindAppendPrepend(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_ASSIGN_OR_RAISE(auto element, CoerceArrayAndValue(name, args, 1, pretty));
  bool append = name == "array_append";
  auto impl = [append](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[1], a.num_rows));
    int64_t row = 0;
    return MapRows(a.result_type, *list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      while (list->IsNull(row)) ++row;
      int64_t r = row++;
      if (!append) ARROW_RETURN_NOT_OK(AppendSlice(b, *value, r, 1));
      ARROW_RETURN_NOT_OK(AppendSlice(b, *list->values(), begin, end - begin));
      if (append) ARROW_RETURN_NOT_OK(AppendSlice(b, *value, r, 1));
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, types::Array(element, true), std::move(args), pretty,
                      args[0]->nullable());
}

// array_insert(a, pos, v): pos is 1-based, negative counts from the end (-1
// appends); a position past either end pads with NULLs; pos 0 is an error.
arrow::Result<BoundExprPtr> BindArrayInsert(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  if (args[1]->type()->id() != TypeId::kInt) {
    return UnexpectedType(*args[1], 1, "\"INT\"", pretty);
  }
  ARROW_ASSIGN_OR_RAISE(auto element, CoerceArrayAndValue(name, args, 2, pretty));
  bool nullable = args[0]->nullable() || args[1]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto pos_array, AsArray(a.values[1], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[2], a.num_rows));
    const auto& pos = static_cast<const arrow::Int32Array&>(*pos_array);
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    auto* b = out->value_builder();
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list->IsNull(row) || pos.IsNull(row)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      int64_t p = pos.Value(row), n = list->value_length(row), begin = list->value_offset(row);
      if (p == 0) {
        return SparkError("INVALID_INDEX_OF_ZERO", "22003",
                          "The index 0 is invalid. An index shall be either < 0 or > 0 (the first "
                          "element has index 1).");
      }
      ARROW_RETURN_NOT_OK(out->Append());
      // Where the value goes among the n elements, and NULLs padded between.
      int64_t at, pad_before = 0, pad_after = 0;
      if (p > 0) {
        at = std::min(p - 1, n);
        pad_before = std::max<int64_t>(0, p - 1 - n);
      } else if (-p <= n) {
        at = n + 1 + p;
      } else {
        at = 0;
        pad_after = -p - n - 1;
      }
      ARROW_RETURN_NOT_OK(AppendSlice(b, *list->values(), begin, at));
      ARROW_RETURN_NOT_OK(b->AppendNulls(pad_before));
      ARROW_RETURN_NOT_OK(AppendSlice(b, *value, row, 1));
      ARROW_RETURN_NOT_OK(b->AppendNulls(pad_after));
      ARROW_RETURN_NOT_OK(AppendSlice(b, *list->values(), begin + at, n - at));
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, types::Array(element, true), std::move(args), pretty, nullable);
}

// array_remove(a, v): without the elements equal to v; NULL when v is NULL.
arrow::Result<BoundExprPtr> BindArrayRemove(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(CoerceArrayAndValue(name, args, 1, pretty).status());
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable() || args[1]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[1], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    const arrow::Array& values = *list->values();
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list->IsNull(row) || value->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      int64_t begin = list->value_offset(row), end = begin + list->value_length(row);
      for (int64_t i = begin; i < end; ++i) {
        if (values.IsNull(i) || !SameValue(values, i, *value, row)) {
          ARROW_RETURN_NOT_OK(AppendSlice(out->value_builder(), values, i, 1));
        }
      }
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// array_position(a, v): the 1-based position of the first element equal to
// v, 0 when there is none; NULL when a or v is NULL.
arrow::Result<BoundExprPtr> BindArrayPosition(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(CoerceArrayAndValue(name, args, 1, pretty).status());
  bool nullable = args[0]->nullable() || args[1]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[1], a.num_rows));
    arrow::Int64Builder out;
    const arrow::Array& values = *list->values();
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list->IsNull(row) || value->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      int64_t begin = list->value_offset(row), n = list->value_length(row), found = 0;
      for (int64_t k = 0; k < n && found == 0; ++k) {
        if (!values.IsNull(begin + k) && SameValue(values, begin + k, *value, row)) found = k + 1;
      }
      ARROW_RETURN_NOT_OK(out.Append(found));
    }
    return Finish(out);
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty, nullable);
}

// array_compact(a): without its NULL elements.
arrow::Result<BoundExprPtr> BindArrayCompact(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  DataTypePtr type = types::Array(AsArrayType(*args[0]->type()).element_type(), false);
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    const arrow::Array& values = *list->values();
    return MapRows(a.result_type, *list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        if (!values.IsNull(i)) ARROW_RETURN_NOT_OK(AppendSlice(b, values, i, 1));
      }
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Set functions over two arrays

// array_union: the distinct elements of a then b; array_intersect: the
// distinct elements of a also in b; array_except: those of a not in b. In
// order of first occurrence; NULL when either array is NULL.
arrow::Result<BoundExprPtr> BindSetFunction(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto element, CoerceTwoArrays(name, args, pretty));
  enum class Op { kUnion, kIntersect, kExcept };
  Op op = name == "array_union" ? Op::kUnion : name == "array_intersect" ? Op::kIntersect : Op::kExcept;
  bool contains_null = op == Op::kUnion     ? ContainsNull(*args[0]) || ContainsNull(*args[1])
                       : op == Op::kExcept ? ContainsNull(*args[0])
                                           : ContainsNull(*args[0]) && ContainsNull(*args[1]);
  bool nullable = args[0]->nullable() || args[1]->nullable();
  auto impl = [op](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto left, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto right, ListArg(a, 1));
    const arrow::Array& lv = *left->values();
    const arrow::Array& rv = *right->values();
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    // The elements chosen so far in this row, as (array, index) pairs.
    std::vector<std::pair<const arrow::Array*, int64_t>> chosen;
    auto seen = [&](const arrow::Array& v, int64_t i) {
      for (const auto& [arr, j] : chosen) {
        if (SameValue(*arr, j, v, i)) return true;
      }
      return false;
    };
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (left->IsNull(row) || right->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      chosen.clear();
      int64_t lb = left->value_offset(row), le = lb + left->value_length(row);
      int64_t rb = right->value_offset(row), re = rb + right->value_length(row);
      auto take = [&](const arrow::Array& v, int64_t i) -> arrow::Status {
        if (seen(v, i)) return arrow::Status::OK();
        chosen.emplace_back(&v, i);
        return AppendSlice(out->value_builder(), v, i, 1);
      };
      for (int64_t i = lb; i < le; ++i) {
        bool in_right = op != Op::kUnion && AmongRange(rv, rb, re, lv, i);
        if (op == Op::kUnion || (op == Op::kIntersect) == in_right) ARROW_RETURN_NOT_OK(take(lv, i));
      }
      if (op == Op::kUnion) {
        for (int64_t i = rb; i < re; ++i) ARROW_RETURN_NOT_OK(take(rv, i));
      }
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, types::Array(element, contains_null), std::move(args), pretty,
                      nullable);
}

// arrays_overlap(a, b): true when they share a non-null element; otherwise
// NULL when both are non-empty and either holds a NULL; else false.
arrow::Result<BoundExprPtr> BindArraysOverlap(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CoerceTwoArrays(name, args, pretty).status());
  bool nullable = args[0]->nullable() || args[1]->nullable() || ContainsNull(*args[0]) ||
                  ContainsNull(*args[1]);
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto left, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto right, ListArg(a, 1));
    const arrow::Array& lv = *left->values();
    const arrow::Array& rv = *right->values();
    arrow::BooleanBuilder out;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (left->IsNull(row) || right->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      int64_t lb = left->value_offset(row), le = lb + left->value_length(row);
      int64_t rb = right->value_offset(row), re = rb + right->value_length(row);
      bool found = false, saw_null = false;
      for (int64_t i = lb; i < le && !found; ++i) {
        if (lv.IsNull(i)) {
          saw_null = true;
          continue;
        }
        for (int64_t j = rb; j < re && !found; ++j) found = !rv.IsNull(j) && SameValue(lv, i, rv, j);
      }
      for (int64_t j = rb; j < re; ++j) saw_null = saw_null || rv.IsNull(j);
      if (!found && saw_null && le > lb && re > rb) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(out.Append(found));
      }
    }
    return Finish(out);
  };
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty, nullable);
}

// arrays_zip(a1, a2, ...): an array of structs, the i-th holding the i-th
// element of every array (NULL past the end of a shorter one). A field is
// named after its column, else by its position; NULL if any array is NULL.
arrow::Result<BoundExprPtr> BindArraysZip(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  std::vector<StructField> fields;
  bool nullable = false;
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_RETURN_NOT_OK(RequireArray(*args[i], i, pretty));
    bool is_column = args[i]->kind() == BoundExpr::Kind::kColumn;
    fields.push_back({is_column ? args[i]->name() : std::to_string(i),
                      AsArrayType(*args[i]->type()).element_type(), true});
    nullable = nullable || args[i]->nullable();
  }
  DataTypePtr type = types::Array(types::Struct(std::move(fields)), false);
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<ListPtr> lists;
    for (size_t i = 0; i < a.values.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, i));
      lists.push_back(std::move(list));
    }
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    auto* structs = static_cast<arrow::StructBuilder*>(out->value_builder());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      bool is_null = false;
      int64_t n = 0;
      for (const auto& l : lists) {
        is_null = is_null || l->IsNull(row);
        if (!l->IsNull(row)) n = std::max<int64_t>(n, l->value_length(row));
      }
      if (is_null) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      for (int64_t k = 0; k < n; ++k) {
        ARROW_RETURN_NOT_OK(structs->Append());
        for (size_t f = 0; f < lists.size(); ++f) {
          auto* field = structs->field_builder(static_cast<int>(f));
          if (k < lists[f]->value_length(row)) {
            ARROW_RETURN_NOT_OK(AppendSlice(field, *lists[f]->values(), lists[f]->value_offset(row) + k, 1));
          } else {
            ARROW_RETURN_NOT_OK(field->AppendNull());
          }
        }
      }
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Ordering

bool Orderable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
      return false;
    case TypeId::kArray:
      return Orderable(*AsArrayType(t).element_type());
    case TypeId::kStruct:
      for (const auto& f : static_cast<const StructType&>(t).fields()) {
        if (!Orderable(*f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

arrow::Status NotOrderable(const std::string& function, const DataType& type,
                           const std::string& pretty) {
  return DataTypeMismatch("INVALID_ORDERING_TYPE", pretty,
                          fmt::format("The `{}` does not support ordering on type {}", function,
                                      QuotedType(type)));
}

// array_max / array_min: the largest / smallest non-null element (NaN is
// above every number), NULL for an empty or all-NULL array.
arrow::Result<BoundExprPtr> BindArrayMaxMin(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  DataTypePtr element = AsArrayType(*args[0]->type()).element_type();
  if (!Orderable(*element)) return NotOrderable(name, *element, pretty);
  bool max = name == "array_max";
  auto impl = [max](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    // Sorted with NULLs first (max) or last (min): the pick is the last
    // (first) element of the row, NULL only when all are.
    ARROW_ASSIGN_OR_RAISE(auto order, SortedElementIndices(*list, true, max));
    const auto& sorted = static_cast<const arrow::Int64Array&>(*order);
    arrow::Int64Builder picks;
    int64_t next = 0;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      int64_t n = list->IsNull(row) ? 0 : list->value_length(row);
      if (n == 0) {
        ARROW_RETURN_NOT_OK(picks.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(picks.Append(sorted.Value(max ? next + n - 1 : next)));
      }
      next += n;
    }
    ARROW_ASSIGN_OR_RAISE(auto idx, picks.Finish());
    return cp::Take(list->values(), idx);
  };
  return MakeFunction(name, impl, element, std::move(args), pretty, true);
}

// The comparator Spark's array_sort(a) names in its column: ascending, NULLs last.
constexpr const char* kDefaultComparator =
    "lambdafunction((IF(((namedlambdavariable() IS NULL) AND (namedlambdavariable() IS NULL)), 0, "
    "(IF((namedlambdavariable() IS NULL), 1, (IF((namedlambdavariable() IS NULL), -1, "
    "(IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() > "
    "namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable())";

// array_sort(a): ascending, NULLs last, NaN above every number.
// array_sort(a, (l, r) -> c): with a comparator (functions_higher_order.cc).
arrow::Result<BoundExprPtr> BindArraySort(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  if (args.size() == 2) return BindArraySortWithLambda(name, std::move(args), pretty);
  DataTypePtr element = AsArrayType(*args[0]->type()).element_type();
  if (!Orderable(*element)) {
    return NotOrderable("<", *element, "(namedlambdavariable() < namedlambdavariable())");
  }
  std::string name_out = pretty.substr(0, pretty.size() - 1) + ", " + kDefaultComparator + ")";
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto order, SortedElementIndices(*list, true, false));
    ARROW_ASSIGN_OR_RAISE(auto sorted, cp::Take(list->values(), order));
    ArrayPtr values = sorted.make_array();
    int64_t next = 0;
    return MapRows(a.result_type, *list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      arrow::Status st = AppendSlice(b, *values, next, end - begin);
      next += end - begin;
      return st;
    });
  };
  return MakeFunction(name, impl, type, std::move(args), name_out, nullable);
}

// reverse(a) for arrays; strings go to the string family's reverse.
arrow::Result<BoundExprPtr> BindArrayReverse(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    const arrow::Array& values = *list->values();
    return MapRows(a.result_type, *list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      for (int64_t i = end; i-- > begin;) ARROW_RETURN_NOT_OK(AppendSlice(b, values, i, 1));
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// shuffle(a[, seed]): a random permutation of the elements.
arrow::Result<BoundExprPtr> BindShuffle(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  uint64_t seed = std::random_device{}();
  if (args.size() == 2) {
    const arrow::Scalar* s = ConstantValue(*args[1]);
    if (s == nullptr || !args[1]->type()->IsIntegral()) {
      return UnexpectedType(*args[1], 1, "\"BIGINT\"", pretty);
    }
    if (s->is_valid) {
      ARROW_ASSIGN_OR_RAISE(auto as_long, s->CastTo(arrow::int64()));
      seed = static_cast<uint64_t>(static_cast<const arrow::Int64Scalar&>(*as_long).value);
    }
    args.pop_back();
  }
  std::string name_out = fmt::format("shuffle({})", args[0]->name());
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable();
  auto impl = [seed](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    const arrow::Array& values = *list->values();
    std::mt19937_64 rng(seed);
    std::vector<int64_t> order;
    return MapRows(a.result_type, *list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      order.resize(end - begin);
      for (int64_t i = begin; i < end; ++i) order[i - begin] = i;
      std::shuffle(order.begin(), order.end(), rng);
      for (int64_t i : order) ARROW_RETURN_NOT_OK(AppendSlice(b, values, i, 1));
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, type, std::move(args), name_out, nullable);
}

// slice(a, start, length): `length` elements from the 1-based `start`
// (negative counts from the end). start 0 or a negative length is an error.
arrow::Result<BoundExprPtr> BindSlice(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  for (size_t i = 1; i < 3; ++i) {
    TypeId id = args[i]->type()->id();
    if (!args[i]->type()->IsIntegral() && id != TypeId::kNull && id != TypeId::kString) {
      return UnexpectedType(*args[i], i, "\"INT\"", pretty);
    }
    args[i] = ImplicitCast(args[i], types::Int());
  }
  DataTypePtr type = args[0]->type();
  bool nullable = args[0]->nullable() || args[1]->nullable() || args[2]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    ARROW_ASSIGN_OR_RAISE(auto start_array, AsArray(a.values[1], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto length_array, AsArray(a.values[2], a.num_rows));
    const auto& starts = static_cast<const arrow::Int32Array&>(*start_array);
    const auto& lengths = static_cast<const arrow::Int32Array&>(*length_array);
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list->IsNull(row) || starts.IsNull(row) || lengths.IsNull(row)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      int64_t start = starts.Value(row), length = lengths.Value(row), n = list->value_length(row);
      if (start == 0) {
        return SparkError("INVALID_PARAMETER_VALUE.START", "22023",
                          "The value of parameter(s) `start` in `slice` is invalid: Expects a "
                          "positive or a negative value for `start`, but got 0.");
      }
      if (length < 0) {
        return SparkError("INVALID_PARAMETER_VALUE.LENGTH", "22023",
                          fmt::format("The value of parameter(s) `length` in `slice` is invalid: "
                                      "Expects `length` greater than or equal to 0, but got {}.",
                                      length));
      }
      int64_t from = start > 0 ? start - 1 : n + start;
      ARROW_RETURN_NOT_OK(out->Append());
      if (from < 0 || from >= n) continue;
      int64_t count = std::min(length, n - from);
      ARROW_RETURN_NOT_OK(AppendSlice(out->value_builder(), *list->values(),
                                      list->value_offset(row) + from, count));
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Constructors

// array_repeat(v, n): v repeated n times (none when n <= 0); NULL when n is.
arrow::Result<BoundExprPtr> BindArrayRepeat(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  if (args[1]->type()->id() != TypeId::kInt) return UnexpectedType(*args[1], 1, "\"INT\"", pretty);
  DataTypePtr type = types::Array(args[0]->type(), args[0]->nullable());
  bool nullable = args[1]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto count_array, AsArray(a.values[1], a.num_rows));
    const auto& counts = static_cast<const arrow::Int32Array&>(*count_array);
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (counts.IsNull(row)) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      for (int32_t k = 0; k < counts.Value(row); ++k) {
        ARROW_RETURN_NOT_OK(AppendSlice(out->value_builder(), *value, row, 1));
      }
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// array_size(a): the number of elements; NULL for a NULL array.
arrow::Result<BoundExprPtr> BindArraySize(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  if (args[0]->type()->id() != TypeId::kNull) ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto list, ListArg(a, 0));
    arrow::Int32Builder out;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      ARROW_RETURN_NOT_OK(list->IsNull(row) ? out.AppendNull() : out.Append(list->value_length(row)));
    }
    return Finish(out);
  };
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty, nullable);
}

// sequence(start, stop[, step]) over integers: start, start + step, ... up to
// stop inclusive; the step defaults to 1 or -1 and must head towards stop.
// Over dates and timestamps the step is an interval (default one day); each
// element is start + k * step (months first), so month ends stay clamped.
arrow::Status IllegalBoundaries(const std::string& start, const std::string& stop,
                                const std::string& step) {
  return SparkError("ILLEGAL_SEQUENCE_BOUNDARIES", "22000",
                    fmt::format("requirement failed: Illegal sequence boundaries: {} to {} by {}",
                                start, stop, step));
}

constexpr int64_t kMaxArrayLength = 2147483632;  // Spark's MAX_ROUNDED_ARRAY_LENGTH

arrow::Result<BoundExprPtr> BindSequence(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  auto wrong_types = [&]() {
    return DataTypeMismatch(
        "SEQUENCE_WRONG_INPUT_TYPES", pretty,
        "`sequence` uses the wrong parameter type. The parameter type must conform to:\n1. The "
        "start and stop expressions must resolve to the same type.\n2. If start and stop "
        "expressions resolve to the \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" type, then the "
        "step expression must resolve to the \"INTERVAL\" or \"INTERVAL YEAR TO MONTH\" or "
        "\"INTERVAL DAY TO SECOND\" type.\n3. Otherwise, if start and stop expressions resolve to "
        "the \"INTEGRAL\" type, then the step expression must resolve to the same type");
  };
  DataTypePtr t = WiderType(args[0]->type(), args[1]->type());
  if (!t || t->id() == TypeId::kString) return wrong_types();
  bool integral = t->IsIntegral();
  bool temporal = t->id() == TypeId::kDate || t->id() == TypeId::kTimestamp ||
                  t->id() == TypeId::kTimestampNtz;
  if (!integral && !temporal) return wrong_types();
  if (integral && args.size() == 3) {
    if (!args[2]->type()->IsIntegral()) return wrong_types();
    t = WiderType(t, args[2]->type());
    args[2] = ImplicitCast(args[2], t);
  }
  if (temporal && args.size() == 3 && args[2]->type()->id() != TypeId::kInterval) return wrong_types();
  args[0] = ImplicitCast(args[0], t);
  args[1] = ImplicitCast(args[1], t);
  bool nullable = false;
  for (const auto& arg : args) nullable = nullable || arg->nullable();
  TypeId id = t->id();
  auto impl = [id](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<ArrayPtr> in;
    for (size_t i = 0; i < a.values.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto v, AsArray(a.values[i], a.num_rows));
      if (i < 2 || (id != TypeId::kDate && id != TypeId::kTimestamp && id != TypeId::kTimestampNtz)) {
        if (v->type_id() == arrow::Type::DATE32) {
          ARROW_ASSIGN_OR_RAISE(v, cp::Cast(*v, arrow::int32()));
        }
        ARROW_ASSIGN_OR_RAISE(auto as_long, cp::Cast(*v, arrow::int64()));
        v = as_long;
      }
      in.push_back(std::move(v));
    }
    const auto& starts = static_cast<const arrow::Int64Array&>(*in[0]);
    const auto& stops = static_cast<const arrow::Int64Array&>(*in[1]);
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    ARROW_ASSIGN_OR_RAISE(auto element_type, ToArrowType(*AsArrayType(a.result_type).element_type()));
    arrow::Int64Builder values;
    bool is_date = id == TypeId::kDate;
    bool temporal = is_date || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      bool is_null = starts.IsNull(row) || stops.IsNull(row) || (in.size() == 3 && in[2]->IsNull(row));
      if (is_null) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      int64_t start = starts.Value(row), stop = stops.Value(row);
      values.Reset();
      if (!temporal) {
        int64_t step = in.size() == 3 ? static_cast<const arrow::Int64Array&>(*in[2]).Value(row)
                                      : (start <= stop ? 1 : -1);
        if ((step == 0 && start != stop) || (step > 0 && start > stop) || (step < 0 && start < stop)) {
          return IllegalBoundaries(std::to_string(start), std::to_string(stop), std::to_string(step));
        }
        int64_t count = step == 0 ? 1 : (stop - start) / step + 1;
        if (count > kMaxArrayLength) {
          return SparkError("COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER", "54000",
                            fmt::format("Can't create array with {} elements which exceeding the "
                                        "array size limit {}, the value of parameter(s) `count` in "
                                        "`sequence` is invalid.",
                                        count, kMaxArrayLength));
        }
        for (int64_t k = 0; k < count; ++k) ARROW_RETURN_NOT_OK(values.Append(start + k * step));
      } else {
        int32_t months = 0, days = 1;
        int64_t micros = 0;
        if (in.size() == 3) {
          const auto& iv = static_cast<const arrow::MonthDayNanoIntervalArray&>(*in[2]);
          auto v = iv.Value(row);
          months = v.months;
          days = v.days;
          micros = v.nanoseconds / 1000;
        } else if (start > stop) {
          days = -1;
        }
        if (is_date && micros % 86400000000LL != 0) {
          return SparkError("_LEGACY_ERROR_TEMP_3242", "",
                            "sequence step must be an interval day to second of day granularity "
                            "if start and end values are dates");
        }
        // The step's sign (in approximate microseconds) decides the direction.
        double approx = months * 30.0 * 86400e6 + days * 86400e6 + static_cast<double>(micros);
        if ((approx == 0 && start != stop) || (approx > 0 && start > stop) ||
            (approx < 0 && start < stop)) {
          return IllegalBoundaries(std::to_string(start), std::to_string(stop), "the interval");
        }
        // Element k: start plus k months (clamped to month ends) plus k days and micros.
        auto nth = [&](int64_t k) -> int64_t {
          int64_t day_part = is_date ? start : start / 86400000000LL;
          int64_t time_part = is_date ? 0 : start - day_part * 86400000000LL;
          if (!is_date && time_part < 0) {
            --day_part;
            time_part += 86400000000LL;
          }
          int64_t d = day_part;
          if (months != 0) d = calendar::AddMonths(d, k * months);  // the day clamped to the month's end
          d += k * days;
          if (is_date) return d;
          return d * 86400000000LL + time_part + k * micros;
        };
        for (int64_t k = 0;; ++k) {
          int64_t v = nth(k);
          if (approx > 0 ? v > stop : approx < 0 ? v < stop : k > 0) break;
          ARROW_RETURN_NOT_OK(values.Append(v));
          if (k >= kMaxArrayLength) break;
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto longs, values.Finish());
      ArrayPtr typed = longs;
      if (is_date) {
        ARROW_ASSIGN_OR_RAISE(typed, cp::Cast(*typed, arrow::int32()));
      }
      ARROW_ASSIGN_OR_RAISE(typed, cp::Cast(*typed, element_type));
      ARROW_RETURN_NOT_OK(out->Append());
      ARROW_RETURN_NOT_OK(AppendSlice(out->value_builder(), *typed, 0, typed->length()));
    }
    return Finish(*builder);
  };
  return MakeFunction(name, impl, types::Array(t, false), std::move(args), pretty, nullable);
}

}  // namespace

void RegisterArrayFunctions(FunctionRegistry& r) {
  r.Add("array_append", BindAppendPrepend);
  r.Add("array_prepend", BindAppendPrepend);
  r.Add("array_insert", BindArrayInsert);
  r.Add("array_remove", BindArrayRemove);
  r.Add("array_position", BindArrayPosition);
  r.Add("array_compact", BindArrayCompact);
  r.Add("array_union", BindSetFunction);
  r.Add("array_intersect", BindSetFunction);
  r.Add("array_except", BindSetFunction);
  r.Add("arrays_overlap", BindArraysOverlap);
  r.Add("arrays_zip", BindArraysZip);
  r.Add("array_max", BindArrayMaxMin);
  r.Add("array_min", BindArrayMaxMin);
  r.Add("array_sort", BindArraySort);
  r.Add("array_repeat", BindArrayRepeat);
  r.Add("array_size", BindArraySize);
  r.Add("shuffle", BindShuffle);
  r.Add("slice", BindSlice);
  r.Add("sequence", BindSequence);
  // reverse: arrays here, anything else to the string family's binder.
  const FunctionBinder* strings = r.Find("reverse");
  FunctionBinder string_reverse = strings ? *strings : FunctionBinder();
  r.Add("reverse", [string_reverse](const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) -> arrow::Result<BoundExprPtr> {
    if (args.size() == 1 && args[0]->type()->id() == TypeId::kArray) {
      return BindArrayReverse(name, std::move(args), pretty);
    }
    if (!string_reverse) return WrongNumArgs(name, "1", args.size());
    return string_reverse(name, std::move(args), pretty);
  });
}

}  // namespace spate
