#include "spate/common/error.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(ErrorTest, SparkErrorCarriesClassAndSqlState) {
  auto st = SparkError("UNSUPPORTED_DATATYPE", "0A000", "Unsupported data type \"FOO\".");
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_EQ(st.message(), "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". SQLSTATE: 0A000");
  EXPECT_EQ(ErrorClassOf(st), "UNSUPPORTED_DATATYPE");
}

TEST(ErrorTest, PlainStatusHasNoClass) {
  EXPECT_EQ(ErrorClassOf(arrow::Status::IOError("disk full")), "");
  EXPECT_EQ(ErrorClassOf(arrow::Status::Invalid("[unclosed")), "");
}

}  // namespace
}  // namespace spate
