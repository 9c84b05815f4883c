#pragma once

// The rows of the initial state of a grouped stateful API (transformWithState,
// flatMapGroupsWithState, mapGroupsWithState): its grouping keys first, then
// all its columns.

#include <string>
#include <vector>

#include "spate/api/dataframe.h"

namespace spate {

/// The rows of `initial` grouped by `initial_groups`, once its keys are checked
/// against the query's (`input` grouped by `groups`): as many, of the same
/// types. `api` names the call in the errors.
arrow::Result<InitialStateRows> InitialRows(const DataFrame& input, const std::vector<Column>& groups,
                                            const DataFrame& initial, const std::vector<Column>& initial_groups,
                                            const std::string& api);

}  // namespace spate
