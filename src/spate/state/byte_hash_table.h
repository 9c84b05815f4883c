#pragma once

// A hash table from byte-string keys to byte-string values, for state held
// in memory. Open addressing with linear probing: a slot is the key's hash
// and a pointer to the entry holding the key and the value, so a lookup
// costs about two cache misses. Lookups of many keys at once (FindMany)
// prefetch the slots and entries ahead of use, which hides most of those
// misses. Entries found earlier can be overwritten in place (Overwrite)
// without a second lookup while no entry was freed since (frees() is
// unchanged).
//
// Entries are carved one after another out of large blocks (an arena), not
// allocated one by one: an insert is a bump of a pointer, and entries put
// together sit together. A removed entry, or one whose value grew out of
// its room and moved, leaves its bytes unused until Compact() copies the
// live entries into fresh blocks; the state stores call it between
// versions, so that no entry moves during a batch.
//
// Slot arrays and blocks of 2 MB and more ask for transparent huge pages: a
// big table's probes land anywhere in it, and with 4 KB pages nearly each
// one also misses the TLB.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace spate {

/// Memory of `bytes`, on huge pages from 2 MB up; FreeLarge gives it back.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes);

template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreeLarge(p, n * sizeof(T)); }
  friend bool operator==(const LargeAllocator&, const LargeAllocator&) { return true; }
};

class ByteHashTable {
 public:
  /// One key and its value, side by side in the table's blocks.
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
  ~ByteHashTable() = default;

  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Heap bytes of the slots and the entry blocks (their unused bytes included).
  int64_t bytes() const { return static_cast<int64_t>(slots_.size() * sizeof(Slot)) + arena_.bytes; }

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
  /// value), in place while the entry has room; whether the key is new.
  bool Append(std::string_view key, std::string_view bytes);
  /// Sets the value of an entry found since frees() last changed, in its
  /// place; false when the value does not fit there (then use Put).
  bool Overwrite(const Entry* entry, std::string_view value);
  /// Entries freed or moved so far (removed, moved by a grown value or by
  /// Compact): the entry pointers found earlier are valid while this is unchanged.
  uint64_t frees() const { return frees_; }
  /// Whether the key was there.
  bool Remove(std::string_view key) { return Remove(key, Hash(key)); }
  bool Remove(std::string_view key, uint64_t hash);

  /// Sizes the slots for `entries` entries, so that puts up to that many do not rehash.
  void Reserve(size_t entries);
  /// Times the slots were resized so far (by growth or Reserve).
  uint64_t rehashes() const { return rehashes_; }
  /// Copies the live entries into fresh blocks when freed bytes outweigh
  /// them, and frees the old blocks; the entries move (frees() changes).
  void Compact();

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
  // The blocks entries are carved from: the last one is filled from `next`.
  struct FreeBlock {
    size_t bytes;
    void operator()(char* p) const { FreeLarge(p, bytes); }
  };
  struct Arena {
    std::vector<std::unique_ptr<char[], FreeBlock>> blocks;
    char* next = nullptr;
    size_t left = 0;        // bytes free after `next`
    size_t block_size = 0;  // of the next block (they double up to a cap)
    int64_t bytes = 0;      // of every block
    int64_t freed = 0;      // of the entries freed since the blocks were filled
  };
  size_t Mask() const { return slots_.size() - 1; }
  // The slot holding `key`, or the empty slot where it would go.
  size_t Probe(std::string_view key, uint64_t hash) const;
  void Grow() { Rehash(slots_.empty() ? 0 : 2 * slots_.size()); }
  void Rehash(size_t slots);
  // Fills the empty slot `s` with a new entry.
  void Insert(Slot* s, uint64_t hash, std::string_view key, std::string_view value);
  // The entry of `s`, moved to a bigger place if its value cannot grow to `value_size` in its own.
  Entry* Reserve(Slot* s, size_t value_size);
  Entry* NewEntry(std::string_view key, std::string_view value, size_t capacity);
  void FreeEntry(const Entry& e);
  char* Allocate(size_t bytes);
  static std::unique_ptr<char[], FreeBlock> NewBlock(size_t bytes);
  static size_t EntryBytes(const Entry& e);

  std::vector<Slot, LargeAllocator<Slot>> slots_;
  size_t size_ = 0;
  uint64_t frees_ = 0;
  uint64_t rehashes_ = 0;
  Arena arena_;
};

}  // namespace spate
