// Iceberg: the spec's transform and hash values, metadata and manifest
// round trips, the hadoop catalog's commit protocol, and the C++ API.

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/functions.h"
#include "spate/api/row_level_writes.h"
#include "spate/api/table_io.h"
#include "spate/api/writer.h"
#include "spate/connectors/registry.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/data_files.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/connectors/iceberg/manifest.h"
#include "spate/connectors/iceberg/table_ops.h"

namespace spate::iceberg {
namespace {

using testing::ErrorClass;
using testing::FreshDir;
using testing::FromRows;
using testing::SortedRows;

PartitionValue Int(int64_t v) { return PartitionValue{false, v, ""}; }
PartitionValue Str(const std::string& s) { return PartitionValue{false, 0, s}; }

int64_t Transformed(const std::string& transform, PartitionValue v, TypeId type) {
  auto r = TransformValue(transform, v, type);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->i : -1;
}

// The spec's appendix "32-bit Hash Requirements" lists these hash values.
TEST(IcebergTransforms, BucketHashesMatchTheSpec) {
  int64_t v = 34;
  EXPECT_EQ(Murmur3(&v, sizeof(v)), 2017239379);
  EXPECT_EQ(Murmur3("iceberg", 7), 1210000089);
  int64_t date = 17486;  // 2017-11-16
  EXPECT_EQ(Murmur3(&date, sizeof(date)), -653330422);
  EXPECT_EQ(Transformed("bucket[16]", Int(34), TypeId::kLong), 2017239379 % 16);
  EXPECT_EQ(Transformed("bucket[16]", Int(34), TypeId::kInt), 2017239379 % 16);
  // Timestamps (with and without a zone) hash their microseconds as a long.
  const int64_t ts = 1510871468000000LL;  // 2017-11-16T22:31:08
  EXPECT_EQ(Murmur3(&ts, sizeof(ts)), -2047944441);
  EXPECT_EQ(Transformed("bucket[1000]", Int(ts), TypeId::kTimestamp), (-2047944441 & 0x7FFFFFFF) % 1000);
  EXPECT_EQ(Transformed("bucket[1000]", Int(ts), TypeId::kTimestampNtz), (-2047944441 & 0x7FFFFFFF) % 1000);
  const unsigned char bytes[] = {0, 1, 2, 3};  // fixed(4) / binary
  EXPECT_EQ(Murmur3(bytes, sizeof(bytes)), -188683207);
  EXPECT_EQ(Transformed("bucket[16]", Str("iceberg"), TypeId::kString), 1210000089 % 16);
}

TEST(IcebergTransforms, BucketAndTruncateWidthsMustBePositive) {
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}, {"ts", types::Timestamp()}}));
  ASSERT_TRUE(schema.ok());
  for (const char* bad : {"bucket[0]", "bucket[-2]", "bucket[x]", "truncate[0]", "bucket[4294967296]"}) {
    auto spec = MakePartitionSpec(*schema, {{"id", bad}});
    EXPECT_FALSE(spec.ok()) << bad;
    EXPECT_NE(spec.status().message().find("positive integer"), std::string::npos) << spec.status().ToString();
  }
  auto spec = MakePartitionSpec(*schema, {{"ts", "bucket[8]"}});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->fields[0].name, "ts_bucket");
}

TEST(IcebergTransforms, TruncateAndTimeTransforms) {
  EXPECT_EQ(Transformed("truncate[10]", Int(1), TypeId::kInt), 0);
  EXPECT_EQ(Transformed("truncate[10]", Int(-1), TypeId::kInt), -10);
  EXPECT_EQ(TransformValue("truncate[3]", Str("iceberg"), TypeId::kString)->s, "ice");
  const int64_t micros = 1510871468123456LL;  // 2017-11-16T22:31:08.123456Z
  EXPECT_EQ(Transformed("day", Int(micros), TypeId::kTimestamp), 17486);
  EXPECT_EQ(Transformed("hour", Int(micros), TypeId::kTimestamp), 419686);
  EXPECT_EQ(Transformed("month", Int(micros), TypeId::kTimestamp), 47 * 12 + 10);
  EXPECT_EQ(Transformed("year", Int(17486), TypeId::kDate), 47);
  EXPECT_EQ(Transformed("day", Int(-1), TypeId::kTimestamp), -1);  // floors before the epoch
  EXPECT_TRUE(TransformValue("day", PartitionValue{}, TypeId::kDate)->is_null);
}

TEST(IcebergMetadata, RoundTripsThroughJson) {
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}, {"ts", types::Timestamp()},
                                                {"amount", types::Decimal(10, 2)}}));
  ASSERT_TRUE(schema.ok());
  auto spec = MakePartitionSpec(*schema, {{"ts", "day"}, {"id", "bucket[8]"}});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  TableMetadata m = NewTableMetadata("/w/db/t", *schema, *spec, {{"k", "v"}});
  Snapshot s;
  s.snapshot_id = 42;
  s.sequence_number = 1;
  s.timestamp_ms = 1000;
  s.manifest_list = "/w/db/t/metadata/snap-42.avro";
  s.summary = {{"operation", "append"}, {kQueryIdProperty, "q"}, {kEpochIdProperty, "7"}};
  m.AddSnapshot(s);
  auto parsed = ParseTableMetadata(SerializeTableMetadata(m), "v1.metadata.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->last_column_id, 3);
  EXPECT_EQ(parsed->last_partition_id, 1001);
  EXPECT_EQ(parsed->schema().fields[2].type->Sql(), "DECIMAL(10,2)");
  EXPECT_EQ(parsed->spec().fields[0].name, "ts_day");
  EXPECT_EQ(parsed->spec().fields[1].transform, "bucket[8]");
  EXPECT_EQ(parsed->current_snapshot_id, 42);
  EXPECT_EQ(LastCommittedEpoch(*parsed, "q"), 7);
  EXPECT_EQ(LastCommittedEpoch(*parsed, "other"), std::nullopt);
  EXPECT_EQ(parsed->properties.at("k"), "v");
}

TEST(IcebergMetadata, UnknownTransformNamesWhatIsAllowed) {
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}}));
  auto spec = MakePartitionSpec(*schema, {{"id", "zorder"}});
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("bucket(N, col)"), std::string::npos);
  auto missing = MakePartitionSpec(*schema, {{"nope", "identity"}});
  EXPECT_EQ(ErrorClass(missing.status()), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
}

TEST(IcebergManifest, EntriesRoundTripThroughAvro) {
  auto dir = FreshDir("IcebergManifest");
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}, {"cat", types::String()}}));
  auto spec = MakePartitionSpec(*schema, {{"cat", "identity"}});
  TableMetadata m = NewTableMetadata(dir.string(), *schema, *spec, {});
  DataFile f;
  f.file_path = (dir / "data/a.parquet").string();
  f.partition = {Str("x")};
  f.record_count = 3;
  f.file_size_in_bytes = 100;
  f.value_counts = {{1, 3}, {2, 3}};
  f.null_value_counts = {{1, 0}, {2, 1}};
  f.lower_bounds = {{1, std::string("\x01\0\0\0\0\0\0\0", 8)}};
  f.upper_bounds = {{1, std::string("\x09\0\0\0\0\0\0\0", 8)}};
  auto written = WriteManifest((dir / "m.avro").string(), m, m.spec(), 5, {ManifestEntry{EntryStatus::kAdded, 5, {}, {}, f}});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->added_files_count, 1);
  EXPECT_EQ(written->added_rows_count, 3);
  auto entries = ReadManifest(FileIO(), (dir / "m.avro").string());
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 1u);
  const DataFile& r = (*entries)[0].file;
  EXPECT_EQ(r.file_path, f.file_path);
  EXPECT_EQ(r.partition[0].s, "x");
  EXPECT_EQ(r.record_count, 3);
  EXPECT_EQ(r.null_value_counts.at(2), 1);
  EXPECT_EQ(r.upper_bounds.at(1), f.upper_bounds.at(1));
  EXPECT_FALSE((*entries)[0].sequence_number.has_value());  // inherited from the manifest list
}

TEST(IcebergHadoopCatalog, ASecondCommitOnTheSameBaseLosesAndCommitRetries) {
  auto dir = FreshDir("IcebergHadoopCatalog");
  auto catalog = MakeHadoopCatalog("c", dir.string());
  TableIdent ident{{"db"}, "t"};
  auto schema = SchemaFromSpark(*types::Struct({{"id", types::Long()}}));
  auto created = catalog->CreateTable(ident, NewTableMetadata("", *schema, PartitionSpec{}, {}));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir / "db/t/metadata/v1.metadata.json"));
  EXPECT_EQ(testing::ReadFile(dir / "db/t/metadata/version-hint.text"), "1");
  EXPECT_TRUE(*catalog->CommitTable(ident, *created, created->metadata));
  EXPECT_FALSE(*catalog->CommitTable(ident, *created, created->metadata));  // v2 exists: lost
  SnapshotCommit commit;
  auto result = Commit(*catalog, ident, commit);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->committed);
  auto loaded = catalog->LoadTable(ident);
  EXPECT_EQ(loaded->value().metadata_location, (dir / "db/t/metadata/v3.metadata.json").string());
  EXPECT_EQ(loaded->value().metadata.metadata_log.size(), 2u);
  EXPECT_EQ(ErrorClass(catalog->CreateTable(ident, created->metadata).status()), "TABLE_OR_VIEW_ALREADY_EXISTS");
}

std::shared_ptr<Session> IcebergSession(const std::filesystem::path& warehouse) {
  auto session = Session::Make();
  session->conf().Set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog");
  session->conf().Set("spark.sql.catalog.ice.type", "hadoop");
  session->conf().Set("spark.sql.catalog.ice.warehouse", warehouse.string());
  return session;
}

TEST(IcebergApi, SaveAsTableAppendsAndTableReads) {
  auto dir = FreshDir("IcebergApi");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto df = FromRows(session, type, R"([{"id": 1, "name": "a"}, {"id": 2, "name": null}])");
  ASSERT_TRUE(df.write().format("iceberg").mode("append").saveAsTable("ice.db.t").ok());
  ASSERT_TRUE(df.writeTo("ice.db.t").append().ok());
  EXPECT_EQ(SortedRows(session->Table("ice.db.t")),
            (std::vector<std::string>{R"({"id":1,"name":"a"})", R"({"id":1,"name":"a"})", R"({"id":2})",
                                      R"({"id":2})"}));
  EXPECT_EQ(SortedRows(session->Sql("SELECT count(*) AS n FROM ice.db.t WHERE id = 2")),
            (std::vector<std::string>{R"({"n":2})"}));
  ASSERT_TRUE(df.write().mode("overwrite").saveAsTable("ice.db.t").ok());
  EXPECT_EQ(SortedRows(session->Table("ice.db.t")).size(), 2u);
}

TEST(IcebergApi, MergeIntoFromTheDataFrameApi) {
  auto dir = FreshDir("IcebergApi");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  ASSERT_TRUE(FromRows(session, type, R"([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])")
                  .writeTo("ice.db.t")
                  .create()
                  .ok());
  auto updates = FromRows(session, type, R"([{"id": 2, "name": "B"}, {"id": 3, "name": "c"}])").alias("s");
  auto st = updates.mergeInto("ice.db.t", functions::expr("t.id = s.id"))
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .whenNotMatchedBySource()
                .delete_()
                .merge();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(SortedRows(session->Table("ice.db.t")),
            (std::vector<std::string>{R"({"id":2,"name":"B"})", R"({"id":3,"name":"c"})"}));
  auto twice = FromRows(session, type, R"([{"id": 3, "name": "x"}, {"id": 3, "name": "y"}])").alias("s");
  st = twice.mergeInto("ice.db.t", functions::expr("t.id = s.id")).whenMatched().updateAll().merge();
  EXPECT_EQ(ErrorClass(st), "MERGE_CARDINALITY_VIOLATION");
}

TEST(IcebergApi, RowLevelRewriteRefusesATableThatChangedSinceItWasRead) {
  auto dir = FreshDir("IcebergApi");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("id", arrow::int64())});
  ASSERT_TRUE(FromRows(session, type, R"([{"id": 1}])").writeTo("ice.db.t").create().ok());
  auto read = iceberg::ReadVersion(session->conf(), {"ice", "db", "t"});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  // Another writer appends after the read: replacing the rows read would lose its row.
  ASSERT_TRUE(FromRows(session, type, R"([{"id": 2}])").writeTo("ice.db.t").append().ok());
  auto st = iceberg::ReplaceRows(session->conf(), {"ice", "db", "t"}, RowsOf(DataFrame(session, read->rows)),
                                 read->snapshot_id);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("changed while the statement ran"), std::string::npos) << st.message();
  EXPECT_EQ(SortedRows(session->Table("ice.db.t")), (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
}

TEST(IcebergApi, MismatchedSchemaNamesTheColumns) {
  auto dir = FreshDir("IcebergApi");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  ASSERT_TRUE(FromRows(session, type, R"([{"id": 1, "name": "a"}])").writeTo("ice.db.t").create().ok());
  auto extra = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                               arrow::field("zip", arrow::utf8())});
  auto st = FromRows(session, extra, R"([{"id": 1, "name": "a", "zip": "z"}])").writeTo("ice.db.t").append();
  EXPECT_EQ(ErrorClass(st), "INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS");
  EXPECT_NE(st.message().find("`zip`"), std::string::npos);
  auto only_id = arrow::struct_({arrow::field("id", arrow::int64())});
  st = FromRows(session, only_id, R"([{"id": 1}])").writeTo("ice.db.t").append();
  EXPECT_EQ(ErrorClass(st), "INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA");
  EXPECT_NE(st.message().find("`name`"), std::string::npos);
  auto bad = arrow::struct_({arrow::field("id", arrow::utf8()), arrow::field("name", arrow::utf8())});
  st = FromRows(session, bad, R"([{"id": "x", "name": "a"}])").writeTo("ice.db.t").append();
  EXPECT_EQ(ErrorClass(st), "INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST");
  EXPECT_EQ(ErrorClass(FromRows(session, type, "[]").writeTo("ice.db.none").append()), "TABLE_OR_VIEW_NOT_FOUND");
}

TEST(IcebergApi, WriteToPartitionedByTransforms) {
  auto dir = FreshDir("IcebergApi");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto df = FromRows(session, type, R"([{"id": 1, "name": "a"}, {"id": 34, "name": "b"}, {"id": 2, "name": "a"}])");
  ASSERT_TRUE(df.writeTo("ice.db.p").partitionedBy({functions::bucket(16, "id"), "name"}).create().ok());
  auto loaded = MakeHadoopCatalog("ice", dir.string())->LoadTable(TableIdent{{"db"}, "p"});
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const PartitionSpec& spec = (*loaded)->metadata.spec();
  ASSERT_EQ(spec.fields.size(), 2u);
  EXPECT_EQ(spec.fields[0].name, "id_bucket");
  EXPECT_EQ(spec.fields[0].transform, "bucket[16]");
  EXPECT_EQ(spec.fields[1].transform, "identity");
  EXPECT_EQ(SortedRows(session->Sql("SELECT id FROM ice.db.p WHERE id = 34")),
            (std::vector<std::string>{R"({"id":34})"}));
  // id 34 hashes to 2017239379 (the spec's example): bucket 3 of 16.
  EXPECT_TRUE(std::filesystem::exists(dir / "db/p/data/id_bucket=3/name=b"));
  // Anywhere else a transform is an INT column that fails when computed.
  auto selected = df.select({functions::years("name").alias("y")});
  ASSERT_TRUE(selected.status().ok());
  EXPECT_EQ(selected.schema()->field(0).type->Sql(), "INT");
  EXPECT_EQ(ErrorClass(selected.toArrow().status()), "PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY");
  EXPECT_EQ(ErrorClass(df.writeTo("ice.db.q").partitionedBy({functions::col("id") + lit(1)}).create()),
            "_LEGACY_ERROR_TEMP_1316");
}

TEST(IcebergApi, CatalogConfigurationErrorsNameTheKey) {
  auto session = Session::Make();
  session->conf().Set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog");
  session->conf().Set("spark.sql.catalog.ice.type", "hive");
  auto df = session->Table("ice.db.t");
  EXPECT_NE(df.status().message().find("spark.sql.catalog.ice.type"), std::string::npos);
  session->conf().Set("spark.sql.catalog.ice.type", "hadoop");
  df = session->Table("ice.db.t");
  EXPECT_NE(df.status().message().find("spark.sql.catalog.ice.warehouse"), std::string::npos);
}

TEST(IcebergSink, CompleteModeReplacesTheRowsAndSkipsARerunBatch) {
  auto dir = FreshDir("IcebergSink");
  auto session = IcebergSession(dir);
  auto type = arrow::struct_({arrow::field("k", arrow::int64()), arrow::field("n", arrow::int64())});
  auto first = FromRows(session, type, R"([{"k": 1, "n": 1}, {"k": 2, "n": 1}])");
  auto second = FromRows(session, type, R"([{"k": 1, "n": 2}, {"k": 2, "n": 3}])");
  auto format = FindStreamingFormat("iceberg");
  ASSERT_TRUE(format.ok());
  SinkRequest request;
  request.options.Set("path", "ice.db.counts");
  request.mode = OutputMode::kComplete;
  request.schema = first.schema();
  request.conf = &session->conf();
  auto sink = (*format)->sink(request);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Open("query-1", "").ok());
  ASSERT_EQ(*(*sink)->AddBatch(SinkBatch{0, OutputMode::kComplete, *first.toArrow()}), 2);
  ASSERT_EQ(*(*sink)->AddBatch(SinkBatch{1, OutputMode::kComplete, *second.toArrow()}), 2);
  // Batch 1 again, as after a crash before the commits log: nothing is committed.
  ASSERT_EQ(*(*sink)->AddBatch(SinkBatch{1, OutputMode::kComplete, *second.toArrow()}), 0);
  EXPECT_EQ(SortedRows(session->Table("ice.db.counts")),
            (std::vector<std::string>{R"({"k":1,"n":2})", R"({"k":2,"n":3})"}));
  auto loaded = MakeHadoopCatalog("ice", dir.string())->LoadTable({{"db"}, "counts"});
  const auto& snapshots = loaded->value().metadata.snapshots;
  ASSERT_EQ(snapshots.size(), 2u);
  EXPECT_EQ(snapshots[1].summary.at("operation"), "overwrite");
  EXPECT_EQ(snapshots[1].summary.at(kEpochIdProperty), "1");
  EXPECT_EQ(snapshots[1].summary.at(kQueryIdProperty), "query-1");
  EXPECT_EQ(snapshots[1].summary.at("total-records"), "2");
}

}  // namespace
}  // namespace spate::iceberg
