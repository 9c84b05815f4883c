#pragma once

// A state value from Python (a tuple or list of the state's columns, or the
// one column's value) straight into the state's row encoding
// (spate/state/row_values.h), without Arrow arrays: the fast path of
// ValueState.update. It covers flat rows of integers, floats, strings, bytes,
// booleans, dates and timestamps; any other type or value is left to the
// Arrow path, which also gives the errors for values that do not fit.

#include <string>

#include <arrow/type_fwd.h>
#include <nanobind/nanobind.h>

namespace spate {

/// Appends the row `value` of `schema` to `out`; false (`out` then partly
/// written) when it needs the Arrow path. A naive datetime of a TIMESTAMP
/// column is a time in `tz`, the session's time zone (a tzinfo).
bool EncodePythonRow(nanobind::handle value, const arrow::Schema& schema, nanobind::handle tz, std::string* out);

}  // namespace spate
