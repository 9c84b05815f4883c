// Joins. With equi-keys: one side's keys are grouped with Arrow's Grouper
// (its hash table: the build side, hash_join_build.h; the right side in a
// batch join, the static side in a stream-static join, which keeps it across
// micro-batches), the other side's keys are looked up in it, and every
// candidate pair is gathered with Take; a non-equi rest of the
// condition then filters the pairs. Without keys every pair is a candidate.
// Outer, semi and anti joins follow from which rows found a partner.

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>

#include "spate/aggregates/group_ids.h"
#include "spate/exec/executor.h"
#include "spate/exec/hash_join_build.h"
#include "spate/exec/join_rows.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

struct Pairs {
  std::vector<int64_t> left, right;
};

// Rows whose keys contain a NULL never match (SQL equality).
arrow::Result<std::vector<bool>> KeysValid(const std::vector<arrow::Datum>& keys, int64_t n) {
  std::vector<bool> valid(n, true);
  for (const auto& k : keys) {
    auto array = k.make_array();
    if (array->null_count() == 0) continue;
    for (int64_t i = 0; i < n; ++i) {
      if (array->IsNull(i)) valid[i] = false;
    }
  }
  return valid;
}

arrow::Result<std::vector<arrow::Datum>> EvaluateKeys(const std::vector<BoundExprPtr>& exprs,
                                                      const arrow::RecordBatch& batch,
                                                      const EvalContext& ctx) {
  std::vector<arrow::Datum> keys;
  for (const auto& e : exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, batch, ctx));
    // -0.0 matches 0.0 and NaN matches NaN, as Spark normalizes join keys.
    ARROW_ASSIGN_OR_RAISE(array, NormalizeFloatingKey(array));
    keys.emplace_back(std::move(array));
  }
  return keys;
}

// Every (left, right) pair (a join without equi-keys).
Pairs AllPairs(int64_t left_rows, int64_t right_rows) {
  Pairs pairs;
  for (int64_t l = 0; l < left_rows; ++l) {
    for (int64_t r = 0; r < right_rows; ++r) {
      pairs.left.push_back(l);
      pairs.right.push_back(r);
    }
  }
  return pairs;
}

// The probe rows' partners among the build side's rows by equal keys, as
// (probe row, build row) pairs.
arrow::Result<Pairs> CandidatePairs(const PlanNode& node, const arrow::RecordBatch& probe, JoinBuildSide& build,
                                    const EvalContext& ctx) {
  const auto& probe_exprs = build.is_left ? node.right_keys : node.left_keys;
  if (probe_exprs.empty()) {
    return build.is_left ? AllPairs(build.rows->num_rows(), probe.num_rows())
                         : AllPairs(probe.num_rows(), build.rows->num_rows());
  }
  ARROW_ASSIGN_OR_RAISE(auto probe_keys, EvaluateKeys(probe_exprs, probe, ctx));
  // Probe keys must have the build keys' Arrow types for the lookup.
  for (size_t i = 0; i < probe_keys.size(); ++i) {
    if (!probe_keys[i].type()->Equals(*build.key_types[i])) {
      ARROW_ASSIGN_OR_RAISE(probe_keys[i], cp::Cast(probe_keys[i], build.key_types[i]));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto probe_valid, KeysValid(probe_keys, probe.num_rows()));
  cp::ExecBatch probe_batch(probe_keys, probe.num_rows());
  ARROW_ASSIGN_OR_RAISE(auto probe_ids_datum, build.grouper->Lookup(cp::ExecSpan(probe_batch)));
  auto probe_ids = std::static_pointer_cast<arrow::UInt32Array>(probe_ids_datum.make_array());
  Pairs pairs;
  for (int64_t p = 0; p < probe.num_rows(); ++p) {
    if (!probe_valid[p] || probe_ids->IsNull(p)) continue;
    uint32_t g = probe_ids->Value(p);
    for (int64_t k = build.group_start[g]; k < build.group_start[g + 1]; ++k) {
      pairs.left.push_back(p);
      pairs.right.push_back(build.group_rows[k]);
    }
  }
  if (build.is_left) std::swap(pairs.left, pairs.right);
  return pairs;
}

arrow::Result<std::shared_ptr<arrow::Array>> Indices(const std::vector<int64_t>& values) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.AppendValues(values));
  return b.Finish();
}

// Indices with nulls where a row has no partner (outer joins): Take then yields NULLs.
arrow::Result<std::shared_ptr<arrow::Array>> IndicesWithNulls(const std::vector<int64_t>& values) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values.size())));
  for (int64_t v : values) {
    if (v < 0) {
      b.UnsafeAppendNull();
    } else {
      b.UnsafeAppend(v);
    }
  }
  return b.Finish();
}

arrow::Result<std::vector<std::shared_ptr<arrow::Array>>> Gather(const arrow::RecordBatch& batch,
                                                                 const std::shared_ptr<arrow::Array>& idx) {
  std::vector<std::shared_ptr<arrow::Array>> out;
  for (int i = 0; i < batch.num_columns(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(batch.column(i), idx));
    out.push_back(taken.make_array());
  }
  return out;
}

}  // namespace

arrow::Result<std::shared_ptr<JoinBuildSide>> BuildJoinSide(const PlanNode& node, const arrow::Table& input,
                                                            const EvalContext& ctx, bool is_left) {
  auto build = std::make_shared<JoinBuildSide>();
  build->is_left = is_left;
  ARROW_ASSIGN_OR_RAISE(build->rows, ToSingleBatch(input));
  const auto& key_exprs = is_left ? node.left_keys : node.right_keys;
  if (key_exprs.empty()) return build;
  const arrow::RecordBatch& rows = *build->rows;
  ARROW_ASSIGN_OR_RAISE(auto keys, EvaluateKeys(key_exprs, rows, ctx));
  std::vector<arrow::TypeHolder> types;
  for (const auto& k : keys) {
    types.emplace_back(k.type());
    build->key_types.push_back(k.type());
  }
  ARROW_ASSIGN_OR_RAISE(build->grouper, cp::Grouper::Make(types));
  ARROW_ASSIGN_OR_RAISE(auto valid, KeysValid(keys, rows.num_rows()));
  cp::ExecBatch key_batch(keys, rows.num_rows());
  ARROW_ASSIGN_OR_RAISE(auto ids_datum, build->grouper->Consume(cp::ExecSpan(key_batch)));
  auto ids = std::static_pointer_cast<arrow::UInt32Array>(ids_datum.make_array());
  // Rows by group: start offsets and row numbers, counting sort style.
  uint32_t groups = build->grouper->num_groups();
  std::vector<int64_t>& start = build->group_start;
  start.assign(groups + 1, 0);
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    if (valid[r]) ++start[ids->Value(r) + 1];
  }
  for (uint32_t g = 0; g < groups; ++g) start[g + 1] += start[g];
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  build->group_rows.resize(start.back());
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    if (valid[r]) build->group_rows[fill[ids->Value(r)]++] = r;
  }
  return build;
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteJoin(const PlanNode& node,
                                                         const arrow::Table& left_table,
                                                         const arrow::Table& right_table,
                                                         const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto build, BuildJoinSide(node, right_table, ctx));
  return ProbeJoin(node, left_table, *build, ctx);
}

arrow::Result<std::shared_ptr<arrow::Table>> ProbeJoin(const PlanNode& node, const arrow::Table& probe_table,
                                                       JoinBuildSide& build, const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  ARROW_ASSIGN_OR_RAISE(auto probe, ToSingleBatch(probe_table));
  const std::shared_ptr<arrow::RecordBatch>& left = build.is_left ? build.rows : probe;
  const std::shared_ptr<arrow::RecordBatch>& right = build.is_left ? probe : build.rows;
  ARROW_ASSIGN_OR_RAISE(Pairs pairs, CandidatePairs(node, *probe, build, ctx));

  // Keep the pairs that satisfy the rest of the condition.
  if (node.condition && !pairs.left.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto passes, PairsSatisfying(*node.condition, *left, *right, pairs.left, pairs.right, ctx));
    Pairs kept;
    for (size_t i = 0; i < passes.size(); ++i) {
      if (passes[i]) {
        kept.left.push_back(pairs.left[i]);
        kept.right.push_back(pairs.right[i]);
      }
    }
    pairs = std::move(kept);
  }

  std::vector<bool> left_matched(left->num_rows(), false), right_matched(right->num_rows(), false);
  for (size_t i = 0; i < pairs.left.size(); ++i) {
    left_matched[pairs.left[i]] = true;
    right_matched[pairs.right[i]] = true;
  }
  if (node.join_type == JoinType::kLeftSemi || node.join_type == JoinType::kLeftAnti) {
    std::vector<int64_t> keep;
    bool want = node.join_type == JoinType::kLeftSemi;
    for (int64_t l = 0; l < left->num_rows(); ++l) {
      if (left_matched[l] == want) keep.push_back(l);
    }
    ARROW_ASSIGN_OR_RAISE(auto rows, JoinedRows(node, schema, *left, *right, keep, {}));
    return arrow::Table::FromRecordBatches(schema, {rows});
  }
  if (node.join_type == JoinType::kLeftOuter || node.join_type == JoinType::kFullOuter) {
    for (int64_t l = 0; l < left->num_rows(); ++l) {
      if (!left_matched[l]) {
        pairs.left.push_back(l);
        pairs.right.push_back(-1);
      }
    }
  }
  if (node.join_type == JoinType::kRightOuter || node.join_type == JoinType::kFullOuter) {
    for (int64_t r = 0; r < right->num_rows(); ++r) {
      if (!right_matched[r]) {
        pairs.left.push_back(-1);
        pairs.right.push_back(r);
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto rows, JoinedRows(node, schema, *left, *right, pairs.left, pairs.right));
  return arrow::Table::FromRecordBatches(schema, {rows});
}

arrow::Result<std::vector<bool>> PairsSatisfying(const BoundExpr& condition, const arrow::RecordBatch& left,
                                                const arrow::RecordBatch& right, const std::vector<int64_t>& left_rows,
                                                const std::vector<int64_t>& right_rows, const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto li, Indices(left_rows));
  ARROW_ASSIGN_OR_RAISE(auto ri, Indices(right_rows));
  ARROW_ASSIGN_OR_RAISE(auto cols, Gather(left, li));
  ARROW_ASSIGN_OR_RAISE(auto rcols, Gather(right, ri));
  arrow::FieldVector fields = left.schema()->fields();
  for (const auto& f : right.schema()->fields()) fields.push_back(f);
  cols.insert(cols.end(), rcols.begin(), rcols.end());
  auto combined = arrow::RecordBatch::Make(arrow::schema(fields), li->length(), std::move(cols));
  ARROW_ASSIGN_OR_RAISE(auto mask, EvaluateToArray(condition, *combined, ctx));
  const auto& m = static_cast<const arrow::BooleanArray&>(*mask);
  std::vector<bool> out(left_rows.size());
  for (int64_t i = 0; i < m.length(); ++i) out[i] = m.IsValid(i) && m.Value(i);
  return out;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> JoinedRows(const PlanNode& node,
                                                              const std::shared_ptr<arrow::Schema>& schema,
                                                              const arrow::RecordBatch& left,
                                                              const arrow::RecordBatch& right,
                                                              const std::vector<int64_t>& left_rows,
                                                              const std::vector<int64_t>& right_rows) {
  const bool semi = node.join_type == JoinType::kLeftSemi || node.join_type == JoinType::kLeftAnti;
  ARROW_ASSIGN_OR_RAISE(auto li, IndicesWithNulls(left_rows));
  ARROW_ASSIGN_OR_RAISE(auto cols, Gather(left, li));
  const int left_width = left.num_columns();
  if (!semi) {
    ARROW_ASSIGN_OR_RAISE(auto ri, IndicesWithNulls(right_rows));
    ARROW_ASSIGN_OR_RAISE(auto rcols, Gather(right, ri));
    cols.insert(cols.end(), rcols.begin(), rcols.end());
  }
  if (!node.join_projection.empty()) {
    std::vector<std::shared_ptr<arrow::Array>> projected;
    for (int p : node.join_projection) {
      if (p >= 0) {
        projected.push_back(cols[p]);
        continue;
      }
      // A full outer join's USING key: coalesce(left key, right key).
      int k = -1 - p;
      auto l_col = cols[node.using_left[k]];
      auto r_col = cols[left_width + node.using_right[k]];
      if (!r_col->type()->Equals(*l_col->type())) {
        ARROW_ASSIGN_OR_RAISE(r_col, cp::Cast(*r_col, l_col->type()));
      }
      ARROW_ASSIGN_OR_RAISE(auto merged, cp::CallFunction("coalesce", {l_col, r_col}));
      projected.push_back(merged.make_array());
    }
    cols = std::move(projected);
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    const auto& want = schema->field(static_cast<int>(i))->type();
    if (!cols[i]->type()->Equals(*want)) {
      ARROW_ASSIGN_OR_RAISE(cols[i], cp::Cast(*cols[i], want, cp::CastOptions::Unsafe()));
    }
  }
  return arrow::RecordBatch::Make(schema, static_cast<int64_t>(left_rows.size()), std::move(cols));
}

}  // namespace spate
