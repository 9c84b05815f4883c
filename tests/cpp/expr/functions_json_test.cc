#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"
#include "function_test_util.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

using testing::ExpectArray;
using testing::ExpectErrorClass;
using testing::Json;

std::shared_ptr<arrow::RecordBatch> Batch(const DataTypePtr& type, const std::string& values) {
  auto array = Json(type, values);
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("c", array->type())}),
                                  array->length(), {array});
}

// A batch of JSON documents, one per row (nullptr for NULL).
std::shared_ptr<arrow::RecordBatch> Docs(const std::vector<const char*>& docs) {
  arrow::StringBuilder b;
  for (const char* d : docs) {
    if (d == nullptr) {
      EXPECT_TRUE(b.AppendNull().ok());
    } else {
      EXPECT_TRUE(b.Append(d).ok());
    }
  }
  auto array = b.Finish().ValueOrDie();
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("c", arrow::utf8())}),
                                  array->length(), {array});
}

BoundExprPtr Col(const DataTypePtr& type) {
  return std::make_shared<BoundColumn>(0, type, true, "c");
}

BoundExprPtr Str(const std::string& s) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(s), types::String(), s);
}

BoundExprPtr Options(const std::string& key, const std::string& value) {
  auto type = types::Map(types::String(), types::String());
  auto array = Json(type, "[[[\"" + key + "\", \"" + value + "\"]]]");
  return std::make_shared<BoundLiteral>(array->GetScalar(0).ValueOrDie(), type, "map");
}

BoundExprPtr Bind(const std::string& name, std::vector<BoundExprPtr> args) {
  auto bound = BindCall(name, std::move(args), name);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  // A NULL stand-in keeps the remaining checks failing instead of crashing.
  if (!bound.ok()) return std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow::null()), types::Null(), "null");
  return *bound;
}

arrow::Result<std::shared_ptr<arrow::Array>> Eval(const BoundExprPtr& e,
                                                  const arrow::RecordBatch& batch,
                                                  const std::string& tz = "UTC") {
  EvalContext ctx;
  ctx.format.time_zone = tz;
  return EvaluateToArray(*e, batch, ctx);
}

DataTypePtr Schema(const std::string& ddl) { return ParseSchemaString(ddl).ValueOrDie(); }

TEST(JsonFunctions, FromJsonReadsStructFields) {
  auto batch = Docs({R"({"a": 1, "b": "x", "c": [1.5, 2]})", R"({"b": "y"})", nullptr, "{}"});
  auto e = Bind("from_json", {Col(types::String()), Str("a INT, b STRING, c ARRAY<DOUBLE>")});
  ASSERT_EQ(e->type()->SimpleString(), "struct<a:int,b:string,c:array<double>>");
  ExpectArray(e->type(),
              R"([{"a":1,"b":"x","c":[1.5,2.0]}, {"a":null,"b":"y","c":null}, null,
                  {"a":null,"b":null,"c":null}])",
              Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonFieldNamesAreCaseSensitive) {
  auto batch = Docs({R"({"A": 1, "a": 2})"});
  auto e = Bind("from_json", {Col(types::String()), Str("a INT")});
  ExpectArray(e->type(), R"([{"a":2}])", Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonSchemaInJsonForm) {
  auto batch = Docs({R"({"n": 5})"});
  auto e = Bind("from_json",
                {Col(types::String()),
                 Str(R"({"type":"struct","fields":[{"name":"n","type":"long","nullable":true,"metadata":{}}]})")});
  ExpectArray(e->type(), R"([{"n":5}])", Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonNestedStructsAndMaps) {
  auto batch = Docs({R"({"s": {"x": 1, "y": [{"z": true}]}, "m": {"k": 2, "j": null}})"});
  auto e = Bind("from_json", {Col(types::String()),
                              Str("s STRUCT<x: INT, y: ARRAY<STRUCT<z: BOOLEAN>>>, m MAP<STRING, INT>")});
  ExpectArray(e->type(), R"([{"s":{"x":1,"y":[{"z":true}]},"m":[["k",2],["j",null]]}])",
              Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonMalformedPermissiveGivesNullFields) {
  auto batch = Docs({R"({"a": 1)", R"({"a": 2})", "not json"});
  auto e = Bind("from_json", {Col(types::String()), Str("a INT")});
  ExpectArray(e->type(), R"([{"a":null}, {"a":2}, {"a":null}])", Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonTypeMismatchNullsTheField) {
  auto batch = Docs({R"({"a": "x", "b": 1})", R"({"a": 1.5, "b": 2})", R"({"a": 3000000000, "b": 3})"});
  auto e = Bind("from_json", {Col(types::String()), Str("a INT, b INT")});
  ExpectArray(e->type(), R"([{"a":null,"b":1}, {"a":null,"b":2}, {"a":null,"b":3}])",
              Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonCorruptRecordColumn) {
  auto batch = Docs({R"({"a": 1})", R"({"a": "x"})", "{oops"});
  auto e = Bind("from_json", {Col(types::String()), Str("a INT, _corrupt_record STRING")});
  ExpectArray(e->type(),
              R"([{"a":1,"_corrupt_record":null}, {"a":null,"_corrupt_record":"{\"a\": \"x\"}"},
                  {"a":null,"_corrupt_record":"{oops"}])",
              Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonFailFast) {
  auto e = Bind("from_json", {Col(types::String()), Str("a INT"), Options("mode", "FAILFAST")});
  ExpectErrorClass(Eval(e, *Docs({"{bad"})).status(), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
  ExpectErrorClass(Eval(e, *Docs({R"({"a": "x"})"})).status(),
                   "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
  ExpectArray(e->type(), R"([{"a":7}])", Eval(e, *Docs({R"({"a": 7})"})));
}

TEST(JsonFunctions, FromJsonUnicodeEscapes) {
  auto batch = Docs({R"({"s": "caf\u00e9 \ud83d\ude00 \"q\""})"});
  auto e = Bind("from_json", {Col(types::String()), Str("s STRING")});
  ExpectArray(e->type(), R"([{"s":"café 😀 \"q\""}])", Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonStringFieldKeepsJsonText) {
  auto batch = Docs({R"({"s": {"x": [1, 2]}, "t": 12})"});
  auto e = Bind("from_json", {Col(types::String()), Str("s STRING, t STRING")});
  ExpectArray(e->type(), R"([{"s":"{\"x\":[1,2]}","t":"12"}])", Eval(e, *batch));
}

TEST(JsonFunctions, FromJsonTimestampsDatesDecimals) {
  auto batch = Docs({R"({"ts": "2024-01-01T12:00:00", "d": "2024-02-29", "n": 12.345})",
                     R"({"ts": "2024-01-01T12:00:00.5+01:00", "d": "2023-02-29", "n": 123456})"});
  auto e = Bind("from_json", {Col(types::String()), Str("ts TIMESTAMP, d DATE, n DECIMAL(5,2)")});
  auto result = Eval(e, *batch);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& s = static_cast<const arrow::StructArray&>(**result);
  const auto& ts = static_cast<const arrow::TimestampArray&>(*s.field(0));
  EXPECT_EQ(ts.Value(0), 1704110400000000LL);            // 2024-01-01 12:00:00 UTC
  EXPECT_EQ(ts.Value(1), 1704106800000000LL + 500000);   // 11:00:00.5 UTC
  const auto& d = static_cast<const arrow::Date32Array&>(*s.field(1));
  EXPECT_EQ(d.Value(0), 19782);
  EXPECT_TRUE(d.IsNull(1));  // 2023 is not a leap year
  const auto& n = static_cast<const arrow::Decimal128Array&>(*s.field(2));
  EXPECT_EQ(n.FormatValue(0), "12.35");
  EXPECT_TRUE(n.IsNull(1));  // does not fit DECIMAL(5,2)
}

TEST(JsonFunctions, FromJsonTimestampInSessionZone) {
  auto e = Bind("from_json", {Col(types::String()), Str("ts TIMESTAMP")});
  auto result = Eval(e, *Docs({R"({"ts": "2024-07-01 00:00:00"})"}), "America/Los_Angeles");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& s = static_cast<const arrow::StructArray&>(**result);
  EXPECT_EQ(static_cast<const arrow::TimestampArray&>(*s.field(0)).Value(0),
            1719817200000000LL);  // 07:00 UTC (PDT is UTC-7)
}

TEST(JsonFunctions, FromJsonArrayAndMapSchemas) {
  auto batch = Docs({"[1, 2, null]", "{\"a\": 1}", "[1, \"x\"]"});
  auto arr = Bind("from_json", {Col(types::String()), Str("ARRAY<INT>")});
  // An element that does not convert makes the whole array NULL, as Spark.
  ExpectArray(types::Array(types::Int()), "[[1, 2, null], null, null]", Eval(arr, *batch));
  auto map = Bind("from_json", {Col(types::String()), Str("MAP<STRING, INT>")});
  ExpectArray(types::Map(types::String(), types::Int()), R"([null, [["a", 1]], null])",
              Eval(map, *Docs({"[1]", R"({"a": 1})", nullptr})));
}

TEST(JsonFunctions, FromJsonAllowComments) {
  auto batch = Docs({R"({"a": /* c */ 1})"});
  auto plain = Bind("from_json", {Col(types::String()), Str("a INT")});
  ExpectArray(plain->type(), R"([{"a":null}])", Eval(plain, *batch));
  auto lenient = Bind("from_json", {Col(types::String()), Str("a INT"), Options("allowComments", "true")});
  ExpectArray(plain->type(), R"([{"a":1}])", Eval(lenient, *batch));
}

TEST(JsonFunctions, FromJsonLenientOptions) {
  auto batch = Docs({"{'a': 1} trailing", "{a: 2}", R"({"a": 1e400})"});
  auto plain = Bind("from_json", {Col(types::String()), Str("a DOUBLE")});
  ExpectArray(plain->type(), R"([{"a":1}, {"a":null}, {"a":Inf}])", Eval(plain, *batch));
  auto strict = Bind("from_json", {Col(types::String()), Str("a DOUBLE"), Options("allowSingleQuotes", "false")});
  ExpectArray(plain->type(), R"([{"a":null}, {"a":null}, {"a":Inf}])", Eval(strict, *batch));
  auto names = Bind("from_json", {Col(types::String()), Str("a DOUBLE"), Options("allowUnquotedFieldNames", "true")});
  ExpectArray(plain->type(), R"([{"a":1}, {"a":2}, {"a":Inf}])", Eval(names, *batch));
}

TEST(JsonFunctions, FromJsonBindErrors) {
  ExpectErrorClass(BindCall("from_json", {Col(types::Int()), Str("a INT")}, "p").status(),
                   "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
  ExpectErrorClass(BindCall("from_json", {Col(types::String())}, "p").status(),
                   "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
  ExpectErrorClass(BindCall("from_json", {Col(types::String()), Col(types::String())}, "p").status(),
                   "INVALID_SCHEMA.NON_STRING_LITERAL");
  ExpectErrorClass(BindCall("from_json", {Col(types::String()), Str("a INT"),
                                          Options("mode", "DROPMALFORMED")}, "p").status(),
                   "PARSE_MODE_UNSUPPORTED");
}

TEST(JsonFunctions, ToJsonStruct) {
  auto st = Schema("a INT, b STRING, c ARRAY<INT>, d DOUBLE, e BOOLEAN");
  auto batch = Batch(st, R"([{"a":1,"b":"x\"y\n","c":[1,null],"d":1.0,"e":true},
                              {"a":null,"b":"é","c":[],"d":1e10,"e":false}, null])");
  auto e = Bind("to_json", {Col(st)});
  ExpectArray(types::String(),
              R"(["{\"a\":1,\"b\":\"x\\\"y\\n\",\"c\":[1,null],\"d\":1.0,\"e\":true}",
                  "{\"b\":\"é\",\"c\":[],\"d\":1.0E10,\"e\":false}", null])",
              Eval(e, *batch));
  auto keep_nulls = Bind("to_json", {Col(st), Options("ignoreNullFields", "false")});
  auto out = Eval(keep_nulls, *batch);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(static_cast<const arrow::StringArray&>(**out).GetString(1),
            R"({"a":null,"b":"é","c":[],"d":1.0E10,"e":false})");
}

TEST(JsonFunctions, ToJsonTimestampsAndDates) {
  auto st = Schema("t TIMESTAMP, d DATE");
  auto batch = Batch(st, R"([{"t": 1704110400000000, "d": 19782}])");
  auto e = Bind("to_json", {Col(st)});
  ExpectArray(types::String(), R"(["{\"t\":\"2024-01-01T12:00:00.000Z\",\"d\":\"2024-02-29\"}"])",
              Eval(e, *batch));
  ExpectArray(types::String(),
              R"(["{\"t\":\"2024-01-01T13:00:00.000+01:00\",\"d\":\"2024-02-29\"}"])",
              Eval(e, *batch, "Europe/Paris"));
}

TEST(JsonFunctions, ToJsonMapsAndArrays) {
  auto map = types::Map(types::String(), types::Int());
  ExpectArray(types::String(), R"(["{\"a\":1,\"b\":null}"])",
              Eval(Bind("to_json", {Col(map)}), *Batch(map, R"([[["a", 1], ["b", null]]])")));
  auto arr = types::Array(Schema("x INT"));
  ExpectArray(types::String(), R"(["[{\"x\":1},{}]"])",
              Eval(Bind("to_json", {Col(arr)}), *Batch(arr, R"([[{"x":1},{"x":null}]])")));
  ExpectErrorClass(BindCall("to_json", {Col(types::Int())}, "p").status(),
                   "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA");
}

TEST(JsonFunctions, GetJsonObject) {
  auto batch = Docs({R"({"a": {"b": [10, {"c": "x"}]}, "s": "str", "n": null})", "not json", nullptr});
  auto get = [&](const std::string& path) {
    return Eval(Bind("get_json_object", {Col(types::String()), Str(path)}), *batch);
  };
  ExpectArray(types::String(), R"(["10", null, null])", get("$.a.b[0]"));
  ExpectArray(types::String(), R"(["x", null, null])", get("$.a.b[1].c"));
  ExpectArray(types::String(), R"(["x", null, null])", get("$['a']['b'][1]['c']"));
  ExpectArray(types::String(), R"(["{\"c\":\"x\"}", null, null])", get("$.a.b[1]"));
  ExpectArray(types::String(), R"(["[10,{\"c\":\"x\"}]", null, null])", get("$.a.b"));
  ExpectArray(types::String(), R"(["str", null, null])", get("$.s"));
  ExpectArray(types::String(), R"([null, null, null])", get("$.n"));
  ExpectArray(types::String(), R"([null, null, null])", get("$.missing"));
  ExpectArray(types::String(), R"([null, null, null])", get("a.b"));
}

// Text that is not valid UTF-8 is malformed, as Jackson finds it, also where the
// path does not reach; ASCII text is read without validating, other text validated.
TEST(JsonFunctions, GetJsonObjectRefusesInvalidUtf8) {
  auto batch = Docs({"{\"x\":\"\xff\",\"a\":1}", "{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":2}"});
  auto got = Eval(Bind("get_json_object", {Col(types::String()), Str("$.a")}), *batch);
  ExpectArray(types::String(), R"([null, "\u00e9", null, "2"])", got);
}

}  // namespace
}  // namespace spate
