#pragma once

// Statements that change some rows of a table: MERGE INTO, UPDATE and
// DELETE FROM (SQL), and df.mergeInto(...) of the DataFrame API. They work on
// Iceberg tables, as in Spark, where the session catalog's file tables do not
// support them. Each computes the table's new rows from the rows it read and
// commits them in one snapshot that replaces the old ones (copy-on-write),
// failing when another writer committed in between.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/status.h>

#include "spate/api/column.h"
#include "spate/api/dataframe.h"

namespace spate {

class Session;

/// One WHEN clause of a MERGE.
struct MergeAction {
  enum class When { kMatched, kNotMatched, kNotMatchedBySource };
  enum class Kind { kUpdate, kDelete, kInsert };
  When when = When::kMatched;
  Kind kind = Kind::kUpdate;
  std::optional<Column> condition;
  bool all = false;  // UPDATE SET * / INSERT *: every column from the source column of its name
  /// UPDATE SET col = value / INSERT (col) VALUES (value); columns by name.
  std::vector<std::pair<std::string, Column>> assignments;
};

struct MergeSpec {
  std::vector<std::string> table;  // the target's name parts
  std::string target_alias;        // "" for the table's own name
  DataFrame source;                // its alias, when it has one, qualifies its columns
  Column condition;
  std::vector<MergeAction> actions;
};

arrow::Status MergeInto(Session& session, const MergeSpec& spec);

/// UPDATE table [alias] SET col = value, ... [WHERE condition].
arrow::Status UpdateTable(Session& session, const std::vector<std::string>& table, const std::string& alias,
                          const std::vector<std::pair<std::string, Column>>& assignments,
                          const std::optional<Column>& condition);

/// DELETE FROM table [alias] [WHERE condition].
arrow::Status DeleteFromTable(Session& session, const std::vector<std::string>& table, const std::string& alias,
                              const std::optional<Column>& condition);

/// df.mergeInto(table, condition): PySpark's MergeIntoWriter.
///
///   source.alias("s").mergeInto("cat.db.t", expr("t.id = s.id"))
///       .whenMatched().updateAll()
///       .whenNotMatched().insertAll()
///       .merge();
class MergeIntoWriter {
 public:
  MergeIntoWriter(DataFrame source, std::string table, Column condition);

  /// The clause builders; each action returns the writer.
  class WhenMatched {
   public:
    MergeIntoWriter& updateAll();
    MergeIntoWriter& update(const std::vector<std::pair<std::string, Column>>& assignments);
    MergeIntoWriter& delete_();

   private:
    friend class MergeIntoWriter;
    WhenMatched(MergeIntoWriter* writer, std::optional<Column> condition)
        : writer_(writer), condition_(std::move(condition)) {}
    MergeIntoWriter* writer_;
    std::optional<Column> condition_;
  };
  class WhenNotMatched {
   public:
    MergeIntoWriter& insertAll();
    MergeIntoWriter& insert(const std::vector<std::pair<std::string, Column>>& assignments);

   private:
    friend class MergeIntoWriter;
    WhenNotMatched(MergeIntoWriter* writer, std::optional<Column> condition)
        : writer_(writer), condition_(std::move(condition)) {}
    MergeIntoWriter* writer_;
    std::optional<Column> condition_;
  };
  class WhenNotMatchedBySource {
   public:
    MergeIntoWriter& update(const std::vector<std::pair<std::string, Column>>& assignments);
    MergeIntoWriter& delete_();

   private:
    friend class MergeIntoWriter;
    WhenNotMatchedBySource(MergeIntoWriter* writer, std::optional<Column> condition)
        : writer_(writer), condition_(std::move(condition)) {}
    MergeIntoWriter* writer_;
    std::optional<Column> condition_;
  };

  WhenMatched whenMatched(std::optional<Column> condition = std::nullopt) { return {this, std::move(condition)}; }
  WhenNotMatched whenNotMatched(std::optional<Column> condition = std::nullopt) {
    return {this, std::move(condition)};
  }
  WhenNotMatchedBySource whenNotMatchedBySource(std::optional<Column> condition = std::nullopt) {
    return {this, std::move(condition)};
  }
  /// Spark adds the source's new columns to the table; Spate does not yet,
  /// and merge() then fails saying so.
  MergeIntoWriter& withSchemaEvolution() {
    schema_evolution_ = true;
    return *this;
  }

  /// Runs the MERGE.
  arrow::Status merge() const;

 private:
  MergeIntoWriter& Add(MergeAction action);

  std::string table_;
  MergeSpec spec_;
  bool schema_evolution_ = false;
};

}  // namespace spate
