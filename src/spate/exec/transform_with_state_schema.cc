#include "spate/exec/transform_with_state_schema.h"

#include "spate/exec/transform_with_state_handle.h"
#include "spate/plan/logical_plan.h"
#include "spate/plan/output_mode.h"
#include "spate/state/state_schema.h"
#include "spate/state/state_store.h"

namespace spate {

namespace {

const char* TimeModeName(TimeMode mode) {
  switch (mode) {
    case TimeMode::kProcessingTime: return "ProcessingTime";
    case TimeMode::kEventTime: return "EventTime";
    case TimeMode::kNone: break;
  }
  return "NoTime";
}

const char* VariableType(StateVariable::Kind kind) {
  switch (kind) {
    case StateVariable::Kind::kList: return "ListState";
    case StateVariable::Kind::kMap: return "MapState";
    case StateVariable::Kind::kValue: break;
  }
  return "ValueState";
}

}  // namespace

arrow::Result<TransformWithStateProperties> TransformWithStatePropertiesOf(const PlanNode& node) {
  TransformWithStateProperties out;
  out.time_mode = TimeModeName(node.transform->time_mode);
  out.output_mode = OutputModeName(node.transform->output_mode);
  ARROW_ASSIGN_OR_RAISE(auto variables, DeclaredStateVariables(*node.transform));
  for (const auto& v : variables) out.variables.push_back({v.name, VariableType(v.kind), false});
  const std::string timers = TimerVariableName(out.time_mode);
  if (!timers.empty()) out.variables.push_back({timers, "TimerState", false});
  return out;
}

arrow::Status StartAddedStore(const std::string& checkpoint, int64_t operator_id, const std::string& store,
                              int num_partitions, const StateStoreConf& conf, int64_t version) {
  for (int p = 0; p < num_partitions; ++p) {
    ARROW_ASSIGN_OR_RAISE(auto provider,
                          StateStoreProvider::Create(StateStoreDir(checkpoint, operator_id, p, store), conf));
    for (int64_t v = 0; v < version; ++v) {
      ARROW_ASSIGN_OR_RAISE(StateStore * empty, provider->GetStore(v));
      ARROW_RETURN_NOT_OK(empty->Commit().status());
    }
    ARROW_RETURN_NOT_OK(provider->DoMaintenance());
  }
  return arrow::Status::OK();
}

}  // namespace spate
