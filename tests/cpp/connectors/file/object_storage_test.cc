// Batch reads and writes on s3a:// through the C++ API against a real
// S3-compatible server (moto), started by the ctest fixture
// (tests/python/s3_support.py start) whose settings SPATE_S3_ENV names.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include <arrow/filesystem/filesystem.h>
#include <arrow/json/from_string.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/reader.h"
#include "spate/api/writer.h"
#include "spate/common/object_store.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/table_ops.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

using testing::ErrorClass;
using testing::FromRows;
using testing::SortedRows;

std::map<std::string, std::string> ServerEnv() {
  std::map<std::string, std::string> env;
  const char* path = std::getenv("SPATE_S3_ENV");
  if (path == nullptr) return env;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

class ObjectStorage : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = ServerEnv();
    ASSERT_FALSE(env["S3_ENDPOINT"].empty()) << "no S3 server: run through ctest (the s3_server fixture)";
    session_ = Session::Make();
    session_->conf().Set("spark.hadoop.fs.s3a.endpoint", env["S3_ENDPOINT"]);
    session_->conf().Set("spark.hadoop.fs.s3a.access.key", env["S3_ACCESS_KEY"]);
    session_->conf().Set("spark.hadoop.fs.s3a.secret.key", env["S3_SECRET_KEY"]);
    session_->conf().Set("spark.hadoop.fs.s3a.path.style.access", "true");
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = "s3a://" + env["S3_BUCKET"] + "/" + info->name() + "-" +
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  }
  std::shared_ptr<Session> session_;
  std::string root_;
};

std::shared_ptr<arrow::DataType> PeopleType() {
  return arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                         arrow::field("dept", arrow::utf8())});
}

constexpr const char* kPeople =
    R"([{"id": 1, "name": "ann", "dept": "eng"}, {"id": 2, "name": null, "dept": null},
        {"id": 3, "name": "cy", "dept": "eng"}])";

TEST_F(ObjectStorage, ParquetRoundTrip) {
  DataFrame people = FromRows(session_, PeopleType(), kPeople);
  auto st = people.write().parquet(root_ + "/p");
  ASSERT_TRUE(st.ok()) << st.ToString();
  DataFrame back = session_->read().parquet(root_ + "/p");
  ASSERT_TRUE(back.status().ok()) << back.status().ToString();
  EXPECT_EQ(SortedRows(back), SortedRows(people));
}

TEST_F(ObjectStorage, PartitionedJsonAndSaveModes) {
  DataFrame people = FromRows(session_, PeopleType(), kPeople);
  std::string path = root_ + "/j";
  ASSERT_TRUE(people.write().partitionBy({"dept"}).json(path).ok());
  EXPECT_EQ(ErrorClass(people.write().json(path)), "PATH_ALREADY_EXISTS");
  ASSERT_TRUE(people.write().mode("append").partitionBy({"dept"}).json(path).ok());
  auto count = session_->read().json(path).count();
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 6);
  ASSERT_TRUE(people.write().mode("overwrite").partitionBy({"dept"}).json(path).ok());
  DataFrame eng = session_->read().json(path + "/dept=eng");
  EXPECT_EQ(SortedRows(eng), (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":3,"name":"cy"})"}));
}

TEST_F(ObjectStorage, MissingPathIsPathNotFound) {
  DataFrame missing = session_->read().parquet(root_ + "/nope");
  EXPECT_EQ(ErrorClass(missing.status()), "PATH_NOT_FOUND");
}

// The batch log on an object store: entries are objects written once under
// their final names (no rename on S3), refused when they exist.
TEST_F(ObjectStorage, MetadataLogWritesOnceAndPurges) {
  auto store = FileSystemFor(session_->conf(), root_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  MetadataLog log(root_ + "/log", true, *store);
  EXPECT_FALSE(*log.Latest());
  ASSERT_TRUE(log.Add(0, "v1\nzero").ok());
  ASSERT_TRUE(log.Add(1, "v1\none").ok());
  EXPECT_EQ(ErrorClass(log.Add(1, "v1\nagain")), "CONCURRENT_STREAM_LOG_UPDATE");
  EXPECT_EQ(**log.Get(1), "v1\none");
  EXPECT_FALSE(*log.Get(2));
  EXPECT_EQ(**log.Latest(), 1);
  ASSERT_TRUE(log.PurgeBefore(1).ok());
  EXPECT_FALSE(*log.Get(0));
  EXPECT_EQ(**log.Latest(), 1);
}

// The objects under `uri`, relative to it.
std::vector<std::string> ObjectsUnder(const std::shared_ptr<Session>& session, const std::string& uri) {
  auto store = FileSystemFor(session->conf(), uri).ValueOrDie();
  arrow::fs::FileSelector selector;
  selector.base_dir = ObjectPathOf(uri);
  selector.recursive = true;
  std::vector<std::string> names;
  for (const auto& info : store->GetFileInfo(selector).ValueOrDie()) {
    if (info.IsFile()) names.push_back(info.path().substr(selector.base_dir.size() + 1));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// An Iceberg hadoop catalog whose warehouse is on S3, through the C++ API:
// metadata versions, manifests and data files are objects of the bucket.
TEST_F(ObjectStorage, IcebergTableInAnS3Warehouse) {
  session_->conf().Set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog");
  session_->conf().Set("spark.sql.catalog.lake.type", "hadoop");
  session_->conf().Set("spark.sql.catalog.lake.warehouse", root_ + "/wh");
  DataFrame people = FromRows(session_, PeopleType(), kPeople);
  ASSERT_TRUE(people.writeTo("lake.db.people").create().ok());
  ASSERT_TRUE(people.filter(functions::expr("id = 1")).writeTo("lake.db.people").append().ok());
  EXPECT_EQ(SortedRows(session_->Sql("SELECT id, count(*) AS n FROM lake.db.people GROUP BY id")),
            (std::vector<std::string>{R"({"id":1,"n":2})", R"({"id":2,"n":1})", R"({"id":3,"n":1})"}));
  auto names = ObjectsUnder(session_, root_ + "/wh/db/people");
  EXPECT_TRUE(std::count(names.begin(), names.end(), "metadata/version-hint.text")) << names.size();
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const std::string& n) { return n.starts_with("data/"); }), 2);
}

// Two commits on the same base of a table on S3: the conditional PUT of the
// next metadata version lets exactly one win; the loser's Commit retries on top.
TEST_F(ObjectStorage, IcebergCommitOnS3IsWriteOnce) {
  using namespace iceberg;
  auto catalog = MakeHadoopCatalog("c", root_ + "/wh", std::make_shared<const FileIO>(session_->conf()));
  TableIdent ident{{"db"}, "t"};
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}}));
  auto created = catalog->CreateTable(ident, NewTableMetadata("", *schema, PartitionSpec{}, {}));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.location, root_ + "/wh/db/t");
  EXPECT_TRUE(*catalog->CommitTable(ident, *created, created->metadata));
  EXPECT_FALSE(*catalog->CommitTable(ident, *created, created->metadata));  // v2 exists: lost
  auto result = Commit(*catalog, ident, SnapshotCommit{});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto loaded = catalog->LoadTable(ident);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(loaded->value().metadata_location, root_ + "/wh/db/t/metadata/v3.metadata.json");
  EXPECT_EQ(ErrorClass(catalog->CreateTable(ident, created->metadata).status()), "TABLE_OR_VIEW_ALREADY_EXISTS");
  EXPECT_EQ(*catalog->ListTables({"db"}), std::vector<std::string>{"t"});
  EXPECT_TRUE(*catalog->DropTable(ident));
  auto store = FileSystemFor(session_->conf(), root_).ValueOrDie();
  EXPECT_EQ(store->GetFileInfo(ObjectPathOf(root_ + "/wh/db/t")).ValueOrDie().type(), arrow::fs::FileType::NotFound);
}

// A streaming aggregation with its checkpoint on S3, stopped and started again:
// the second run finds its offsets, commits and state in the store's objects.
TEST_F(ObjectStorage, StreamingCheckpointOnS3KeepsStateAcrossRestarts) {
  namespace F = functions;
  auto stream = MemoryStream::Make(*ParseDdlSchema("k STRING, v INT"));
  DataFrame totals = DataFrame(session_, stream->plan()).groupBy({F::col("k")}).agg({F::sum(F::col("v")).alias("s")});
  std::string checkpoint = root_ + "/cp";
  std::vector<std::string> seen;
  std::mutex mutex;
  auto run = [&](const std::string& rows) {
    auto type = arrow::struct_({arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())});
    auto batch = arrow::RecordBatch::FromStructArray(arrow::json::ArrayFromJSONString(type, rows).ValueOrDie());
    ASSERT_TRUE(stream->AddData(arrow::Table::FromRecordBatches({*batch}).ValueOrDie()).ok());
    auto query = totals.writeStream()
                     .outputMode("update")
                     .option("checkpointLocation", checkpoint)
                     .foreachBatch([&](const DataFrame& df, int64_t) -> arrow::Status {
                       std::lock_guard<std::mutex> lock(mutex);
                       for (const auto& row : SortedRows(df)) seen.push_back(row);
                       return arrow::Status::OK();
                     })
                     .trigger(Trigger::AvailableNow())
                     .start();
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    auto done = (*query)->awaitTermination();
    ASSERT_TRUE(done.ok()) << done.ToString();
  };
  run(R"([{"k": "a", "v": 1}, {"k": "b", "v": 2}])");
  run(R"([{"k": "a", "v": 10}])");
  EXPECT_EQ(seen, (std::vector<std::string>{R"({"k":"a","s":1})", R"({"k":"b","s":2})", R"({"k":"a","s":11})"}));
  auto objects = ObjectsUnder(session_, checkpoint);
  for (const char* name : {"metadata", "offsets/0", "offsets/1", "commits/0", "commits/1", "state/0/0/1.delta",
                           "state/0/0/2.delta", "state/0/0/_metadata/schema"}) {
    EXPECT_NE(std::find(objects.begin(), objects.end(), name), objects.end()) << name;
  }
  EXPECT_EQ(std::find(objects.begin(), objects.end(), ".lock"), objects.end());
}

}  // namespace
}  // namespace spate
