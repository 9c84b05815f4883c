#include "spate/expr/json_value_spans.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(JsonValueSpansTest, EachValueAsWritten) {
  EXPECT_EQ(JsonValueSpans(R"( {"a": {"x":1,  "y":[1, 2.50]}, 'b' : 1.0E2 /* c */, c: +INF} tail)"),
            (std::vector<std::string_view>{R"({"a": {"x":1,  "y":[1, 2.50]}, 'b' : 1.0E2 /* c */, c: +INF})",
                                           R"({"x":1,  "y":[1, 2.50]})", "1", "[1, 2.50]", "1", "2.50",
                                           "1.0E2", "+INF"}));
  EXPECT_EQ(JsonValueSpans(R"(["a\"]", [ ], {}])"),
            (std::vector<std::string_view>{R"(["a\"]", [ ], {}])", R"("a\"]")", "[ ]", "{}"}));
}

TEST(JsonValueSpansTest, IncompleteTextHasNone) {
  EXPECT_TRUE(JsonValueSpans(R"({"a": [1, 2)").empty());
  EXPECT_TRUE(JsonValueSpans(R"({"a": "x)").empty());
  EXPECT_TRUE(JsonValueSpans("[1,]").empty());
  EXPECT_TRUE(JsonValueSpans("").empty());
}

}  // namespace
}  // namespace spate
