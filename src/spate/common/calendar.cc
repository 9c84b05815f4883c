#include "spate/common/calendar.h"

#include <algorithm>

namespace spate::calendar {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Eras of 400 years (146097 days) starting on March 1st, so that the leap day
// is the last day of a year of the era.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  int64_t y = year - (month <= 2);
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && IsLeap(year));
}

// 1970-01-01 was a Thursday.
int IsoDayOfWeek(int64_t days) { return static_cast<int>(FloorMod(days + 3, 7)) + 1; }

int DayOfYear(int64_t days) {
  return static_cast<int>(days - DaysFromCivil(CivilFromDays(days).year, 1, 1)) + 1;
}

int IsoWeek(int64_t days) {
  int64_t thursday = days - IsoDayOfWeek(days) + 4;
  int64_t year = CivilFromDays(thursday).year;
  return static_cast<int>((thursday - DaysFromCivil(year, 1, 1)) / 7) + 1;
}

int64_t AddMonths(int64_t days, int64_t months) {
  Civil c = CivilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12);
  int m = static_cast<int>(total - y * 12) + 1;
  return DaysFromCivil(y, m, std::min(c.day, DaysInMonth(y, m)));
}

namespace {

void AppendPadded(int64_t value, int width, std::string* out) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out->append(width - digits.size(), '0');
  out->append(digits);
}

}  // namespace

void AppendYear(int64_t year, std::string* out) {
  if (year < 0) {
    out->push_back('-');
    AppendPadded(-year, 4, out);
  } else {
    if (year > 9999) out->push_back('+');
    AppendPadded(year, 4, out);
  }
}

void AppendDate(int64_t days, std::string* out) {
  Civil c = CivilFromDays(days);
  AppendYear(c.year, out);
  out->push_back('-');
  AppendPadded(c.month, 2, out);
  out->push_back('-');
  AppendPadded(c.day, 2, out);
}

}  // namespace spate::calendar
