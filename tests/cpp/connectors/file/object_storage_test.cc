// Batch reads and writes on s3a:// through the C++ API against a real
// S3-compatible server (moto), started by the ctest fixture
// (tests/python/s3_support.py start) whose settings SPATE_S3_ENV names.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/reader.h"
#include "spate/api/writer.h"
#include "spate/common/object_store.h"
#include "spate/streaming/metadata_log.h"

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
  EXPECT_FALSE(log.Add(1, "v1\nagain").ok());
  EXPECT_EQ(**log.Get(1), "v1\none");
  EXPECT_FALSE(*log.Get(2));
  EXPECT_EQ(**log.Latest(), 1);
  ASSERT_TRUE(log.PurgeBefore(1).ok());
  EXPECT_FALSE(*log.Get(0));
  EXPECT_EQ(**log.Latest(), 1);
}

}  // namespace
}  // namespace spate
