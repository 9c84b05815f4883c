#include "spate/state/row_codec.h"
#include "spate/state/row_values.h"

#include <chrono>
#include <cmath>
#include <limits>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

namespace spate {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch(const std::shared_ptr<arrow::Schema>& schema, const std::string& rows) {
  auto array = arrow::json::ArrayFromJSONString(arrow::struct_(schema->fields()), rows).ValueOrDie();
  return arrow::RecordBatch::FromStructArray(array).ValueOrDie();
}

// Encodes every row, decodes them back and checks the batch is unchanged.
void ExpectRoundTrip(const std::shared_ptr<arrow::RecordBatch>& batch) {
  auto encoder = RowEncoder::Make(batch->schema()).ValueOrDie();
  auto decoder = RowDecoder::Make(batch->schema()).ValueOrDie();
  for (const auto& bytes : encoder->EncodeAll(*batch)) {
    std::string_view rest = bytes;
    ASSERT_TRUE(decoder->Append(&rest).ok());
    EXPECT_TRUE(rest.empty());
  }
  auto decoded = decoder->Finish().ValueOrDie();
  ASSERT_TRUE(decoded->Equals(*batch)) << "decoded:\n" << decoded->ToString() << "expected:\n" << batch->ToString();
}

TEST(RowCodec, RoundTripsScalarTypesWithNulls) {
  auto schema = arrow::schema({
      arrow::field("b", arrow::boolean()),
      arrow::field("i8", arrow::int8()),
      arrow::field("i16", arrow::int16()),
      arrow::field("i32", arrow::int32()),
      arrow::field("i64", arrow::int64()),
      arrow::field("f", arrow::float32()),
      arrow::field("d", arrow::float64()),
      arrow::field("dec", arrow::decimal128(20, 3)),
      arrow::field("date", arrow::date32()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
      arrow::field("ts_ns", arrow::timestamp(arrow::TimeUnit::NANO)),
      arrow::field("s", arrow::utf8()),
      arrow::field("bin", arrow::binary()),
      arrow::field("ls", arrow::large_utf8()),
      arrow::field("n", arrow::null()),
  });
  ExpectRoundTrip(Batch(schema, R"([
    {"b": true, "i8": -128, "i16": 32767, "i32": -5, "i64": -9223372036854775808, "f": 1.5, "d": -2.25,
     "dec": "-12345678901234567.891", "date": 19000, "ts": 1700000000000000, "ts_ns": -1, "s": "héllo",
     "bin": "", "ls": "a longer string than fifteen bytes", "n": null},
    {"b": null, "i8": null, "i16": null, "i32": null, "i64": null, "f": null, "d": null, "dec": null,
     "date": null, "ts": null, "ts_ns": null, "s": null, "bin": null, "ls": null, "n": null},
    {"b": false, "i8": 127, "i16": -32768, "i32": 2147483647, "i64": 9223372036854775807, "f": -0.0,
     "d": 1e308, "dec": "0.001", "date": -1, "ts": 0, "ts_ns": 5, "s": "", "bin": "AB", "ls": "", "n": null}
  ])"));
}

TEST(RowCodec, RoundTripsIntervals) {
  auto schema = arrow::schema({arrow::field("i", arrow::month_day_nano_interval())});
  arrow::MonthDayNanoIntervalBuilder builder;
  ASSERT_TRUE(builder.Append({-3, 14, -123456789}).ok());
  ASSERT_TRUE(builder.AppendNull().ok());
  auto array = builder.Finish().ValueOrDie();
  ExpectRoundTrip(arrow::RecordBatch::Make(schema, 2, {array}));
}

TEST(RowCodec, RoundTripsNestedTypesWithNulls) {
  auto window = arrow::struct_({arrow::field("start", arrow::timestamp(arrow::TimeUnit::MICRO)),
                                arrow::field("end", arrow::timestamp(arrow::TimeUnit::MICRO))});
  auto schema = arrow::schema({
      arrow::field("w", window),
      arrow::field("l", arrow::list(arrow::int32())),
      arrow::field("ll", arrow::list(arrow::list(arrow::utf8()))),
      arrow::field("m", arrow::map(arrow::utf8(), arrow::float64())),
      arrow::field("s", arrow::struct_({arrow::field("a", arrow::list(window)), arrow::field("b", arrow::utf8())})),
  });
  ExpectRoundTrip(Batch(schema, R"([
    {"w": {"start": 0, "end": 300000000}, "l": [1, null, 3], "ll": [["a"], [], null, ["b", null]],
     "m": [["x", 1.0], ["y", null]], "s": {"a": [{"start": 1, "end": 2}, null], "b": "z"}},
    {"w": null, "l": null, "ll": null, "m": null, "s": null},
    {"w": {"start": null, "end": 5}, "l": [], "ll": [], "m": [], "s": {"a": null, "b": null}}
  ])"));
}

TEST(RowCodec, RoundTripsSlicedArrays) {
  auto schema = arrow::schema({arrow::field("s", arrow::struct_({arrow::field("x", arrow::int64())})),
                               arrow::field("l", arrow::list(arrow::utf8()))});
  auto batch = Batch(schema, R"([{"s": {"x": 1}, "l": ["a"]}, {"s": {"x": 2}, "l": ["b", "c"]},
                                 {"s": null, "l": null}, {"s": {"x": 4}, "l": []}])");
  ExpectRoundTrip(batch->Slice(1, 3));
}

TEST(RowCodec, EqualValuesGiveEqualBytes) {
  auto schema = arrow::schema({arrow::field("d", arrow::float64()), arrow::field("f", arrow::float32())});
  arrow::DoubleBuilder d;
  arrow::FloatBuilder f;
  ASSERT_TRUE(d.AppendValues({0.0, -0.0, std::nan("1"), -std::nan("2")}).ok());
  ASSERT_TRUE(f.AppendValues({0.0f, -0.0f, std::nanf("3"), -std::nanf("")}).ok());
  auto batch = arrow::RecordBatch::Make(schema, 4, {d.Finish().ValueOrDie(), f.Finish().ValueOrDie()});
  auto rows = RowEncoder::Make(schema).ValueOrDie()->EncodeAll(*batch);
  EXPECT_EQ(rows[0], rows[1]);  // -0.0 == 0.0
  EXPECT_EQ(rows[2], rows[3]);  // every NaN is one NaN
  EXPECT_NE(rows[0], rows[2]);
}

// Byte order of the encodings equals the numeric order of the values.
template <typename Builder, typename T>
void ExpectByteOrderIsValueOrder(const std::shared_ptr<arrow::DataType>& type, std::vector<T> sorted) {
  auto schema = arrow::schema({arrow::field("v", type)});
  Builder builder(type, arrow::default_memory_pool());
  ASSERT_TRUE(builder.AppendNull().ok());  // nulls first
  for (T v : sorted) ASSERT_TRUE(builder.Append(v).ok());
  auto batch = arrow::RecordBatch::Make(schema, static_cast<int64_t>(sorted.size() + 1), {builder.Finish().ValueOrDie()});
  auto rows = RowEncoder::Make(schema).ValueOrDie()->EncodeAll(*batch);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1], rows[i]) << type->ToString() << " at " << i;
}

TEST(RowCodec, ByteOrderIsNumericOrder) {
  ExpectByteOrderIsValueOrder<arrow::Int8Builder, int8_t>(arrow::int8(), {-128, -1, 0, 1, 127});
  ExpectByteOrderIsValueOrder<arrow::Int32Builder, int32_t>(arrow::int32(), {INT32_MIN, -70000, -1, 0, 255, 256, INT32_MAX});
  ExpectByteOrderIsValueOrder<arrow::Int64Builder, int64_t>(arrow::int64(), {INT64_MIN, -(1LL << 40), -1, 0, 1, 1LL << 40, INT64_MAX});
  ExpectByteOrderIsValueOrder<arrow::TimestampBuilder, int64_t>(arrow::timestamp(arrow::TimeUnit::MICRO),
                                                                {-86400000000LL, 0, 300000000, 600000000});
  ExpectByteOrderIsValueOrder<arrow::Date32Builder, int32_t>(arrow::date32(), {-10000, -1, 0, 19000});
  double inf = std::numeric_limits<double>::infinity();
  ExpectByteOrderIsValueOrder<arrow::DoubleBuilder, double>(
      arrow::float64(), {-inf, -1e300, -2.5, -1e-300, 0.0, 1e-300, 2.5, 1e300, inf, std::nan("")});
  ExpectByteOrderIsValueOrder<arrow::FloatBuilder, float>(arrow::float32(), {-3.5f, -0.25f, 0.0f, 0.25f, 3.5f});
  ExpectByteOrderIsValueOrder<arrow::Decimal128Builder, arrow::Decimal128>(
      arrow::decimal128(38, 2), {arrow::Decimal128("-99999999999999999999.99"), arrow::Decimal128("-1.00"),
                                 arrow::Decimal128("0.00"), arrow::Decimal128("0.01"),
                                 arrow::Decimal128("18446744073709551616.00")});
}

TEST(RowCodec, LeadingColumnsArePrefix) {
  auto full = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("t", arrow::int64()),
                             arrow::field("w", arrow::struct_({arrow::field("s", arrow::int64())}))});
  auto lead = arrow::schema({arrow::field("k", arrow::utf8())});
  auto batch = Batch(full, R"([{"k": "user1", "t": 5, "w": {"s": 1}}, {"k": null, "t": null, "w": null}])");
  auto lead_batch = Batch(lead, R"([{"k": "user1"}, {"k": null}])");
  auto rows = RowEncoder::Make(full).ValueOrDie()->EncodeAll(*batch);
  auto prefixes = RowEncoder::Make(lead).ValueOrDie()->EncodeAll(*lead_batch);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i].starts_with(prefixes[i])) << i;
    EXPECT_GT(rows[i].size(), prefixes[i].size());
  }
}

// Columns of every fixed-width type, a struct of them among them.
std::shared_ptr<arrow::Schema> FixedWidthSchema() {
  auto window = arrow::struct_({arrow::field("s", arrow::timestamp(arrow::TimeUnit::MICRO)),
                                arrow::field("open", arrow::boolean())});
  return arrow::schema({arrow::field("b", arrow::boolean()), arrow::field("i8", arrow::int8()),
                        arrow::field("u16", arrow::uint16()), arrow::field("i32", arrow::int32()),
                        arrow::field("f", arrow::float32()), arrow::field("d", arrow::float64()),
                        arrow::field("date", arrow::date32()), arrow::field("w", window)});
}

std::shared_ptr<arrow::RecordBatch> FixedWidthRows() {
  return Batch(FixedWidthSchema(), R"([
    {"b": true, "i8": -1, "u16": 7, "i32": -5, "f": -0.0, "d": 2.5, "date": 1,
     "w": {"s": 10, "open": true}},
    {"b": false, "i8": 127, "u16": 65535, "i32": 2147483647, "f": 1.5, "d": -1e300, "date": -1,
     "w": {"s": -3, "open": false}},
    {"b": true, "i8": -128, "u16": 0, "i32": 0, "f": 3.25, "d": 0.0, "date": 19000,
     "w": {"s": 0, "open": true}}
  ])");
}

std::shared_ptr<arrow::RecordBatch> FixedWidthRowsWithNulls() {
  return Batch(FixedWidthSchema(), R"([
    {"b": null, "i8": 1, "u16": 2, "i32": 3, "f": 4, "d": 5, "date": 6, "w": {"s": null, "open": true}},
    {"b": true, "i8": 1, "u16": 2, "i32": 3, "f": 4, "d": 5, "date": 6, "w": null}
  ])");
}

// EncodeBatch writes fixed-width columns without nulls a column at a time:
// the same bytes as row by row, for sliced arrays and structs too.
TEST(RowCodec, EncodeBatchWritesTheBytesOfEncode) {
  auto schema = FixedWidthSchema();
  auto batch = FixedWidthRows();
  auto with_nulls = FixedWidthRowsWithNulls();
  auto encoder = RowEncoder::Make(schema).ValueOrDie();
  for (const auto& b : {batch, batch->Slice(1, 2), with_nulls}) {
    EncodedRows rows;
    encoder->EncodeBatch(*b, &rows);
    std::vector<std::string> one_by_one = encoder->EncodeAll(*b);
    ASSERT_EQ(rows.size(), one_by_one.size());
    for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], one_by_one[i]) << b->ToString() << " row " << i;
  }
  ExpectRoundTrip(batch->Slice(1, 2));
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> DecodedOneByOne(const std::shared_ptr<arrow::Schema>& schema,
                                                                    const std::vector<std::string>& rows) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(schema));
  for (std::string_view row : rows) ARROW_RETURN_NOT_OK(decoder->Append(&row));
  return decoder->Finish();
}

void ExpectSameResult(const arrow::Result<std::shared_ptr<arrow::RecordBatch>>& got,
                      const arrow::Result<std::shared_ptr<arrow::RecordBatch>>& expected) {
  ASSERT_EQ(got.status().ToString(), expected.status().ToString());
  if (!got.ok()) return;
  EXPECT_TRUE((*got)->Equals(**expected)) << "got:\n"
                                          << (*got)->ToString() << "expected:\n"
                                          << (*expected)->ToString();
}

// DecodeAll reads rows of fixed-width columns without nulls a column at a
// time: the batch (or the error) of Append row by row, whatever the rows hold.
TEST(RowCodec, DecodeAllGivesTheRowsOfAppend) {
  auto schema = FixedWidthSchema();
  auto encoder = RowEncoder::Make(schema).ValueOrDie();
  auto decoder = RowDecoder::Make(schema).ValueOrDie();
  const std::vector<std::string> rows = encoder->EncodeAll(*FixedWidthRows());
  for (const auto& b : {FixedWidthRows(), FixedWidthRowsWithNulls(), FixedWidthRows()->Slice(1, 2)}) {
    const std::vector<std::string> encoded = encoder->EncodeAll(*b);
    ExpectSameResult(decoder->DecodeAll(encoded), DecodedOneByOne(schema, encoded));
  }
  // Rows as long as those without nulls that are not: a null flag with bytes
  // after it, a struct's null flag, a bad boolean, a bad flag.
  for (auto [at, byte] : {std::pair{0, 0}, std::pair{31, 0}, std::pair{1, 2}, std::pair{2, 7}}) {
    std::vector<std::string> changed = rows;
    changed[1][static_cast<size_t>(at)] = static_cast<char>(byte);
    // A decoder that failed holds the rows before the bad one: each case takes a new one.
    ExpectSameResult(RowDecoder::Make(schema).ValueOrDie()->DecodeAll(changed), DecodedOneByOne(schema, changed));
  }
}

TEST(RowCodec, DecodesConsecutiveRowsFromOneBuffer) {
  auto schema = arrow::schema({arrow::field("s", arrow::utf8()), arrow::field("i", arrow::int32())});
  auto batch = Batch(schema, R"([{"s": "a", "i": 1}, {"s": "bc", "i": null}])");
  std::string bytes;
  auto encoder = RowEncoder::Make(schema).ValueOrDie();
  encoder->Encode(*batch, 0, &bytes);
  encoder->Encode(*batch, 1, &bytes);
  auto decoder = RowDecoder::Make(schema).ValueOrDie();
  std::string_view rest = bytes;
  ASSERT_TRUE(decoder->Append(&rest).ok());
  ASSERT_TRUE(decoder->Append(&rest).ok());
  EXPECT_TRUE(rest.empty());
  EXPECT_TRUE(decoder->Finish().ValueOrDie()->Equals(*batch));
  // Finish() starts over.
  EXPECT_EQ(decoder->Finish().ValueOrDie()->num_rows(), 0);
}

TEST(RowCodec, CorruptBytesAreErrorsNotCrashes) {
  auto schema = arrow::schema({arrow::field("s", arrow::utf8()), arrow::field("l", arrow::list(arrow::int64())),
                               arrow::field("m", arrow::map(arrow::utf8(), arrow::int32())),
                               arrow::field("b", arrow::boolean())});
  auto batch = Batch(schema, R"([{"s": "abc", "l": [1, 2], "m": [["k", 1]], "b": true}])");
  std::string good = RowEncoder::Make(schema).ValueOrDie()->EncodeAll(*batch)[0];
  auto decoder = RowDecoder::Make(schema).ValueOrDie();
  // Every truncation fails.
  for (size_t n = 0; n < good.size(); ++n) {
    std::string_view cut(good.data(), n);
    auto status = decoder->Append(&cut);
    EXPECT_TRUE(status.IsInvalid()) << "prefix of " << n << " bytes";
  }
  // A bad null flag, a huge length, a bad boolean.
  std::string bad_flag = good;
  bad_flag[0] = 7;
  std::string huge_length = good;
  huge_length[1] = '\x7f';
  std::string bad_bool = good;
  bad_bool.back() = 9;
  for (const std::string& bytes : {bad_flag, huge_length, bad_bool}) {
    std::string_view view = bytes;
    auto status = decoder->Append(&view);
    EXPECT_TRUE(status.IsInvalid()) << status.ToString();
    EXPECT_NE(status.message().find("state row bytes"), std::string::npos) << status.ToString();
  }
  // Failed rows were not half-appended: the decoder still works.
  std::string_view view = good;
  ASSERT_TRUE(decoder->Append(&view).ok());
  auto decoded = decoder->Finish().ValueOrDie();
  EXPECT_TRUE(decoded->Equals(*batch)) << decoded->ToString();
}

TEST(RowCodec, SingleValuesEncodeAsTheirColumns) {
  auto schema = arrow::schema({
      arrow::field("n", arrow::int32()), arrow::field("i8", arrow::int8()), arrow::field("i16", arrow::int16()),
      arrow::field("i32", arrow::int32()), arrow::field("i64", arrow::int64()), arrow::field("f", arrow::float32()),
      arrow::field("d", arrow::float64()), arrow::field("s", arrow::utf8()), arrow::field("y", arrow::binary()),
      arrow::field("b", arrow::boolean()), arrow::field("day", arrow::date32()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  auto batch = Batch(schema, R"([[null, -128, -300, 70000, -5000000000, -1.5, -0.0, "héllo", "", true, -3, 1700000000123456]])");
  std::string row;
  AppendEncodedNull(&row);
  AppendEncodedInteger(-128, 1, &row);
  AppendEncodedInteger(-300, 2, &row);
  AppendEncodedInteger(70000, 4, &row);
  AppendEncodedInteger(-5000000000, 8, &row);
  AppendEncodedFloat(-1.5f, &row);
  AppendEncodedDouble(-0.0, &row);
  AppendEncodedBytes("héllo", &row);
  AppendEncodedBytes("", &row);
  AppendEncodedBool(true, &row);
  AppendEncodedInteger(-3, 4, &row);
  AppendEncodedInteger(1700000000123456, 8, &row);
  EXPECT_EQ(row, RowEncoder::Make(schema).ValueOrDie()->EncodeAll(*batch)[0]);
}

TEST(RowCodec, UnsupportedTypeIsAClearError) {
  auto schema = arrow::schema({arrow::field("t", arrow::time32(arrow::TimeUnit::SECOND))});
  auto encoder = RowEncoder::Make(schema);
  ASSERT_FALSE(encoder.ok());
  EXPECT_NE(encoder.status().message().find("does not support the type time32[s]"), std::string::npos)
      << encoder.status().ToString();
  EXPECT_FALSE(RowDecoder::Make(schema).ok());
}

// Not a timing assertion: prints the figure for the report.
TEST(RowCodec, EncodesAMillionWindowKeys) {
  constexpr int64_t kRows = 1000000;
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto window = arrow::struct_({arrow::field("start", ts), arrow::field("end", ts)});
  auto schema = arrow::schema({arrow::field("k", arrow::int64()), arrow::field("w", window)});
  arrow::Int64Builder keys, starts, ends;
  for (int64_t i = 0; i < kRows; ++i) {
    ASSERT_TRUE(keys.Append(i).ok());
    ASSERT_TRUE(starts.Append(i * 1000).ok());
    ASSERT_TRUE(ends.Append(i * 1000 + 300).ok());
  }
  auto start_array = std::make_shared<arrow::TimestampArray>(ts, kRows, starts.Finish().ValueOrDie()->data()->buffers[1]);
  auto end_array = std::make_shared<arrow::TimestampArray>(ts, kRows, ends.Finish().ValueOrDie()->data()->buffers[1]);
  auto w = arrow::StructArray::Make({start_array, end_array}, window->fields()).ValueOrDie();
  auto batch = arrow::RecordBatch::Make(schema, kRows, {keys.Finish().ValueOrDie(), w});
  auto encoder = RowEncoder::Make(schema).ValueOrDie();
  auto begin = std::chrono::steady_clock::now();
  auto rows = encoder->EncodeAll(*batch);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(rows[0].size(), 1 + 8 + 1 + 2 * (1 + 8));
  std::printf("[ RowCodec ] encoded %lld rows of (int64, struct<timestamp,timestamp>) in %lld ms\n",
              static_cast<long long>(kRows), static_cast<long long>(ms));
}

}  // namespace
}  // namespace spate
