// The physical plan: operators numbered depth first from the top, the same
// numbers on every build; streaming stateful operators numbered as their
// state/<id>/ folders; a Limit that stops the scans once it has its rows;
// pushdown into scans done once, when the plan is built; explode copying only
// the columns read above it, and Projects computing only those; a Filter that
// keeps every row passing its batch on uncopied; the projections and filters
// above a scan run over pieces of its rows on the task threads, in order.

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/exec/physical_plan.h"
#include "spate/plan/optimizer.h"
#include "spate/plan/plan_builder.h"
#include "spate/state/state_schema.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;
namespace fs = std::filesystem;

// `chunks` batches of `rows` rows each: (id BIGINT, k INT), ids counting from 0.
std::shared_ptr<arrow::Table> Chunked(int chunks, int rows) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("k", arrow::int32())});
  for (int c = 0; c < chunks; ++c) {
    arrow::Int64Builder ids;
    arrow::Int32Builder keys;
    for (int r = 0; r < rows; ++r) {
      EXPECT_TRUE(ids.Append(int64_t{c} * rows + r).ok());
      EXPECT_TRUE(keys.Append(r % 3).ok());
    }
    batches.push_back(arrow::RecordBatch::Make(schema, rows, {ids.Finish().ValueOrDie(), keys.Finish().ValueOrDie()}));
  }
  return arrow::Table::FromRecordBatches(schema, batches).ValueOrDie();
}

std::vector<std::string> Names(const PhysicalPlan& plan) {
  std::vector<std::string> out;
  for (const auto& op : plan.operators()) out.push_back(op->name());
  return out;
}

const Operator& Named(const PhysicalPlan& plan, const std::string& name, int nth = 0) {
  for (const auto& op : plan.operators()) {
    if (op->name() == name && nth-- == 0) return *op;
  }
  throw std::runtime_error("no operator " + name);
}

TEST(PhysicalPlan, OperatorsAreNumberedDepthFirstFromTheTopOnEveryBuild) {
  auto session = Session::Make();
  auto left = session->CreateDataFrame(Chunked(2, 4)).filter(F::col("k") > lit(0));
  auto right = session->CreateDataFrame(Chunked(1, 4)).select({F::col("id"), F::col("k")});
  auto df = left.union_(right).orderBy({F::col("id")}).limit(3);
  for (int build = 0; build < 2; ++build) {
    auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
    EXPECT_EQ(Names(*plan), (std::vector<std::string>{"GlobalLimit", "Sort", "Union", "Filter", "Scan", "Project",
                                                       "Scan"}));
    for (size_t i = 0; i < plan->operators().size(); ++i) EXPECT_EQ(plan->operators()[i]->id(), static_cast<int>(i));
    EXPECT_TRUE(plan->stateful_operators().empty());  // a batch plan has none
    auto rows = plan->Run(session->MakeEvalContext()).ValueOrDie();
    EXPECT_EQ(rows->num_rows(), 3);
  }
}

TEST(PhysicalPlan, LimitStopsTheScanOnceItHasItsRows) {
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Chunked(100, 10)).filter(F::col("k") > lit(0)).limit(5);
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  auto rows = plan->Run(session->MakeEvalContext()).ValueOrDie();
  EXPECT_EQ(rows->num_rows(), 5);
  // Batch 0 has 6 rows with k > 0, batch 1 gives the rest: 2 of 100 batches read.
  auto many = session->CreateDataFrame(Chunked(100, 4)).filter(F::col("k") > lit(0)).limit(5);
  auto plan2 = PhysicalPlan::Make(many.plan()).ValueOrDie();
  EXPECT_EQ(plan2->Run(session->MakeEvalContext()).ValueOrDie()->num_rows(), 5);
  EXPECT_EQ(Named(*plan, "Scan").batches_out(), 1);
  EXPECT_EQ(Named(*plan2, "Scan").batches_out(), 3);  // 2 + 2 + 2 rows with k > 0 (of 4: k = 0,1,2,0)
  // OFFSET and LIMIT across batches, and a second scan a full limit never reads.
  auto both = session->CreateDataFrame(Chunked(10, 10)).union_(session->CreateDataFrame(Chunked(10, 10)));
  auto plan3 = PhysicalPlan::Make(both.offset(15).limit(20).plan()).ValueOrDie();
  auto sliced = plan3->Run(session->MakeEvalContext()).ValueOrDie();
  ASSERT_EQ(sliced->num_rows(), 20);
  auto ids = std::static_pointer_cast<arrow::Int64Array>(sliced->column(0)->Slice(0, 1)->chunk(0));
  EXPECT_EQ(ids->Value(0), 15);
  EXPECT_EQ(Named(*plan3, "Scan", 0).batches_out(), 4);
  EXPECT_EQ(Named(*plan3, "Scan", 1).batches_out(), 0);
}

// The ids (column 0) of `table`'s rows, in order.
std::vector<int64_t> Ids(const arrow::Table& table) {
  std::vector<int64_t> out;
  auto batch = table.CombineChunksToBatch().ValueOrDie();
  auto ids = std::static_pointer_cast<arrow::Int64Array>(batch->column(0));
  for (int64_t i = 0; i < ids->length(); ++i) out.push_back(ids->Value(i));
  return out;
}

TEST(PhysicalPlan, ExplodeAndDistinctPassEachBatchOnSoALimitStopsTheScan) {
  auto session = Session::Make();
  auto exploded = session->CreateDataFrame(Chunked(100, 10))
                      .select({F::col("id"), F::explode(F::array({F::col("k"), F::col("k")})).alias("e")})
                      .limit(5);
  auto plan = PhysicalPlan::Make(exploded.plan()).ValueOrDie();
  auto rows = plan->Run(session->MakeEvalContext()).ValueOrDie();
  EXPECT_EQ(Ids(*rows), (std::vector<int64_t>{0, 0, 1, 1, 2}));
  EXPECT_EQ(Named(*plan, "Scan").batches_out(), 1);

  // k takes 3 values; the first two come in the first batch of 4 rows.
  auto keys = session->CreateDataFrame(Chunked(100, 4)).select({F::col("k"), F::col("id")});
  auto two = PhysicalPlan::Make(keys.dropDuplicates({"k"}).limit(2).plan()).ValueOrDie();
  EXPECT_EQ(two->Run(session->MakeEvalContext()).ValueOrDie()->num_rows(), 2);
  EXPECT_EQ(Named(*two, "Scan").batches_out(), 1);
  // A NULL key is a key too, in whichever batch it first comes.
  auto with_nulls = session->CreateDataFrame(Chunked(3, 4)).select(
      {F::col("id"), F::when(F::col("k") == lit(1), lit(nullptr)).otherwise(F::col("k")).alias("k")});
  auto nulls = PhysicalPlan::Make(with_nulls.dropDuplicates({"k"}).plan()).ValueOrDie();
  EXPECT_EQ(Ids(*nulls->Run(session->MakeEvalContext()).ValueOrDie()), (std::vector<int64_t>{0, 1, 2}));
  // Without a limit: each key once, its first row, across every batch.
  auto all = PhysicalPlan::Make(keys.dropDuplicates({"k"}).select({F::col("id")}).plan()).ValueOrDie();
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(Ids(*all->Run(session->MakeEvalContext()).ValueOrDie()), (std::vector<int64_t>{0, 1, 2}));
  }
}

TEST(PhysicalPlan, ASortUnderALimitGivesTheFirstRowsOfTheFullSort) {
  auto session = Session::Make();
  // 100,000 rows, k = id % 3 within each batch of 1,000: many ties, kept in input order.
  auto df = session->CreateDataFrame(Chunked(100, 1000));
  auto by_k = df.orderBy({F::col("k").desc(), F::col("id").desc()}).orderBy({F::col("k")});
  auto full = Ids(*PhysicalPlan::Make(by_k.plan()).ValueOrDie()->Run(session->MakeEvalContext()).ValueOrDie());
  ASSERT_EQ(full.size(), 100000u);
  for (auto [offset, limit] : {std::pair<int64_t, int64_t>{0, 5}, {3, 4}, {0, 40000}, {99990, 20}}) {
    auto limited = by_k.select({F::col("id"), F::col("k")}).offset(offset).limit(limit);
    auto plan = PhysicalPlan::Make(limited.plan()).ValueOrDie();
    auto got = Ids(*plan->Run(session->MakeEvalContext()).ValueOrDie());
    const auto end = std::min<size_t>(full.size(), offset + limit);
    EXPECT_EQ(got, std::vector<int64_t>(full.begin() + offset, full.begin() + end)) << offset << " " << limit;
  }
}

TEST(PhysicalPlan, AReRunStartsAfresh) {
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Chunked(3, 4)).groupBy({F::col("k")}).count().orderBy({F::col("k")}).limit(2);
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  for (int run = 0; run < 3; ++run) {
    auto rows = plan->Run(session->MakeEvalContext()).ValueOrDie();
    ASSERT_EQ(rows->num_rows(), 2);
    auto counts = std::static_pointer_cast<arrow::Int64Array>(rows->CombineChunksToBatch().ValueOrDie()->column(1));
    EXPECT_EQ(counts->Value(0), 6);  // k = 0: rows 0 and 3 of each batch
    EXPECT_EQ(counts->Value(1), 3);
  }
}

// A scan read on demand that records each request it gets.
struct LazyTable {
  std::vector<ScanRequest> requests;
  DataFrame Make(const std::shared_ptr<Session>& session) {
    auto source = std::make_shared<ScanSource>();
    source->description = "LazyScan";
    source->reader = [this](const ScanRequest& request, TaskPool*) -> arrow::Result<std::shared_ptr<arrow::Table>> {
      requests.push_back(request);
      return Chunked(2, 3);
    };
    return DataFrame(session, MakeScan(source, **ParseDdlSchema("id BIGINT, k INT")));
  }
};

TEST(PhysicalPlan, ExplodeCopiesOnlyTheColumnsReadAboveIt) {
  auto session = Session::Make();
  // id is neither exploded nor selected: a Project under the Generate drops it.
  auto df = session->CreateDataFrame(Chunked(1, 3)).select({F::explode(F::array({F::col("k"), lit(7)})).alias("e")});
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  EXPECT_EQ(Names(*plan), (std::vector<std::string>{"Project", "Generate", "Project", "Scan"}));
  const PlanNode& generate = *plan->plan().children[0];
  ASSERT_EQ(generate.output.size(), 2u);
  EXPECT_EQ(generate.output[0].name, "k");
  auto rows = plan->Run(session->MakeEvalContext()).ValueOrDie()->CombineChunksToBatch().ValueOrDie();
  auto e = std::static_pointer_cast<arrow::Int32Array>(rows->column(0));
  EXPECT_EQ(std::vector<int32_t>(e->raw_values(), e->raw_values() + e->length()),
            (std::vector<int32_t>{0, 7, 1, 7, 2, 7}));
  // A Project that reads every column keeps the plan as it was.
  auto all = session->CreateDataFrame(Chunked(1, 3)).select({F::col("id"), F::explode(F::array({F::col("k")}))});
  EXPECT_EQ(Names(*PhysicalPlan::Make(all.plan()).ValueOrDie()),
            (std::vector<std::string>{"Project", "Generate", "Scan"}));
}

TEST(PhysicalPlan, SlidingWindowsCarryOnlyTheColumnsTheAggregateReads) {
  auto session = Session::Make();
  // Grouped by window and k, each row's windows need k and t (the windows' time), not id.
  auto rows = session->CreateDataFrame(Chunked(1, 6)).withColumn("t", F::col("id").cast("timestamp"));
  auto counts = rows.groupBy({F::window(F::col("t"), "10 seconds", "2 seconds"), F::col("k")}).count();
  auto plan = PhysicalPlan::Make(counts.plan()).ValueOrDie();
  std::vector<std::string> passed;  // the Generate's columns but the window it makes
  const auto& generated = Named(*plan, "Generate").node().output;
  for (size_t i = 0; i + 1 < generated.size(); ++i) passed.push_back(generated[i].name);
  EXPECT_EQ(passed, (std::vector<std::string>{"k", "t"}));
  // Each of the 6 rows is in 5 windows (10 s sliding by 2 s): 30 rows counted.
  auto result = plan->Run(session->MakeEvalContext()).ValueOrDie()->CombineChunksToBatch().ValueOrDie();
  auto count = std::static_pointer_cast<arrow::Int64Array>(result->GetColumnByName("count"));
  int64_t total = 0;
  for (int64_t i = 0; i < count->length(); ++i) total += count->Value(i);
  EXPECT_EQ(total, 30);
  // A Project over a Project keeps only what it selects: the inner one no longer computes id + 1.
  auto selected = rows.select({F::col("k"), (F::col("id") + lit(1)).alias("next")}).select({F::col("k")});
  PlanPtr optimized = Optimize(selected.plan());
  const PlanNode& inner = *optimized->children[0];
  ASSERT_EQ(inner.kind, PlanNode::Kind::kProject);
  ASSERT_EQ(inner.output.size(), 1u);
  EXPECT_EQ(inner.output[0].name, "k");
}

TEST(PhysicalPlan, AFilterEveryRowMeetsPassesItsBatchOnUncopied) {
  auto session = Session::Make();
  auto table = Chunked(1, 4);
  const uint8_t* ids = table->column(0)->chunk(0)->data()->buffers[1]->data();
  auto all = PhysicalPlan::Make(session->CreateDataFrame(table).filter(F::col("k") >= lit(0)).plan()).ValueOrDie();
  auto kept = all->Run(session->MakeEvalContext()).ValueOrDie();
  ASSERT_EQ(kept->num_rows(), 4);
  EXPECT_EQ(kept->column(0)->chunk(0)->data()->buffers[1]->data(), ids);
  // One that drops rows copies the others out (k is 0, 1, 2, 0).
  auto some = PhysicalPlan::Make(session->CreateDataFrame(table).filter(F::col("k") > lit(0)).plan()).ValueOrDie();
  auto rows = some->Run(session->MakeEvalContext()).ValueOrDie();
  EXPECT_EQ(rows->num_rows(), 2);
  EXPECT_NE(rows->column(0)->chunk(0)->data()->buffers[1]->data(), ids);
}

TEST(PhysicalPlan, ProjectionsAndFiltersAboveAScanRunInPiecesOnTheTaskThreadsInOrder) {
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Chunked(1, 100000)).filter(F::col("k") > lit(0)).select(
      {(F::col("id") * lit(2)).alias("d"), F::col("k")});
  std::vector<int64_t> expected;
  for (int64_t id = 0; id < 100000; ++id) {
    if (id % 3 != 0) expected.push_back(id * 2);
  }
  for (int threads : {1, 2, 4}) {
    auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
    EXPECT_EQ(Ids(*plan->Run(session->MakeEvalContext(), threads).ValueOrDie()), expected) << threads;
    EXPECT_EQ(Named(*plan, "Scan").batches_out(), 7) << threads;  // pieces of 16384 rows
    // A LIMIT takes its rows from the first piece: the others are not handed on.
    auto limited = PhysicalPlan::Make(df.limit(5).plan()).ValueOrDie();
    EXPECT_EQ(limited->Run(session->MakeEvalContext(), threads).ValueOrDie()->num_rows(), 5);
    EXPECT_EQ(Named(*limited, "Scan").batches_out(), 1) << threads;
  }
}

TEST(PhysicalPlan, IdsOfRowsStayOnOneThread) {
  // monotonically_increasing_id counts the rows it has seen: run over pieces at once, the
  // ids would not follow the rows' order.
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Chunked(1, 100000)).select({F::expr("monotonically_increasing_id()"), F::col("id")});
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  auto rows = plan->Run(session->MakeEvalContext(), 4).ValueOrDie()->CombineChunksToBatch().ValueOrDie();
  EXPECT_TRUE(rows->column(0)->Equals(*rows->column(1)));
}

TEST(PhysicalPlan, PushdownIsAppliedOnceWhenThePlanIsBuilt) {
  auto session = Session::Make();
  LazyTable lazy;
  auto df = lazy.Make(session).filter(F::col("k") == lit(1)).select({F::col("k")});
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  // The optimized plan's scan carries the request; the DataFrame's plan is untouched.
  const PlanNode* scan = &plan->plan();
  while (!scan->children.empty()) scan = scan->children[0].get();
  EXPECT_EQ(scan->source->request.columns, (std::vector<bool>{false, true}));
  EXPECT_EQ(scan->source->request.filters.size(), 1u);
  EXPECT_TRUE(df.plan()->children[0]->children[0]->source->request.filters.empty());
  // Optimizing the optimized plan changes nothing.
  PlanPtr optimized = Optimize(df.plan());
  EXPECT_EQ(Optimize(optimized), optimized);
  // Each run reads with the same request.
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(plan->Run(session->MakeEvalContext()).ValueOrDie()->num_rows(), 2);
  }
  ASSERT_EQ(lazy.requests.size(), 2u);
  EXPECT_EQ(lazy.requests[1].columns, (std::vector<bool>{false, true}));
  EXPECT_EQ(lazy.requests[1].filters.size(), 1u);
}

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "physical_plan_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

TEST(PhysicalPlan, StatefulOperatorsAreNumberedAsTheirStateFolders) {
  auto session = Session::Make();
  session->conf().Set("spark.sql.shuffle.partitions", "1");
  auto stream = MemoryStream::Make(*ParseDdlSchema("k STRING, v INT"));
  auto df = DataFrame(session, stream->plan()).dropDuplicates({"k"}).union_(DataFrame(session, stream->plan()).dropDuplicates({"v"}));
  auto plan = PhysicalPlan::Make(df.plan()).ValueOrDie();
  EXPECT_EQ(Names(*plan), (std::vector<std::string>{"Union", "Deduplicate", "Scan", "Deduplicate", "Scan"}));
  ASSERT_EQ(plan->stateful_operators().size(), 2u);
  EXPECT_EQ(plan->stateful_operators()[0]->id(), 1);
  EXPECT_EQ(plan->stateful_operators()[0]->state_id(), 0);
  EXPECT_EQ(plan->stateful_operators()[1]->id(), 3);
  EXPECT_EQ(plan->stateful_operators()[1]->state_id(), 1);

  // A run keeps the dedup by k in state/0 and the one by v in state/1.
  std::string checkpoint = TestDir("stateful_ids");
  auto query = df.writeStream()
                   .format("noop")
                   .option("checkpointLocation", checkpoint)
                   .start()
                   .ValueOrDie();
  auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())});
  auto k = arrow::StringBuilder();
  ASSERT_TRUE(k.AppendValues({"a", "b"}).ok());
  auto v = arrow::Int32Builder();
  ASSERT_TRUE(v.AppendValues({1, 2}).ok());
  ASSERT_TRUE(stream->AddData(arrow::Table::Make(schema, {k.Finish().ValueOrDie(), v.Finish().ValueOrDie()})).ok());
  ASSERT_TRUE(query->processAllAvailable().ok());
  ASSERT_TRUE(query->stop().ok());
  auto first = ReadStateSchema(checkpoint, 0).ValueOrDie();
  auto second = ReadStateSchema(checkpoint, 1).ValueOrDie();
  ASSERT_EQ(first.key->fields().size(), 1u);
  EXPECT_EQ(first.key->fields()[0].name, "k");
  ASSERT_EQ(second.key->fields().size(), 1u);
  EXPECT_EQ(second.key->fields()[0].name, "v");
}

}  // namespace
}  // namespace spate
