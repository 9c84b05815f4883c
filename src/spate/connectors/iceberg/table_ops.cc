#include "spate/connectors/iceberg/table_ops.h"

#include <algorithm>
#include <set>

#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/object_store.h"
#include "spate/connectors/iceberg/data_files.h"

namespace spate::iceberg {

namespace {

constexpr int kMaxCommitAttempts = 20;

arrow::Status NoSuchTable(const TableIdent& ident) {
  return SparkError("TABLE_OR_VIEW_NOT_FOUND", "42P01",
                    fmt::format("The table or view {} cannot be found. Verify the spelling and correctness of "
                                "the schema and catalog.",
                                ident.ToString()));
}

std::string MetadataPath(const TableMetadata& t, const std::string& file) {
  return JoinPath(JoinPath(LocalPath(t.location), "metadata"), file);
}

int64_t SummaryLong(const Snapshot* s, const char* key) {
  if (s == nullptr) return 0;
  auto it = s->summary.find(key);
  if (it == s->summary.end()) return 0;
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

// The Spark/Iceberg summary counts of a snapshot.
std::map<std::string, std::string> Summary(const SnapshotCommit& c, const Snapshot* parent,
                                           const std::vector<ManifestEntry>& deleted) {
  int64_t added_records = 0, added_size = 0, deleted_records = 0, deleted_size = 0;
  for (const auto& f : c.added) {
    added_records += f.record_count;
    added_size += f.file_size_in_bytes;
  }
  for (const auto& e : deleted) {
    deleted_records += e.file.record_count;
    deleted_size += e.file.file_size_in_bytes;
  }
  std::map<std::string, std::string> s = c.summary;
  s["operation"] = c.operation;
  s["added-data-files"] = std::to_string(c.added.size());
  s["added-records"] = std::to_string(added_records);
  s["added-files-size"] = std::to_string(added_size);
  if (!deleted.empty()) {
    s["deleted-data-files"] = std::to_string(deleted.size());
    s["deleted-records"] = std::to_string(deleted_records);
    s["removed-files-size"] = std::to_string(deleted_size);
  }
  s["total-records"] = std::to_string(SummaryLong(parent, "total-records") + added_records - deleted_records);
  s["total-data-files"] = std::to_string(SummaryLong(parent, "total-data-files") +
                                         static_cast<int64_t>(c.added.size()) -
                                         static_cast<int64_t>(deleted.size()));
  s["total-files-size"] = std::to_string(SummaryLong(parent, "total-files-size") + added_size - deleted_size);
  s["total-delete-files"] = "0";
  s["total-position-deletes"] = "0";
  s["total-equality-deletes"] = "0";
  return s;
}

arrow::Result<ManifestFile> WriteEntries(const TableMetadata& t, int64_t snapshot_id,
                                         const std::vector<ManifestEntry>& entries) {
  std::string path = MetadataPath(t, fmt::format("{}-m0.avro", NewUuid()));
  ARROW_ASSIGN_OR_RAISE(auto m, WriteManifest(path, t, t.spec(), snapshot_id, entries));
  return m;
}

arrow::Result<std::vector<ManifestFile>> CurrentManifests(const TableMetadata& t) {
  const Snapshot* current = t.current_snapshot();
  if (current == nullptr || current->manifest_list.empty()) return std::vector<ManifestFile>{};
  return ReadManifestList(IoOrLocal(t.io), current->manifest_list);
}

// One attempt on top of `base`: the manifest list and the new metadata.
arrow::Result<bool> TryCommit(IcebergCatalog& catalog, const TableIdent& ident, const LoadedTable& base,
                              const SnapshotCommit& c, int64_t snapshot_id, ManifestFile added) {
  const TableMetadata& t = base.metadata;
  const Snapshot* parent = t.current_snapshot();
  int64_t seq = t.last_sequence_number + 1;
  added.sequence_number = seq;
  added.min_sequence_number = seq;
  std::vector<ManifestFile> manifests;
  if (!c.added.empty()) manifests.push_back(added);
  std::vector<ManifestEntry> deleted;
  if (c.remove_all || !c.removed.empty()) {
    std::vector<ManifestEntry> kept;
    std::vector<ManifestEntry> live;
    if (parent != nullptr) {
      ARROW_ASSIGN_OR_RAISE(live, LiveEntries(IoOrLocal(t.io), *parent));
    }
    std::set<std::string> removed(c.removed.begin(), c.removed.end());
    for (auto& e : live) {
      bool remove = c.remove_all || removed.count(e.file.file_path) > 0;
      if (remove) removed.erase(e.file.file_path);
      (remove ? deleted : kept).push_back(e);
    }
    if (!removed.empty()) {
      return arrow::Status::Invalid("Cannot commit to Iceberg table ", ident.ToString(), ": data file ",
                                    *removed.begin(), " was removed by a concurrent commit.");
    }
    auto restamp = [&](std::vector<ManifestEntry>& entries, EntryStatus status) -> arrow::Result<ManifestFile> {
      int64_t min_seq = seq;
      for (auto& e : entries) {
        e.status = status;
        if (status == EntryStatus::kDeleted) e.snapshot_id = snapshot_id;
        min_seq = std::min(min_seq, e.sequence_number.value_or(seq));
      }
      ARROW_ASSIGN_OR_RAISE(auto m, WriteEntries(t, snapshot_id, entries));
      m.sequence_number = seq;
      m.min_sequence_number = min_seq;
      return m;
    };
    if (!deleted.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto m, restamp(deleted, EntryStatus::kDeleted));
      manifests.push_back(m);
    }
    if (!kept.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto m, restamp(kept, EntryStatus::kExisting));
      manifests.push_back(m);
    }
  } else {
    ARROW_ASSIGN_OR_RAISE(auto existing, CurrentManifests(t));
    manifests.insert(manifests.end(), existing.begin(), existing.end());
  }
  Snapshot s;
  s.snapshot_id = snapshot_id;
  if (parent != nullptr) s.parent_snapshot_id = parent->snapshot_id;
  s.sequence_number = seq;
  s.timestamp_ms = std::max(NowMillis(), t.last_updated_ms);
  s.manifest_list = MetadataPath(t, fmt::format("snap-{}-1-{}.avro", snapshot_id, NewUuid()));
  s.summary = Summary(c, parent, deleted);
  s.schema_id = t.current_schema_id;
  ARROW_RETURN_NOT_OK(WriteManifestList(IoOrLocal(t.io), s.manifest_list, s, manifests));
  TableMetadata updated = t;
  updated.AddSnapshot(std::move(s));
  return catalog.CommitTable(ident, base, std::move(updated));
}

}  // namespace

int64_t TargetFileSize(const TableMetadata& table) {
  auto it = table.properties.find("write.target-file-size-bytes");
  if (it != table.properties.end()) {
    try {
      return std::max<int64_t>(1, std::stoll(it->second));
    } catch (const std::exception&) {
    }
  }
  return 512LL * 1024 * 1024;
}

arrow::Result<CommitResult> Commit(IcebergCatalog& catalog, const TableIdent& ident, const SnapshotCommit& c) {
  CommitResult result;
  int64_t snapshot_id = NewSnapshotId();
  std::optional<ManifestFile> added;
  for (result.attempts = 1; result.attempts <= kMaxCommitAttempts; ++result.attempts) {
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog.LoadTable(ident));
    if (!loaded) return NoSuchTable(ident);
    if (c.already_committed && c.already_committed(loaded->metadata)) return result;
    if (c.validate) ARROW_RETURN_NOT_OK(c.validate(loaded->metadata));
    if (!added && !c.added.empty()) {
      std::vector<ManifestEntry> entries;
      for (const auto& f : c.added) entries.push_back(ManifestEntry{EntryStatus::kAdded, snapshot_id, {}, {}, f});
      ARROW_ASSIGN_OR_RAISE(added, WriteEntries(loaded->metadata, snapshot_id, entries));
    }
    ARROW_ASSIGN_OR_RAISE(bool ok, TryCommit(catalog, ident, *loaded, c, snapshot_id, added.value_or(ManifestFile{})));
    if (ok) {
      result.committed = true;
      result.snapshot_id = snapshot_id;
      return result;
    }
  }
  return arrow::Status::IOError(fmt::format("[CommitFailedException] Cannot commit to Iceberg table {}: {} attempts "
                                            "lost to concurrent commits.",
                                            ident.ToString(), kMaxCommitAttempts));
}

std::optional<int64_t> LastCommittedEpoch(const TableMetadata& table, const std::string& query_id) {
  const Snapshot* s = table.current_snapshot();
  while (s != nullptr) {
    auto q = s->summary.find(kQueryIdProperty);
    auto e = s->summary.find(kEpochIdProperty);
    if (q != s->summary.end() && q->second == query_id && e != s->summary.end()) {
      try {
        return std::stoll(e->second);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
    s = s->parent_snapshot_id ? table.FindSnapshot(*s->parent_snapshot_id) : nullptr;
  }
  return std::nullopt;
}

arrow::Result<std::shared_ptr<arrow::Table>> ScanTable(const TableMetadata& table, std::optional<int64_t> snapshot_id) {
  const Snapshot* s = snapshot_id ? table.FindSnapshot(*snapshot_id) : table.current_snapshot();
  std::vector<ManifestEntry> entries;
  if (s != nullptr) {
    ARROW_ASSIGN_OR_RAISE(entries, LiveEntries(IoOrLocal(table.io), *s));
  }
  return ReadDataFiles(table, entries);
}

std::vector<int64_t> Ancestry(const TableMetadata& table) {
  std::vector<int64_t> out;
  const Snapshot* s = table.current_snapshot();
  while (s != nullptr) {
    out.push_back(s->snapshot_id);
    s = s->parent_snapshot_id ? table.FindSnapshot(*s->parent_snapshot_id) : nullptr;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

arrow::Result<std::shared_ptr<arrow::Table>> AppendedRows(const TableMetadata& table, std::optional<int64_t> after,
                                                          int64_t upto) {
  std::vector<int64_t> chain = Ancestry(table);
  bool in_range = !after.has_value();
  std::vector<ManifestEntry> files;
  for (int64_t id : chain) {
    if (in_range) {
      const Snapshot* s = table.FindSnapshot(id);
      auto op = s->summary.find("operation");
      if (op != s->summary.end() && op->second == "append") {
        const FileIO& io = IoOrLocal(table.io);
        ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, s->manifest_list));
        for (const auto& m : manifests) {
          if (m.added_snapshot_id != id) continue;
          ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, m.manifest_path));
          for (auto& e : entries) {
            if (e.status == EntryStatus::kAdded && e.snapshot_id.value_or(id) == id) files.push_back(std::move(e));
          }
        }
      }
    }
    if (after && id == *after) in_range = true;
    if (id == upto) break;
  }
  return ReadDataFiles(table, files);
}

namespace {

// Every file a snapshot references: its manifest list, manifests, live data files.
arrow::Status CollectFiles(const FileIO& io, const Snapshot& s, std::set<std::string>* out) {
  if (s.manifest_list.empty()) return arrow::Status::OK();
  out->insert(LocalPath(s.manifest_list));
  ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, s.manifest_list));
  for (const auto& m : manifests) {
    out->insert(LocalPath(m.manifest_path));
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, m.manifest_path));
    // A deleted entry only records the removal: it keeps no file alive.
    for (const auto& e : entries) {
      if (e.status != EntryStatus::kDeleted) out->insert(LocalPath(e.file.file_path));
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<int64_t> ExpireSnapshots(IcebergCatalog& catalog, const TableIdent& ident, int64_t older_than_ms,
                                       int retain_last) {
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog.LoadTable(ident));
    if (!loaded) return NoSuchTable(ident);
    const TableMetadata& t = loaded->metadata;
    std::vector<int64_t> chain = Ancestry(t);
    std::set<int64_t> keep;
    for (size_t i = chain.size() > static_cast<size_t>(retain_last) ? chain.size() - retain_last : 0;
         i < chain.size(); ++i) {
      keep.insert(chain[i]);
    }
    for (const auto& s : t.snapshots) {
      if (s.timestamp_ms >= older_than_ms) keep.insert(s.snapshot_id);
    }
    if (t.current_snapshot_id) keep.insert(*t.current_snapshot_id);
    TableMetadata updated = t;
    updated.snapshots.clear();
    std::vector<const Snapshot*> expired;
    for (const auto& s : t.snapshots) {
      if (keep.count(s.snapshot_id)) {
        updated.snapshots.push_back(s);
      } else {
        expired.push_back(&s);
      }
    }
    if (expired.empty()) return 0;
    updated.snapshot_log.clear();
    for (const auto& [ts, id] : t.snapshot_log) {
      if (keep.count(id)) updated.snapshot_log.emplace_back(ts, id);
    }
    std::set<std::string> live_files, old_files;
    const FileIO& io = IoOrLocal(t.io);
    for (const auto& s : updated.snapshots) ARROW_RETURN_NOT_OK(CollectFiles(io, s, &live_files));
    for (const Snapshot* s : expired) ARROW_RETURN_NOT_OK(CollectFiles(io, *s, &old_files));
    updated.last_updated_ms = std::max(NowMillis(), t.last_updated_ms);
    ARROW_ASSIGN_OR_RAISE(bool ok, catalog.CommitTable(ident, *loaded, std::move(updated)));
    if (!ok) continue;
    for (const auto& f : old_files) {
      if (!live_files.count(f)) ARROW_RETURN_NOT_OK(io.Delete(f));
    }
    return static_cast<int64_t>(expired.size());
  }
  return arrow::Status::IOError("[CommitFailedException] expire_snapshots on ", ident.ToString(),
                                " lost every attempt to concurrent commits.");
}

arrow::Result<int64_t> RewriteDataFiles(IcebergCatalog& catalog, const TableIdent& ident, int64_t target_file_size) {
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog.LoadTable(ident));
  if (!loaded) return NoSuchTable(ident);
  const TableMetadata& t = loaded->metadata;
  const Snapshot* current = t.current_snapshot();
  if (current == nullptr) return 0;
  ARROW_ASSIGN_OR_RAISE(auto live, LiveEntries(IoOrLocal(t.io), *current));
  // Small files of the current spec, grouped by partition.
  std::map<std::string, std::vector<ManifestEntry>> groups;
  for (const auto& e : live) {
    if (e.file.file_size_in_bytes >= target_file_size) continue;
    std::string key;
    for (const auto& v : e.file.partition) key += v.is_null ? "\x01N" : fmt::format("\x01{}\x02{}", v.i, v.s);
    groups[key].push_back(e);
  }
  SnapshotCommit commit;
  commit.operation = "replace";
  for (const auto& [key, files] : groups) {
    if (files.size() < 2) continue;
    ARROW_ASSIGN_OR_RAISE(auto rows, ReadDataFiles(t, files));
    ARROW_ASSIGN_OR_RAISE(auto written, WriteDataFiles(t, *rows, target_file_size));
    for (const auto& f : files) commit.removed.push_back(f.file.file_path);
    commit.added.insert(commit.added.end(), written.begin(), written.end());
  }
  if (commit.removed.empty()) return 0;
  ARROW_RETURN_NOT_OK(Commit(catalog, ident, commit).status());
  return static_cast<int64_t>(commit.removed.size());
}

}  // namespace spate::iceberg
