#include "spate/exec/streaming_context.h"

#include <chrono>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/task_pool.h"
#include "spate/plan/logical_plan.h"
#include "spate/state/state_schema.h"

namespace spate {

StatefulOperatorState::StatefulOperatorState(int64_t operator_id, std::string operator_name,
                                             std::string checkpoint, int num_partitions, StateStoreConf conf,
                                             std::vector<std::string> store_names, TaskPool* tasks)
    : operator_id_(operator_id),
      operator_name_(std::move(operator_name)),
      num_partitions_(num_partitions),
      store_names_(std::move(store_names)),
      providers_(store_names_.size() * num_partitions),
      open_(providers_.size(), nullptr),
      checkpoint_(std::move(checkpoint)),
      conf_(std::move(conf)),
      tasks_(tasks) {}

StatefulOperatorState::~StatefulOperatorState() = default;

uint64_t StatefulOperatorState::KeyHash(std::string_view key) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

arrow::Result<StateStore*> StatefulOperatorState::Store(int partition, int store) {
  const size_t i = static_cast<size_t>(store) * num_partitions_ + partition;
  if (open_[i] != nullptr) return open_[i];
  if (!providers_[i]) {
    std::string dir = StateStoreDir(checkpoint_, operator_id_, partition, store_names_[store]);
    ARROW_ASSIGN_OR_RAISE(providers_[i], StateStoreProvider::Create(dir, conf_));
  }
  ARROW_ASSIGN_OR_RAISE(open_[i], providers_[i]->GetStore(batch_id_));
  return open_[i];
}

void StatefulOperatorState::BeginBatch(int64_t batch_id) {
  batch_id_ = batch_id;
  std::fill(open_.begin(), open_.end(), nullptr);
  metrics_ = StateOperatorMetrics{};
  metrics_.operator_name = operator_name_;
  metrics_.num_shuffle_partitions = num_partitions();
  metrics_.num_state_store_instances = num_partitions() * static_cast<int64_t>(store_names_.size());
}

arrow::Status StatefulOperatorState::ForEachPartition(const std::function<arrow::Status(int)>& fn) {
  auto each = [&](int64_t p) { return fn(static_cast<int>(p)); };
  if (tasks_ == nullptr) return TaskPool(1).ParallelFor(num_partitions_, each);
  return tasks_->ParallelFor(num_partitions_, each);
}

arrow::Status StatefulOperatorState::Commit() {
  auto start = std::chrono::steady_clock::now();
  // Each partition commits its stores and reports their figures, summed after.
  std::vector<StateStoreMetrics> stores(open_.size());
  ARROW_RETURN_NOT_OK(ForEachPartition([&](int p) {
    for (size_t s = 0; s < store_names_.size(); ++s) {
      const size_t i = s * num_partitions_ + p;
      ARROW_ASSIGN_OR_RAISE(StateStore * store, Store(p, static_cast<int>(s)));
      stores[i] = store->metrics();
      ARROW_RETURN_NOT_OK(store->Commit().status());
      open_[i] = nullptr;
      ARROW_RETURN_NOT_OK(providers_[i]->DoMaintenance());
    }
    return arrow::Status::OK();
  }));
  std::map<std::string, int64_t> custom(metrics_.custom_metrics.begin(), metrics_.custom_metrics.end());
  for (const StateStoreMetrics& m : stores) {
    metrics_.num_rows_total += m.num_rows_total;
    if (!counts_rows_itself_) {
      metrics_.num_rows_updated += m.num_rows_updated;
      metrics_.num_rows_removed += m.num_rows_removed;
    }
    metrics_.memory_used_bytes += m.memory_used_bytes;
    for (const auto& [name, value] : m.custom) custom[name] += value;
  }
  metrics_.custom_metrics.assign(custom.begin(), custom.end());
  metrics_.commit_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
  return arrow::Status::OK();
}

void StatefulOperatorState::Abort() {
  for (auto& store : open_) {
    if (store != nullptr) store->Abort();
    store = nullptr;
  }
}

arrow::Result<std::shared_ptr<arrow::Int64Array>> EventTimeMicros(const std::shared_ptr<arrow::Array>& times) {
  std::shared_ptr<arrow::Array> values = times;
  if (times->type_id() == arrow::Type::STRUCT) {
    const auto& window = static_cast<const arrow::StructArray&>(*times);
    ARROW_ASSIGN_OR_RAISE(values, window.GetFlattenedField(window.struct_type()->GetFieldIndex("end")));
  }
  ARROW_ASSIGN_OR_RAISE(auto view, values->View(arrow::int64()));
  return std::static_pointer_cast<arrow::Int64Array>(view);
}

arrow::Result<StateRowSchemas> AggregateStateSchemas(const PlanNode& node);
arrow::Result<StateRowSchemas> DeduplicateStateSchemas(const PlanNode& node);

arrow::Result<std::vector<StateStoreSchemas>> JoinStateSchemas(const PlanNode& node);
arrow::Result<std::vector<StateStoreSchemas>> TransformWithStateSchemas(const PlanNode& node);

arrow::Result<std::vector<StateStoreSchemas>> StateStoresOf(const PlanNode& node) {
  if (node.kind == PlanNode::Kind::kJoin) return JoinStateSchemas(node);
  if (node.kind == PlanNode::Kind::kTransformWithState) return TransformWithStateSchemas(node);
  ARROW_ASSIGN_OR_RAISE(StateRowSchemas schemas, node.kind == PlanNode::Kind::kAggregate
                                                     ? AggregateStateSchemas(node)
                                                     : DeduplicateStateSchemas(node));
  return std::vector<StateStoreSchemas>{{kDefaultStateStoreName, schemas.key, schemas.value}};
}

arrow::Result<StatefulOperatorState*> StreamingBatchContext::Operator(int state_id) const {
  if (state_id < 0 || state_id >= static_cast<int>(operators.size()) || operators[state_id] == nullptr) {
    return arrow::Status::Invalid("internal error: a stateful operator of the streaming plan has no state");
  }
  return operators[state_id];
}

}  // namespace spate
