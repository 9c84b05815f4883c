// Time windows: window(ts, windowDuration[, slideDuration[, startTime]]) as
// Spark defines them. A tumbling window (slide == duration) maps each row to
// one struct<start, end>; a sliding window puts a row into every window that
// contains it, which the analyzer runs as an explode of window_overlaps()
// (plan_builder.cc: ExpandSlidingWindows).

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/calendar.h"
#include "spate/common/error.h"
#include "spate/common/interval_text.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/window_spec.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using calendar::FloorMod;

arrow::Result<int64_t> DurationMicros(const BoundExpr& arg, const char* what, const std::string& pretty) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr || !value->is_valid || value->type->id() != arrow::Type::STRING) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `{}` should be a foldable \"STRING\" expression", what));
  }
  std::string text = value->ToString();
  auto parsed = sql::ParseIntervalString(text);
  if (!parsed.ok()) {
    return arrow::Status::Invalid(fmt::format("The provided {} ({}) is not a valid interval string.", what, text));
  }
  if (parsed->months != 0) {
    return arrow::Status::Invalid(fmt::format("Intervals greater than a month is not supported ({}).", text));
  }
  return parsed->days * 86'400'000'000LL + parsed->micros;
}

StructTypePtr WindowType(const DataTypePtr& time_type) {
  return types::Struct({{"start", time_type, true}, {"end", time_type, true}});
}

// The struct<start, end> arrays for given bounds (null where `valid` is false).
arrow::Result<std::shared_ptr<arrow::Array>> IntervalStructs(const std::vector<int64_t>& starts,
                                                             const std::vector<int64_t>& ends,
                                                             const std::vector<bool>& valid,
                                                             const DataType& window_type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(window_type));
  const auto& fields = arrow_type->fields();
  arrow::TimestampBuilder start_b(fields[0]->type(), arrow::default_memory_pool());
  arrow::TimestampBuilder end_b(fields[1]->type(), arrow::default_memory_pool());
  ARROW_RETURN_NOT_OK(start_b.Reserve(static_cast<int64_t>(starts.size())));
  ARROW_RETURN_NOT_OK(end_b.Reserve(static_cast<int64_t>(starts.size())));
  for (size_t i = 0; i < starts.size(); ++i) {
    if (valid[i]) {
      start_b.UnsafeAppend(starts[i]);
      end_b.UnsafeAppend(ends[i]);
    } else {
      start_b.UnsafeAppendNull();
      end_b.UnsafeAppendNull();
    }
  }
  std::shared_ptr<arrow::Array> s, e;
  ARROW_RETURN_NOT_OK(start_b.Finish(&s));
  ARROW_RETURN_NOT_OK(end_b.Finish(&e));
  return arrow::StructArray::Make({s, e}, fields, s->null_bitmap(), s->null_count());
}

arrow::Result<std::shared_ptr<arrow::Array>> WindowStructs(const std::vector<int64_t>& starts,
                                                           const std::vector<bool>& valid, int64_t size,
                                                           const DataType& window_type) {
  std::vector<int64_t> ends(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) ends[i] = starts[i] + size;
  return IntervalStructs(starts, ends, valid, window_type);
}

arrow::Result<std::shared_ptr<arrow::Int64Array>> Micros(const arrow::Datum& d, int64_t n) {
  std::shared_ptr<arrow::Array> array;
  if (d.is_array()) {
    array = d.make_array();
  } else {
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*d.scalar(), n));
  }
  ARROW_ASSIGN_OR_RAISE(auto view, array->View(arrow::int64()));
  return std::static_pointer_cast<arrow::Int64Array>(view);
}

arrow::Result<std::shared_ptr<arrow::Array>> EvaluatedArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

// The time column of window()/session_window(): a timestamp (dates and
// strings are cast to one, as Spark does).
arrow::Status CheckTimeArgument(std::vector<BoundExprPtr>& args, const std::string& pretty) {
  TypeId t = args[0]->type()->id();
  if (t == TypeId::kDate || t == TypeId::kString) args[0] = ImplicitCast(args[0], types::Timestamp());
  t = args[0]->type()->id();
  if (t != TypeId::kTimestamp && t != TypeId::kTimestampNtz) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires the (\"TIMESTAMP\" or \"TIMESTAMP_NTZ\") "
                                        "type, however \"{}\" has the type {}",
                                        args[0]->name(), QuotedType(*args[0]->type())));
  }
  return arrow::Status::OK();
}

arrow::Result<WindowSpec> ReadSpec(std::vector<BoundExprPtr>& args, const std::string& name,
                                   const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 4));
  ARROW_RETURN_NOT_OK(CheckTimeArgument(args, pretty));
  WindowSpec spec;
  ARROW_ASSIGN_OR_RAISE(spec.size, DurationMicros(*args[1], "windowDuration", pretty));
  spec.slide = spec.size;
  if (args.size() >= 3) {
    ARROW_ASSIGN_OR_RAISE(spec.slide, DurationMicros(*args[2], "slideDuration", pretty));
  }
  if (args.size() == 4) {
    ARROW_ASSIGN_OR_RAISE(spec.start, DurationMicros(*args[3], "startTime", pretty));
  }
  if (spec.size <= 0) {
    return arrow::Status::Invalid(fmt::format("The window duration ({}) must be greater than 0.", args[1]->name()));
  }
  if (spec.slide <= 0) {
    return arrow::Status::Invalid(fmt::format("The slide duration ({}) must be greater than 0.", args[2]->name()));
  }
  if (spec.slide > spec.size) {
    return arrow::Status::Invalid(fmt::format(
        "The slide duration ({}) must be less than or equal to the windowDuration ({}).", args[2]->name(),
        args[1]->name()));
  }
  if (std::abs(spec.start) >= spec.slide) {
    return arrow::Status::Invalid(fmt::format(
        "The absolute value of start time ({}) must be less than the slideDuration ({}).", args[3]->name(),
        args[2]->name()));
  }
  return spec;
}

// window(...) with slide == size: one window per row.
arrow::Result<BoundExprPtr> BindWindow(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(WindowSpec spec, ReadSpec(args, name, pretty));
  if (spec.slide != spec.size) {
    return arrow::Status::Invalid("a sliding window(...) is expanded into rows by the analyzer; it cannot be "
                                  "evaluated as a single value here");
  }
  DataTypePtr type = WindowType(args[0]->type());
  auto impl = [spec](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto ts, Micros(a.values[0], a.num_rows));
    std::vector<int64_t> starts(ts->length());
    std::vector<bool> valid(ts->length());
    for (int64_t i = 0; i < ts->length(); ++i) {
      valid[i] = ts->IsValid(i);
      if (valid[i]) starts[i] = ts->Value(i) - FloorMod(ts->Value(i) - spec.start, spec.size);
    }
    ARROW_ASSIGN_OR_RAISE(auto out, WindowStructs(starts, valid, spec.size, a.result_type));
    return arrow::Datum(out);
  };
  // Not nullable: rows without a time are dropped before windows are computed.
  return MakeFunction(name, impl, type, std::move(args), "window", false);
}

// window_overlaps(...): every window containing the row, oldest first.
arrow::Result<BoundExprPtr> BindWindowOverlaps(const std::string& name, std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(WindowSpec spec, ReadSpec(args, name, pretty));
  DataTypePtr element = WindowType(args[0]->type());
  DataTypePtr type = types::Array(element, false);
  auto impl = [spec, element](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto ts, Micros(a.values[0], a.num_rows));
    std::vector<int64_t> starts;
    arrow::Int32Builder offsets;
    ARROW_RETURN_NOT_OK(offsets.Append(0));
    const int64_t candidates = (spec.size + spec.slide - 1) / spec.slide;
    for (int64_t i = 0; i < ts->length(); ++i) {
      if (ts->IsValid(i)) {
        int64_t t = ts->Value(i);
        int64_t last_start = t - FloorMod(t - spec.start, spec.slide);
        for (int64_t k = candidates - 1; k >= 0; --k) {
          int64_t start = last_start - k * spec.slide;
          if (start <= t && t < start + spec.size) starts.push_back(start);
        }
      }
      ARROW_RETURN_NOT_OK(offsets.Append(static_cast<int32_t>(starts.size())));
    }
    ARROW_ASSIGN_OR_RAISE(auto values, WindowStructs(starts, std::vector<bool>(starts.size(), true), spec.size, *element));
    ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
    ARROW_ASSIGN_OR_RAISE(auto lists, arrow::ListArray::FromArrays(*offset_array, *values));
    return arrow::Datum(lists);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, false);
}

// A gap as an interval string, in microseconds; nullopt when it does not parse.
std::optional<int64_t> GapMicros(std::string_view text) {
  auto parsed = sql::ParseIntervalString(text);
  if (!parsed.ok()) return std::nullopt;
  return parsed->months * 31LL * 86'400'000'000LL + parsed->days * 86'400'000'000LL + parsed->micros;
}

// session_window(ts, gap): the session a row opens, [ts, ts + gap). The
// aggregation merges overlapping sessions of a key (exec/session_window.h)
// and drops rows whose gap is not positive. `gap` is a constant interval
// string or a per-row string expression (a dynamic gap).
arrow::Result<BoundExprPtr> BindSessionWindow(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(CheckTimeArgument(args, pretty));
  if (args[1]->type()->id() != TypeId::kString) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The second parameter requires the \"STRING\" type, however \"{}\" "
                                        "has the type {}",
                                        args[1]->name(), QuotedType(*args[1]->type())));
  }
  if (const arrow::Scalar* gap = ConstantValue(*args[1]); gap != nullptr && gap->is_valid) {
    std::string text = gap->ToString();
    auto micros = GapMicros(text);
    if (!micros) {
      return arrow::Status::Invalid(
          fmt::format("The provided gapDuration ({}) is not a valid interval string.", text));
    }
    if (*micros <= 0) {
      return arrow::Status::Invalid(
          fmt::format("The session window gap duration ({}) must be greater than 0.", text));
    }
  }
  DataTypePtr type = WindowType(args[0]->type());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto ts, Micros(a.values[0], a.num_rows));
    std::shared_ptr<arrow::Array> gaps;
    if (a.values[1].is_array()) {
      gaps = a.values[1].make_array();
    } else {
      ARROW_ASSIGN_OR_RAISE(gaps, arrow::MakeArrayFromScalar(*a.values[1].scalar(), a.num_rows));
    }
    const auto& gap_text = static_cast<const arrow::StringArray&>(*gaps);
    const int64_t n = ts->length();
    std::vector<int64_t> starts(n), ends(n);
    std::vector<bool> valid(n);
    std::optional<int64_t> constant;
    if (!a.values[1].is_array() && gap_text.IsValid(0)) constant = GapMicros(gap_text.GetView(0));
    for (int64_t i = 0; i < n; ++i) {
      valid[i] = ts->IsValid(i);
      if (!valid[i]) continue;
      std::optional<int64_t> gap = constant;
      if (a.values[1].is_array()) gap = gap_text.IsValid(i) ? GapMicros(gap_text.GetView(i)) : std::nullopt;
      starts[i] = ts->Value(i);
      ends[i] = starts[i] + gap.value_or(0);  // an invalid gap: an empty session, dropped when grouping
    }
    ARROW_ASSIGN_OR_RAISE(auto out, IntervalStructs(starts, ends, valid, a.result_type));
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, type, std::move(args), "session_window", false);
}

// window_time(window): the last instant inside a window, end - 1 microsecond.
arrow::Result<BoundExprPtr> BindWindowTime(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& type = *args[0]->type();
  int end_field = -1;
  if (type.id() == TypeId::kStruct) {
    const auto& fields = static_cast<const StructType&>(type).fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == "end" && fields[i].type->id() == TypeId::kTimestamp) end_field = static_cast<int>(i);
    }
  }
  if (end_field < 0) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires a window struct<start, end> of "
                                        "timestamps, however \"{}\" has the type {}",
                                        args[0]->name(), QuotedType(type)));
  }
  auto impl = [end_field](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluatedArray(a.values[0], a.num_rows));
    const auto& windows = static_cast<const arrow::StructArray&>(*array);
    ARROW_ASSIGN_OR_RAISE(auto ends, windows.GetFlattenedField(end_field));
    ARROW_ASSIGN_OR_RAISE(auto micros, Micros(arrow::Datum(ends), a.num_rows));
    arrow::TimestampBuilder out(ends->type(), arrow::default_memory_pool());
    for (int64_t i = 0; i < micros->length(); ++i) {
      ARROW_RETURN_NOT_OK(micros->IsValid(i) ? out.Append(micros->Value(i) - 1) : out.AppendNull());
    }
    std::shared_ptr<arrow::Array> result;
    ARROW_RETURN_NOT_OK(out.Finish(&result));
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::Timestamp(), std::move(args), pretty, true);
}

}  // namespace

arrow::Result<std::optional<WindowSpec>> SlidingWindowSpec(const std::vector<BoundExprPtr>& args) {
  std::vector<BoundExprPtr> copy = args;
  ARROW_ASSIGN_OR_RAISE(WindowSpec spec, ReadSpec(copy, "window", "window"));
  if (spec.slide == spec.size) return std::nullopt;
  return spec;
}

void RegisterWindowFunctions(FunctionRegistry& r) {
  r.Add("window", BindWindow);
  r.Add("window_overlaps", BindWindowOverlaps);
  r.Add("session_window", BindSessionWindow);
  r.Add("window_time", BindWindowTime);
}

}  // namespace spate
