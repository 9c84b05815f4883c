// Object store paths and their settings, without a server: which paths are
// S3's, the object names within the file system, and the errors that name a
// missing bucket or missing credentials.

#include <cstdlib>

#include <gtest/gtest.h>

#include "spate/common/object_store.h"
#include "spate/common/runtime_config.h"

namespace spate {
namespace {

TEST(ObjectStoreTest, S3SchemesAreObjectStorePaths) {
  EXPECT_TRUE(IsObjectStorePath("s3a://bucket/x"));
  EXPECT_TRUE(IsObjectStorePath("s3://bucket/x"));
  EXPECT_TRUE(IsObjectStorePath("S3N://bucket"));
  EXPECT_FALSE(IsObjectStorePath("/tmp/s3a://x"));
  EXPECT_TRUE(IsObjectStorePath("gs://bucket/x"));
  EXPECT_TRUE(IsObjectStorePath("abfs://c@account.dfs.core.windows.net/x"));
  EXPECT_TRUE(IsObjectStorePath("ABFSS://c@account.dfs.core.windows.net/x"));
  EXPECT_FALSE(IsObjectStorePath("hdfs://namenode/x"));
  EXPECT_FALSE(IsObjectStorePath("file:///tmp/x"));
  EXPECT_FALSE(IsObjectStorePath("relative/dir"));
}

TEST(ObjectStoreTest, ObjectPathsAndJoins) {
  EXPECT_EQ(ObjectPathOf("s3a://bucket/dir/part.parquet"), "bucket/dir/part.parquet");
  EXPECT_EQ(ObjectPathOf("s3://bucket/dir/"), "bucket/dir");
  EXPECT_EQ(ObjectPathOf("gs://bucket/dir/part.parquet"), "bucket/dir/part.parquet");
  // Azure: the container within the account's file system.
  EXPECT_EQ(ObjectPathOf("abfss://data@acct.dfs.core.windows.net/dir/x"), "data/dir/x");
  EXPECT_EQ(ObjectPathOf("abfs://data@acct.dfs.core.windows.net/"), "data");
  EXPECT_EQ(ObjectUriOf("abfss://data@acct.dfs.core.windows.net/dir", "data/dir/x"),
            "abfss://data@acct.dfs.core.windows.net/dir/x");
  EXPECT_EQ(ObjectUriOf("gs://bucket/dir", "bucket/dir/x"), "gs://bucket/dir/x");
  EXPECT_EQ(JoinPath("s3a://bucket/dir", "a=1"), "s3a://bucket/dir/a=1");
  EXPECT_EQ(JoinPath("s3a://bucket/dir/", "_SUCCESS"), "s3a://bucket/dir/_SUCCESS");
}

TEST(ObjectStoreTest, LocalPathsHaveNoObjectStore) {
  RuntimeConfig conf;
  auto fs = FileSystemFor(conf, "/tmp/somewhere");
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  EXPECT_EQ(*fs, nullptr);
}

TEST(ObjectStoreTest, MissingCredentialsNameTheSettings) {
  if (std::getenv("AWS_ACCESS_KEY_ID") != nullptr || std::getenv("AWS_PROFILE") != nullptr) {
    GTEST_SKIP() << "AWS credentials in the environment";
  }
  RuntimeConfig conf;
  auto fs = FileSystemFor(conf, "s3a://bucket/x");
  ASSERT_FALSE(fs.ok());
  EXPECT_NE(fs.status().message().find("No credentials for s3a://bucket/x"), std::string::npos);
  EXPECT_NE(fs.status().message().find("spark.hadoop.fs.s3a.access.key"), std::string::npos);
}

TEST(ObjectStoreTest, PathWithoutBucketIsRefused) {
  RuntimeConfig conf;
  auto fs = FileSystemFor(conf, "s3a:///x");
  ASSERT_FALSE(fs.ok());
  EXPECT_NE(fs.status().message().find("names no bucket"), std::string::npos);
  auto gcs = FileSystemFor(conf, "gs:///x");
  ASSERT_FALSE(gcs.ok());
  EXPECT_NE(gcs.status().message().find("names no bucket"), std::string::npos);
  auto azure = FileSystemFor(conf, "abfss://acct.dfs.core.windows.net/x");
  ASSERT_FALSE(azure.ok());
  EXPECT_NE(azure.status().message().find("names no container and account"), std::string::npos);
}

TEST(ObjectStoreTest, BadTimeoutIsRefused) {
  RuntimeConfig conf;
  conf.Set("spark.hadoop.fs.s3a.access.key", "k");
  conf.Set("spark.hadoop.fs.s3a.secret.key", "s");
  conf.Set("spark.hadoop.fs.s3a.connection.establish.timeout", "soon");
  auto fs = FileSystemFor(conf, "s3a://bucket/x");
  ASSERT_FALSE(fs.ok());
  EXPECT_NE(fs.status().message().find("connection.establish.timeout"), std::string::npos);
}

}  // namespace
}  // namespace spate
