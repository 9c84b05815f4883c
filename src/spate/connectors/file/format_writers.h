#pragma once

// The file formats' writers (Parquet, JSON, CSV, text), behind df.write,
// catalog tables and the streaming file sink: write Arrow rows as part files
// of one format into a directory, one directory per partition value, then a
// `_SUCCESS` marker, under the session's settings.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/save_mode.h"
#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;

struct FileWrite {
  const RuntimeConfig* conf = nullptr;  // the session's settings
  std::string format;  // lower case
  std::string path;
  SaveMode mode = SaveMode::kErrorIfExists;
  std::map<std::string, std::string> options;  // keys lower-cased
  std::vector<std::string> partition_by;
};

/// Fails when `schema` cannot be written as `format` (text needs one
/// string column; CSV takes no nested types).
arrow::Status CheckWritableSchema(const std::string& format, const StructType& schema,
                                  const std::vector<std::string>& partition_by);

/// Writes `rows` (of `schema`) as new part files under `write.path` (its
/// save mode is not applied, no `_SUCCESS` is written) and returns their
/// paths: what the streaming file sink commits to its log.
arrow::Result<std::vector<std::string>> WritePartFiles(const FileWrite& write,
                                                      const std::shared_ptr<arrow::Table>& rows,
                                                      const StructType& schema);

/// Writes `rows` (of `schema`) as `write` says.
arrow::Status WriteFiles(const FileWrite& write, const std::shared_ptr<arrow::Table>& rows,
                         const StructType& schema);

}  // namespace spate
