#pragma once

// What transformWithState's value states (transform_with_state_handle.h) also
// offer a caller that encodes rows itself (spate/state/row_values.h), such as
// the Python binding: the value's row without Arrow arrays.

#include <string>

#include <arrow/status.h>

namespace spate {

class EncodedValueState {
 public:
  virtual ~EncodedValueState() = default;
  /// Stores `row`, the encoding of one row of the state's schema, as the value.
  virtual arrow::Status UpdateEncoded(std::string row) = 0;
};

}  // namespace spate
