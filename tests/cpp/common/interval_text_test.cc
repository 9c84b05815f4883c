#include "spate/common/interval_text.h"

#include <gtest/gtest.h>

#include "spate/common/error.h"

namespace spate::sql {
namespace {

IntervalValue Interval(std::string_view text) {
  auto result = ParseIntervalString(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  return result.ok() ? *result : IntervalValue{};
}

TEST(IntervalTextTest, SingleUnits) {
  EXPECT_EQ(Interval("10 minutes").micros, 600LL * 1000000);
  EXPECT_EQ(Interval("500 milliseconds").micros, 500000);
  EXPECT_EQ(Interval("10 microseconds").micros, 10);
  EXPECT_EQ(Interval("1 week").days, 7);
  EXPECT_EQ(Interval("1 Hour").micros, 3600LL * 1000000);
}

TEST(IntervalTextTest, SeveralUnitsAndPrefix) {
  auto v = Interval("1 hour 30 minutes");
  EXPECT_EQ(v.micros, 5400LL * 1000000);
  EXPECT_EQ(v.days, 0);
  auto d = Interval("interval 2 days");
  EXPECT_EQ(d.days, 2);
  EXPECT_EQ(d.micros, 0);
  EXPECT_EQ(Interval("1 year 2 months").months, 14);
}

TEST(IntervalTextTest, FractionsAndSigns) {
  EXPECT_EQ(Interval("1.5 seconds").micros, 1500000);
  EXPECT_EQ(Interval("-0.000001 second").micros, -1);
  EXPECT_EQ(Interval("1 day -1.25 seconds").micros, -1250000);
  EXPECT_EQ(Interval("-1 day").days, -1);
  EXPECT_EQ(Interval("  2 DAYS  -1 hour ").micros, -3600LL * 1000000);
}

TEST(IntervalTextTest, BadStringsCannotBeParsed) {
  auto result = ParseIntervalString("10 parsecs");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "[CANNOT_PARSE_INTERVAL] Unable to parse '10 parsecs'. Please ensure that the value "
            "provided is in a valid format for defining an interval. You can reference the "
            "documentation for the correct format. If the issue persists, please double check "
            "that the input value is not null or empty and try again. SQLSTATE: 22006");
  EXPECT_EQ(ErrorClassOf(result.status()), "CANNOT_PARSE_INTERVAL");
  for (std::string_view bad : {"", "10", "minutes", "ten minutes", "1.5 hours", "1 hour 2",
                               "10minutes", "1.0000000001 seconds", "99999999999 days"}) {
    EXPECT_FALSE(ParseIntervalString(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace spate::sql
