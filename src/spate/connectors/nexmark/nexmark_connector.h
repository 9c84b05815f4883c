#pragma once

// The nexmark source's entry point for the batch reader
// (spark.read.format("nexmark")); the streaming source registers itself
// under "nexmark" (registry.h).

#include <map>
#include <memory>
#include <string>

#include <arrow/result.h>

namespace spate {

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

/// spark.read.format("nexmark").option("numEvents", n).load(): the first n
/// events, generated at once. The schema is fixed: a user schema is refused.
arrow::Result<PlanPtr> LoadNexmark(const std::map<std::string, std::string>& options, bool user_schema);

}  // namespace spate
