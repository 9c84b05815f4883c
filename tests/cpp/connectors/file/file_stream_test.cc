// The streaming file source and sink: options, the seen-files log across
// restarts, the sink's `_spark_metadata` log and batch reads of a sink's
// folder, and Spark's errors.

#include "spate/connectors/file/file_stream.h"

#include <chrono>
#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/reader.h"
#include "spate/api/writer.h"
#include "spate/connectors/file/file_log.h"
#include "spate/exec/physical_plan.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
namespace F = functions;
using testing::FreshDir;
using testing::ReadFile;
using testing::SortedRows;
using testing::WriteFile;

constexpr double kTimeout = 60;

class FileStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    dir_ = FreshDir("file_stream_test");
    in_ = dir_ / "in";
    fs::create_directories(in_);
  }

  // A JSON file of rows {"id": i} for i in [from, to), modified `age_s` seconds ago.
  void AddJson(const std::string& name, int from, int to, int age_s = 0) {
    std::string text;
    for (int i = from; i < to; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
    WriteFile(in_ / name, text);
    fs::last_write_time(in_ / name, fs::file_time_type::clock::now() - std::chrono::seconds(age_s));
  }

  DataStreamReader Json() {
    DataStreamReader reader = session_->ReadStream();
    reader.format("json").schema("id INT");
    return reader;
  }

  // Runs `df` to the end with availableNow, each batch's ids collected.
  std::vector<std::vector<std::string>> RunBatches(const DataFrame& df, const std::string& checkpoint) {
    auto writer = df.writeStream();
    writer.foreachBatch([this](const DataFrame& batch, int64_t) {
      std::lock_guard<std::mutex> lock(mutex_);
      batches_.push_back(SortedRows(batch));
      return arrow::Status::OK();
    });
    writer.trigger(Trigger::AvailableNow()).option("checkpointLocation", (dir_ / checkpoint).string());
    batches_.clear();
    auto query = writer.start();
    EXPECT_TRUE(query.ok()) << query.status().ToString();
    if (!query.ok()) return {};
    auto ended = (*query)->awaitTermination(kTimeout);
    EXPECT_TRUE(ended.ok() && *ended);
    EXPECT_FALSE((*query)->exception().has_value());
    std::lock_guard<std::mutex> lock(mutex_);
    return batches_;
  }

  // Runs `df` into a Parquet folder with availableNow.
  void RunToParquet(const DataFrame& df, const fs::path& out, const std::string& checkpoint) {
    auto writer = df.writeStream();
    writer.format("parquet").trigger(Trigger::AvailableNow()).option("checkpointLocation",
                                                                     (dir_ / checkpoint).string());
    auto query = writer.start(out.string());
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    auto ended = (*query)->awaitTermination(kTimeout);
    ASSERT_TRUE(ended.ok() && *ended);
    ASSERT_FALSE((*query)->exception().has_value()) << (*query)->exception()->ToString();
  }

  std::shared_ptr<Session> session_;
  fs::path dir_, in_;
  std::mutex mutex_;
  std::vector<std::vector<std::string>> batches_;
};

std::vector<std::string> Ids(std::initializer_list<int> ids) {
  std::vector<std::string> out;
  for (int i : ids) out.push_back("{\"id\":" + std::to_string(i) + "}");
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(FileStreamTest, JsonToParquetExactlyOnceAcrossRestarts) {
  AddJson("a.json", 0, 2, 30);
  AddJson("b.json", 2, 4, 20);
  auto out = dir_ / "out";
  auto df = Json().option("maxFilesPerTrigger", "1").load(in_.string());
  RunToParquet(df, out, "cp");
  // One batch per file: source log entries, offsets and sink log entries.
  EXPECT_TRUE(fs::exists(dir_ / "cp/sources/0/1"));
  std::string entry = ReadFile(dir_ / "cp/sources/0/0");
  EXPECT_EQ(entry.rfind("v1\n{\"path\":\"file://" + (in_ / "a.json").string() + "\",\"timestamp\":", 0), 0u) << entry;
  EXPECT_NE(entry.find(",\"batchId\":0}"), std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "cp/offsets/1").find("{\"logOffset\":1}"), std::string::npos);
  std::string sink_entry = ReadFile(out / "_spark_metadata/1");
  EXPECT_EQ(sink_entry.rfind("v1\n{\"path\":\"file://" + out.string() + "/part-00000-", 0), 0u) << sink_entry;
  EXPECT_NE(sink_entry.find("\"isDir\":false,\"modificationTime\":"), std::string::npos);
  EXPECT_NE(sink_entry.find("\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}"), std::string::npos);
  EXPECT_EQ(SortedRows(session_->read().parquet(out.string())), Ids({0, 1, 2, 3}));

  // A restart reads only the new file.
  AddJson("c.json", 4, 5);
  RunToParquet(Json().load(in_.string()), out, "cp");
  EXPECT_EQ(SortedRows(session_->read().parquet(out.string())), Ids({0, 1, 2, 3, 4}));
  EXPECT_TRUE(fs::exists(out / "_spark_metadata/2"));
  EXPECT_FALSE(fs::exists(out / "_spark_metadata/3"));
}

TEST_F(FileStreamTest, SeenFilesLogReplaysABatchAndSkipsLoggedFiles) {
  AddJson("a.json", 0, 2);
  SourceRequest request{Options(), *ParseDdlSchema("id INT"), in_.string(), &session_->conf()};
  auto factory = MakeFileStreamSource("json", request);
  ASSERT_TRUE(factory.ok()) << factory.status().ToString();
  std::string log_dir = (dir_ / "sources0").string();
  auto first = (*factory)->Create(log_dir).ValueOrDie();
  auto offset = first->LatestOffset(std::nullopt, {}).ValueOrDie();
  ASSERT_EQ(offset, std::optional<std::string>("{\"logOffset\":0}"));
  auto rows = first->GetBatch(std::nullopt, *offset).ValueOrDie();
  EXPECT_EQ(rows->num_rows(), 2);

  // Restarted: the batch reads the same file again, not the one added since;
  // the next offset takes only the new file.
  AddJson("b.json", 2, 5);
  auto second = (*factory)->Create(log_dir).ValueOrDie();
  EXPECT_EQ(second->GetBatch(std::nullopt, *offset).ValueOrDie()->num_rows(), 2);
  auto next = second->LatestOffset(offset, {}).ValueOrDie();
  ASSERT_EQ(next, std::optional<std::string>("{\"logOffset\":1}"));
  EXPECT_EQ(second->GetBatch(offset, *next).ValueOrDie()->num_rows(), 3);
  EXPECT_EQ(second->LatestOffset(next, {}).ValueOrDie(), next);  // nothing new
}

TEST_F(FileStreamTest, RateLimitsAndOrder) {
  AddJson("old.json", 0, 1, 300);
  AddJson("mid.json", 1, 2, 200);
  AddJson("new.json", 2, 3, 100);
  auto latest_first = RunBatches(
      Json().option("latestFirst", "true").option("maxFilesPerTrigger", "2").load(in_.string()), "cp1");
  ASSERT_EQ(latest_first.size(), 2u);
  EXPECT_EQ(latest_first[0], Ids({1, 2}));
  EXPECT_EQ(latest_first[1], Ids({0}));

  // maxBytesPerTrigger: each file is 9 bytes, so 10 bytes take one file a batch.
  auto by_bytes = RunBatches(Json().option("maxBytesPerTrigger", "10").load(in_.string()), "cp2");
  ASSERT_EQ(by_bytes.size(), 3u);
  EXPECT_EQ(by_bytes[0], Ids({0}));

  auto filtered = RunBatches(Json().option("pathGlobFilter", "n*.json").load(in_.string()), "cp3");
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0], Ids({2}));
}

TEST_F(FileStreamTest, MaxFileAgeCountsFromTheNewestSeenFile) {
  AddJson("new.json", 0, 1, 0);
  auto first = RunBatches(Json().option("maxFileAge", "1h").load(in_.string()), "cp");
  ASSERT_EQ(first.size(), 1u);
  AddJson("ancient.json", 1, 2, 7200);
  AddJson("recent.json", 2, 3, 60);
  auto second = RunBatches(Json().option("maxFileAge", "1h").load(in_.string()), "cp");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], Ids({2}));
}

TEST_F(FileStreamTest, FileNameOnlyAndRecursiveLookup) {
  fs::create_directories(in_ / "x");
  fs::create_directories(in_ / "y");
  AddJson("x/a.json", 0, 1);
  auto by_name = [&] {
    return Json().option("fileNameOnly", "true").option("recursiveFileLookup", "true").load(in_.string());
  };
  ASSERT_EQ(RunBatches(by_name(), "cp1").size(), 1u);
  AddJson("y/a.json", 1, 2);
  EXPECT_EQ(RunBatches(by_name(), "cp1").size(), 0u);  // a file of a seen name is not new
  auto all = RunBatches(Json().option("recursiveFileLookup", "true").load(in_.string()), "cp2");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], Ids({0, 1}));
}

TEST_F(FileStreamTest, CleanSourceArchivesOrDeletesCommittedFiles) {
  AddJson("a.json", 0, 1);
  auto archive = dir_ / "archive";
  RunBatches(Json().option("cleanSource", "archive").option("sourceArchiveDir", archive.string())
                 .load(in_.string()),
             "cp1");
  EXPECT_FALSE(fs::exists(in_ / "a.json"));
  EXPECT_TRUE(fs::exists(archive / (in_ / "a.json").relative_path()));
  AddJson("b.json", 1, 2);
  RunBatches(Json().option("cleanSource", "delete").load(in_.string()), "cp2");
  EXPECT_FALSE(fs::exists(in_ / "b.json"));
}

TEST_F(FileStreamTest, PartitionDirectoriesAndCsvText) {
  fs::create_directories(in_ / "p=1");
  WriteFile(in_ / "p=1" / "a.csv", "id\n7\n");
  auto csv = session_->ReadStream();
  csv.format("csv").schema("id INT, p INT").option("header", "true");
  auto batches = RunBatches(csv.load(in_.string()), "cp1");
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0], std::vector<std::string>{"{\"id\":7,\"p\":1}"});

  auto text_dir = dir_ / "text";
  fs::create_directories(text_dir);
  WriteFile(text_dir / "a.txt", "x\ny\n");
  auto text = session_->ReadStream();
  text.format("text");
  auto lines = RunBatches(text.load(text_dir.string()), "cp2");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (std::vector<std::string>{"{\"value\":\"x\"}", "{\"value\":\"y\"}"}));
}

TEST_F(FileStreamTest, SinkSkipsABatchAlreadyInItsLog) {
  auto out = dir_ / "out";
  auto rows = testing::FromRows(session_, arrow::struct_({arrow::field("id", arrow::int32())}), "[{\"id\":1}]");
  SinkRequest request;
  request.path = out.string();
  request.schema = rows.schema();
  request.conf = &session_->conf();
  auto sink = MakeFileStreamSink("json", request);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  auto table = rows.toArrow().ValueOrDie();
  EXPECT_EQ((*sink)->AddBatch({0, OutputMode::kAppend, table}).ValueOrDie(), 1);
  EXPECT_EQ((*sink)->AddBatch({0, OutputMode::kAppend, table}).ValueOrDie(), 0);  // a re-run batch
  EXPECT_EQ(testing::FilesWithPrefix(out, "part-").size(), 1u);
  // A part file no log entry names (a crashed attempt's) is not read.
  WriteFile(out / "part-00000-crashed.json", "{\"id\":99}\n");
  EXPECT_EQ(SortedRows(session_->read().json(out.string())), Ids({1}));
  EXPECT_EQ((*sink)->AddBatch({1, OutputMode::kAppend, table}).ValueOrDie(), 1);
  EXPECT_EQ(SortedRows(session_->read().json(out.string())), Ids({1, 1}));
}

TEST_F(FileStreamTest, BatchReadOfASinkFolderListsOnlyLoggedFiles) {
  auto out = dir_ / "out";
  fs::create_directories(out / "_spark_metadata");
  AddJson("x.json", 0, 1);
  fs::copy_file(in_ / "x.json", out / "logged.json");
  fs::copy_file(in_ / "x.json", out / "stray.json");
  auto status = StatFile((out / "logged.json").string()).ValueOrDie();
  WriteFile(out / "_spark_metadata/0", "v1\n" + SinkFileLine((out / "logged.json").string(), status));
  auto df = session_->read().json(out.string());
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  EXPECT_EQ(SortedRows(df), Ids({0}));
  // "file:/p" (Hadoop's form) names the same file; a compacted entry is read too.
  WriteFile(out / "_spark_metadata/1.compact",
            "v1\n{\"path\":\"file:" + (out / "stray.json").string() + "\",\"action\":\"add\"}\n");
  EXPECT_EQ(SortedRows(session_->read().json(out.string())), Ids({0}));
}

TEST_F(FileStreamTest, ToTableWritesAManagedTable) {
  session_->conf().Set("spark.sql.warehouse.dir", (dir_ / "warehouse").string());
  AddJson("a.json", 0, 2);
  auto writer = Json().load(in_.string()).writeStream();
  writer.trigger(Trigger::AvailableNow()).option("checkpointLocation", (dir_ / "cp").string());
  auto query = writer.toTable("streamed");
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  ASSERT_TRUE((*query)->awaitTermination().ok());
  EXPECT_EQ(SortedRows(session_->Table("streamed")), Ids({0, 1}));
  EXPECT_TRUE(fs::exists(dir_ / "warehouse/streamed/_spark_metadata/0"));
}

// The optimizer tells a streaming scan which columns the query reads (through
// a watermark, as Nexmark q5's bids), and the Parquet reader reads only
// those: a column whose values do not read as the schema's type fails a query
// only when the query uses it.
TEST_F(FileStreamTest, StreamingParquetReadsOnlyTheColumnsTheQueryUses) {
  AddJson("rows.json", 0, 3);
  auto rows = session_->read().schema("id BIGINT").json((in_ / "rows.json").string());
  auto wide = rows.select({F::col("id"), lit("x").alias("bad"), F::col("id").cast("timestamp").alias("t")});
  ASSERT_TRUE(wide.write().parquet((dir_ / "parquet").string()).ok());
  auto stream = session_->ReadStream();
  stream.format("parquet").schema("id BIGINT, bad INT, t TIMESTAMP");
  auto df = stream.load((dir_ / "parquet").string());
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  auto used = df.withWatermark("t", "0 seconds").select({F::col("id")});

  auto plan = PhysicalPlan::Make(used.plan()).ValueOrDie();
  const PlanNode* scan = &plan->plan();
  while (!scan->children.empty()) scan = scan->children[0].get();
  EXPECT_EQ(scan->source->request.columns, (std::vector<bool>{true, false, true}));

  auto batches = RunBatches(used, "used");
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0], (std::vector<std::string>{"{\"id\":0}", "{\"id\":1}", "{\"id\":2}"}));

  auto writer = df.select({F::col("bad")}).writeStream();
  writer.format("noop").trigger(Trigger::AvailableNow()).option("checkpointLocation", (dir_ / "bad").string());
  auto query = writer.start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  auto ended = (*query)->awaitTermination(kTimeout);
  EXPECT_FALSE(ended.ok());
  EXPECT_NE(ended.status().message().find("Failed to parse string: 'x'"), std::string::npos)
      << ended.status().ToString();
}

TEST_F(FileStreamTest, Errors) {
  auto no_schema = session_->ReadStream();
  no_schema.format("json");
  auto df = no_schema.load(in_.string());
  EXPECT_TRUE(df.status().IsInvalid());
  EXPECT_NE(df.status().message().find("Schema must be specified when creating a streaming source DataFrame"),
            std::string::npos);

  session_->conf().Set("spark.sql.streaming.schemaInference", "true");
  EXPECT_EQ(testing::ErrorClass(no_schema.load(in_.string()).status()), "UNABLE_TO_INFER_SCHEMA");
  AddJson("a.json", 0, 1);
  auto inferred = no_schema.load(in_.string());
  ASSERT_TRUE(inferred.status().ok()) << inferred.status().ToString();
  EXPECT_EQ(inferred.schema()->field(0).name, "id");
  session_->conf().Set("spark.sql.streaming.schemaInference", "false");

  auto bad = [&](const std::string& key, const std::string& value, const std::string& message) {
    auto status = Json().option(key, value).load(in_.string()).status();
    EXPECT_TRUE(status.IsInvalid()) << key;
    EXPECT_NE(status.message().find(message), std::string::npos) << status.message();
  };
  bad("maxFilesPerTrigger", "0", "Invalid value '0' for option 'maxFilesPerTrigger', must be a positive integer");
  bad("maxFilesPerTrigger", "x", "must be a positive integer");
  bad("maxBytesPerTrigger", "-5", "Invalid value '-5' for option 'maxBytesPerTrigger'");
  bad("cleanSource", "move", "Invalid mode for clean source option move");
  bad("cleanSource", "archive", "Archive mode must be used with 'sourceArchiveDir' option.");
  bad("latestFirst", "maybe", "latestFirst");
  bad("maxFileAge", "soon", "maxFileAge");
  auto both = Json().option("maxFilesPerTrigger", "1").option("maxBytesPerTrigger", "1").load(in_.string());
  EXPECT_NE(both.status().message().find("can't be both set"), std::string::npos);

  auto stream = Json().load(in_.string());
  auto update = stream.writeStream();
  update.format("parquet").outputMode("update").option("checkpointLocation", (dir_ / "cp").string());
  auto started = update.start((dir_ / "out").string());
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("Data source parquet does not support Update output mode"),
            std::string::npos)
      << started.status().ToString();
  auto no_path = stream.writeStream();
  no_path.format("json").option("checkpointLocation", (dir_ / "cp").string());
  EXPECT_NE(no_path.start().status().message().find("'path' is not specified"), std::string::npos);
}

}  // namespace
}  // namespace spate
