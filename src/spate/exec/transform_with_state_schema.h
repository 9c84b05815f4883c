#pragma once

// What a transformWithState operator records in its checkpoint about its
// state variables (state/state_variables.h), from the variables its
// processor's Init declares.

#include <string>

#include <arrow/result.h>

#include "spate/state/state_variables.h"

namespace spate {

struct PlanNode;
struct StateStoreConf;

/// The operator's properties: time mode, output mode and state variables
/// (in declaration order, then the timers' variable), with Spark's names.
arrow::Result<TransformWithStateProperties> TransformWithStatePropertiesOf(const PlanNode& node);

/// The store of a state variable that a restart adds: it starts empty at
/// `version` (the first batch the run executes) in every partition, made of
/// empty versions committed up to it, so that it loads as the older stores
/// do. Spark keeps the variables as column families of one store, which
/// need no such start.
arrow::Status StartAddedStore(const std::string& checkpoint, int64_t operator_id, const std::string& store,
                              int num_partitions, const StateStoreConf& conf, int64_t version);

}  // namespace spate
