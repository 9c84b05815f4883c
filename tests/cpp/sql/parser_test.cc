#include "spate/sql/parser.h"

#include <arrow/scalar.h>
#include <arrow/util/decimal.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"

namespace spate::sql {
namespace {

ExprPtr Parse(std::string_view text) {
  auto result = ParseExpression(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  return result.ok() ? *result : ex::Null();
}

std::string Str(std::string_view text) { return Parse(text)->ToString(); }

std::string ErrorOf(std::string_view text) {
  auto result = ParseExpression(text);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << text;
  return result.ok() ? "" : result.status().message();
}

Statement Stmt(std::string_view text) {
  auto result = ParseStatement(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  return result.ok() ? *result : Statement{};
}

SelectPtr Select(std::string_view text) {
  auto s = Stmt(text);
  EXPECT_EQ(s.kind, Statement::Kind::kSelect);
  return s.select ? s.select : std::make_shared<SelectStatement>();
}

std::string StatementError(std::string_view text) {
  auto result = ParseStatement(text);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << text;
  return result.ok() ? "" : result.status().message();
}

// The first line of an error: the message without the "== SQL ==" excerpt.
std::string Headline(const std::string& message) { return message.substr(0, message.find('\n')); }

template <typename ScalarT>
auto ValueOf(const ExprPtr& e) {
  EXPECT_EQ(e->kind, ExprKind::kLiteral);
  return static_cast<const ScalarT&>(*e->literal).value;
}

std::string TypeOf(const ExprPtr& e) { return e->type ? e->type->SimpleString() : "<none>"; }

// --- names, stars and aliases -------------------------------------------------

TEST(ParserExprTest, ColumnReference) {
  auto e = Parse("a");
  EXPECT_EQ(e->kind, ExprKind::kColumn);
  EXPECT_EQ(e->name_parts, std::vector<std::string>{"a"});
}

TEST(ParserExprTest, DottedColumnKeepsEveryPart) {
  auto e = Parse("data.user.id");
  EXPECT_EQ(e->kind, ExprKind::kColumn);
  EXPECT_EQ(e->name_parts, (std::vector<std::string>{"data", "user", "id"}));
}

TEST(ParserExprTest, BackquotedNamesKeepDotsAndSpaces) {
  EXPECT_EQ(Parse("`a.b`")->name_parts, std::vector<std::string>{"a.b"});
  EXPECT_EQ(Parse("`my col`.x")->name_parts, (std::vector<std::string>{"my col", "x"}));
}

TEST(ParserExprTest, StarAndQualifiedStar) {
  auto star = Parse("*");
  EXPECT_EQ(star->kind, ExprKind::kStar);
  EXPECT_TRUE(star->name_parts.empty());
  auto qualified = Parse("data.*");
  EXPECT_EQ(qualified->kind, ExprKind::kStar);
  EXPECT_EQ(qualified->name_parts, std::vector<std::string>{"data"});
  EXPECT_EQ(Parse("a.b.*")->name_parts, (std::vector<std::string>{"a", "b"}));
}

TEST(ParserExprTest, ExplicitImplicitAndQuotedAliases) {
  auto as = Parse("a + 1 AS b");
  EXPECT_EQ(as->kind, ExprKind::kAlias);
  EXPECT_EQ(as->name, "b");
  EXPECT_EQ(as->args[0]->ToString(), "(a + 1)");
  auto implicit = Parse("upper(name) n");
  EXPECT_EQ(implicit->kind, ExprKind::kAlias);
  EXPECT_EQ(implicit->name, "n");
  EXPECT_EQ(Parse("a AS `my col`")->name, "my col");
}

TEST(ParserExprTest, MultiColumnAlias) {
  auto e = Parse("explode(m) AS (k, v)");
  EXPECT_EQ(e->kind, ExprKind::kAlias);
  EXPECT_EQ(e->name_parts, (std::vector<std::string>{"k", "v"}));
  EXPECT_EQ(e->args[0]->name, "explode");
  EXPECT_EQ(Parse("posexplode(a) (p, x)")->name_parts, (std::vector<std::string>{"p", "x"}));
}

TEST(ParserExprTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Str("a BeTwEeN 1 aNd 2"), "((a >= 1) AND (a <= 2))");
  EXPECT_EQ(Str("a is NOT null"), "(a IS NOT NULL)");
}

TEST(ParserExprTest, NonReservedKeywordsAreColumnNames) {
  EXPECT_EQ(Parse("date")->kind, ExprKind::kColumn);
  EXPECT_EQ(Str("timestamp + interval"), "(timestamp + interval)");
  EXPECT_EQ(Str("count + year"), "(count + year)");
}

// --- operators and precedence ----------------------------------------------

TEST(ParserExprTest, MultiplicationBindsTighterThanAddition) {
  EXPECT_EQ(Str("a + 1 * 2"), "(a + (1 * 2))");
  EXPECT_EQ(Str("(a + 1) * 2"), "((a + 1) * 2)");
}

TEST(ParserExprTest, ArithmeticIsLeftAssociative) {
  EXPECT_EQ(Str("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(Str("a / b % c"), "((a / b) % c)");
}

TEST(ParserExprTest, DivAndConcat) {
  EXPECT_EQ(Str("a DIV b"), "(a div b)");
  auto concat = Parse("a || b");
  EXPECT_EQ(concat->name, "concat");
  EXPECT_EQ(concat->ToString(), "concat(a, b)");
  // || shares the precedence of + and -, left to right.
  EXPECT_EQ(Str("a || b + 1"), "(concat(a, b) + 1)");
}

TEST(ParserExprTest, UnaryMinusOnColumnIsNegative) {
  auto e = Parse("-a");
  EXPECT_EQ(e->name, "-");
  EXPECT_EQ(Str("negative(a)"), "negative(a)");
  EXPECT_EQ(e->ToString(), "(- a)");
  EXPECT_EQ(Str("-a * b"), "((- a) * b)");
}

TEST(ParserExprTest, MinusBeforeNumberFoldsIntoTheLiteral) {
  auto e = Parse("-1");
  EXPECT_EQ(TypeOf(e), "int");
  EXPECT_EQ(ValueOf<arrow::Int32Scalar>(e), -1);
  EXPECT_EQ(ValueOf<arrow::Int32Scalar>(Parse("-2147483648")), -2147483648);
  EXPECT_EQ(Str("a -1"), "(a - 1)");
}

TEST(ParserExprTest, ComparisonBindsLooserThanArithmetic) {
  EXPECT_EQ(Str("a + 1 > b * 2"), "((a + 1) > (b * 2))");
  EXPECT_EQ(Str("a == 1"), "(a = 1)");
  EXPECT_EQ(Str("a <=> b"), "(a <=> b)");
  EXPECT_EQ(Str("a >= 1 "), "(a >= 1)");
}

TEST(ParserExprTest, NotEqualIsNotOfEquality) {
  EXPECT_EQ(Str("a != 1"), "(NOT (a = 1))");
  EXPECT_EQ(Str("a <> 1"), "(NOT (a = 1))");
}

TEST(ParserExprTest, AndBindsTighterThanOr) {
  EXPECT_EQ(Str("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(Str("a AND b OR c"), "((a AND b) OR c)");
}

TEST(ParserExprTest, NotBindsLooserThanComparison) {
  EXPECT_EQ(Str("NOT a = 1 AND b"), "((NOT (a = 1)) AND b)");
  EXPECT_EQ(Str("!a"), "(NOT a)");
}

TEST(ParserExprTest, BitwiseOperatorsPrecedence) {
  EXPECT_EQ(Str("a | b & c"), "(a | (b & c))");
  EXPECT_EQ(Str("a ^ b & c"), "(a ^ (b & c))");
  EXPECT_EQ(Str("a | b ^ c"), "(a | (b ^ c))");
  EXPECT_EQ(Str("a & b + 1"), "(a & (b + 1))");
  auto tilde = Parse("~a");
  EXPECT_EQ(tilde->name, "~");
  EXPECT_EQ(tilde->args.size(), 1u);
}

// --- predicates ------------------------------------------------------------

TEST(ParserExprTest, BetweenIsTwoComparisons) {
  EXPECT_EQ(Str("x BETWEEN 1 AND 3"), "((x >= 1) AND (x <= 3))");
  EXPECT_EQ(Str("x NOT BETWEEN 1 AND 3"), "(NOT ((x >= 1) AND (x <= 3)))");
}

TEST(ParserExprTest, BetweenBoundsStopAtAnd) {
  EXPECT_EQ(Str("x BETWEEN 1 AND 3 AND y"), "(((x >= 1) AND (x <= 3)) AND y)");
  EXPECT_EQ(Str("x + 1 BETWEEN a - 1 AND a + 1"),
            "(((x + 1) >= (a - 1)) AND ((x + 1) <= (a + 1)))");
}

TEST(ParserExprTest, InList) {
  auto e = Parse("x IN (1, 2)");
  EXPECT_EQ(e->name, "in");
  EXPECT_EQ(e->args.size(), 3u);
  EXPECT_EQ(e->ToString(), "(x IN (1, 2))");
  EXPECT_EQ(Str("x NOT IN ('a')"), "(NOT (x IN (a)))");
}

TEST(ParserExprTest, LikeFamily) {
  auto like = Parse("name LIKE 'a%'");
  EXPECT_EQ(like->name, "like");
  EXPECT_EQ(like->args[1]->ToString(), "a%");
  auto not_like = Parse("name NOT LIKE 'a%'");
  EXPECT_EQ(not_like->name, "not");
  EXPECT_EQ(not_like->args[0]->name, "like");
  EXPECT_EQ(Parse("name RLIKE '^a'")->name, "rlike");
  EXPECT_EQ(Parse("name REGEXP '^a'")->name, "rlike");
  EXPECT_EQ(Parse("name ILIKE 'A%'")->name, "ilike");
}

TEST(ParserExprTest, IsNullAndIsNotNull) {
  EXPECT_EQ(Str("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(Parse("a IS NOT NULL")->name, "isnotnull");
  EXPECT_EQ(Str("a + 1 IS NULL"), "((a + 1) IS NULL)");
}

TEST(ParserExprTest, IsDistinctFrom) {
  EXPECT_EQ(Str("a IS DISTINCT FROM b"), "(NOT (a <=> b))");
  EXPECT_EQ(Str("a IS NOT DISTINCT FROM b"), "(a <=> b)");
}

TEST(ParserExprTest, IsTrue) {
  EXPECT_EQ(Str("a IS TRUE"), "(a <=> true)");
  EXPECT_EQ(Str("a IS NOT FALSE"), "(NOT (a <=> false))");
}

// --- literals --------------------------------------------------------------

TEST(ParserLiteralTest, IntegersWidenToBigintThenDecimal) {
  EXPECT_EQ(TypeOf(Parse("2147483647")), "int");
  auto big = Parse("2147483648");
  EXPECT_EQ(TypeOf(big), "bigint");
  EXPECT_EQ(ValueOf<arrow::Int64Scalar>(big), 2147483648LL);
  auto huge = Parse("9223372036854775808");
  EXPECT_EQ(TypeOf(huge), "decimal(19,0)");
  EXPECT_EQ(ValueOf<arrow::Decimal128Scalar>(huge).ToIntegerString(), "9223372036854775808");
}

TEST(ParserLiteralTest, TooManyDigitsForADecimal) {
  EXPECT_EQ(Headline(ErrorOf(std::string(40, '9'))),
            "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 40 exceeds max precision "
            "38. SQLSTATE: 22003 (line 1, pos 0)");
  EXPECT_NE(ErrorOf("1E50BD").find("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION]"),
            std::string::npos);
  EXPECT_EQ(TypeOf(Parse("1E2BD")), "decimal(3,0)");
}

TEST(ParserLiteralTest, TimestampTextWithoutAZoneIsReadInTheGivenZone) {
  ParseOptions new_york;
  new_york.time_zone = "America/New_York";
  auto in_new_york = ParseExpression("TIMESTAMP '2024-01-01 00:00:00'", new_york);
  ASSERT_TRUE(in_new_york.ok()) << in_new_york.status().message();
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(*in_new_york), 1704085200LL * 1000000);
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(Parse("TIMESTAMP '2024-01-01 00:00:00'")), 1704067200LL * 1000000);
  // A zone in the text, and TIMESTAMP_NTZ, do not depend on the session's.
  auto zoned = ParseExpression("TIMESTAMP '2024-01-01 00:00:00 UTC'", new_york);
  ASSERT_TRUE(zoned.ok());
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(*zoned), 1704067200LL * 1000000);
  auto ntz = ParseExpression("TIMESTAMP_NTZ '2024-01-01 00:00:00'", new_york);
  ASSERT_TRUE(ntz.ok());
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(*ntz), 1704067200LL * 1000000);
}

TEST(ParserLiteralTest, IntegerSuffixes) {
  auto l = Parse("10L");
  EXPECT_EQ(TypeOf(l), "bigint");
  EXPECT_EQ(ValueOf<arrow::Int64Scalar>(l), 10);
  auto s = Parse("5S");
  EXPECT_EQ(TypeOf(s), "smallint");
  EXPECT_EQ(ValueOf<arrow::Int16Scalar>(s), 5);
  auto y = Parse("-7y");
  EXPECT_EQ(TypeOf(y), "tinyint");
  EXPECT_EQ(ValueOf<arrow::Int8Scalar>(y), -7);
}

TEST(ParserLiteralTest, SuffixOutOfRange) {
  EXPECT_EQ(Headline(ErrorOf("128Y")),
            "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 is outside the valid range for "
            "tinyint with minimum value of -128 and maximum value of 127. Please adjust the value "
            "accordingly. SQLSTATE: 22003 (line 1, pos 0)");
  EXPECT_NE(ErrorOf("99999999999999999999L").find("for bigint"), std::string::npos);
}

TEST(ParserLiteralTest, DecimalsAreExact) {
  auto e = Parse("1.5");
  EXPECT_EQ(TypeOf(e), "decimal(2,1)");
  EXPECT_EQ(ValueOf<arrow::Decimal128Scalar>(e), arrow::Decimal128(15));
  EXPECT_EQ(e->literal->type->ToString(), "decimal128(2, 1)");
  EXPECT_EQ(TypeOf(Parse("123.450")), "decimal(6,3)");
  EXPECT_EQ(TypeOf(Parse("0.5")), "decimal(1,1)");
  EXPECT_EQ(TypeOf(Parse(".5")), "decimal(1,1)");
  EXPECT_EQ(TypeOf(Parse("5.")), "decimal(1,0)");
  EXPECT_EQ(TypeOf(Parse("0.001")), "decimal(3,3)");
  auto negative = Parse("-1.25");
  EXPECT_EQ(ValueOf<arrow::Decimal128Scalar>(negative), arrow::Decimal128(-125));
}

TEST(ParserLiteralTest, ExponentAndSuffixedFloats) {
  auto e = Parse("1e3");
  EXPECT_EQ(TypeOf(e), "double");
  EXPECT_DOUBLE_EQ(ValueOf<arrow::DoubleScalar>(e), 1000.0);
  EXPECT_DOUBLE_EQ(ValueOf<arrow::DoubleScalar>(Parse("1.5E2")), 150.0);
  EXPECT_DOUBLE_EQ(ValueOf<arrow::DoubleScalar>(Parse("1.5D")), 1.5);
  auto f = Parse("1.5F");
  EXPECT_EQ(TypeOf(f), "float");
  EXPECT_FLOAT_EQ(ValueOf<arrow::FloatScalar>(f), 1.5f);
  auto bd = Parse("1.50BD");
  EXPECT_EQ(TypeOf(bd), "decimal(3,2)");
  EXPECT_EQ(ValueOf<arrow::Decimal128Scalar>(bd), arrow::Decimal128(150));
}

TEST(ParserLiteralTest, StringsConcatenateWhenAdjacent) {
  auto e = Parse("'ab' \"cd\" 'e'");
  EXPECT_EQ(TypeOf(e), "string");
  EXPECT_EQ(e->ToString(), "abcde");
}

TEST(ParserLiteralTest, BooleansAndNull) {
  EXPECT_TRUE(ValueOf<arrow::BooleanScalar>(Parse("TRUE")));
  EXPECT_FALSE(ValueOf<arrow::BooleanScalar>(Parse("false")));
  auto null = Parse("NULL");
  EXPECT_EQ(TypeOf(null), "void");
  EXPECT_FALSE(null->literal->is_valid);
}

TEST(ParserLiteralTest, DateLiteral) {
  auto e = Parse("DATE '2024-01-31'");
  EXPECT_EQ(TypeOf(e), "date");
  EXPECT_EQ(ValueOf<arrow::Date32Scalar>(e), 19753);
  EXPECT_EQ(ValueOf<arrow::Date32Scalar>(Parse("date '1969-12-31'")), -1);
}

TEST(ParserLiteralTest, TimestampLiteralIsUtcMicros) {
  auto e = Parse("TIMESTAMP '2024-01-31 12:00:00'");
  EXPECT_EQ(TypeOf(e), "timestamp");
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(e), 1706702400000000LL);
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(Parse("TIMESTAMP '2024-01-31T12:00:00.123456'")),
            1706702400123456LL);
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(Parse("TIMESTAMP '2024-01-31 13:00:00+01:00'")),
            1706702400000000LL);
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(Parse("TIMESTAMP '2024-01-31'")), 1706659200000000LL);
}

TEST(ParserLiteralTest, TimestampNtzLiteral) {
  auto e = Parse("TIMESTAMP_NTZ '2024-01-31 12:00:00.5'");
  EXPECT_EQ(TypeOf(e), "timestamp_ntz");
  EXPECT_EQ(ValueOf<arrow::TimestampScalar>(e), 1706702400500000LL);
  EXPECT_EQ(e->literal->type->ToString(), "timestamp[us]");
}

TEST(ParserLiteralTest, InvalidTypedLiteral) {
  EXPECT_EQ(Headline(ErrorOf("a = DATE '2024-13-01'")),
            "[INVALID_TYPED_LITERAL] The value of the typed literal \"DATE\" is invalid: "
            "'2024-13-01'. SQLSTATE: 42604 (line 1, pos 4)");
  EXPECT_NE(ErrorOf("TIMESTAMP '2024-01-01 25:00:00'").find("\"TIMESTAMP\""), std::string::npos);
}

TEST(ParserLiteralTest, BinaryLiteral) {
  auto e = Parse("X'0A1B'");
  EXPECT_EQ(TypeOf(e), "binary");
  EXPECT_EQ(static_cast<const arrow::BinaryScalar&>(*e->literal).value->ToString(), "\x0a\x1b");
}

arrow::MonthDayNanoIntervalType::MonthDayNanos IntervalOf(std::string_view text) {
  auto e = Parse(text);
  EXPECT_EQ(TypeOf(e), "interval");
  if (e->literal->type->id() != arrow::Type::INTERVAL_MONTH_DAY_NANO) return {};
  return static_cast<const arrow::MonthDayNanoIntervalScalar&>(*e->literal).value;
}

TEST(ParserLiteralTest, IntervalUnitForms) {
  auto hour = IntervalOf("interval 1 hour");
  EXPECT_EQ(hour.nanoseconds, 3600LL * 1000000000);
  EXPECT_EQ(hour.days, 0);
  auto mixed = IntervalOf("interval 2 days 3 hours");
  EXPECT_EQ(mixed.days, 2);
  EXPECT_EQ(mixed.nanoseconds, 3LL * 3600 * 1000000000);
  EXPECT_EQ(IntervalOf("INTERVAL 1 MONTH").months, 1);
  EXPECT_EQ(IntervalOf("interval -1 day").days, -1);
}

TEST(ParserLiteralTest, IntervalStringForms) {
  EXPECT_EQ(IntervalOf("INTERVAL '1' HOUR").nanoseconds, 3600LL * 1000000000);
  EXPECT_EQ(IntervalOf("INTERVAL '10' MINUTE").nanoseconds, 600LL * 1000000000);
  EXPECT_EQ(IntervalOf("interval '1 hour 30 minutes'").nanoseconds, 5400LL * 1000000000);
  auto sum = Parse("ts + interval 1 hour");
  EXPECT_EQ(sum->name, "+");
  EXPECT_EQ(TypeOf(sum->args[1]), "interval");
}

TEST(ParserLiteralTest, IntervalUnitToUnit) {
  EXPECT_EQ(IntervalOf("INTERVAL '2-3' YEAR TO MONTH").months, 27);
  EXPECT_EQ(IntervalOf("INTERVAL '-1-6' YEAR TO MONTH").months, -18);
  auto day_second = IntervalOf("INTERVAL '1 10:30:05.5' DAY TO SECOND");
  EXPECT_EQ(day_second.days, 1);
  EXPECT_EQ(day_second.nanoseconds, (10 * 3600 + 30 * 60 + 5) * 1000000000LL + 500000000LL);
  EXPECT_EQ(IntervalOf("interval '10:30' hour to minute").nanoseconds, 630LL * 60 * 1000000000);
  EXPECT_EQ(IntervalOf("INTERVAL '90:05' MINUTE TO SECOND").nanoseconds, 5405LL * 1000000000);
  EXPECT_NE(ErrorOf("INTERVAL '1 25:00' DAY TO HOUR").find("[INVALID_TYPED_LITERAL]"),
            std::string::npos);
  EXPECT_NE(ErrorOf("INTERVAL '1' HOUR TO DAY").find("[INVALID_TYPED_LITERAL]"),
            std::string::npos);
}

TEST(ParserLiteralTest, IntervalFractionOnlyForSeconds) {
  EXPECT_EQ(IntervalOf("interval 1.5 seconds").nanoseconds, 1500000000LL);
  EXPECT_NE(ErrorOf("interval 1.5 hours").find("[INVALID_TYPED_LITERAL]"), std::string::npos);
}

TEST(ParserLiteralTest, BadIntervalString) {
  EXPECT_EQ(Headline(ErrorOf("INTERVAL '3 parsecs'")),
            "[INVALID_TYPED_LITERAL] The value of the typed literal \"INTERVAL\" is invalid: "
            "'3 parsecs'. SQLSTATE: 42604 (line 1, pos 0)");
}

// --- calls, casts, CASE, postfix ------------------------------------------------

TEST(ParserExprTest, FunctionCallsAreLowerCase) {
  auto e = Parse("UPPER(name)");
  EXPECT_EQ(e->kind, ExprKind::kCall);
  EXPECT_EQ(e->name, "upper");
  EXPECT_EQ(e->ToString(), "upper(name)");
  EXPECT_EQ(Str("coalesce(a, b, 0)"), "coalesce(a, b, 0)");
  EXPECT_TRUE(Parse("rand()")->args.empty());
}

TEST(ParserExprTest, CountStarAndDistinct) {
  auto star = Parse("count(*)");
  EXPECT_EQ(star->args[0]->kind, ExprKind::kStar);
  EXPECT_EQ(star->ToString(), "count(1)");
  auto distinct = Parse("count(DISTINCT a)");
  EXPECT_TRUE(distinct->distinct);
  EXPECT_EQ(distinct->ToString(), "count(DISTINCT a)");
}

TEST(ParserExprTest, CastAndTryCast) {
  auto e = Parse("CAST(v AS STRING)");
  EXPECT_EQ(e->kind, ExprKind::kCast);
  EXPECT_EQ(e->ToString(), "CAST(v AS STRING)");
  EXPECT_EQ(Str("cast(a + 1 as decimal(10, 2))"), "CAST((a + 1) AS DECIMAL(10,2))");
  auto t = Parse("TRY_CAST(s AS INT)");
  EXPECT_TRUE(t->try_cast);
  EXPECT_EQ(t->ToString(), "TRY_CAST(s AS INT)");
  EXPECT_EQ(Str("cast(m as map<string, array<int>>)"), "CAST(m AS MAP<STRING, ARRAY<INT>>)");
}

TEST(ParserExprTest, DoubleColonCast) {
  EXPECT_EQ(Str("v::string"), "CAST(v AS STRING)");
  EXPECT_EQ(Str("a + b::int"), "(a + CAST(b AS INT))");
}

TEST(ParserExprTest, UnknownCastTypeIsUnsupported) {
  EXPECT_EQ(Headline(ErrorOf("CAST(a AS foo)")),
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". SQLSTATE: 0A000 "
            "(line 1, pos 10)");
}

TEST(ParserExprTest, SearchedCase) {
  auto e = Parse("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END");
  EXPECT_EQ(e->name, "casewhen");
  EXPECT_EQ(e->args.size(), 5u);
  EXPECT_EQ(e->ToString(), "CASE WHEN (a > 1) THEN x WHEN (a > 0) THEN y ELSE z END");
  EXPECT_EQ(Parse("CASE WHEN a THEN 1 END")->args.size(), 2u);
}

TEST(ParserExprTest, SimpleCaseComparesTheOperand) {
  EXPECT_EQ(Str("CASE x WHEN 1 THEN 'one' ELSE 'other' END"),
            "CASE WHEN (x = 1) THEN one ELSE other END");
}

TEST(ParserExprTest, CurrentTimestampWithoutParentheses) {
  auto e = Parse("current_timestamp");
  EXPECT_EQ(e->kind, ExprKind::kCall);
  EXPECT_EQ(e->name, "current_timestamp");
  EXPECT_EQ(Parse("CURRENT_DATE")->name, "current_date");
  EXPECT_EQ(Parse("current_date()")->name, "current_date");
}

TEST(ParserExprTest, Lambdas) {
  auto e = Parse("transform(xs, x -> x + 1)");
  auto lambda = e->args[1];
  EXPECT_EQ(lambda->kind, ExprKind::kLambda);
  EXPECT_EQ(lambda->name_parts, std::vector<std::string>{"x"});
  EXPECT_EQ(lambda->args[0]->ToString(), "(x + 1)");
  auto two = Parse("aggregate(xs, 0, (acc, x) -> acc + x)")->args[2];
  EXPECT_EQ(two->kind, ExprKind::kLambda);
  EXPECT_EQ(two->name_parts, (std::vector<std::string>{"acc", "x"}));
}

TEST(ParserExprTest, SubscriptsAndFields) {
  auto index = Parse("a[0]");
  EXPECT_EQ(index->kind, ExprKind::kExtract);
  EXPECT_EQ(index->ToString(), "a[0]");
  EXPECT_EQ(Str("m['k']"), "m[k]");
  auto field = Parse("f(x).name");
  EXPECT_EQ(field->kind, ExprKind::kExtract);
  EXPECT_EQ(TypeOf(field->args[1]), "string");
  EXPECT_EQ(field->args[1]->ToString(), "name");
  auto chain = Parse("a.b[0].c");
  EXPECT_EQ(chain->kind, ExprKind::kExtract);
  EXPECT_EQ(chain->args[0]->args[0]->name_parts, (std::vector<std::string>{"a", "b"}));
}

TEST(ParserExprTest, SpecialCallSyntaxes) {
  auto extract = Parse("EXTRACT(YEAR FROM ts)");
  EXPECT_EQ(extract->name, "extract");
  EXPECT_EQ(extract->args[0]->ToString(), "YEAR");
  EXPECT_EQ(extract->args[1]->name_parts, std::vector<std::string>{"ts"});
  EXPECT_EQ(Str("position('b' IN s)"), "locate(b, s, 1)");
  EXPECT_EQ(Str("substring(s FROM 2 FOR 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(Str("substring(s, 2)"), "substring(s, 2, 2147483647)");
}

TEST(ParserExprTest, TrimForms) {
  EXPECT_EQ(Str("trim(s)"), "trim(s)");
  EXPECT_EQ(Str("trim(BOTH FROM s)"), "trim(s)");
  EXPECT_EQ(Str("trim(LEADING 'x' FROM s)"), "ltrim(x, s)");
  EXPECT_EQ(Str("TRIM(TRAILING FROM s)"), "rtrim(s)");
  EXPECT_EQ(Str("trim('x' FROM s)"), "trim(x, s)");
}

TEST(ParserExprTest, IgnoreNulls) {
  EXPECT_EQ(Str("first(x IGNORE NULLS)"), "first(x, true)");
  EXPECT_EQ(Str("last(x) ignore nulls"), "last(x, true)");
  EXPECT_EQ(Str("first(x) RESPECT NULLS"), "first(x)");
}

TEST(ParserExprTest, DatetimeUnitArguments) {
  auto e = Parse("timestampadd(HOUR, 1, ts)");
  ASSERT_EQ(e->args.size(), 3u);
  EXPECT_EQ(TypeOf(e->args[0]), "string");
  EXPECT_EQ(e->args[0]->ToString(), "HOUR");
  EXPECT_EQ(Parse("datediff(day, a, b)")->args[0]->ToString(), "DAY");
  EXPECT_EQ(Parse("datediff(a, b)")->args[0]->kind, ExprKind::kColumn);
}

TEST(ParserExprTest, ShiftOperators) {
  EXPECT_EQ(Str("a << 2"), "(a << 2)");
  EXPECT_EQ(Str("a >> 1 + 1"), "(a >> (1 + 1))");
  EXPECT_EQ(Str("a >>> 1 & b"), "((a >>> 1) & b)");
  EXPECT_EQ(Str("a > -1"), "(a > -1)");
}

TEST(ParserExprTest, RowConstructorIsStruct) {
  EXPECT_EQ(Str("(a, b + 1)"), "struct(a, (b + 1))");
  EXPECT_EQ(Str("(a, b) IN ((1, 2), (3, 4))"), "(struct(a, b) IN (struct(1, 2), struct(3, 4)))");
}

TEST(ParserExprTest, LikeEscape) {
  auto e = Parse("a LIKE 'x!%' ESCAPE '!'");
  ASSERT_EQ(e->args.size(), 3u);
  EXPECT_EQ(e->args[2]->ToString(), "!");
}

// --- SELECT --------------------------------------------------------------------

TEST(ParserSelectTest, SelectFromWhere) {
  auto s = Select("SELECT a, b + 1 AS c FROM t WHERE a > 1");
  ASSERT_EQ(s->select_list.size(), 2u);
  EXPECT_EQ(s->select_list[1]->name, "c");
  ASSERT_NE(s->from, nullptr);
  EXPECT_EQ(s->from->kind, FromItem::Kind::kTable);
  EXPECT_EQ(s->from->name, std::vector<std::string>{"t"});
  EXPECT_EQ(s->where->ToString(), "(a > 1)");
  EXPECT_FALSE(s->distinct);
  EXPECT_FALSE(s->limit.has_value());
}

TEST(ParserSelectTest, SelectWithoutFrom) {
  auto s = Select("SELECT 1");
  EXPECT_EQ(s->from, nullptr);
  EXPECT_EQ(s->select_list[0]->ToString(), "1");
}

TEST(ParserSelectTest, DistinctAndAll) {
  EXPECT_TRUE(Select("SELECT DISTINCT a FROM t")->distinct);
  EXPECT_FALSE(Select("SELECT ALL a FROM t")->distinct);
}

TEST(ParserSelectTest, ImplicitAliasesStopAtClauses) {
  auto s = Select("select count(*) cnt, a from events e where e.x = 1 group by a");
  EXPECT_EQ(s->select_list[0]->name, "cnt");
  EXPECT_EQ(s->select_list[1]->kind, ExprKind::kColumn);
  EXPECT_EQ(s->from->alias, "e");
  EXPECT_EQ(s->group_by.size(), 1u);
}

TEST(ParserSelectTest, GroupByHaving) {
  auto s = Select(
      "SELECT k, sum(v) FROM t GROUP BY k, window(ts, '10 minutes') HAVING sum(v) > 10");
  ASSERT_EQ(s->group_by.size(), 2u);
  EXPECT_EQ(s->group_by[1]->ToString(), "window(ts, 10 minutes)");
  EXPECT_EQ(s->having->ToString(), "(sum(v) > 10)");
}

TEST(ParserSelectTest, OrderByDefaultsAndLimit) {
  auto s = Select(
      "SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS LAST, d DESC NULLS FIRST LIMIT 10");
  ASSERT_EQ(s->order_by.size(), 4u);
  EXPECT_EQ(s->order_by[0]->ToString(), "a ASC NULLS FIRST");
  EXPECT_EQ(s->order_by[1]->ToString(), "b DESC NULLS LAST");
  EXPECT_EQ(s->order_by[2]->ToString(), "c ASC NULLS LAST");
  EXPECT_EQ(s->order_by[3]->ToString(), "d DESC NULLS FIRST");
  EXPECT_EQ(s->limit, 10);
}

TEST(ParserSelectTest, LimitAndOffset) {
  auto s = Select("SELECT a FROM t LIMIT 3 OFFSET 2");
  EXPECT_EQ(s->limit, 3);
  EXPECT_EQ(s->offset, 2);
  auto only = Select("SELECT a FROM t ORDER BY a OFFSET 1");
  EXPECT_FALSE(only->limit.has_value());
  EXPECT_EQ(only->offset, 1);
  EXPECT_EQ(Headline(StatementError("SELECT a FROM t LIMIT")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
            "(line 1, pos 21)");
}

TEST(ParserSelectTest, UnionAppliesOrderAndLimitToTheWhole) {
  using Kind = SelectStatement::SetOperation::Kind;
  auto s = Select(
      "SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v ORDER BY a LIMIT 5");
  ASSERT_EQ(s->set_operations.size(), 2u);
  EXPECT_EQ(s->set_operations[0].kind, Kind::kUnion);
  EXPECT_TRUE(s->set_operations[0].all);
  EXPECT_FALSE(s->set_operations[1].all);
  EXPECT_EQ(s->set_operations[1].query->from->name, std::vector<std::string>{"v"});
  EXPECT_TRUE(s->set_operations[1].query->order_by.empty());
  EXPECT_EQ(s->order_by.size(), 1u);
  EXPECT_EQ(s->limit, 5);
  EXPECT_FALSE(Select("SELECT 1 UNION DISTINCT SELECT 2")->set_operations[0].all);
}

TEST(ParserSelectTest, IntersectBindsTighterThanUnionAndExcept) {
  using Kind = SelectStatement::SetOperation::Kind;
  // 1 UNION (2 INTERSECT 3) EXCEPT ALL 4, as Spark's grammar groups it.
  auto s = Select("SELECT 1 UNION SELECT 2 INTERSECT ALL SELECT 3 MINUS ALL SELECT 4");
  ASSERT_EQ(s->set_operations.size(), 2u);
  EXPECT_EQ(s->set_operations[0].kind, Kind::kUnion);
  const auto& operand = s->set_operations[0].query;
  ASSERT_EQ(operand->set_operations.size(), 1u);
  EXPECT_EQ(operand->set_operations[0].kind, Kind::kIntersect);
  EXPECT_TRUE(operand->set_operations[0].all);
  EXPECT_EQ(s->set_operations[1].kind, Kind::kExcept);
  EXPECT_TRUE(s->set_operations[1].all);
}

TEST(ParserSelectTest, QualifiedTableAndAliases) {
  auto s = Select("SELECT * FROM db.events AS e");
  EXPECT_EQ(s->from->name, (std::vector<std::string>{"db", "events"}));
  EXPECT_EQ(s->from->alias, "e");
  EXPECT_EQ(s->select_list[0]->kind, ExprKind::kStar);
  EXPECT_EQ(Select("SELECT * FROM t x")->from->alias, "x");
  EXPECT_EQ(Select("SELECT * FROM t")->from->alias, "");
}

TEST(ParserSelectTest, SubqueryInFrom) {
  auto s = Select("SELECT x FROM (SELECT a AS x FROM t WHERE a > 0) sub");
  EXPECT_EQ(s->from->kind, FromItem::Kind::kSubquery);
  EXPECT_EQ(s->from->alias, "sub");
  EXPECT_EQ(s->from->subquery->where->ToString(), "(a > 0)");
}

TEST(ParserSelectTest, CommaJoinIsCross) {
  auto s = Select("SELECT * FROM a, b");
  EXPECT_EQ(s->from->kind, FromItem::Kind::kJoin);
  EXPECT_EQ(s->from->join_type, "cross");
  EXPECT_EQ(s->from->condition, nullptr);
  EXPECT_EQ(s->from->right->name, std::vector<std::string>{"b"});
}

TEST(ParserSelectTest, JoinTypes) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"JOIN", "inner"},           {"INNER JOIN", "inner"},      {"CROSS JOIN", "cross"},
      {"LEFT JOIN", "left_outer"}, {"LEFT OUTER JOIN", "left_outer"},
      {"RIGHT JOIN", "right_outer"}, {"RIGHT OUTER JOIN", "right_outer"},
      {"FULL JOIN", "full_outer"}, {"FULL OUTER JOIN", "full_outer"},
      {"LEFT SEMI JOIN", "left_semi"}, {"LEFT ANTI JOIN", "left_anti"},
      {"SEMI JOIN", "left_semi"},  {"ANTI JOIN", "left_anti"}};
  for (const auto& [words, type] : cases) {
    auto s = Select("SELECT * FROM a " + words + " b ON a.id = b.id");
    ASSERT_EQ(s->from->kind, FromItem::Kind::kJoin) << words;
    EXPECT_EQ(s->from->join_type, type) << words;
    EXPECT_EQ(s->from->condition->ToString(), "(a.id = b.id)") << words;
  }
}

TEST(ParserSelectTest, JoinUsingAndChains) {
  auto s = Select("SELECT * FROM a x JOIN b y USING (id, day) LEFT JOIN c ON x.k = c.k");
  ASSERT_EQ(s->from->kind, FromItem::Kind::kJoin);
  EXPECT_EQ(s->from->join_type, "left_outer");
  auto inner = s->from->left;
  EXPECT_EQ(inner->join_type, "inner");
  EXPECT_EQ(inner->using_columns, (std::vector<std::string>{"id", "day"}));
  EXPECT_EQ(inner->left->alias, "x");
  EXPECT_EQ(inner->right->alias, "y");
  EXPECT_EQ(s->from->right->name, std::vector<std::string>{"c"});
}

TEST(ParserSelectTest, WithCommonTableExpressions) {
  auto s = Select("WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b");
  ASSERT_EQ(s->ctes.size(), 2u);
  EXPECT_EQ(s->ctes[0].first, "a");
  EXPECT_EQ(s->ctes[1].second->from->name, std::vector<std::string>{"a"});
  EXPECT_EQ(s->from->name, std::vector<std::string>{"b"});
}

TEST(ParserSelectTest, TrailingSemicolonAndLowerCase) {
  auto s = Select("select A from T;");
  EXPECT_EQ(s->select_list[0]->name_parts, std::vector<std::string>{"A"});
  EXPECT_EQ(s->from->name, std::vector<std::string>{"T"});
}

// --- other statements ---------------------------------------------------------

TEST(ParserStatementTest, CreateTempView) {
  auto s = Stmt("CREATE OR REPLACE TEMP VIEW v AS SELECT a FROM t");
  EXPECT_EQ(s.kind, Statement::Kind::kCreateView);
  EXPECT_TRUE(s.or_replace);
  EXPECT_TRUE(s.temporary);
  EXPECT_FALSE(s.global);
  EXPECT_EQ(s.name, std::vector<std::string>{"v"});
  EXPECT_EQ(s.select->from->name, std::vector<std::string>{"t"});
  auto g = Stmt("create global temporary view gv as select 1");
  EXPECT_TRUE(g.global);
  EXPECT_TRUE(g.temporary);
  EXPECT_FALSE(g.or_replace);
}

TEST(ParserStatementTest, CreateTempViewUsingDataSource) {
  auto s = Stmt("CREATE TEMPORARY VIEW logs (id INT, msg STRING) USING json OPTIONS (path '/x')");
  EXPECT_EQ(s.kind, Statement::Kind::kCreateView);
  EXPECT_TRUE(s.temporary);
  EXPECT_EQ(s.using_format, "json");
  EXPECT_EQ(s.schema->SimpleString(), "struct<id:int,msg:string>");
  EXPECT_EQ(s.options, (std::vector<std::pair<std::string, std::string>>{{"path", "/x"}}));
  EXPECT_EQ(s.select, nullptr);
}

TEST(ParserStatementTest, CreateTableWithEveryClause) {
  auto s = Stmt(
      "CREATE TABLE IF NOT EXISTS db.events (id BIGINT NOT NULL, ts TIMESTAMP, name STRING) "
      "USING iceberg PARTITIONED BY (days(ts), bucket(16, id), name) "
      "OPTIONS ('path' '/tmp/x', 'mergeSchema'='true', compression = 'zstd') "
      "TBLPROPERTIES ('format-version' = '2')");
  EXPECT_EQ(s.kind, Statement::Kind::kCreateTable);
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.name, (std::vector<std::string>{"db", "events"}));
  ASSERT_NE(s.schema, nullptr);
  EXPECT_EQ(s.schema->SimpleString(), "struct<id:bigint,ts:timestamp,name:string>");
  EXPECT_FALSE(s.schema->field(0).nullable);
  EXPECT_EQ(s.using_format, "iceberg");
  ASSERT_EQ(s.partitioned_by.size(), 3u);
  EXPECT_EQ(s.partitioned_by[0]->ToString(), "days(ts)");
  EXPECT_EQ(s.partitioned_by[1]->ToString(), "bucket(16, id)");
  using KV = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(s.options, (KV{{"path", "/tmp/x"}, {"mergeSchema", "true"}, {"compression", "zstd"}}));
  EXPECT_EQ(s.properties, (KV{{"format-version", "2"}}));
  EXPECT_EQ(s.select, nullptr);
}

TEST(ParserStatementTest, CreateTableAsSelect) {
  auto s = Stmt(
      "CREATE TABLE t USING parquet LOCATION '/data/t' COMMENT 'copy' AS SELECT a FROM src");
  EXPECT_EQ(s.location, "/data/t");
  EXPECT_EQ(s.comment, "copy");
  EXPECT_EQ(s.kind, Statement::Kind::kCreateTable);
  EXPECT_EQ(s.schema, nullptr);
  EXPECT_EQ(s.using_format, "parquet");
  ASSERT_NE(s.select, nullptr);
  EXPECT_EQ(s.select->from->name, std::vector<std::string>{"src"});
  EXPECT_FALSE(s.if_not_exists);
}

TEST(ParserStatementTest, ShowTables) {
  auto s = Stmt("SHOW TABLES");
  EXPECT_EQ(s.kind, Statement::Kind::kShowTables);
  EXPECT_TRUE(s.database.empty());
  EXPECT_EQ(Stmt("show tables in db").database, std::vector<std::string>{"db"});
  EXPECT_EQ(Stmt("SHOW TABLES FROM db").database, std::vector<std::string>{"db"});
  auto like = Stmt("SHOW TABLES IN db LIKE 'ev*'");
  EXPECT_EQ(like.pattern, "ev*");
  EXPECT_EQ(Stmt("SHOW TABLES 'ev*'").pattern, "ev*");
}

TEST(ParserStatementTest, Describe) {
  auto s = Stmt("DESCRIBE t");
  EXPECT_EQ(s.kind, Statement::Kind::kDescribe);
  EXPECT_FALSE(s.extended);
  EXPECT_EQ(s.name, std::vector<std::string>{"t"});
  auto e = Stmt("DESC TABLE EXTENDED db.t");
  EXPECT_TRUE(e.extended);
  EXPECT_EQ(e.name, (std::vector<std::string>{"db", "t"}));
  EXPECT_TRUE(Stmt("describe extended t").extended);
}

TEST(ParserStatementTest, DropTableAndView) {
  auto t = Stmt("DROP TABLE IF EXISTS db.t");
  EXPECT_EQ(t.kind, Statement::Kind::kDropTable);
  EXPECT_TRUE(t.if_exists);
  EXPECT_EQ(t.name, (std::vector<std::string>{"db", "t"}));
  auto v = Stmt("drop view v;");
  EXPECT_EQ(v.kind, Statement::Kind::kDropView);
  EXPECT_FALSE(v.if_exists);
}

// --- syntax errors ------------------------------------------------------------------

TEST(ParserErrorTest, EndOfInputWithExcerpt) {
  EXPECT_EQ(ErrorOf("a +"),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
            "(line 1, pos 3)\n\n== SQL ==\na +\n---^^^\n");
}

TEST(ParserErrorTest, MissingClosingParenthesis) {
  EXPECT_EQ(Headline(ErrorOf("(a + 1")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing ')'. "
            "SQLSTATE: 42601 (line 1, pos 6)");
}

TEST(ParserErrorTest, UnexpectedOperator) {
  EXPECT_EQ(Headline(ErrorOf("a = = 1")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 1, pos 4)");
}

TEST(ParserErrorTest, ExtraInputAfterExpression) {
  EXPECT_EQ(Headline(ErrorOf("a b c")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'c': extra input 'c'. SQLSTATE: 42601 "
            "(line 1, pos 4)");
  EXPECT_EQ(Headline(StatementError("SELECT 1 2 3")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near '2'. SQLSTATE: 42601 (line 1, pos 9)");
}

TEST(ParserErrorTest, PositionOnLaterLine) {
  EXPECT_EQ(Headline(StatementError("SELECT a\nFROM t\nWHERE a = = 1")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 3, pos 10)");
}

TEST(ParserErrorTest, StatementErrors) {
  EXPECT_EQ(Headline(StatementError("SELECT a FROM t WHERE")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
            "(line 1, pos 21)");
  EXPECT_EQ(Headline(StatementError("DROP INDEX i")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'INDEX'. SQLSTATE: 42601 "
            "(line 1, pos 5)");
  EXPECT_EQ(Headline(StatementError("FOO bar")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FOO'. SQLSTATE: 42601 (line 1, pos 0)");
  EXPECT_EQ(Headline(StatementError("SELECT * FROM a LEFT b ON a.x = b.x")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b'. SQLSTATE: 42601 (line 1, pos 21)");
}

TEST(ParserErrorTest, EmptyStatement) {
  EXPECT_EQ(StatementError(""),
            "[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement. SQLSTATE: 42617 "
            "(line 1, pos 0)\n\n== SQL ==\n\n^^^\n");
  EXPECT_NE(StatementError("  -- only a comment").find("[PARSE_EMPTY_STATEMENT]"),
            std::string::npos);
  EXPECT_NE(ErrorOf(" ").find("[PARSE_EMPTY_STATEMENT]"), std::string::npos);
}

TEST(ParserErrorTest, UnsupportedValidSqlIsNotASyntaxError) {
  for (std::string_view text : {"SELECT (SELECT 1)", "SELECT a FROM t WHERE a IN (SELECT b FROM u)",
                                "SELECT * FROM t WHERE exists(SELECT 1)"}) {
    auto result = ParseStatement(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_TRUE(result.status().IsNotImplemented()) << text << ": " << result.status().message();
  }
}

TEST(ParserTest, AggregateFilterAndWithinGroupParse) {
  for (std::string_view text : {"SELECT count(*) FILTER (WHERE a > 1) FROM t",
                                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY a DESC) FILTER (WHERE b) FROM t",
                                "SELECT * FROM t PIVOT (sum(a) AS s FOR b IN (1 AS one, 2)) p",
                                "SELECT * FROM t UNPIVOT INCLUDE NULLS (v FOR n IN (a, b AS c))"}) {
    auto result = ParseStatement(text);
    EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  }
  EXPECT_NE(StatementError("SELECT sum(a) FILTER (WHERE a > 1) OVER () FROM t").find("[_LEGACY_ERROR_TEMP_1030]"),
            std::string::npos);
}

TEST(ParserTest, WindowFunctionsParse) {
  for (std::string_view text : {"SELECT rank() OVER (ORDER BY a) FROM t",
                                "SELECT sum(a) OVER (PARTITION BY b ORDER BY a ROWS BETWEEN 1 PRECEDING AND "
                                "CURRENT ROW) FROM t",
                                "SELECT lag(a) IGNORE NULLS OVER w FROM t WINDOW w AS (ORDER BY a)"}) {
    auto result = ParseStatement(text);
    EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  }
  EXPECT_NE(StatementError("SELECT sum(a) OVER w FROM t WINDOW v AS (ORDER BY a)")
                .find("[MISSING_WINDOW_SPECIFICATION]"),
            std::string::npos);
}

TEST(ParserErrorTest, DeepNestingFailsCleanly) {
  std::string ok = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_EQ(Str(ok), "1");
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_NE(ErrorOf(deep).find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  EXPECT_NE(ErrorOf(nots + "a").find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  std::string minuses;
  for (int i = 0; i < 5000; ++i) minuses += "- ";  // "--" would start a comment
  EXPECT_NE(ErrorOf(minuses + "a").find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
}

// Operator chains build one tree level per operator without nesting the parser:
// their depth is bounded as well, at any length, in linear time.
TEST(ParserErrorTest, LongOperatorChainsFailCleanly) {
  auto chain = [](std::string_view op, std::string_view operand, int n) {
    std::string out(operand);
    for (int i = 1; i < n; ++i) out.append(op).append(operand);
    return out;
  };
  for (auto [op, operand] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"+", "1"}, {"||", "'a'"}, {" * ", "2"}, {" << ", "1"}}) {
    EXPECT_NE(ErrorOf(chain(op, operand, 100000)).find("[FAILED_TO_PARSE_TOO_COMPLEX]"),
              std::string::npos) << op;
    EXPECT_EQ(Parse(chain(op, operand, 500))->depth, 500) << op;
  }
  std::string subscripts = "array(1)";
  for (int i = 0; i < 100000; ++i) subscripts += "[0]";
  EXPECT_NE(ErrorOf(subscripts).find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  // A name of 100,000 parts is one column reference.
  auto name = Parse(chain(".", "x", 100000));
  EXPECT_EQ(name->kind, ExprKind::kColumn);
  EXPECT_EQ(name->name_parts.size(), 100000u);
}

// Positions and carets count characters (UTF-16 units, as Spark's), and the token
// quoted is the whole character, not its first byte.
TEST(ParserErrorTest, NonAsciiInputCountsCharacters) {
  std::string error = ErrorOf("'h\u00e9llo' + )");
  EXPECT_NE(error.find("Syntax error at or near ')'"), std::string::npos) << error;
  EXPECT_NE(error.find("(line 1, pos 10)"), std::string::npos) << error;
  EXPECT_NE(error.find("\n----------^^^\n"), std::string::npos) << error;
  std::string emoji = ErrorOf("'\U0001F600' + )");
  EXPECT_NE(emoji.find("(line 1, pos 7)"), std::string::npos) << emoji;
  // A word with non-ASCII letters is an identifier Spark refuses.
  std::string word = ErrorOf("1 + \u00e9t\u00e9 ! 1");
  EXPECT_NE(word.find("[INVALID_IDENTIFIER] The unquoted identifier \u00e9t\u00e9 is invalid"),
            std::string::npos) << word;
  EXPECT_NE(word.find("(line 1, pos 4)"), std::string::npos) << word;
}

// AND / OR chains are balanced trees, as Spark's parser builds them: any length
// parses, the depth grows with the logarithm, and the names are Spark's.
TEST(ParserErrorTest, BooleanChainsAreBalanced) {
  EXPECT_EQ(Str("a AND b AND c"), "((a AND b) AND c)");
  EXPECT_EQ(Str("a AND b AND c AND d"), "((a AND b) AND (c AND d))");
  EXPECT_EQ(Str("a OR b OR c OR d OR e"), "(((a OR b) OR c) OR (d OR e))");
  EXPECT_EQ(Str("a OR b AND c OR d"), "((a OR (b AND c)) OR d)");
  std::string chain = "true";
  for (int i = 1; i < 100000; ++i) chain += " AND true";
  EXPECT_LE(Parse(chain)->depth, 18);
}

TEST(ParserErrorTest, ManyUnionsAreOneFlatList) {
  std::string text = "SELECT 1";
  for (int i = 0; i < 100000; ++i) text += " UNION ALL SELECT 1";
  EXPECT_EQ(Stmt(text).select->set_operations.size(), 100000u);
}

TEST(ParserErrorTest, DeepQueryNestingFailsCleanly) {
  std::string deep = "SELECT * FROM ";
  for (int i = 0; i < 5000; ++i) deep += "(SELECT * FROM ";
  auto result = ParseStatement(deep + "t" + std::string(5000, ')'));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  auto tables = ParseStatement("SELECT * FROM " + std::string(5000, '(') + "t" +
                               std::string(5000, ')'));
  ASSERT_FALSE(tables.ok());
  EXPECT_NE(tables.status().message().find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
}

TEST(ParserErrorTest, OtherSparkStatementsAreNotSupportedYet) {
  for (std::string_view text : {"TRUNCATE TABLE t", "SET spark.sql.shuffle.partitions=4",
                                "ALTER TABLE t RENAME TO u", "EXPLAIN SELECT 1", "CACHE TABLE t"}) {
    auto result = ParseStatement(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_TRUE(result.status().IsNotImplemented()) << text << ": " << result.status().message();
  }
}

TEST(ParserTest, InsertStatements) {
  auto insert = ParseStatement("INSERT INTO TABLE db.t (b, a) VALUES (1, 'x'), (2, 'y')");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  EXPECT_EQ(insert->kind, Statement::Kind::kInsert);
  EXPECT_EQ(insert->name, (std::vector<std::string>{"db", "t"}));
  EXPECT_EQ(insert->columns, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(insert->overwrite);
  ASSERT_TRUE(insert->select && insert->select->from);
  EXPECT_EQ(insert->select->from->rows.size(), 2u);
  auto overwrite = ParseStatement("INSERT OVERWRITE t SELECT * FROM u WHERE x > 1");
  ASSERT_TRUE(overwrite.ok()) << overwrite.status().ToString();
  EXPECT_TRUE(overwrite->overwrite);
  EXPECT_TRUE(overwrite->columns.empty());
  EXPECT_FALSE(ParseStatement("INSERT t SELECT 1").ok());  // INTO or OVERWRITE
}

TEST(ParserTest, MergeUpdateDeleteStatements) {
  using When = MergeClause::When;
  using Action = MergeClause::Action;
  auto merge = ParseStatement(
      "MERGE INTO ice.db.t AS t USING (SELECT * FROM u) s ON t.id = s.id "
      "WHEN MATCHED AND s.op = 'd' THEN DELETE WHEN MATCHED THEN UPDATE SET * "
      "WHEN NOT MATCHED BY TARGET AND s.v > 0 THEN INSERT (id, v) VALUES (s.id, s.v + 1) "
      "WHEN NOT MATCHED THEN INSERT * "
      "WHEN NOT MATCHED BY SOURCE THEN UPDATE SET t.v = NULL, flag = true");
  ASSERT_TRUE(merge.ok()) << merge.status().ToString();
  EXPECT_EQ(merge->kind, Statement::Kind::kMerge);
  EXPECT_EQ(merge->alias, "t");
  ASSERT_TRUE(merge->source);
  EXPECT_EQ(merge->source->alias, "s");
  ASSERT_EQ(merge->merge_clauses.size(), 5u);
  const auto& c = merge->merge_clauses;
  EXPECT_TRUE(c[0].when == When::kMatched && c[0].action == Action::kDelete && c[0].condition);
  EXPECT_TRUE(c[1].when == When::kMatched && c[1].action == Action::kUpdate && c[1].all && !c[1].condition);
  EXPECT_TRUE(c[2].when == When::kNotMatched && c[2].action == Action::kInsert && c[2].assignments.size() == 2);
  EXPECT_TRUE(c[3].when == When::kNotMatched && c[3].all);
  EXPECT_TRUE(c[4].when == When::kNotMatchedBySource && c[4].assignments.size() == 2);
  EXPECT_EQ(c[4].assignments[0].column, (std::vector<std::string>{"t", "v"}));
  EXPECT_FALSE(ParseStatement("MERGE INTO t USING u ON t.id = u.id").ok());  // no WHEN clause
  EXPECT_FALSE(ParseStatement("MERGE INTO t USING u ON a = b WHEN NOT MATCHED THEN DELETE").ok());

  auto update = ParseStatement("UPDATE ice.db.t SET v = upper(v), n = n + 1 WHERE id > 1");
  ASSERT_TRUE(update.ok()) << update.status().ToString();
  EXPECT_EQ(update->kind, Statement::Kind::kUpdate);
  EXPECT_EQ(update->alias, "");
  EXPECT_EQ(update->assignments.size(), 2u);
  EXPECT_TRUE(update->condition);
  auto aliased = ParseStatement("UPDATE t x SET x.v = 1");
  ASSERT_TRUE(aliased.ok()) << aliased.status().ToString();
  EXPECT_EQ(aliased->alias, "x");
  EXPECT_FALSE(aliased->condition);

  auto del = ParseStatement("DELETE FROM ice.db.t AS d WHERE d.id = 2");
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(del->kind, Statement::Kind::kDelete);
  EXPECT_EQ(del->alias, "d");
  EXPECT_TRUE(del->condition);
  EXPECT_FALSE(ParseStatement("DELETE t WHERE id = 2").ok());  // FROM
}

TEST(ParserTest, CatalogStatements) {
  using Kind = Statement::Kind;
  struct Case {
    std::string_view text;
    Kind kind;
  };
  for (const Case& c : {Case{"SHOW NAMESPACES IN ice LIKE 'b*'", Kind::kShowNamespaces},
                        Case{"SHOW DATABASES", Kind::kShowNamespaces}, Case{"SHOW VIEWS FROM db", Kind::kShowViews},
                        Case{"SHOW CURRENT SCHEMA", Kind::kShowCurrentNamespace},
                        Case{"SHOW COLUMNS IN t FROM db", Kind::kShowColumns},
                        Case{"SHOW CREATE TABLE a.b", Kind::kShowCreateTable},
                        Case{"DESC DATABASE EXTENDED ice.ns", Kind::kDescribeNamespace},
                        Case{"CREATE SCHEMA IF NOT EXISTS ice.ns COMMENT 'c' WITH DBPROPERTIES ('k' = 'v')",
                             Kind::kCreateNamespace},
                        Case{"DROP NAMESPACE IF EXISTS ice.ns CASCADE", Kind::kDropNamespace},
                        Case{"USE NAMESPACE ns", Kind::kUse}, Case{"use ice.ns", Kind::kUse}}) {
    auto st = ParseStatement(c.text);
    ASSERT_TRUE(st.ok()) << c.text << ": " << st.status().ToString();
    EXPECT_EQ(st->kind, c.kind) << c.text;
  }
  auto create = ParseStatement("CREATE NAMESPACE ice.ns COMMENT 'c' WITH PROPERTIES ('k' = 'v')");
  EXPECT_EQ(create->name, (std::vector<std::string>{"ice", "ns"}));
  EXPECT_EQ(create->comment, "c");
  EXPECT_EQ(create->properties.size(), 1u);
  EXPECT_TRUE(ParseStatement("DROP SCHEMA s CASCADE")->cascade);
  EXPECT_TRUE(ParseStatement("USE DATABASE d")->namespace_only);
  EXPECT_EQ(ParseStatement("DESCRIBE database")->kind, Kind::kDescribe);  // a table named `database`
}

TEST(ParserErrorTest, CaseWithoutEnd) {
  EXPECT_EQ(Headline(ErrorOf("CASE WHEN a THEN 1")),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
            "(line 1, pos 18)");
}

}  // namespace
}  // namespace spate::sql
