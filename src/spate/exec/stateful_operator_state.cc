#include "spate/exec/streaming_context.h"

#include <chrono>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/plan/logical_plan.h"
#include "spate/state/state_schema.h"

namespace spate {

namespace {

// FNV-1a: stable across runs and machines, so keys stay in their partition
// after a restart.
uint64_t HashBytes(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

StatefulOperatorState::StatefulOperatorState(int64_t operator_id, std::string operator_name,
                                             std::string checkpoint, int num_partitions, StateStoreConf conf)
    : operator_id_(operator_id),
      operator_name_(std::move(operator_name)),
      providers_(num_partitions),
      open_(num_partitions, nullptr),
      checkpoint_(std::move(checkpoint)),
      conf_(std::move(conf)) {}

StatefulOperatorState::~StatefulOperatorState() = default;

int StatefulOperatorState::PartitionOf(std::string_view key) const {
  return static_cast<int>(HashBytes(key) % providers_.size());
}

arrow::Result<StateStore*> StatefulOperatorState::Store(int partition) {
  if (open_[partition] != nullptr) return open_[partition];
  if (!providers_[partition]) {
    std::string dir = StateStoreDir(checkpoint_, operator_id_, partition);
    ARROW_ASSIGN_OR_RAISE(providers_[partition], StateStoreProvider::Create(dir, conf_));
  }
  ARROW_ASSIGN_OR_RAISE(open_[partition], providers_[partition]->GetStore(batch_id_));
  return open_[partition];
}

void StatefulOperatorState::BeginBatch(int64_t batch_id) {
  batch_id_ = batch_id;
  std::fill(open_.begin(), open_.end(), nullptr);
  metrics_ = StateOperatorMetrics{};
  metrics_.operator_name = operator_name_;
  metrics_.num_shuffle_partitions = num_partitions();
  metrics_.num_state_store_instances = num_partitions();
}

arrow::Status StatefulOperatorState::Commit() {
  auto start = std::chrono::steady_clock::now();
  std::map<std::string, int64_t> custom;
  for (int p = 0; p < num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, Store(p));
    StateStoreMetrics m = store->metrics();
    metrics_.num_rows_total += m.num_rows_total;
    metrics_.num_rows_updated += m.num_rows_updated;
    metrics_.num_rows_removed += m.num_rows_removed;
    metrics_.memory_used_bytes += m.memory_used_bytes;
    for (const auto& [name, value] : m.custom) custom[name] += value;
    ARROW_RETURN_NOT_OK(store->Commit().status());
    open_[p] = nullptr;
    ARROW_RETURN_NOT_OK(providers_[p]->DoMaintenance());
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

arrow::Result<StateRowSchemas> StateRowSchemasOf(const PlanNode& node) {
  if (node.kind == PlanNode::Kind::kAggregate) return AggregateStateSchemas(node);
  return DeduplicateStateSchemas(node);
}

arrow::Result<StatefulOperatorState*> StreamingBatchContext::Operator(int state_id) const {
  if (state_id < 0 || state_id >= static_cast<int>(operators.size()) || operators[state_id] == nullptr) {
    return arrow::Status::Invalid("internal error: a stateful operator of the streaming plan has no state");
  }
  return operators[state_id];
}

}  // namespace spate
