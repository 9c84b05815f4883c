// Date and time functions against Spark's documented results, in UTC and in
// a session time zone with an offset.

#include <ctime>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace {

// Seconds since the epoch of a UTC wall time, through the C library.
int64_t Epoch(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm));
}

int64_t Micros(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return Epoch(y, mo, d, h, mi, s) * 1000000;
}

int32_t DaysOf(int y, int mo, int d) { return static_cast<int32_t>(Epoch(y, mo, d) / 86400); }

BoundExprPtr Col(DataTypePtr type, const std::string& name = "c") {
  return std::make_shared<BoundColumn>(0, std::move(type), true, name);
}

BoundExprPtr Str(const std::string& v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(v), types::String(), v);
}

BoundExprPtr Int(int32_t v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::Int32Scalar>(v), types::Int(),
                                        std::to_string(v));
}

class DatetimeFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override { EnsureComputeInitialized(); }

  arrow::Result<std::shared_ptr<arrow::Array>> Eval(const std::string& name, std::vector<BoundExprPtr> args,
                                                    std::shared_ptr<arrow::Array> col) {
    ARROW_ASSIGN_OR_RAISE(auto expr, BindCall(name, std::move(args), name + "(...)"));
    auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("c", col->type())}), col->length(), {col});
    return EvaluateToArray(*expr, *batch, ctx_);
  }

  static std::shared_ptr<arrow::Array> Strings(const std::string& json) {
    return *arrow::json::ArrayFromJSONString(arrow::utf8(), json);
  }

  static std::shared_ptr<arrow::Array> Timestamps(const std::vector<std::optional<int64_t>>& micros) {
    arrow::TimestampBuilder b(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
    for (const auto& m : micros) {
      if (m) (void)b.Append(*m);
      else (void)b.AppendNull();
    }
    return *b.Finish();
  }

  // name(args) over a string column gives `want` (an array of the result type).
  void Expect(const std::string& name, std::vector<BoundExprPtr> args, const std::shared_ptr<arrow::Array>& in,
              const std::shared_ptr<arrow::Array>& want) {
    auto out = Eval(name, std::move(args), in);
    ASSERT_TRUE(out.ok()) << name << ": " << out.status().ToString();
    EXPECT_TRUE((*out)->Equals(*want)) << name << ": got " << (*out)->ToString() << "\nwant " << want->ToString();
  }

  void ExpectInts(const std::string& name, const std::string& input, const std::string& want) {
    Expect(name, {Col(types::String())}, Strings(input), *arrow::json::ArrayFromJSONString(arrow::int32(), want));
  }

  static std::shared_ptr<arrow::Array> Dates(const std::vector<std::optional<int32_t>>& days) {
    arrow::Date32Builder b;
    for (const auto& d : days) {
      if (d) (void)b.Append(*d);
      else (void)b.AppendNull();
    }
    return *b.Finish();
  }

  EvalContext ctx_;
};

TEST_F(DatetimeFunctionsTest, CurrentTime) {
  ctx_.current_timestamp_us = Micros(2024, 3, 1, 2, 30);
  auto expr = BindCall("current_timestamp", {}, "current_timestamp()");
  ASSERT_TRUE(expr.ok());
  EXPECT_FALSE((*expr)->nullable());
  Expect("now", {}, Strings(R"(["x", "y"])"), Timestamps({Micros(2024, 3, 1, 2, 30), Micros(2024, 3, 1, 2, 30)}));
  Expect("current_date", {}, Strings(R"(["x"])"), Dates({DaysOf(2024, 3, 1)}));
  // Still Feb 29 in Los Angeles.
  ctx_.format.time_zone = "America/Los_Angeles";
  Expect("current_date", {}, Strings(R"(["x"])"), Dates({DaysOf(2024, 2, 29)}));
}

TEST_F(DatetimeFunctionsTest, ToTimestampAndDate) {
  Expect("to_timestamp", {Col(types::String())},
         Strings(R"(["2016-12-31 00:12:00", "2016-12-31", "2016-12-31T00:12:00.5Z", null, " 2020-1-2 3:4:5 "])"),
         Timestamps({Micros(2016, 12, 31, 0, 12), Micros(2016, 12, 31), Micros(2016, 12, 31, 0, 12) + 500000,
                     std::nullopt, Micros(2020, 1, 2, 3, 4, 5)}));
  Expect("to_timestamp", {Col(types::String()), Str("yyyy-MM-dd")}, Strings(R"(["2016-12-31"])"),
         Timestamps({Micros(2016, 12, 31)}));
  Expect("to_timestamp", {Col(types::String()), Str("dd/MM/yyyy hh:mm:ss a")},
         Strings(R"(["05/03/2021 01:02:03 PM"])"), Timestamps({Micros(2021, 3, 5, 13, 2, 3)}));
  Expect("to_timestamp", {Col(types::String()), Str("yyyy-MM-dd HH:mm:ss.SSS")},
         Strings(R"(["2021-03-05 01:02:03.123"])"), Timestamps({Micros(2021, 3, 5, 1, 2, 3) + 123000}));
  Expect("to_timestamp", {Col(types::String()), Str("yyyy-MM-dd HH:mm XXX")},
         Strings(R"(["2021-03-05 01:02 +02:00"])"), Timestamps({Micros(2021, 3, 4, 23, 2)}));
  Expect("to_timestamp", {Col(types::String()), Str("d MMM yyyy")}, Strings(R"(["5 mar 2021"])"),
         Timestamps({Micros(2021, 3, 5)}));
  Expect("to_date", {Col(types::String())}, Strings(R"(["2009-07-30 04:17:52", "2009-07-30", null])"),
         Dates({DaysOf(2009, 7, 30), DaysOf(2009, 7, 30), std::nullopt}));
  Expect("to_date", {Col(types::String()), Str("yyyy-MM-dd")}, Strings(R"(["2016-12-31"])"),
         Dates({DaysOf(2016, 12, 31)}));
}

TEST_F(DatetimeFunctionsTest, MalformedInputAnsiAndLegacy) {
  auto bad = Eval("to_timestamp", {Col(types::String()), Str("yyyy-MM-dd")}, Strings(R"(["2016-1-31"])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorClassOf(bad.status()), "CANNOT_PARSE_TIMESTAMP") << bad.status().ToString();
  auto no_format = Eval("to_timestamp", {Col(types::String())}, Strings(R"(["abc"])"));
  EXPECT_EQ(ErrorClassOf(no_format.status()), "CAST_INVALID_INPUT");
  auto bad_date = Eval("to_date", {Col(types::String())}, Strings(R"(["2020-02-30"])"));
  EXPECT_EQ(ErrorClassOf(bad_date.status()), "CAST_INVALID_INPUT");
  ctx_.ansi = false;
  Expect("to_timestamp", {Col(types::String()), Str("yyyy-MM-dd")}, Strings(R"(["2016-1-31", "2016-01-31 x"])"),
         Timestamps({std::nullopt, std::nullopt}));
  Expect("to_timestamp", {Col(types::String())}, Strings(R"(["abc", "2020-13-01"])"),
         Timestamps({std::nullopt, std::nullopt}));
  Expect("to_date", {Col(types::String())}, Strings(R"(["2020-02-30"])"), Dates({std::nullopt}));
}

TEST_F(DatetimeFunctionsTest, SessionTimeZone) {
  ctx_.format.time_zone = "America/Los_Angeles";
  // Winter (UTC-8) and summer (UTC-7) wall times.
  Expect("to_timestamp", {Col(types::String())}, Strings(R"(["2024-01-15 10:00:00", "2024-07-15 10:00:00"])"),
         Timestamps({Micros(2024, 1, 15, 18), Micros(2024, 7, 15, 17)}));
  auto ts = Timestamps({Micros(2024, 1, 15, 18), Micros(2024, 1, 16, 2, 30)});
  Expect("hour", {Col(types::Timestamp())}, ts, *arrow::json::ArrayFromJSONString(arrow::int32(), "[10, 18]"));
  Expect("dayofmonth", {Col(types::Timestamp())}, ts, *arrow::json::ArrayFromJSONString(arrow::int32(), "[15, 15]"));
  Expect("date_format", {Col(types::Timestamp()), Str("yyyy-MM-dd HH:mm:ss XXX")}, ts,
         Strings(R"(["2024-01-15 10:00:00 -08:00", "2024-01-15 18:30:00 -08:00"])"));
  // Spark docs (America/Los_Angeles): unix_timestamp('2016-04-08', 'yyyy-MM-dd') = 1460098800.
  Expect("unix_timestamp", {Col(types::String()), Str("yyyy-MM-dd")}, Strings(R"(["2016-04-08"])"),
         *arrow::json::ArrayFromJSONString(arrow::int64(), "[1460098800]"));
  // from_unixtime(0) = '1969-12-31 16:00:00' there.
  auto zero = *arrow::json::ArrayFromJSONString(arrow::int64(), "[0, null]");
  Expect("from_unixtime", {Col(types::Long())}, zero, Strings(R"(["1969-12-31 16:00:00", null])"));
  Expect("date_trunc", {Str("DAY"), Col(types::Timestamp())}, ts,
         Timestamps({Micros(2024, 1, 15, 8), Micros(2024, 1, 15, 8)}));
  Expect("to_date", {Col(types::Timestamp())}, ts, Dates({DaysOf(2024, 1, 15), DaysOf(2024, 1, 15)}));
}

TEST_F(DatetimeFunctionsTest, Formatting) {
  Expect("date_format", {Col(types::String()), Str("y")}, Strings(R"(["2016-04-08", null])"),
         Strings(R"(["2016", null])"));
  auto ts = Timestamps({Micros(2021, 3, 5, 13, 2, 3) + 45600, Micros(1999, 12, 31, 0, 0, 9)});
  Expect("date_format", {Col(types::Timestamp()), Str("EEE, d MMM yy hh:mm:ss.SSS a 'Q'Q")}, ts,
         Strings(R"(["Fri, 5 Mar 21 01:02:03.045 PM Q1", "Fri, 31 Dec 99 12:00:09.000 AM Q4"])"));
  Expect("date_format", {Col(types::Timestamp()), Str("EEEE MMMM dd HH 'o''clock' D")}, ts,
         Strings(R"(["Friday March 05 13 o'clock 64", "Friday December 31 00 o'clock 365"])"));
  Expect("from_unixtime", {Col(types::Long()), Str("yyyy-MM-dd")},
         *arrow::json::ArrayFromJSONString(arrow::int64(), "[1460073600]"), Strings(R"(["2016-04-08"])"));
  auto bad = BindCall("date_format", {Col(types::Timestamp()), Str("yyyy-MM-dd A")}, "p");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorClassOf(bad.status()), "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER");
}

TEST_F(DatetimeFunctionsTest, Fields) {
  ExpectInts("year", R"(["2016-07-30", null, "2016-07-30 12:00:00"])", "[2016, null, 2016]");
  ExpectInts("quarter", R"(["2016-08-31", "2016-01-01"])", "[3, 1]");
  ExpectInts("month", R"(["2016-07-30"])", "[7]");
  ExpectInts("dayofmonth", R"(["2009-07-30"])", "[30]");
  ExpectInts("day", R"(["2009-07-30"])", "[30]");
  ExpectInts("dayofweek", R"(["2009-07-30", "2024-03-03"])", "[5, 1]");
  ExpectInts("dayofyear", R"(["2016-04-09", "2016-12-31"])", "[100, 366]");
  ExpectInts("weekofyear", R"(["2008-02-20", "2021-01-01", "2020-12-31"])", "[8, 53, 53]");
  ExpectInts("hour", R"(["2009-07-30 12:58:59"])", "[12]");
  ExpectInts("minute", R"(["2009-07-30 12:58:59"])", "[58]");
  ExpectInts("second", R"(["2009-07-30 12:58:59"])", "[59]");
  Expect("year", {Col(types::Date())}, Dates({DaysOf(1969, 12, 31), DaysOf(1600, 2, 29)}),
         *arrow::json::ArrayFromJSONString(arrow::int32(), "[1969, 1600]"));
}

TEST_F(DatetimeFunctionsTest, Truncation) {
  auto ts = Strings(R"(["2015-03-05T09:32:05.359"])");
  auto trunc_to = [&](const std::string& unit, int64_t want) {
    Expect("date_trunc", {Str(unit), Col(types::String())}, ts, Timestamps({want}));
  };
  trunc_to("YEAR", Micros(2015, 1, 1));
  trunc_to("yyyy", Micros(2015, 1, 1));
  trunc_to("QUARTER", Micros(2015, 1, 1));
  trunc_to("MM", Micros(2015, 3, 1));
  trunc_to("WEEK", Micros(2015, 3, 2));
  trunc_to("DD", Micros(2015, 3, 5));
  trunc_to("HOUR", Micros(2015, 3, 5, 9));
  trunc_to("MINUTE", Micros(2015, 3, 5, 9, 32));
  trunc_to("SECOND", Micros(2015, 3, 5, 9, 32, 5));
  trunc_to("MILLISECOND", Micros(2015, 3, 5, 9, 32, 5) + 359000);
  Expect("date_trunc", {Str("DECADE"), Col(types::String())}, ts, Timestamps({std::nullopt}));

  auto dates = Strings(R"(["2019-08-04", "2009-02-12", null])");
  Expect("trunc", {Col(types::String()), Str("week")}, dates, Dates({DaysOf(2019, 7, 29), DaysOf(2009, 2, 9), std::nullopt}));
  Expect("trunc", {Col(types::String()), Str("quarter")}, dates, Dates({DaysOf(2019, 7, 1), DaysOf(2009, 1, 1), std::nullopt}));
  Expect("trunc", {Col(types::String()), Str("MM")}, dates, Dates({DaysOf(2019, 8, 1), DaysOf(2009, 2, 1), std::nullopt}));
  Expect("trunc", {Col(types::String()), Str("YEAR")}, dates, Dates({DaysOf(2019, 1, 1), DaysOf(2009, 1, 1), std::nullopt}));
  Expect("trunc", {Col(types::String()), Str("DAY")}, dates, Dates({std::nullopt, std::nullopt, std::nullopt}));
}

TEST_F(DatetimeFunctionsTest, DateArithmetic) {
  auto d = Strings(R"(["2016-07-30", null])");
  Expect("date_add", {Col(types::String()), Int(1)}, d, Dates({DaysOf(2016, 7, 31), std::nullopt}));
  Expect("date_sub", {Col(types::String()), Int(1)}, d, Dates({DaysOf(2016, 7, 29), std::nullopt}));
  Expect("datediff", {Str("2009-07-31"), Col(types::String())}, Strings(R"(["2009-07-30", "2009-08-01"])"),
         *arrow::json::ArrayFromJSONString(arrow::int32(), "[1, -1]"));
  Expect("add_months", {Col(types::String()), Int(1)}, Strings(R"(["2016-08-31", "2016-01-31"])"),
         Dates({DaysOf(2016, 9, 30), DaysOf(2016, 2, 29)}));
  Expect("add_months", {Col(types::String()), Int(-13)}, Strings(R"(["2016-03-15"])"), Dates({DaysOf(2015, 2, 15)}));
  Expect("last_day", {Col(types::String())}, Strings(R"(["2009-01-12", "2024-02-01"])"),
         Dates({DaysOf(2009, 1, 31), DaysOf(2024, 2, 29)}));
}

TEST_F(DatetimeFunctionsTest, UtcShifts) {
  // Spark docs: from_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-31 09:00:00,
  // to_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-30 15:00:00.
  auto d = Strings(R"(["2016-08-31"])");
  Expect("from_utc_timestamp", {Col(types::String()), Str("Asia/Seoul")}, d, Timestamps({Micros(2016, 8, 31, 9)}));
  Expect("to_utc_timestamp", {Col(types::String()), Str("Asia/Seoul")}, d, Timestamps({Micros(2016, 8, 30, 15)}));
}

TEST_F(DatetimeFunctionsTest, WrongTypesAndCounts) {
  auto arr = Col(types::Array(types::Int()), "a");
  auto year = BindCall("year", {arr}, "year(a)");
  ASSERT_FALSE(year.ok());
  EXPECT_EQ(ErrorClassOf(year.status()), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
  EXPECT_NE(year.status().message().find("requires the \"DATE\" type"), std::string::npos);
  auto add = BindCall("date_add", {Col(types::String()), Col(types::Boolean())}, "p");
  EXPECT_EQ(ErrorClassOf(add.status()), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
  auto count = BindCall("year", {}, "year()");
  EXPECT_EQ(ErrorClassOf(count.status()), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
  auto now = BindCall("current_date", {Col(types::String())}, "p");
  EXPECT_EQ(ErrorClassOf(now.status()), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
}

// A wall time in a DST gap is read with the offset before the gap (moved
// forward by its length); an ambiguous one takes the earlier instant, as
// java.time resolves them.
TEST_F(DatetimeFunctionsTest, DstGapAndOverlap) {
  ctx_.format.time_zone = "America/New_York";
  Expect("to_timestamp", {Col(types::String())},
         Strings(R"(["2021-03-14 02:30:00", "2021-11-07 01:30:00", "2021-07-01 12:00:00"])"),
         Timestamps({Micros(2021, 3, 14, 7, 30), Micros(2021, 11, 7, 5, 30), Micros(2021, 7, 1, 16)}));
}

// make_date: leap days; an invalid date is an error under ANSI and NULL otherwise.
TEST_F(DatetimeFunctionsTest, MakeDate) {
  auto ints = *arrow::json::ArrayFromJSONString(arrow::int32(), "[2020, 2021]");
  ctx_.ansi = false;
  Expect("make_date", {Col(types::Int()), Int(2), Int(29)}, ints, Dates({DaysOf(2020, 2, 29), std::nullopt}));
  ctx_.ansi = true;
  auto out = Eval("make_date", {Col(types::Int()), Int(2), Int(29)}, ints);
  EXPECT_EQ(ErrorClassOf(out.status()), "DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION");
}

}  // namespace
}  // namespace spate
