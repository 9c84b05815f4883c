#pragma once

// The files of a RocksDB state store's versions, in the store's folder:
//   SSTs/<n>-<id>.sst   an SST file of the database (RocksDB's file number n
//                       and a random id), stored once and shared by every
//                       version that lists it
//   checkpoint-<v>/     version v: the MANIFEST of a RocksDB checkpoint and
//                       spate-state.json with the version, its exact key count
//                       and the shared SSTs it uses (CURRENT, which names the
//                       MANIFEST, is written again on load; OPTIONS is not kept)
// A version written before the SSTs were shared holds its SST files in its
// own folder and lists none; it loads and reads all the same.
//
// One provider uses an instance, from one thread at a time.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

struct RocksDbVersion {
  int64_t version = 0;
  int64_t num_keys = 0;
  std::vector<std::string> shared_ssts;  // names in SSTs/, sorted
};

class RocksDbVersionFiles {
 public:
  explicit RocksDbVersionFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// Where the provider has RocksDB write the checkpoint of `version`, for Store.
  std::filesystem::path TempPath(int64_t version) const;

  /// The metadata of `version`: [CANNOT_LOAD_STATE_STORE.CANNOT_READ_STREAMING_STATE_FILE]
  /// when the version does not exist, [CANNOT_LOAD_STATE_STORE.*] when it is corrupt.
  arrow::Result<RocksDbVersion> Read(int64_t version) const;

  /// Builds the database folder `to` of `version`: SST files hard-linked
  /// (copied where links fail), the others copied since RocksDB may rewrite them.
  arrow::Status Assemble(const RocksDbVersion& version, const std::filesystem::path& to) const;

  struct SstCounts {
    int64_t reused = 0;  // listed by `base` already
    int64_t stored = 0;  // new, moved into SSTs/
  };
  /// Makes the RocksDB checkpoint in TempPath(version) version `version`: its
  /// SSTs that `base` (the version the database was built from) lists under
  /// the same RocksDB file name are listed, not stored again; the others move
  /// into SSTs/ under new names. Then the metadata is written and the folder
  /// renamed into place (replacing a version left by an earlier run).
  arrow::Result<RocksDbVersion> Store(int64_t version, int64_t num_keys, const RocksDbVersion& base, bool fsync,
                                      SstCounts* counts);

  /// Deletes the versions before `earliest` and temp folders; then, if any
  /// version went, the shared SSTs that no remaining version lists.
  arrow::Status DeleteVersionsBefore(int64_t earliest);

 private:
  std::filesystem::path CheckpointPath(int64_t version) const;
  std::filesystem::path SharedPath() const { return dir_ / "SSTs"; }
  // Moves the new SSTs of the RocksDB checkpoint in `checkpoint` into SSTs/
  // and removes the ones `base` lists; the shared names of all of them.
  arrow::Result<std::vector<std::string>> ShareSsts(const std::filesystem::path& checkpoint,
                                                    const RocksDbVersion& base, SstCounts* counts);
  arrow::Status DeleteUnlistedSsts(const std::vector<int64_t>& versions);
  // The shared SSTs `version` lists, read once per metadata file.
  arrow::Result<const std::vector<std::string>*> Listing(int64_t version);

  struct CachedListing {
    uint64_t inode = 0;
    int64_t modified_ns = 0;
    std::vector<std::string> ssts;
  };
  std::filesystem::path dir_;
  std::map<int64_t, CachedListing> listings_;
};

}  // namespace spate
