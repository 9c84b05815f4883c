#include "spate/common/calendar.h"

#include <gtest/gtest.h>

namespace spate::calendar {
namespace {

std::string DateText(int64_t days) {
  std::string out;
  AppendDate(days, &out);
  return out;
}

TEST(CalendarTest, FloorDivAndModRoundTowardNegativeInfinity) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
  EXPECT_EQ(FloorDiv(-86400, 86400), -1);
  EXPECT_EQ(FloorMod(-1, 7), 6);
  EXPECT_EQ(FloorMod(-14, 7), 0);
}

TEST(CalendarTest, DaysOfCivilDatesIncludingYearsBeforeOne) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(0, 3, 1), -719468);  // the algorithm's era start
  EXPECT_EQ(DaysFromCivil(0, 2, 29), -719469);  // year 0 (1 BC) is a leap year
  EXPECT_EQ(DaysFromCivil(-44, 3, 15), -735525);  // Spark's unix_date(DATE '-0044-03-15')
}

TEST(CalendarTest, CivilFromDaysInvertsDaysFromCivil) {
  for (int64_t days = -1000000; days <= 3000000; days += 997) {
    Civil c = CivilFromDays(days);
    ASSERT_GE(c.month, 1);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), days) << days;
  }
  Civil c = CivilFromDays(-735525);
  EXPECT_EQ(c.year, -44);
  EXPECT_EQ(c.month, 3);
  EXPECT_EQ(c.day, 15);
}

TEST(CalendarTest, LeapYearsOfTheProlepticGregorianCalendar) {
  EXPECT_TRUE(IsLeap(2000));
  EXPECT_TRUE(IsLeap(2024));
  EXPECT_FALSE(IsLeap(1900));
  EXPECT_FALSE(IsLeap(2100));
  EXPECT_TRUE(IsLeap(0));
  EXPECT_TRUE(IsLeap(-4));
  EXPECT_FALSE(IsLeap(-1));
  EXPECT_FALSE(IsLeap(-100));
  EXPECT_TRUE(IsLeap(-400));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(-1, 2), 28);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
}

TEST(CalendarTest, AddMonthsClampsTheDayToTheMonthEnd) {
  EXPECT_EQ(DateText(AddMonths(DaysFromCivil(2024, 1, 31), 1)), "2024-02-29");
  EXPECT_EQ(DateText(AddMonths(DaysFromCivil(2023, 1, 31), 1)), "2023-02-28");
  EXPECT_EQ(DateText(AddMonths(DaysFromCivil(2024, 3, 31), -13)), "2023-02-28");
  EXPECT_EQ(DateText(AddMonths(DaysFromCivil(0, 1, 15), -1)), "-0001-12-15");
  EXPECT_EQ(DateText(AddMonths(DaysFromCivil(-1, 3, 31), -1)), "-0001-02-28");
}

TEST(CalendarTest, WeekdaysWeeksAndDaysOfYear) {
  EXPECT_EQ(IsoDayOfWeek(0), 4);  // 1970-01-01 was a Thursday
  EXPECT_EQ(IsoDayOfWeek(-1), 3);
  EXPECT_EQ(IsoWeek(DaysFromCivil(2021, 1, 3)), 53);  // a Sunday in the last week of 2020
  EXPECT_EQ(IsoWeek(DaysFromCivil(2024, 12, 30)), 1);
  EXPECT_EQ(DayOfYear(DaysFromCivil(2024, 12, 31)), 366);
  EXPECT_EQ(DayOfYear(DaysFromCivil(-4, 12, 31)), 366);
}

TEST(CalendarTest, YearsPrintAsJavaTimePrintsThem) {
  EXPECT_EQ(DateText(DaysFromCivil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(DateText(DaysFromCivil(1, 1, 1)), "0001-01-01");
  EXPECT_EQ(DateText(DaysFromCivil(0, 12, 31)), "0000-12-31");
  EXPECT_EQ(DateText(DaysFromCivil(-44, 3, 15)), "-0044-03-15");
  EXPECT_EQ(DateText(DaysFromCivil(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(DateText(DaysFromCivil(12345, 1, 1)), "+12345-01-01");
}

}  // namespace
}  // namespace spate::calendar
