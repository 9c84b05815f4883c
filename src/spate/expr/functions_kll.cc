// Spark 4.1's functions of KLL quantile sketches (the BINARY sketches that
// kll_sketch_agg_* make, exec/sketch_kll.h), each for BIGINT, DOUBLE and FLOAT
// sketches:
//   kll_sketch_get_n_*(sketch)             BIGINT, the number of items;
//   kll_sketch_to_string_*(sketch)         DataSketches' summary text;
//   kll_sketch_merge_*(left, right)        the union, as a sketch of left's k;
//   kll_sketch_get_quantile_*(sketch, r)   the item at normalized rank r (or an
//                                          array of ranks), INCLUSIVE;
//   kll_sketch_get_rank_*(sketch, v)       the normalized rank of v (or of each
//                                          of an array of items), INCLUSIVE.
// The rank / item argument must be constant. Bytes that are not a sketch, and
// an empty sketch asked for a quantile or rank, are KLL_INVALID_INPUT_SKETCH_BUFFER;
// a rank outside [0, 1] is KLL_SKETCH_INVALID_QUANTILE_RANGE. A sketch is read
// with the item width of the function (Spark does not check the sketch's type).

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/sketch_kll.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

template <typename T>
struct Item;
template <>
struct Item<int64_t> {
  using ArrowType = arrow::Int64Type;
  static const DataTypePtr& Type() { return types::Long(); }
};
template <>
struct Item<double> {
  using ArrowType = arrow::DoubleType;
  static const DataTypePtr& Type() { return types::Double(); }
};
template <>
struct Item<float> {
  using ArrowType = arrow::FloatType;
  static const DataTypePtr& Type() { return types::Float(); }
};

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

arrow::Status WrongType(const BoundExpr& arg, size_t i, const std::string& expected, const std::string& pretty) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                                      Ordinal(i), expected, arg.name(), QuotedType(*arg.type())));
}

bool Foldable(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kColumn) return false;
  for (const auto& c : e.children()) {
    if (!Foldable(*c)) return false;
  }
  return true;
}

// A sketch argument: BINARY, or a STRING / NULL implicitly cast to it.
arrow::Status SketchArg(std::vector<BoundExprPtr>& args, size_t i, const std::string& pretty) {
  const TypeId t = args[i]->type()->id();
  if (t == TypeId::kString || t == TypeId::kNull) args[i] = ImplicitCast(args[i], types::Binary());
  if (args[i]->type()->id() != TypeId::kBinary) return WrongType(*args[i], i, "\"BINARY\"", pretty);
  return arrow::Status::OK();
}

// The rank / item argument: a constant of `type` or an array of them (numbers and
// strings cast implicitly, as Spark's ImplicitCastInputTypes).
arrow::Status ValueArg(std::vector<BoundExprPtr>& args, const DataTypePtr& type, const std::string& input,
                       const std::string& pretty) {
  BoundExprPtr& arg = args[1];
  if (!Foldable(*arg)) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `{}` should be a foldable {} expression; however, got \"{}\"",
                                        input, QuotedType(*arg->type()), arg->name()));
  }
  const std::string expected = fmt::format("({} or \"ARRAY<{}>\")", QuotedType(*type), type->Sql());
  auto numeric = [](const DataType& t) {
    return t.IsNumeric() || t.id() == TypeId::kString || t.id() == TypeId::kNull;
  };
  if (arg->type()->id() == TypeId::kArray) {
    const auto& array = static_cast<const ArrayType&>(*arg->type());
    if (!numeric(*array.element_type()) || array.contains_null()) return WrongType(*arg, 1, expected, pretty);
    arg = ImplicitCast(arg, types::Array(type, false));
  } else {
    if (!numeric(*arg->type())) return WrongType(*arg, 1, expected, pretty);
    arg = ImplicitCast(arg, type);
  }
  return arrow::Status::OK();
}

// Calls `row(sketch bytes, i)` for each row whose arguments are all non-NULL;
// the rows with a NULL argument are NULL.
template <typename Builder, typename Fn>
arrow::Result<arrow::Datum> PerRow(const FunctionArgs& a, Builder* out, Fn row) {
  std::vector<ArrayPtr> arrays;
  for (const auto& v : a.values) {
    ARROW_ASSIGN_OR_RAISE(auto array, AsArray(v, a.num_rows));
    arrays.push_back(std::move(array));
  }
  const auto& sketches = static_cast<const arrow::BinaryArray&>(*arrays[0]);
  for (int64_t i = 0; i < a.num_rows; ++i) {
    bool null = false;
    for (const auto& array : arrays) null = null || array->IsNull(i);
    if (null) {
      ARROW_RETURN_NOT_OK(out->AppendNull());
    } else {
      ARROW_RETURN_NOT_OK(row(sketches.GetView(i), arrays, i));
    }
  }
  ARROW_ASSIGN_OR_RAISE(ArrayPtr result, out->Finish());
  return arrow::Datum(result);
}

template <typename T>
arrow::Result<BoundExprPtr> BindGetN(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(SketchArg(args, 0, pretty));
  auto impl = [name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Int64Builder out;
    return PerRow(a, &out, [&](std::string_view bytes, const auto&, int64_t) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKllSketch<T>(bytes, name));
      return out.Append(sketch.n());
    });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty);
}

template <typename T>
arrow::Result<BoundExprPtr> BindToString(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(SketchArg(args, 0, pretty));
  auto impl = [name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::StringBuilder out;
    return PerRow(a, &out, [&](std::string_view bytes, const auto&, int64_t) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKllSketch<T>(bytes, name));
      return out.Append(sketch.ToString());
    });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty);
}

template <typename T>
arrow::Result<BoundExprPtr> BindMerge(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(SketchArg(args, 0, pretty));
  ARROW_RETURN_NOT_OK(SketchArg(args, 1, pretty));
  auto impl = [name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::BinaryBuilder out;
    return PerRow(a, &out, [&](std::string_view bytes, const auto& arrays, int64_t i) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto left, ReadKllSketch<T>(bytes, name));
      const auto& right_bytes = static_cast<const arrow::BinaryArray&>(*arrays[1]);
      ARROW_ASSIGN_OR_RAISE(auto right, ReadKllSketch<T>(right_bytes.GetView(i), name));
      left.Merge(right);
      return out.Append(left.Serialize());
    });
  };
  return MakeFunction(name, impl, types::Binary(), std::move(args), pretty);
}

// The values of row i of `array` (a scalar column or an array column) as `V`.
template <typename V>
std::vector<V> RowValues(const arrow::Array& array, int64_t i) {
  using ArrowV = typename arrow::CTypeTraits<V>::ArrowType;
  std::vector<V> out;
  if (array.type_id() == arrow::Type::LIST) {
    const auto& list = static_cast<const arrow::ListArray&>(array);
    const auto& values = static_cast<const arrow::NumericArray<ArrowV>&>(*list.values());
    for (int64_t k = list.value_offset(i); k < list.value_offset(i + 1); ++k) out.push_back(values.Value(k));
  } else {
    out.push_back(static_cast<const arrow::NumericArray<ArrowV>&>(array).Value(i));
  }
  return out;
}

// get_quantile (rank -> item) and get_rank (item -> rank): one value, or an array of them.
template <typename T, bool kQuantile>
arrow::Result<BoundExprPtr> BindSearch(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  using In = std::conditional_t<kQuantile, double, T>;
  using Out = std::conditional_t<kQuantile, T, double>;
  using OutArrow = typename arrow::CTypeTraits<Out>::ArrowType;
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(SketchArg(args, 0, pretty));
  ARROW_RETURN_NOT_OK(ValueArg(args, kQuantile ? types::Double() : Item<T>::Type(), kQuantile ? "rank" : "quantile",
                               pretty));
  const bool is_array = args[1]->type()->id() == TypeId::kArray;
  const DataTypePtr& out_type = kQuantile ? Item<T>::Type() : types::Double();
  DataTypePtr type = is_array ? types::Array(out_type, false) : out_type;
  auto impl = [name, is_array](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    auto values = std::make_shared<arrow::NumericBuilder<OutArrow>>();
    arrow::ListBuilder list(arrow::default_memory_pool(), values);
    arrow::ArrayBuilder* out = is_array ? static_cast<arrow::ArrayBuilder*>(&list) : values.get();
    return PerRow(a, out, [&](std::string_view bytes, const auto& arrays, int64_t i) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKllSketch<T>(bytes, name));
      const std::vector<In> inputs = RowValues<In>(*arrays[1], i);
      if (sketch.empty() || sketch.num_retained() == 0) return InvalidKllSketch(name);
      if (is_array) ARROW_RETURN_NOT_OK(list.Append());
      for (In v : inputs) {
        if constexpr (kQuantile) {
          if (v < 0 || v > 1) {
            return SparkError("KLL_SKETCH_INVALID_QUANTILE_RANGE", "22003",
                              fmt::format("For function `{}`, the quantile value must be between 0.0 and 1.0 "
                                          "(inclusive).",
                                          name));
          }
          ARROW_RETURN_NOT_OK(values->Append(sketch.Quantile(v)));
        } else {
          ARROW_RETURN_NOT_OK(values->Append(sketch.Rank(v)));
        }
      }
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, std::move(type), std::move(args), pretty);
}

template <typename T>
void RegisterFor(FunctionRegistry& r, const std::string& suffix) {
  r.Add("kll_sketch_get_n_" + suffix, BindGetN<T>);
  r.Add("kll_sketch_to_string_" + suffix, BindToString<T>);
  r.Add("kll_sketch_merge_" + suffix, BindMerge<T>);
  r.Add("kll_sketch_get_quantile_" + suffix, BindSearch<T, true>);
  r.Add("kll_sketch_get_rank_" + suffix, BindSearch<T, false>);
}

}  // namespace

void RegisterKllFunctions(FunctionRegistry& r) {
  RegisterFor<int64_t>(r, "bigint");
  RegisterFor<double>(r, "double");
  RegisterFor<float>(r, "float");
}

}  // namespace spate
