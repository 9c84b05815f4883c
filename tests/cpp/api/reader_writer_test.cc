#include <filesystem>
#include <regex>
#include <set>

#include <arrow/api.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/api/writer.h"
#include "test_util.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::ErrorClass;
using testing::FilesWithPrefix;
using testing::FreshDir;
using testing::FromRows;
using testing::ReadFile;
using testing::SortedRows;
using testing::WriteFile;

std::shared_ptr<arrow::DataType> PeopleType() {
  return arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                         arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
}

// 2024-01-01 12:00:00 UTC in microseconds.
constexpr const char* kPeople =
    R"([{"id": 1, "name": "ann", "ts": 1704110400000000},
        {"id": 2, "name": null, "ts": null}])";

std::shared_ptr<arrow::DataType> NestedType() {
  return arrow::struct_({arrow::field("id", arrow::int64()),
                         arrow::field("tags", arrow::list(arrow::utf8())),
                         arrow::field("info", arrow::struct_({arrow::field("a", arrow::int32())}))});
}

constexpr const char* kNested =
    R"([{"id": 1, "tags": ["x", null], "info": {"a": 5}},
        {"id": 2, "tags": null, "info": null}])";

// --- Parquet -----------------------------------------------------------------

TEST(ReaderWriterTest, ParquetWritesPartFilesAndSuccessMarker) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "out";
  ASSERT_TRUE(FromRows(session, PeopleType(), kPeople).write().parquet(dir.string()).ok());
  EXPECT_TRUE(fs::exists(dir / "_SUCCESS"));
  auto parts = FilesWithPrefix(dir, "part-");
  ASSERT_EQ(parts.size(), 1u);
  std::regex name(R"(part-00000-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-c000\.snappy\.parquet)");
  EXPECT_TRUE(std::regex_match(parts[0].filename().string(), name)) << parts[0];
}

TEST(ReaderWriterTest, ParquetRoundTripKeepsNullsNestedTypesAndTimestamps) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  ASSERT_TRUE(FromRows(session, PeopleType(), kPeople).write().parquet((dir / "p").string()).ok());
  ASSERT_TRUE(FromRows(session, NestedType(), kNested).write().parquet((dir / "n").string()).ok());
  DataFrame people = session->read().parquet((dir / "p").string());
  ASSERT_TRUE(people.ok()) << people.status().ToString();
  EXPECT_EQ(people.schema()->SimpleString(), "struct<id:bigint,name:string,ts:timestamp>");
  EXPECT_EQ(SortedRows(people),
            (std::vector<std::string>{R"({"id":1,"name":"ann","ts":"2024-01-01T12:00:00.000Z"})",
                                      R"({"id":2})"}));
  DataFrame nested = session->read().format("parquet").load((dir / "n").string());
  ASSERT_TRUE(nested.ok()) << nested.status().ToString();
  EXPECT_EQ(nested.schema()->SimpleString(), "struct<id:bigint,tags:array<string>,info:struct<a:int>>");
  EXPECT_EQ(SortedRows(nested), (std::vector<std::string>{R"({"id":1,"tags":["x",null],"info":{"a":5}})",
                                                          R"({"id":2})"}));
}

TEST(ReaderWriterTest, ParquetMergeSchemaUnitesColumnsOfAllFiles) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "t";
  auto a = arrow::struct_({arrow::field("id", arrow::int64())});
  auto b = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("x", arrow::utf8())});
  ASSERT_TRUE(FromRows(session, a, R"([{"id": 1}])").write().parquet((dir / "k=1").string()).ok());
  ASSERT_TRUE(FromRows(session, b, R"([{"id": 2, "x": "b"}])").write().parquet((dir / "k=2").string()).ok());
  DataFrame merged = session->read().option("mergeSchema", "true").parquet(dir.string());
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged.schema()->SimpleString(), "struct<id:bigint,x:string,k:int>");
  EXPECT_EQ(SortedRows(merged), (std::vector<std::string>{R"({"id":1,"k":1})", R"({"id":2,"x":"b","k":2})"}));
}

// --- JSON --------------------------------------------------------------------

TEST(ReaderWriterTest, JsonWritesLinesWithoutNullFields) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "j";
  ASSERT_TRUE(FromRows(session, PeopleType(), kPeople).write().json(dir.string()).ok());
  auto parts = FilesWithPrefix(dir, "part-");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(parts[0].string().ends_with("-c000.json"));
  EXPECT_EQ(ReadFile(parts[0]), "{\"id\":1,\"name\":\"ann\",\"ts\":\"2024-01-01T12:00:00.000Z\"}\n"
                                "{\"id\":2}\n");
}

TEST(ReaderWriterTest, JsonRoundTripInfersSchemaWithSortedFields) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "j";
  ASSERT_TRUE(FromRows(session, NestedType(), kNested).write().json(dir.string()).ok());
  DataFrame back = session->read().json(dir.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  // Integers infer as bigint; struct fields are sorted by name.
  EXPECT_EQ(back.schema()->SimpleString(), "struct<id:bigint,info:struct<a:bigint>,tags:array<string>>");
  EXPECT_EQ(SortedRows(back), (std::vector<std::string>{R"({"id":1,"info":{"a":5},"tags":["x",null]})",
                                                        R"({"id":2})"}));
}

TEST(ReaderWriterTest, JsonWithUserSchemaReadsTimestamps) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "j";
  ASSERT_TRUE(FromRows(session, PeopleType(), kPeople).write().json(dir.string()).ok());
  DataFrame back = session->read().schema("id INT, ts TIMESTAMP").json(dir.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.schema()->SimpleString(), "struct<id:int,ts:timestamp>");
  EXPECT_EQ(SortedRows(back),
            (std::vector<std::string>{R"({"id":1,"ts":"2024-01-01T12:00:00.000Z"})", R"({"id":2})"}));
}

// Of 50 lines, the 14 that Spark's sample with samplingRatio 0.3 reads hold
// integers, the others strings: PySpark 4.1 infers BIGINT (STRING from all of
// them); inferTimestamp makes a date a TIMESTAMP.
TEST(ReaderWriterTest, JsonSamplingRatioAndInferTimestamp) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  const std::set<int> sampled = {2, 3, 6, 7, 11, 12, 18, 20, 22, 24, 28, 30, 36, 45};
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += sampled.count(i) ? fmt::format("{{\"a\": {}, \"t\": \"2020-01-01\"}}\n", i) : "{\"a\": \"s\"}\n";
  }
  WriteFile(dir / "in.json", text);
  DataFrame df = session->read().option("samplingRatio", "0.3").option("inferTimestamp", "true").json(dir.string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<a:bigint,t:timestamp>");
  DataFrame all = session->read().json(dir.string());
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all.schema()->SimpleString(), "struct<a:string,t:string>");
}

// Of 30 documents (a file each, document k with field fk a string and the
// others integers), PySpark 4.1's sample with multiLine and samplingRatio 0.3
// reads the 8 whose field is STRING below (all 30 fields from all of them).
TEST(ReaderWriterTest, JsonMultiLineSamplingRatioSamplesDocuments) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  std::vector<std::string> paths;
  for (int k = 0; k < 30; ++k) {
    std::string fields;
    for (int n = 0; n < 30; ++n) fields += fmt::format("{}\"f{:02d}\": {}", n > 0 ? ",\n" : "", n, n == k ? "\"s\"" : "1");
    paths.push_back((dir / fmt::format("doc-{:02d}.json", k)).string());
    WriteFile(paths.back(), "{\n" + fields + "\n}");
  }
  DataFrame df = session->read().option("multiLine", "true").option("samplingRatio", "0.3").json(paths);
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  auto schema = df.schema();
  std::vector<std::string> strings;
  for (const auto& f : schema->fields()) {
    if (f.type->id() == TypeId::kString) strings.push_back(f.name);
  }
  EXPECT_EQ(strings, (std::vector<std::string>{"f00", "f02", "f05", "f10", "f11", "f12", "f16", "f23"}));
}

TEST(ReaderWriterTest, JsonPermissiveKeepsCorruptRecords) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.json", "{\"a\": 1}\n{\"a\":\n\n{\"a\": 2, \"b\": \"x\"}\n");
  DataFrame df = session->read().json((dir / "in.json").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<_corrupt_record:string,a:bigint,b:string>");
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{R"({"_corrupt_record":"{\"a\":"})", R"({"a":1})",
                                                      R"({"a":2,"b":"x"})"}));
  DataFrame renamed = session->read()
                          .schema("a INT, bad STRING")
                          .option("columnNameOfCorruptRecord", "bad")
                          .json((dir / "in.json").string());
  EXPECT_EQ(SortedRows(renamed), (std::vector<std::string>{R"({"a":1})", R"({"a":2})", R"({"bad":"{\"a\":"})"}));
}

TEST(ReaderWriterTest, JsonDropMalformedAndFailFast) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.json", "{\"a\": 1}\n{\"a\": \"text\"}\nnot json\n");
  DataFrame dropped = session->read().schema("a INT").option("mode", "DROPMALFORMED").json((dir / "in.json").string());
  EXPECT_EQ(SortedRows(dropped), (std::vector<std::string>{R"({"a":1})"}));
  // As in Spark, the files are read (and fail) when a query runs.
  DataFrame failed = session->read().schema("a INT").option("mode", "FAILFAST").json((dir / "in.json").string());
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(ErrorClass(failed.toArrow().status()), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
}

TEST(ReaderWriterTest, JsonMultiLineReadsAnArrayOfObjects) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.json", "[\n  {\"a\": 1,\n   \"b\": [1, 2]},\n  {\"a\": 2.5}\n]\n");
  DataFrame df = session->read().option("multiLine", "true").json((dir / "in.json").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<a:double,b:array<bigint>>");
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{R"({"a":1.0,"b":[1,2]})", R"({"a":2.5})"}));
}

// --- CSV ---------------------------------------------------------------------

TEST(ReaderWriterTest, CsvWithoutOptionsReadsStringColumns) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv", "1,a\n2,\n");
  DataFrame df = session->read().csv((dir / "in.csv").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<_c0:string,_c1:string>");
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{R"({"_c0":"1","_c1":"a"})", R"({"_c0":"2"})"}));
}

TEST(ReaderWriterTest, CsvHeaderAndInferSchema) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv",
            "name,age,score,ok,day,big\nAnn,30,1.5,true,2024-01-02,3000000000\nBob,,2,FALSE,2024-02-03,1\n");
  DataFrame df = session->read().option("header", "true").option("inferSchema", "true").csv((dir / "in.csv").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(),
            "struct<name:string,age:int,score:double,ok:boolean,day:date,big:bigint>");
  EXPECT_EQ(SortedRows(df),
            (std::vector<std::string>{
                R"({"name":"Ann","age":30,"score":1.5,"ok":true,"day":"2024-01-02","big":3000000000})",
                R"({"name":"Bob","score":2.0,"ok":false,"day":"2024-02-03","big":1})"}));
}

// Expected rows from PySpark 4.1: values read with the datetime patterns
// alone (the second record's dates are NULL) and the locale's decimal
// separators; inference takes the strings the patterns read as TIMESTAMP and DATE.
TEST(ReaderWriterTest, CsvDatetimeFormatsAndLocale) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv", "01/02/2020 10:30;01/02/2020;1.000,5\n2020-01-02 10:30;2020-01-02;1,5\n");
  std::map<std::string, std::string> options = {
      {"sep", ";"}, {"timestampFormat", "dd/MM/yyyy HH:mm"}, {"dateFormat", "dd/MM/yyyy"}, {"locale", "de-DE"}};
  DataFrame df = session->read().schema("t TIMESTAMP, d DATE, a DECIMAL(10,2)").options(options).csv((dir / "in.csv").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{R"({"a":1.50})",
                                                      R"({"t":"2020-02-01T10:30:00.000Z","d":"2020-02-01","a":1000.50})"}));
  WriteFile(dir / "infer.csv", "01/02/2020 10:30;01/02/2020\n02/03/2021 11:00;02/03/2021\n");
  options["inferSchema"] = "true";
  DataFrame inferred = session->read().options(options).csv((dir / "infer.csv").string());
  ASSERT_TRUE(inferred.ok()) << inferred.status().ToString();
  EXPECT_EQ(inferred.schema()->SimpleString(), "struct<_c0:timestamp,_c1:date>");
  EXPECT_EQ(SortedRows(inferred), (std::vector<std::string>{R"({"_c0":"2020-02-01T10:30:00.000Z","_c1":"2020-02-01"})",
                                                            R"({"_c0":"2021-03-02T11:00:00.000Z","_c1":"2021-03-02"})"}));
}

TEST(ReaderWriterTest, CsvSeparatorQuoteEscapeAndNullValue) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv", "a;b\n\"x;y\";NA\n\"say \\\"hi\\\"\";'q'\n\"\";z\n");
  DataFrame df = session->read()
                     .options({{"header", "true"}, {"sep", ";"}, {"nullValue", "NA"}})
                     .csv((dir / "in.csv").string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{R"({"a":"","b":"z"})", R"({"a":"say \"hi\"","b":"'q'"})",
                                                      R"({"a":"x;y"})"}));
  DataFrame quoted = session->read().options({{"quote", "'"}, {"delimiter", ";"}}).csv((dir / "in.csv").string());
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(SortedRows(quoted).size(), 4u);
  EXPECT_EQ(ErrorClass(session->read().option("sep", ";;").csv((dir / "in.csv").string()).status()),
            "INVALID_OPTIONS");
}

TEST(ReaderWriterTest, CsvMalformedRowModes) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv", "1,2\nx,3\n4\n");
  std::string path = (dir / "in.csv").string();
  DataFrame permissive = session->read().schema("a INT, b INT, _corrupt_record STRING").csv(path);
  ASSERT_TRUE(permissive.ok()) << permissive.status().ToString();
  EXPECT_EQ(SortedRows(permissive), (std::vector<std::string>{R"({"a":1,"b":2})",
                                                              R"({"a":4,"_corrupt_record":"4"})",
                                                              R"({"b":3,"_corrupt_record":"x,3"})"}));
  DataFrame dropped = session->read().schema("a INT, b INT").option("mode", "DROPMALFORMED").csv(path);
  EXPECT_EQ(SortedRows(dropped), (std::vector<std::string>{R"({"a":1,"b":2})"}));
  // With a schema the files are read when the query runs, as Spark reads them.
  DataFrame failed = session->read().schema("a INT, b INT").option("mode", "FAILFAST").csv(path);
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(ErrorClass(failed.toJSON().status()), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
}

// Of a header and 20 lines (line k with column ck a string, the others
// integers), PySpark 4.1's sample with samplingRatio 0.3 reads the 8 whose
// column is STRING below (all 20 columns from all lines); with multiLine it
// samples the records after the header, as RDD.sample does.
TEST(ReaderWriterTest, CsvSamplingRatio) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  std::string text;
  for (int j = 0; j < 20; ++j) text += fmt::format("{}c{:02d}", j > 0 ? "," : "", j);
  for (int k = 0; k < 20; ++k) {
    text += "\n";
    for (int j = 0; j < 20; ++j) text += fmt::format("{}{}", j > 0 ? "," : "", j == k ? "s" : "1");
  }
  WriteFile(dir / "in.csv", text + "\n");
  auto string_columns = [&](bool multi_line) {
    DataFrame df = session->read()
                       .option("header", "true")
                       .option("inferSchema", "true")
                       .option("samplingRatio", "0.3")
                       .option("multiLine", multi_line ? "true" : "false")
                       .csv(dir.string());
    std::vector<std::string> names;
    EXPECT_TRUE(df.ok()) << df.status().ToString();
    if (!df.ok()) return names;
    auto schema = df.schema();
    for (const auto& f : schema->fields()) {
      if (f.type->id() == TypeId::kString) names.push_back(f.name);
    }
    return names;
  };
  EXPECT_EQ(string_columns(false), (std::vector<std::string>{"c01", "c02", "c05", "c06", "c10", "c11", "c17", "c19"}));
  EXPECT_EQ(string_columns(true), (std::vector<std::string>{"c00", "c02", "c05", "c10", "c11", "c12", "c16"}));
  DataFrame zero = session->read().option("samplingRatio", "0").csv(dir.string());
  EXPECT_NE(zero.status().message().find("samplingRatio (0.0) should be greater than 0"), std::string::npos)
      << zero.status().ToString();
}

// enforceSchema (true by default) applies a schema by position whatever the
// header says; false fails the read of a file whose header names other fields.
TEST(ReaderWriterTest, CsvEnforceSchema) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  WriteFile(dir / "in.csv", "x,z\n1,2\n");
  auto read = [&](const char* enforce) {
    return session->read().schema("x INT, y INT").option("header", "true").option("enforceSchema", enforce).csv(
        dir.string());
  };
  EXPECT_EQ(SortedRows(read("true")), (std::vector<std::string>{R"({"x":1,"y":2})"}));
  DataFrame checked = read("false");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  auto rows = checked.toJSON();
  EXPECT_EQ(ErrorClass(rows.status()), "FAILED_READ_FILE.NO_HINT");
  EXPECT_NE(rows.status().message().find("CSV header does not conform to the schema.\n Header: x, z\n Schema: x, y\n"
                                         "Expected: y but found: z\nCSV file: file://"),
            std::string::npos)
      << rows.status().ToString();
}

TEST(ReaderWriterTest, CsvWriteQuotesAndFormatsLikeSpark) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "c";
  auto type = arrow::struct_({arrow::field("s", arrow::utf8()), arrow::field("d", arrow::float64()),
                              arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  DataFrame df = FromRows(session, type,
                          R"([{"s": "a,b", "d": 1, "ts": 1704110400000000},
                              {"s": "say \"hi\"", "d": 2.5, "ts": null},
                              {"s": "", "d": null, "ts": null},
                              {"s": null, "d": 1e10, "ts": null}])");
  ASSERT_TRUE(df.write().option("header", "true").csv(dir.string()).ok());
  auto parts = FilesWithPrefix(dir, "part-");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(parts[0].string().ends_with("-c000.csv"));
  EXPECT_EQ(ReadFile(parts[0]),
            "s,d,ts\n"
            "\"a,b\",1.0,2024-01-01T12:00:00.000Z\n"
            "\"say \\\"hi\\\"\",2.5,\n"
            "\"\",,\n"
            ",1.0E10,\n");
  // Read back: the empty string and the null both read as NULL by default.
  DataFrame back = session->read().option("header", "true").option("inferSchema", "true").csv(dir.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.schema()->SimpleString(), "struct<s:string,d:double,ts:timestamp>");
  EXPECT_EQ(SortedRows(back).size(), 4u);
}

TEST(ReaderWriterTest, CsvRejectsNestedColumns) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "c";
  auto st = session->read();  // keeps the reader type used
  (void)st;
  arrow::Status status = FromRows(session, NestedType(), kNested).write().csv(dir.string());
  EXPECT_EQ(ErrorClass(status), "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE");
  EXPECT_NE(status.message().find("The CSV datasource doesn't support the column `tags` of the type \"ARRAY<STRING>\""),
            std::string::npos)
      << status.message();
}

// --- Text --------------------------------------------------------------------

TEST(ReaderWriterTest, TextRoundTrip) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "t";
  auto type = arrow::struct_({arrow::field("line", arrow::utf8())});
  DataFrame df = FromRows(session, type, R"([{"line": "first"}, {"line": null}, {"line": "third"}])");
  ASSERT_TRUE(df.write().text(dir.string()).ok());
  auto parts = FilesWithPrefix(dir, "part-");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(ReadFile(parts[0]), "first\n\nthird\n");
  DataFrame back = session->read().text(dir.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.schema()->SimpleString(), "struct<value:string>");
  EXPECT_EQ(SortedRows(back), (std::vector<std::string>{R"({"value":""})", R"({"value":"first"})",
                                                        R"({"value":"third"})"}));
  DataFrame whole = session->read().option("wholetext", "true").text(dir.string());
  EXPECT_EQ(SortedRows(whole), (std::vector<std::string>{R"({"value":"first\n\nthird\n"})"}));
}

TEST(ReaderWriterTest, TextNeedsOneStringColumn) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  arrow::Status two = FromRows(session, PeopleType(), kPeople).write().text((dir / "a").string());
  EXPECT_EQ(ErrorClass(two), "_LEGACY_ERROR_TEMP_1290");
  EXPECT_NE(two.message().find("Text data source supports only a single column, and you have 3 columns."),
            std::string::npos);
  auto type = arrow::struct_({arrow::field("n", arrow::int32())});
  arrow::Status number = FromRows(session, type, R"([{"n": 1}])").write().text((dir / "b").string());
  EXPECT_EQ(ErrorClass(number), "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE");
  EXPECT_FALSE(fs::exists(dir / "a"));
}

TEST(ReaderWriterTest, CompressionOption) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  DataFrame df = FromRows(session, PeopleType(), kPeople);
  ASSERT_TRUE(df.write().option("compression", "gzip").parquet((dir / "pg").string()).ok());
  ASSERT_TRUE(df.write().option("compression", "none").parquet((dir / "pn").string()).ok());
  ASSERT_TRUE(df.write().option("compression", "gzip").json((dir / "jg").string()).ok());
  EXPECT_TRUE(FilesWithPrefix(dir / "pg", "part-")[0].string().ends_with("-c000.gz.parquet"));
  EXPECT_TRUE(FilesWithPrefix(dir / "pn", "part-")[0].string().ends_with("-c000.parquet"));
  EXPECT_TRUE(FilesWithPrefix(dir / "jg", "part-")[0].string().ends_with("-c000.json.gz"));
  EXPECT_EQ(*session->read().parquet((dir / "pg").string()).count(), 2);
  EXPECT_EQ(SortedRows(session->read().json((dir / "jg").string())).size(), 2u);
  EXPECT_EQ(SortedRows(session->read().json((dir / "jg").string()))[1], R"({"id":2})");
  arrow::Status bad = df.write().option("compression", "nope").csv((dir / "c").string());
  EXPECT_EQ(ErrorClass(bad), "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION");
  EXPECT_FALSE(fs::exists(dir / "c"));
}

// --- Save modes, paths, partitions -------------------------------------------

TEST(ReaderWriterTest, SaveModes) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "m";
  DataFrame df = FromRows(session, PeopleType(), kPeople);
  ASSERT_TRUE(df.write().parquet(dir.string()).ok());
  arrow::Status again = df.write().parquet(dir.string());
  EXPECT_EQ(ErrorClass(again), "PATH_ALREADY_EXISTS");
  EXPECT_NE(again.message().find("Path file:" + dir.string() + " already exists. Set mode as \"overwrite\""),
            std::string::npos)
      << again.message();
  EXPECT_EQ(ErrorClass(df.write().mode("error").parquet(dir.string())), "PATH_ALREADY_EXISTS");
  ASSERT_TRUE(df.write().mode("ignore").parquet(dir.string()).ok());
  EXPECT_EQ(*session->read().parquet(dir.string()).count(), 2);
  ASSERT_TRUE(df.write().mode("append").parquet(dir.string()).ok());
  EXPECT_EQ(*session->read().parquet(dir.string()).count(), 4);
  EXPECT_EQ(FilesWithPrefix(dir, "part-").size(), 2u);
  ASSERT_TRUE(df.limit(1).write().mode("overwrite").parquet(dir.string()).ok());
  EXPECT_EQ(*session->read().parquet(dir.string()).count(), 1);
  EXPECT_EQ(ErrorClass(df.write().mode("sometimes").parquet(dir.string())), "INVALID_SAVE_MODE");
}

TEST(ReaderWriterTest, MissingPathAndUnknownFormat) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer");
  DataFrame missing = session->read().parquet((dir / "nope").string());
  EXPECT_EQ(ErrorClass(missing.status()), "PATH_NOT_FOUND");
  EXPECT_NE(missing.status().message().find("Path does not exist: file:" + (dir / "nope").string() + "."),
            std::string::npos)
      << missing.status().message();
  EXPECT_EQ(ErrorClass(session->read().format("delta").load(dir.string()).status()), "DATA_SOURCE_NOT_FOUND");
  fs::create_directories(dir / "empty");
  EXPECT_EQ(ErrorClass(session->read().parquet((dir / "empty").string()).status()), "UNABLE_TO_INFER_SCHEMA");
}

TEST(ReaderWriterTest, HiddenFilesAreSkippedAndGlobsMatch) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "h";
  ASSERT_TRUE(FromRows(session, PeopleType(), kPeople).write().json(dir.string()).ok());
  WriteFile(dir / "_metadata", "not json");
  WriteFile(dir / ".part.crc", "not json");
  DataFrame df = session->read().json(dir.string());
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<id:bigint,name:string,ts:string>");
  EXPECT_EQ(*df.count(), 2);
  EXPECT_EQ(*session->read().json((dir / "part-*.json").string()).count(), 2);
}

TEST(ReaderWriterTest, PartitionByRoundTrip) {
  auto session = Session::Make();
  auto dir = FreshDir("reader_writer") / "p";
  auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("country", arrow::utf8()),
                              arrow::field("year", arrow::int32())});
  DataFrame df = FromRows(session, type,
                          R"([{"id": 1, "country": "US", "year": 2024},
                              {"id": 2, "country": "a/b", "year": 2024},
                              {"id": 3, "country": null, "year": 2023}])");
  ASSERT_TRUE(df.write().partitionBy({"country", "year"}).json(dir.string()).ok());
  EXPECT_TRUE(fs::is_directory(dir / "country=US" / "year=2024"));
  EXPECT_TRUE(fs::is_directory(dir / "country=a%2Fb" / "year=2024"));
  EXPECT_TRUE(fs::is_directory(dir / "country=__HIVE_DEFAULT_PARTITION__" / "year=2023"));
  // Partition columns are not stored in the files.
  auto part = FilesWithPrefix(dir / "country=US" / "year=2024", "part-");
  ASSERT_EQ(part.size(), 1u);
  EXPECT_EQ(ReadFile(part[0]), "{\"id\":1}\n");
  DataFrame back = session->read().json(dir.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.schema()->SimpleString(), "struct<id:bigint,country:string,year:int>");
  EXPECT_EQ(SortedRows(back), (std::vector<std::string>{R"({"id":1,"country":"US","year":2024})",
                                                        R"({"id":2,"country":"a/b","year":2024})",
                                                        R"({"id":3,"year":2023})"}));
  EXPECT_EQ(ErrorClass(df.write().partitionBy({"nope"}).json((dir / "x").string())), "COLUMN_NOT_FOUND");
}

}  // namespace
}  // namespace spate
