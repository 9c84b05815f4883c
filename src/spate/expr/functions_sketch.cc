// Scalar functions over Spark's sketches: bitmap_bit_position,
// bitmap_bucket_number, bitmap_count (spate/sketches/bitmap.h); theta_union,
// theta_intersection, theta_difference, theta_sketch_estimate
// (theta_sketch.h). The sketch aggregates are in exec/sketch_aggregates.cc.

#include <cmath>
#include <optional>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/sketch_args.h"
#include "spate/sketches/bitmap.h"
#include "spate/sketches/theta_sketch.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

arrow::Status RequireType(const std::string& pretty, const BoundExpr& arg, size_t i, const std::string& wanted) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                                      Ordinal(i), wanted, arg.name(), QuotedType(*arg.type())));
}

// The result of `fn(args, row)` for each row (NULL for std::nullopt); a row
// where an argument is NULL is NULL.
template <typename BuilderT, typename Fn>
arrow::Result<arrow::Datum> MapRows(const FunctionArgs& a, Fn fn) {
  arrow::ArrayVector args;
  for (const auto& v : a.values) {
    ARROW_ASSIGN_OR_RAISE(auto array, AsArray(v, a.num_rows));
    args.push_back(std::move(array));
  }
  BuilderT builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
  for (int64_t i = 0; i < a.num_rows; ++i) {
    bool null = false;
    for (const auto& arg : args) null = null || arg->IsNull(i);
    if (null) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto value, fn(args, i));
    if (value) {
      ARROW_RETURN_NOT_OK(builder.Append(*value));
    } else {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
  return arrow::Datum(out);
}

std::string_view BinaryAt(const arrow::ArrayVector& args, size_t arg, int64_t row) {
  return static_cast<const arrow::BinaryArray&>(*args[arg]).GetView(row);
}

// bitmap_bit_position(v), bitmap_bucket_number(v): BIGINT (numbers and strings cast).
arrow::Result<BoundExprPtr> BindBitmapPosition(const std::string& name, std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const TypeId t = args[0]->type()->id();
  if (!args[0]->type()->IsNumeric() && t != TypeId::kString && t != TypeId::kNull) {
    return RequireType(pretty, *args[0], 0, "\"BIGINT\"");
  }
  // Spark's casts from strings, fractions and decimals to BIGINT may give NULL.
  const bool nullable = args[0]->nullable() || t == TypeId::kString || t == TypeId::kFloat ||
                        t == TypeId::kDouble || t == TypeId::kDecimal;
  args[0] = ImplicitCast(args[0], types::Long());
  const bool bucket = name == "bitmap_bucket_number";
  auto impl = [bucket](const FunctionArgs& a) {
    return MapRows<arrow::Int64Builder>(a, [bucket](const arrow::ArrayVector& v, int64_t i)
                                               -> arrow::Result<std::optional<int64_t>> {
      const int64_t x = static_cast<const arrow::Int64Array&>(*v[0]).Value(i);
      return bucket ? sketches::BitmapBucketNumber(x) : sketches::BitmapBitPosition(x);
    });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty, nullable);
}

// bitmap_count(bitmap): the number of bits set; BINARY only (no casts).
arrow::Result<BoundExprPtr> BindBitmapCount(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  if (args[0]->type()->id() != TypeId::kBinary) return RequireType(pretty, *args[0], 0, "\"BINARY\"");
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int64Builder>(
        a, [](const arrow::ArrayVector& v, int64_t i) -> arrow::Result<std::optional<int64_t>> {
          return sketches::BitmapCount(BinaryAt(v, 0, i));
        });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty);
}

// ---------------------------------------------------------------------------
// Theta sketches.

using sketches::ThetaAnotB;
using sketches::ThetaIntersection;
using sketches::ThetaSketch;
using sketches::ThetaUnion;

arrow::Result<ThetaSketch> ReadThetaSketch(std::string_view bytes, const std::string& function) {
  auto sketch = ThetaSketch::Deserialize(bytes);
  if (!sketch) {
    return SparkError("THETA_INVALID_INPUT_SKETCH_BUFFER", "22546",
                      fmt::format("Invalid call to `{}`; only valid Theta sketch buffers are supported as inputs "
                                  "(such as those produced by the `theta_sketch_agg` function).",
                                  function));
  }
  return std::move(*sketch);
}

// theta_sketch_estimate(sketch): the estimate of distinct items, rounded.
arrow::Result<BoundExprPtr> BindThetaEstimate(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(ThetaSketchArg(pretty, args[0], 0, false));
  auto impl = [name](const FunctionArgs& a) {
    return MapRows<arrow::Int64Builder>(
        a, [&name](const arrow::ArrayVector& v, int64_t i) -> arrow::Result<std::optional<int64_t>> {
          ARROW_ASSIGN_OR_RAISE(auto sketch, ReadThetaSketch(BinaryAt(v, 0, i), name));
          return static_cast<int64_t>(std::floor(sketch.Estimate() + 0.5));
        });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty);
}

// theta_union(a, b [, lgNomEntries]), theta_intersection(a, b), theta_difference(a, b).
arrow::Result<BoundExprPtr> BindThetaSetOperation(const std::string& name, std::vector<BoundExprPtr> args,
                                                  const std::string& pretty) {
  const bool is_union = name == "theta_union";
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, is_union ? 3 : 2));
  std::string shown = pretty;
  if (is_union && args.size() == 2) {
    args.push_back(std::make_shared<BoundLiteral>(arrow::MakeScalar(int32_t{ThetaSketch::kDefaultLgNomEntries}),
                                                  types::Int(), "12"));
    shown = pretty.substr(0, pretty.size() - 1) + ", 12)";
  }
  ARROW_RETURN_NOT_OK(ThetaSketchArg(shown, args[0], 0, false));
  ARROW_RETURN_NOT_OK(ThetaSketchArg(shown, args[1], 1, false));
  int lg = 0;
  if (is_union) {
    ARROW_ASSIGN_OR_RAISE(lg, ThetaLgNomEntries(name, shown, *args[2], 2));
    args.pop_back();
  }
  auto impl = [name, lg](const FunctionArgs& a) {
    return MapRows<arrow::BinaryBuilder>(
        a, [&name, lg](const arrow::ArrayVector& v, int64_t i) -> arrow::Result<std::optional<std::string>> {
          ARROW_ASSIGN_OR_RAISE(auto left, ReadThetaSketch(BinaryAt(v, 0, i), name));
          ARROW_ASSIGN_OR_RAISE(auto right, ReadThetaSketch(BinaryAt(v, 1, i), name));
          if (name == "theta_union") {
            ThetaUnion u(lg);
            u.Add(left);
            u.Add(right);
            return u.Result().Serialize();
          }
          if (name == "theta_intersection") {
            ThetaIntersection n;
            n.Add(left);
            n.Add(right);
            return n.Result()->Serialize();
          }
          return ThetaAnotB(left, right).Serialize();
        });
  };
  return MakeFunction(name, impl, types::Binary(), std::move(args), shown);
}

}  // namespace

arrow::Status ThetaSketchArg(const std::string& pretty, BoundExprPtr& arg,
                             size_t position, bool items) {
  const DataType& t = *arg->type();
  if (t.id() == TypeId::kNull) {
    arg = ImplicitCast(arg, items ? types::Int() : types::Binary());
    return arrow::Status::OK();
  }
  if (!items) return t.id() == TypeId::kBinary ? arrow::Status::OK() : RequireType(pretty, *arg, position, "\"BINARY\"");
  switch (t.id()) {
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kString:
    case TypeId::kBinary: return arrow::Status::OK();
    case TypeId::kArray: {
      const TypeId e = static_cast<const ArrayType&>(t).element_type()->id();
      if (e == TypeId::kInt || e == TypeId::kLong) return arrow::Status::OK();
      break;
    }
    default: break;
  }
  return RequireType(pretty, *arg, position,
                     "(\"ARRAY<INT>\" or \"ARRAY<BIGINT>\" or \"BINARY\" or \"DOUBLE\" or \"FLOAT\" or \"INT\" or "
                     "\"BIGINT\" or \"STRING\")");
}

arrow::Result<int> ThetaLgNomEntries(const std::string& function, const std::string& pretty, const BoundExpr& arg,
                                     size_t position) {
  const TypeId t = arg.type()->id();
  if (t != TypeId::kInt && t != TypeId::kNull) return RequireType(pretty, arg, position, "\"INT\"");
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) {
    return SparkError("THETA_LG_NOM_ENTRIES_MUST_BE_CONSTANT", "42K0E",
                      fmt::format("Invalid call to `{}`; the `lgNomEntries` value must be a constant value, but got a "
                                  "non-constant expression.",
                                  function));
  }
  const int lg = value->is_valid && t == TypeId::kInt ? static_cast<const arrow::Int32Scalar&>(*value).value : 0;
  if (lg < ThetaSketch::kMinLgNomEntries || lg > ThetaSketch::kMaxLgNomEntries) {
    return SparkError("THETA_INVALID_LG_NOM_ENTRIES", "22546",
                      fmt::format("Invalid call to `{}`; the `lgNomEntries` value must be between {} and {}, "
                                  "inclusive: {}.",
                                  function, ThetaSketch::kMinLgNomEntries, ThetaSketch::kMaxLgNomEntries, lg));
  }
  return lg;
}

void RegisterSketchFunctions(FunctionRegistry& r) {
  r.Add("bitmap_bit_position", BindBitmapPosition);
  r.Add("bitmap_bucket_number", BindBitmapPosition);
  r.Add("bitmap_count", BindBitmapCount);
  r.Add("theta_sketch_estimate", BindThetaEstimate);
  for (const char* name : {"theta_union", "theta_intersection", "theta_difference"}) r.Add(name, BindThetaSetOperation);
}

}  // namespace spate
