#pragma once

// Group ids moved below the plan layer, next to the aggregate functions that
// use them (aggregates/group_ids.h); this header keeps its includers building.

#include "spate/aggregates/group_ids.h"
