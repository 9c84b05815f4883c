#pragma once

// A hash table from byte-string keys to byte-string values, for state held
// in memory. Open addressing with linear probing: a slot is the key's hash
// and a pointer to one heap block holding the key and the value, so a
// lookup costs about two cache misses. Lookups of many keys at once
// (FindMany) prefetch the slots and blocks ahead of use, which hides most
// of those misses. A value that no longer fits its block moves to a new one.
// Entries found earlier can be overwritten in place (Overwrite) without a
// second lookup while no entry was freed since (frees() is unchanged).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace spate {

class ByteHashTable {
 public:
  /// One key and its value, in one heap block.
  class Entry {
   public:
    std::string_view key() const { return {data(), key_size_}; }
    std::string_view value() const { return {data() + key_size_, value_size_}; }

   private:
    friend class ByteHashTable;
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    char* data() { return reinterpret_cast<char*>(this + 1); }
    uint32_t key_size_;
    uint32_t value_size_;
    uint32_t value_capacity_;
    uint32_t unused_ = 0;
  };

  ByteHashTable() = default;
  ByteHashTable(const ByteHashTable&) = delete;
  ByteHashTable& operator=(const ByteHashTable&) = delete;
  ByteHashTable(ByteHashTable&& other) noexcept;
  ByteHashTable& operator=(ByteHashTable&& other) noexcept;
  ~ByteHashTable();

  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Heap bytes of the slots and the blocks.
  int64_t bytes() const { return static_cast<int64_t>(slots_.size() * sizeof(Slot)) + block_bytes_; }

  /// The entry of `key`, or null.
  const Entry* Find(std::string_view key) const { return Find(key, Hash(key)); }
  const Entry* Find(std::string_view key, uint64_t hash) const;
  /// The entries of `keys` (null where absent), looked up with prefetching.
  void FindMany(const std::vector<std::string_view>& keys, std::vector<const Entry*>* out) const;

  /// Hints for a run of lookups: call PrefetchSlot for a key some lookups
  /// ahead of its own, then PrefetchEntry for it about half as far ahead.
  static constexpr size_t kPrefetchDistance = 16;
  void PrefetchSlot(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & Mask()]);
  }
  void PrefetchEntry(uint64_t hash) const {
    if (slots_.empty()) return;
    const Entry* e = slots_[hash & Mask()].entry;
    if (e != nullptr) __builtin_prefetch(e);
  }

  /// Sets the value of `key`; whether the key is new.
  bool Put(std::string_view key, std::string_view value) { return Put(key, Hash(key), value); }
  bool Put(std::string_view key, uint64_t hash, std::string_view value);
  /// Appends `bytes` to the value of `key` (a new key gets them as its
  /// value), in place while the block has room; whether the key is new.
  bool Append(std::string_view key, std::string_view bytes);
  /// Sets the value of an entry found since frees() last changed, in its
  /// block; false when the value does not fit there (then use Put).
  bool Overwrite(const Entry* entry, std::string_view value);
  /// Entries freed so far (removed, or moved by a grown value): the entry
  /// pointers found earlier are valid while this is unchanged.
  uint64_t frees() const { return frees_; }
  /// Whether the key was there.
  bool Remove(std::string_view key) { return Remove(key, Hash(key)); }
  bool Remove(std::string_view key, uint64_t hash);

  /// Every entry, in no particular order.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (i + kPrefetchDistance < slots_.size() && slots_[i + kPrefetchDistance].entry != nullptr) {
        __builtin_prefetch(slots_[i + kPrefetchDistance].entry);
      }
      if (slots_[i].entry != nullptr) visit(*slots_[i].entry);
    }
  }
  void Clear();

 private:
  struct Slot {
    uint64_t hash;
    Entry* entry;  // null: empty
  };
  size_t Mask() const { return slots_.size() - 1; }
  // The slot holding `key`, or the empty slot where it would go.
  size_t Probe(std::string_view key, uint64_t hash) const;
  void Grow();
  // Fills the empty slot `s` with a new entry.
  void Insert(Slot* s, uint64_t hash, std::string_view key, std::string_view value);
  // The entry of `s`, moved to a bigger block if its value cannot grow to `value_size` in its own.
  Entry* Reserve(Slot* s, size_t value_size);
  static Entry* NewEntry(std::string_view key, std::string_view value, size_t capacity);
  static size_t BlockBytes(const Entry& e) { return sizeof(Entry) + e.key_size_ + e.value_capacity_; }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  int64_t block_bytes_ = 0;
  uint64_t frees_ = 0;
};

}  // namespace spate
