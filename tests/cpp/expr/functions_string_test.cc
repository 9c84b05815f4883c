// String functions against Spark's documented results.

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace {

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type,
                                   const std::string& json) {
  auto arr = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(arr.ok()) << arr.status().ToString();
  return *arr;
}

BoundExprPtr Col(int i, DataTypePtr type, const std::string& name = "s") {
  return std::make_shared<BoundColumn>(i, std::move(type), true, name);
}

BoundExprPtr Str(const std::string& v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(v), types::String(), v);
}

BoundExprPtr Int(int32_t v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::Int32Scalar>(v), types::Int(),
                                        std::to_string(v));
}

BoundExprPtr NullStr() {
  return std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow::utf8()), types::String(), "NULL");
}

class StringFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override { EnsureComputeInitialized(); }

  // Evaluates name(args) over a batch of string columns given as JSON.
  arrow::Result<std::shared_ptr<arrow::Array>> Eval(const std::string& name,
                                                    std::vector<BoundExprPtr> args,
                                                    std::vector<std::shared_ptr<arrow::Array>> cols) {
    ARROW_ASSIGN_OR_RAISE(auto expr, BindCall(name, std::move(args), name + "(...)"));
    arrow::FieldVector fields;
    for (size_t i = 0; i < cols.size(); ++i) fields.push_back(arrow::field("c" + std::to_string(i), cols[i]->type()));
    int64_t n = cols.empty() ? 1 : cols[0]->length();
    auto batch = arrow::RecordBatch::Make(arrow::schema(fields), n, cols);
    return EvaluateToArray(*expr, *batch, ctx_);
  }

  void ExpectStrings(const std::string& name, std::vector<BoundExprPtr> args,
                     const std::string& input, const std::string& expected) {
    auto out = Eval(name, std::move(args), {Json(arrow::utf8(), input)});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    auto want = Json((*out)->type(), expected);
    EXPECT_TRUE((*out)->Equals(*want)) << name << ": got " << (*out)->ToString() << "\nwant "
                                       << want->ToString();
  }

  void ExpectError(const std::string& name, std::vector<BoundExprPtr> args, const std::string& input,
                   const std::string& error_class) {
    auto out = Eval(name, std::move(args), {Json(arrow::utf8(), input)});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(ErrorClassOf(out.status()), error_class) << out.status().ToString();
  }

  BoundExprPtr S() { return Col(0, types::String()); }
  EvalContext ctx_;
};

TEST_F(StringFunctionsTest, UpperLowerLength) {
  ExpectStrings("upper", {S()}, R"(["SparkSql", "", null, "straße é"])",
                R"(["SPARKSQL", "", null, "STRASSE É"])");
  ExpectStrings("lcase", {S()}, R"(["SparkSql", "ÉA"])", R"(["sparksql", "éa"])");
  auto out = Eval("length", {S()}, {Json(arrow::utf8(), R"(["Spark SQL ", "", null, "日本語"])")});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)->Equals(*Json(arrow::int32(), "[10, 0, null, 3]"))) << (*out)->ToString();
  auto bin = Eval("length", {Col(0, types::Binary())}, {Json(arrow::binary(), R"(["日本"])")});
  ASSERT_TRUE(bin.ok());
  EXPECT_TRUE((*bin)->Equals(*Json(arrow::int32(), "[6]")));
}

TEST_F(StringFunctionsTest, ImplicitCastOfNumbers) {
  auto out = Eval("length", {Col(0, types::Int())}, {Json(arrow::int32(), "[12345, -1, null]")});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE((*out)->Equals(*Json(arrow::int32(), "[5, 2, null]")));
}

TEST_F(StringFunctionsTest, WrongTypesAndCounts) {
  auto arr = Col(0, types::Array(types::Int()), "a");
  auto st = BindCall("upper", {arr}, "upper(a)");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(ErrorClassOf(st.status()), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
  EXPECT_NE(st.status().message().find("requires the \"STRING\" type"), std::string::npos);
  auto count = BindCall("upper", {S(), S()}, "upper(s, s)");
  EXPECT_EQ(ErrorClassOf(count.status()), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
  auto sub = BindCall("substring", {S()}, "substring(s)");
  EXPECT_EQ(ErrorClassOf(sub.status()), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
  auto pos = BindCall("substring", {S(), Col(0, types::Array(types::Int()), "a")}, "p");
  EXPECT_EQ(ErrorClassOf(pos.status()), "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
}

TEST_F(StringFunctionsTest, Concat) {
  auto cols = {Json(arrow::utf8(), R"(["a", null, ""])"), Json(arrow::utf8(), R"(["b", "x", "c"])")};
  auto out = Eval("concat", {S(), Col(1, types::String()), Str("!")}, cols);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)->Equals(*Json(arrow::utf8(), R"(["ab!", null, "c!"])"))) << (*out)->ToString();
  auto ws = Eval("concat_ws", {Str("-"), S(), Col(1, types::String())}, cols);
  ASSERT_TRUE(ws.ok());
  EXPECT_TRUE((*ws)->Equals(*Json(arrow::utf8(), R"(["a-b", "x", "-c"])"))) << (*ws)->ToString();
  auto null_sep = Eval("concat_ws", {NullStr(), S()}, cols);
  ASSERT_TRUE(null_sep.ok());
  EXPECT_EQ((*null_sep)->null_count(), 3);
}

TEST_F(StringFunctionsTest, ConcatWsFlattensArrays) {
  auto list_type = *ToArrowType(*types::Array(types::String()));
  auto cols = {Json(list_type, R"([["a", null, "b"], null, []])"), Json(arrow::utf8(), R"(["c", "d", null])")};
  auto out = Eval("concat_ws", {Str(","), Col(0, types::Array(types::String())), Col(1, types::String())},
                  cols);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE((*out)->Equals(*Json(arrow::utf8(), R"(["a,b,c", "d", ""])"))) << (*out)->ToString();
}

TEST_F(StringFunctionsTest, Substring) {
  // Spark docs: substr('Spark SQL', 5) = 'k SQL', (-3) = 'SQL', (5, 1) = 'k'.
  ExpectStrings("substring", {S(), Int(5)}, R"(["Spark SQL", null, ""])", R"(["k SQL", null, ""])");
  ExpectStrings("substr", {S(), Int(-3)}, R"(["Spark SQL"])", R"(["SQL"])");
  ExpectStrings("substr", {S(), Int(5), Int(1)}, R"(["Spark SQL"])", R"(["k"])");
  ExpectStrings("substr", {S(), Int(0), Int(2)}, R"(["Spark"])", R"(["Sp"])");
  ExpectStrings("substr", {S(), Int(-5), Int(3)}, R"(["abc"])", R"(["a"])");
  ExpectStrings("substr", {S(), Int(-10), Int(3)}, R"(["abc"])", R"([""])");
  ExpectStrings("substr", {S(), Int(2), Int(-1)}, R"(["abc"])", R"([""])");
  ExpectStrings("substr", {S(), Int(10)}, R"(["abc"])", R"([""])");
  ExpectStrings("substr", {S(), Int(2), Int(2)}, R"(["日本語です"])", R"(["本語"])");
  ExpectStrings("left", {S(), Int(3)}, R"(["Spark SQL", null])", R"(["Spa", null])");
  ExpectStrings("right", {S(), Int(3)}, R"(["Spark SQL", "ab"])", R"(["SQL", "ab"])");
  ExpectStrings("left", {S(), Int(-1)}, R"(["Spark"])", R"([""])");
}

TEST_F(StringFunctionsTest, TrimAndPad) {
  ExpectStrings("trim", {S()}, R"(["  SparkSQL   ", "\tx ", null, ""])", R"(["SparkSQL", "\tx", null, ""])");
  ExpectStrings("ltrim", {S()}, R"(["  ab  "])", R"(["ab  "])");
  ExpectStrings("rtrim", {S()}, R"(["  ab  "])", R"(["  ab"])");
  ExpectStrings("trim", {S(), Str("SL")}, R"(["SSparkSQLS"])", R"(["parkSQ"])");
  ExpectStrings("trim", {S(), Str("éa")}, R"(["éabéa"])", R"(["b"])");
  ExpectStrings("lpad", {S(), Int(5), Str("??")}, R"(["hi", "hello world", null])",
                R"(["???hi", "hello", null])");
  ExpectStrings("lpad", {S(), Int(2)}, R"(["hi", "h"])", R"(["hi", " h"])");
  ExpectStrings("rpad", {S(), Int(5), Str("??")}, R"(["hi"])", R"(["hi???"])");
  ExpectStrings("rpad", {S(), Int(-1), Str("?")}, R"(["hi"])", R"([""])");
  ExpectStrings("rpad", {S(), Int(5), Str("")}, R"(["hi"])", R"(["hi"])");
}

TEST_F(StringFunctionsTest, SearchAndRewrite) {
  ExpectStrings("replace", {S(), Str("abc"), Str("DEF")}, R"(["ABCabc", null])", R"(["ABCDEF", null])");
  ExpectStrings("replace", {S(), Str("b")}, R"(["abcb"])", R"(["ac"])");
  ExpectStrings("replace", {S(), Str(""), Str("x")}, R"(["ab"])", R"(["ab"])");
  ExpectStrings("reverse", {S()}, R"(["Spark SQL", "日本", ""])", R"(["LQS krapS", "本日", ""])");
  ExpectStrings("initcap", {S()}, R"(["sPark sql", "hello-world  foo"])",
                R"(["Spark Sql", "Hello-world  Foo"])");
  ExpectStrings("repeat", {S(), Int(2)}, R"(["123", ""])", R"(["123123", ""])");
  ExpectStrings("repeat", {S(), Int(-1)}, R"(["123"])", R"([""])");

  auto instr = Eval("instr", {S(), Str("SQL")}, {Json(arrow::utf8(), R"(["SparkSQL", "x", null, "日本SQL"])")});
  ASSERT_TRUE(instr.ok());
  EXPECT_TRUE((*instr)->Equals(*Json(arrow::int32(), "[6, 0, null, 3]"))) << (*instr)->ToString();
  auto locate = Eval("locate", {Str("bar"), S(), Int(5)}, {Json(arrow::utf8(), R"(["foobarbar", "bar"])")});
  ASSERT_TRUE(locate.ok());
  EXPECT_TRUE((*locate)->Equals(*Json(arrow::int32(), "[7, 0]"))) << (*locate)->ToString();
  auto locate0 = Eval("locate", {Str("bar"), S(), Int(0)}, {Json(arrow::utf8(), R"(["foobarbar"])")});
  ASSERT_TRUE(locate0.ok());
  EXPECT_TRUE((*locate0)->Equals(*Json(arrow::int32(), "[0]")));
  auto ascii = Eval("ascii", {S()}, {Json(arrow::utf8(), R"(["222", "", "é"])")});
  ASSERT_TRUE(ascii.ok());
  EXPECT_TRUE((*ascii)->Equals(*Json(arrow::int32(), "[50, 0, 233]"))) << (*ascii)->ToString();
  auto starts = Eval("startswith", {S(), Str("Spark")}, {Json(arrow::utf8(), R"(["Spark SQL", "SQL", null])")});
  ASSERT_TRUE(starts.ok());
  EXPECT_TRUE((*starts)->Equals(*Json(arrow::boolean(), "[true, false, null]")));
  auto ends = Eval("endswith", {S(), Str("SQL")}, {Json(arrow::utf8(), R"(["Spark SQL", "QL"])")});
  EXPECT_TRUE((*ends)->Equals(*Json(arrow::boolean(), "[true, false]")));
  auto contains = Eval("contains", {S(), Str("")}, {Json(arrow::utf8(), R"(["abc"])")});
  EXPECT_TRUE((*contains)->Equals(*Json(arrow::boolean(), "[true]")));
}

TEST_F(StringFunctionsTest, Split) {
  auto list_type = *ToArrowType(*types::Array(types::String(), false));
  auto check = [&](std::vector<BoundExprPtr> args, const std::string& in, const std::string& want) {
    auto out = Eval("split", std::move(args), {Json(arrow::utf8(), in)});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE((*out)->Equals(*Json(list_type, want))) << (*out)->ToString();
  };
  // Spark docs: split('oneAtwoBthreeC', '[ABC]') = ["one","two","three",""].
  check({S(), Str("[ABC]")}, R"(["oneAtwoBthreeC", null, ""])", R"([["one","two","three",""], null, [""]])");
  check({S(), Str("[ABC]"), Int(2)}, R"(["oneAtwoBthreeC"])", R"([["one","twoBthreeC"]])");
  check({S(), Str("[ABC]"), Int(-1)}, R"(["oneAtwoBthreeC"])", R"([["one","two","three",""]])");
  check({S(), Str("[ABC]"), Int(0)}, R"(["oneAtwoBthreeC"])", R"([["one","two","three",""]])");
  check({S(), Str("")}, R"(["héy", ""])", R"([["h","é","y"], [""]])");
  check({S(), Str(""), Int(2)}, R"(["hey"])", R"([["h","ey"]])");
  check({S(), Str(",")}, R"([",a,"])", R"([["","a",""]])");
}

TEST_F(StringFunctionsTest, RegexpExtract) {
  // Spark docs: regexp_extract('100-200', '(\\d+)-(\\d+)', 1) = '100'.
  ExpectStrings("regexp_extract", {S(), Str("(\\d+)-(\\d+)"), Int(1)}, R"(["100-200", "foo", null])",
                R"(["100", "", null])");
  ExpectStrings("regexp_extract", {S(), Str("(\\d+)-(\\d+)"), Int(2)}, R"(["100-200"])", R"(["200"])");
  ExpectStrings("regexp_extract", {S(), Str("(\\d+)-(\\d+)"), Int(0)}, R"(["x100-200y"])", R"(["100-200"])");
  ExpectStrings("regexp_extract", {S(), Str("(\\d+)")}, R"(["ab12c"])", R"(["12"])");
  ExpectStrings("regexp_extract", {S(), Str("(a)|(b)"), Int(2)}, R"(["a"])", R"([""])");
  ExpectStrings("regexp_extract", {S(), Str("(?:x)([\\(]+)"), Int(1)}, R"(["x(("])", R"(["(("])");
  ExpectError("regexp_extract", {S(), Str("(\\d+)"), Int(2)}, R"(["1"])",
              "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX");
  ExpectError("regexp_extract", {S(), Str("(\\d+"), Int(1)}, R"(["1"])", "INVALID_PARAMETER_VALUE.PATTERN");
}

TEST_F(StringFunctionsTest, RegexpReplace) {
  // Spark docs: regexp_replace('100-200', '(\\d+)', 'num') = 'num-num'.
  ExpectStrings("regexp_replace", {S(), Str("(\\d+)"), Str("num")}, R"(["100-200", null, ""])",
                R"(["num-num", null, ""])");
  ExpectStrings("regexp_replace", {S(), Str("(\\d+)-(\\d+)"), Str("$2-$1")}, R"(["100-200"])",
                R"(["200-100"])");
  ExpectStrings("regexp_replace", {S(), Str("-"), Str("\\$")}, R"(["a-b"])", R"(["a$b"])");
  ExpectStrings("regexp_replace", {S(), Str("\\d"), Str("x"), Int(3)}, R"(["1234", "12"])",
                R"(["12xx", "12"])");
  auto bad_pos = BindCall("regexp_replace", {S(), Str("a"), Str("b"), Int(0)}, "p");
  EXPECT_EQ(ErrorClassOf(bad_pos.status()), "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE");
}

TEST_F(StringFunctionsTest, ListsAndEdits) {
  // Spark docs: substring_index('www.apache.org', '.', 2) = 'www.apache', -2 gives 'apache.org'.
  ExpectStrings("substring_index", {S(), Str("."), Int(2)}, R"(["www.apache.org", null, "x"])",
                R"(["www.apache", null, "x"])");
  ExpectStrings("substring_index", {S(), Str("."), Int(-2)}, R"(["www.apache.org"])", R"(["apache.org"])");
  ExpectStrings("split_part", {S(), Str("."), Int(-1)}, R"(["11.12.13", ""])", R"(["13", ""])");
  ExpectError("split_part", {S(), Str("."), Int(0)}, R"(["a"])", "INVALID_INDEX_OF_ZERO");
  ExpectStrings("translate", {S(), Str("abc"), Str("1")}, R"(["AaBbCc"])", R"(["A1BC"])");
  ExpectStrings("soundex", {S()}, R"(["Miller", "Tymczak", "123", ""])", R"(["M460", "T522", "123", ""])");
  ExpectStrings("overlay", {S(), Str("CORE"), Int(7)}, R"(["Spark SQL"])", R"(["Spark CORE"])");
  ExpectStrings("quote", {S()}, R"(["Don't"])", R"(["'Don\\'t'"])");
  ExpectStrings("mask", {S()}, R"(["AbCd-123 é"])", R"(["XxXx-nnn x"])");
  auto lev = Eval("levenshtein", {S(), Str("sitting")}, {Json(arrow::utf8(), R"(["kitten", null])")});
  ASSERT_TRUE(lev.ok()) << lev.status().ToString();
  EXPECT_TRUE((*lev)->Equals(*Json(arrow::int32(), "[3, null]"))) << (*lev)->ToString();
}

TEST_F(StringFunctionsTest, EncodingsAndUrls) {
  ExpectStrings("url_encode", {S()}, R"(["a b&c=é~"])", R"(["a+b%26c%3D%C3%A9%7E"])");
  ExpectStrings("url_decode", {S()}, R"(["a+b%26c%3D%C3%A9"])", R"(["a b&c=é"])");
  ExpectError("url_decode", {S()}, R"(["%zz"])", "CANNOT_DECODE_URL");
  ExpectStrings("parse_url", {S(), Str("HOST")}, R"(["http://user@spark.apache.org:80/p?q=1", "x"])",
                R"(["spark.apache.org", null])");
  ExpectStrings("parse_url", {S(), Str("QUERY"), Str("q")}, R"(["http://a.b/p?x=2&q=1"])", R"(["1"])");
  ExpectError("parse_url", {S(), Str("HOST")}, R"(["inva lid://x"])", "INVALID_URL");
}

TEST_F(StringFunctionsTest, RegexpFamily) {
  auto count = Eval("regexp_count", {S(), Str("Ste(v|ph)en")},
                    {Json(arrow::utf8(), R"(["Steven Jones and Stephen Smith", null])")});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_TRUE((*count)->Equals(*Json(arrow::int32(), "[2, null]"))) << (*count)->ToString();
  ExpectStrings("regexp_substr", {S(), Str("\\d+")}, R"(["1a 2b", "x"])", R"(["1", null])");
  auto all = Eval("regexp_extract_all", {S(), Str("(\\d+)-(\\d+)"), Int(2)},
                  {Json(arrow::utf8(), R"(["100-200, 300-400"])")});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ((*all)->ToString(), Json(arrow::list(arrow::utf8()), R"([["200", "400"]])")->ToString());
  // Java-only syntax is refused with a clear message instead of a wrong answer.
  auto lookbehind = BindCall("regexp_count", {S(), Str("(?<=a)b")}, "p");
  ASSERT_FALSE(lookbehind.ok());
  EXPECT_NE(lookbehind.status().message().find("lookaround"), std::string::npos);
}

TEST_F(StringFunctionsTest, FormatNumberAndString) {
  auto num = Eval("format_number", {Col(0, types::Double()), Int(2)},
                  {Json(arrow::float64(), "[12332.123456, 0.125, -0.0, null]")});
  ASSERT_TRUE(num.ok()) << num.status().ToString();
  EXPECT_TRUE((*num)->Equals(*Json(arrow::utf8(), R"(["12,332.12", "0.12", "-0.00", null])")))
      << (*num)->ToString();
  ExpectStrings("format_string", {Str("%s|%5s|%-3s|"), S(), S(), S()}, R"(["ab", null])",
                R"(["ab|   ab|ab |", "null| null|null|"])");
}

}  // namespace
}  // namespace spate
