#pragma once

// Helpers shared by the function-family tests: Arrow arrays from JSON text in
// a Spark type, and comparisons of results and error classes.

#include <memory>
#include <string>
#include <string_view>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/types/arrow_types.h"

namespace spate::testing {

/// An array of `type` (Spark's) from JSON text: "[1, null, 3]".
inline std::shared_ptr<arrow::Array> Json(const DataTypePtr& type, const std::string& json) {
  auto arrow_type = ToArrowType(*type).ValueOrDie();
  return arrow::json::ArrayFromJSONString(arrow_type, json).ValueOrDie();
}

inline void ExpectArray(const DataTypePtr& type, const std::string& expected,
                        const arrow::Result<std::shared_ptr<arrow::Array>>& actual) {
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  auto want = Json(type, expected);
  EXPECT_TRUE((*actual)->Equals(*want)) << "got " << (*actual)->ToString() << "\nwant "
                                        << want->ToString();
}

inline void ExpectErrorClass(const arrow::Status& st, std::string_view error_class) {
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(ErrorClassOf(st), error_class) << st.ToString();
}

}  // namespace spate::testing
