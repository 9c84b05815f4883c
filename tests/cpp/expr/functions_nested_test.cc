#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"
#include "function_test_util.h"

namespace spate {
namespace {

using testing::ExpectArray;
using testing::ExpectErrorClass;
using testing::Json;

// A batch with one column per (type, values) pair, named c0, c1, ...
std::shared_ptr<arrow::RecordBatch> Batch(
    const std::vector<std::pair<DataTypePtr, std::string>>& columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (size_t i = 0; i < columns.size(); ++i) {
    arrays.push_back(Json(columns[i].first, columns[i].second));
    fields.push_back(arrow::field("c" + std::to_string(i), arrays.back()->type()));
  }
  return arrow::RecordBatch::Make(arrow::schema(fields), arrays[0]->length(), arrays);
}

BoundExprPtr Col(int i, const DataTypePtr& type, const std::string& name = "") {
  return std::make_shared<BoundColumn>(i, type, true, name.empty() ? "c" + std::to_string(i) : name);
}

BoundExprPtr Lit(const DataTypePtr& type, const std::string& json_value) {
  auto array = Json(type, "[" + json_value + "]");
  return std::make_shared<BoundLiteral>(array->GetScalar(0).ValueOrDie(), type, json_value);
}

BoundExprPtr Bind(const std::string& name, std::vector<BoundExprPtr> args) {
  auto bound = BindCall(name, std::move(args), name);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  // A NULL stand-in keeps the remaining checks failing instead of crashing.
  if (!bound.ok()) return std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow::null()), types::Null(), "null");
  return *bound;
}

arrow::Result<std::shared_ptr<arrow::Array>> Eval(const BoundExprPtr& e,
                                                  const arrow::RecordBatch& batch, bool ansi = true) {
  EvalContext ctx;
  ctx.ansi = ansi;
  return EvaluateToArray(*e, batch, ctx);
}

const DataTypePtr kIntArray = types::Array(types::Int());
const DataTypePtr kStrIntMap = types::Map(types::String(), types::Int());

TEST(NestedFunctions, StructTakesColumnNamesAndColN) {
  auto batch = Batch({{types::Int(), "[1, null]"}, {types::String(), R"(["x", "y"])"}});
  auto e = Bind("struct", {Col(0, types::Int(), "a"), Col(1, types::String(), "b"),
                           Lit(types::Int(), "7")});
  ASSERT_EQ(e->type()->SimpleString(), "struct<a:int,b:string,col3:int>");
  EXPECT_FALSE(e->nullable());
  ExpectArray(e->type(), R"([{"a":1,"b":"x","col3":7},{"a":null,"b":"y","col3":7}])",
              Eval(e, *batch));
}

TEST(NestedFunctions, NamedStruct) {
  auto batch = Batch({{types::Int(), "[1, 2]"}});
  auto e = Bind("named_struct", {Lit(types::String(), R"("x")"), Col(0, types::Int()),
                                 Lit(types::String(), R"("y")"), Lit(types::Double(), "1.5")});
  ASSERT_EQ(e->type()->SimpleString(), "struct<x:int,y:double>");
  ExpectArray(e->type(), R"([{"x":1,"y":1.5},{"x":2,"y":1.5}])", Eval(e, *batch));
}

TEST(NestedFunctions, NamedStructErrors) {
  auto odd = BindCall("named_struct", {Lit(types::String(), R"("x")")}, "p");
  ExpectErrorClass(odd.status(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
  auto not_foldable = BindCall("named_struct", {Col(0, types::String()), Lit(types::Int(), "1")}, "p");
  ExpectErrorClass(not_foldable.status(), "DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING");
}

TEST(NestedFunctions, ArrayWidensElements) {
  auto batch = Batch({{types::Int(), "[1, null]"}, {types::Long(), "[10, 20]"}});
  auto e = Bind("array", {Col(0, types::Int()), Col(1, types::Long())});
  ASSERT_EQ(e->type()->SimpleString(), "array<bigint>");
  ExpectArray(e->type(), "[[1, 10], [null, 20]]", Eval(e, *batch));
}

TEST(NestedFunctions, EmptyArrayIsArrayOfVoid) {
  auto batch = Batch({{types::Int(), "[1]"}});
  auto e = Bind("array", {});
  EXPECT_EQ(e->type()->SimpleString(), "array<void>");
  ExpectArray(e->type(), "[[]]", Eval(e, *batch));
}

TEST(NestedFunctions, ArrayOfIncompatibleTypes) {
  auto bound = BindCall("array", {Col(0, types::Int()), Col(1, kIntArray)}, "array(c0, c1)");
  ExpectErrorClass(bound.status(), "DATATYPE_MISMATCH.DATA_DIFF_TYPES");
}

TEST(NestedFunctions, MapBuildsAndRejectsDuplicateAndNullKeys) {
  auto batch = Batch({{types::String(), R"(["a", "b"])"}, {types::Int(), "[1, null]"}});
  auto e = Bind("map", {Col(0, types::String()), Col(1, types::Int()),
                        Lit(types::String(), R"("z")"), Lit(types::Int(), "9")});
  ASSERT_EQ(e->type()->SimpleString(), "map<string,int>");
  ExpectArray(e->type(), R"([[["a", 1], ["z", 9]], [["b", null], ["z", 9]]])", Eval(e, *batch));

  auto dup_batch = Batch({{types::String(), R"(["z"])"}});
  ExpectErrorClass(Eval(e, *Batch({{types::String(), R"(["z"])"}, {types::Int(), "[1]"}})).status(),
                   "DUPLICATED_MAP_KEY");
  auto null_key = Batch({{types::String(), "[null]"}, {types::Int(), "[1]"}});
  ExpectErrorClass(Eval(e, *null_key).status(), "NULL_MAP_KEY");
  ExpectErrorClass(BindCall("map", {Col(0, types::String())}, "p").status(),
                   "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
}

TEST(NestedFunctions, MapFromArrays) {
  auto batch = Batch({{types::Array(types::String()), R"([["a", "b"], null])"},
                      {kIntArray, "[[1, 2], [3]]"}});
  auto e = Bind("map_from_arrays", {Col(0, types::Array(types::String())), Col(1, kIntArray)});
  ExpectArray(e->type(), R"([[["a", 1], ["b", 2]], null])", Eval(e, *batch));
}

TEST(NestedFunctions, SizeOfNullDependsOnAnsi) {
  auto batch = Batch({{kIntArray, "[[1, 2, 3], [], null]"}});
  auto e = Bind("size", {Col(0, kIntArray)});
  ExpectArray(types::Int(), "[3, 0, null]", Eval(e, *batch, /*ansi=*/true));
  ExpectArray(types::Int(), "[3, 0, -1]", Eval(e, *batch, /*ansi=*/false));
  auto maps = Batch({{kStrIntMap, R"([[["a", 1]], null])"}});
  ExpectArray(types::Int(), "[1, null]", Eval(Bind("cardinality", {Col(0, kStrIntMap)}), *maps));
  ExpectErrorClass(BindCall("size", {Col(0, types::Int())}, "size(c0)").status(),
                   "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
  ExpectErrorClass(BindCall("size", {}, "size()").status(), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
}

TEST(NestedFunctions, ArrayContainsWithNulls) {
  auto batch = Batch({{kIntArray, "[[1, 2], [1, null], [3], null, []]"}});
  auto e = Bind("array_contains", {Col(0, kIntArray), Lit(types::Int(), "2")});
  ExpectArray(types::Boolean(), "[true, null, false, null, false]", Eval(e, *batch));
  auto null_value = Bind("array_contains", {Col(0, kIntArray), Lit(types::Int(), "null")});
  ExpectArray(types::Boolean(), "[null, null, null, null, null]", Eval(null_value, *batch));
}

TEST(NestedFunctions, ElementAtArray) {
  auto batch = Batch({{kIntArray, "[[10, 20, 30], [5], null]"}});
  auto first = Bind("element_at", {Col(0, kIntArray), Lit(types::Int(), "1")});
  ExpectArray(types::Int(), "[10, 5, null]", Eval(first, *batch));
  auto last = Bind("element_at", {Col(0, kIntArray), Lit(types::Int(), "-1")});
  ExpectArray(types::Int(), "[30, 5, null]", Eval(last, *batch));
  auto third = Bind("element_at", {Col(0, kIntArray), Lit(types::Int(), "3")});
  ExpectArray(types::Int(), "[30, null, null]", Eval(third, *batch, /*ansi=*/false));
  ExpectErrorClass(Eval(third, *batch, /*ansi=*/true).status(), "INVALID_ARRAY_INDEX_IN_ELEMENT_AT");
  auto zero = Bind("element_at", {Col(0, kIntArray), Lit(types::Int(), "0")});
  ExpectErrorClass(Eval(zero, *batch, /*ansi=*/false).status(), "INVALID_INDEX_OF_ZERO");
}

TEST(NestedFunctions, ElementAtMapMissingKeyIsNull) {
  auto batch = Batch({{kStrIntMap, R"([[["a", 1], ["b", 2]], [["c", 3]], null])"}});
  auto e = Bind("element_at", {Col(0, kStrIntMap), Lit(types::String(), R"("b")")});
  ExpectArray(types::Int(), "[2, null, null]", Eval(e, *batch, /*ansi=*/true));
}

TEST(NestedFunctions, ExtractStructFieldIsCaseInsensitive) {
  auto st = types::Struct({{"Name", types::String(), true}, {"age", types::Int(), true}});
  auto batch = Batch({{st, R"([{"Name": "x", "age": 1}, null, {"Name": null, "age": 3}])"}});
  auto e = Bind("extract_value", {Col(0, st, "person"), Lit(types::String(), R"("name")")});
  EXPECT_EQ(e->name(), "person.Name");
  EXPECT_EQ(e->type()->id(), TypeId::kString);
  ExpectArray(types::String(), R"(["x", null, null])", Eval(e, *batch));
  // struct(p.age) names its field after the struct field.
  auto age = Bind("extract_value", {Col(0, st, "person"), Lit(types::String(), R"("age")")});
  EXPECT_EQ(Bind("struct", {age})->type()->SimpleString(), "struct<age:int>");
}

TEST(NestedFunctions, ExtractMissingFieldListsFields) {
  auto st = types::Struct({{"a", types::Int(), true}, {"b", types::Int(), true}});
  auto bound = BindCall("extract_value", {Col(0, st), Lit(types::String(), R"("c")")}, "p");
  ExpectErrorClass(bound.status(), "FIELD_NOT_FOUND");
  EXPECT_NE(bound.status().message().find("No such struct field `c` in `a`, `b`."), std::string::npos)
      << bound.status().ToString();
}

TEST(NestedFunctions, ExtractArrayIndexAnsiAndLegacy) {
  auto batch = Batch({{kIntArray, "[[1, 2, 3], [4], null]"}});
  auto e = Bind("extract_value", {Col(0, kIntArray, "arr"), Lit(types::Int(), "1")});
  EXPECT_EQ(e->name(), "arr[1]");
  ExpectArray(types::Int(), "[2, null, null]", Eval(e, *batch, /*ansi=*/false));
  ExpectErrorClass(Eval(e, *batch, /*ansi=*/true).status(), "INVALID_ARRAY_INDEX");
  auto first = Bind("extract_value", {Col(0, kIntArray), Lit(types::Int(), "0")});
  ExpectArray(types::Int(), "[1, 4, null]", Eval(first, *batch, /*ansi=*/true));
  auto negative = Bind("extract_value", {Col(0, kIntArray), Lit(types::Int(), "-1")});
  ExpectArray(types::Int(), "[null, null, null]", Eval(negative, *batch, /*ansi=*/false));
}

TEST(NestedFunctions, ExtractMapValue) {
  auto batch = Batch({{kStrIntMap, R"([[["k", 1]], [["j", 2]], null])"}});
  auto e = Bind("extract_value", {Col(0, kStrIntMap, "m"), Lit(types::String(), R"("k")")});
  EXPECT_EQ(e->name(), "m[k]");
  ExpectArray(types::Int(), "[1, null, null]", Eval(e, *batch, /*ansi=*/true));
}

TEST(NestedFunctions, ExtractFromScalarTypeFails) {
  auto bound = BindCall("extract_value", {Col(0, types::Int()), Lit(types::Int(), "1")}, "p");
  ExpectErrorClass(bound.status(), "INVALID_EXTRACT_BASE_FIELD_TYPE");
}

TEST(NestedFunctions, MapKeysAndValues) {
  auto batch = Batch({{kStrIntMap, R"([[["a", 1], ["b", null]], null, []])"}});
  ExpectArray(types::Array(types::String()), R"([["a", "b"], null, []])",
              Eval(Bind("map_keys", {Col(0, kStrIntMap)}), *batch));
  ExpectArray(kIntArray, R"([[1, null], null, []])",
              Eval(Bind("map_values", {Col(0, kStrIntMap)}), *batch));
}

TEST(NestedFunctions, ArrayDistinctKeepsFirstOccurrences) {
  auto batch = Batch({{kIntArray, "[[3, 1, 3, null, 1, null], null, []]"}});
  ExpectArray(kIntArray, "[[3, 1, null], null, []]",
              Eval(Bind("array_distinct", {Col(0, kIntArray)}), *batch));
}

TEST(NestedFunctions, SortArrayNullPlacement) {
  auto batch = Batch({{kIntArray, "[[3, null, 1, 2], null, [], [5, 4]]"}});
  ExpectArray(kIntArray, "[[null, 1, 2, 3], null, [], [4, 5]]",
              Eval(Bind("sort_array", {Col(0, kIntArray)}), *batch));
  ExpectArray(kIntArray, "[[3, 2, 1, null], null, [], [5, 4]]",
              Eval(Bind("sort_array", {Col(0, kIntArray), Lit(types::Boolean(), "false")}), *batch));
}

TEST(NestedFunctions, ArrayJoin) {
  auto strs = types::Array(types::String());
  auto batch = Batch({{strs, R"([["a", null, "b"], null, []])"}});
  ExpectArray(types::String(), R"(["a,b", null, ""])",
              Eval(Bind("array_join", {Col(0, strs), Lit(types::String(), R"(",")")}), *batch));
  ExpectArray(types::String(), R"(["a,-,b", null, ""])",
              Eval(Bind("array_join", {Col(0, strs), Lit(types::String(), R"(",")"),
                                       Lit(types::String(), R"("-")")}),
                   *batch));
}

TEST(NestedFunctions, FlattenNullInnerMakesNull) {
  auto nested = types::Array(kIntArray);
  auto batch = Batch({{nested, "[[[1, 2], [3]], [[1], null], null, []]"}});
  ExpectArray(kIntArray, "[[1, 2, 3], null, null, []]",
              Eval(Bind("flatten", {Col(0, nested)}), *batch));
  ExpectErrorClass(BindCall("flatten", {Col(0, kIntArray)}, "p").status(),
                   "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
}

TEST(NestedFunctions, EmptyBatch) {
  auto batch = Batch({{kIntArray, "[]"}});
  ExpectArray(types::Int(), "[]", Eval(Bind("size", {Col(0, kIntArray)}), *batch));
  ExpectArray(kIntArray, "[]", Eval(Bind("sort_array", {Col(0, kIntArray)}), *batch));
}

}  // namespace
}  // namespace spate
