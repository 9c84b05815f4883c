#pragma once

// Column and filter pushdown into scans that read on demand (ScanSource::reader)
// and streaming scans, an optimizer rule (optimizer.h): for a Project, a
// Filter or an Aggregate over such a scan (through filters, watermarks and
// column-only projections that rename), the scan is told which columns the
// query uses and the conjuncts of the filter, so an Iceberg table reads only
// the columns needed from only the files whose partitions can match, and a
// file source (batch or streaming) only the columns needed. The nodes above
// still run on what comes back.

#include "spate/plan/logical_plan.h"

namespace spate {

/// `plan` with every such scan replaced by a copy carrying its request; the
/// same pointer when nothing changes. Scans that already carry a request
/// are left alone, so applying it twice changes nothing.
PlanPtr PushDownIntoScans(const PlanPtr& plan);

}  // namespace spate
