#include "spate/state/byte_hash_table.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace spate {

namespace {

constexpr size_t kInitialSlots = 16;
// Blocks start small (a table may hold a few entries: an event time's row
// keys, say) and double up to this size.
constexpr size_t kFirstBlockBytes = 256;
constexpr size_t kHugePageBytes = size_t{2} << 20;
constexpr size_t kMaxBlockBytes = kHugePageBytes;
// An entry this big gets a block of its own, leaving the current one be.
constexpr size_t kOwnBlockBytes = kMaxBlockBytes / 8;

// Entries start at multiples of 8 bytes.
size_t Aligned(size_t bytes) { return (bytes + 7) & ~size_t{7}; }

}  // namespace

void* AllocateLarge(size_t bytes) {
  if (bytes < kHugePageBytes) return ::operator new(bytes);
  void* p = std::aligned_alloc(kHugePageBytes, (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1));
  if (p == nullptr) throw std::bad_alloc();
  // Deliberately unchecked: without huge pages the memory is as good, only slower to probe.
  (void)madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

void FreeLarge(void* p, size_t bytes) {
  if (bytes < kHugePageBytes) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

ByteHashTable::ByteHashTable(ByteHashTable&& other) noexcept { *this = std::move(other); }

ByteHashTable& ByteHashTable::operator=(ByteHashTable&& other) noexcept {
  if (this != &other) {
    Clear();
    std::swap(slots_, other.slots_);
    std::swap(size_, other.size_);
    std::swap(arena_, other.arena_);
    std::swap(rehashes_, other.rehashes_);
    ++other.frees_;  // its entries are gone from it
  }
  return *this;
}

void ByteHashTable::Clear() {
  frees_ += size_;
  slots_.clear();
  size_ = 0;
  arena_ = Arena();
}

size_t ByteHashTable::EntryBytes(const Entry& e) {
  return Aligned(sizeof(Entry) + e.key_size_ + e.value_capacity_);
}

std::unique_ptr<char[], ByteHashTable::FreeBlock> ByteHashTable::NewBlock(size_t bytes) {
  return {static_cast<char*>(AllocateLarge(bytes)), FreeBlock{bytes}};
}

char* ByteHashTable::Allocate(size_t bytes) {
  Arena& a = arena_;
  if (bytes >= kOwnBlockBytes) {
    // At the front: the current block stays the last one.
    a.blocks.insert(a.blocks.begin(), NewBlock(bytes));
    a.bytes += static_cast<int64_t>(bytes);
    return a.blocks.front().get();
  }
  if (bytes > a.left) {
    // Doubled, and at least the entry (smaller than kOwnBlockBytes, so than the cap).
    a.block_size = std::clamp(std::max(2 * a.block_size, bytes), kFirstBlockBytes, kMaxBlockBytes);
    a.blocks.push_back(NewBlock(a.block_size));
    a.bytes += static_cast<int64_t>(a.block_size);
    a.freed += static_cast<int64_t>(a.left);  // the old block's tail stays unused
    a.next = a.blocks.back().get();
    a.left = a.block_size;
  }
  char* at = a.next;
  a.next += bytes;
  a.left -= bytes;
  return at;
}

ByteHashTable::Entry* ByteHashTable::NewEntry(std::string_view key, std::string_view value, size_t capacity) {
  auto* e = new (Allocate(Aligned(sizeof(Entry) + key.size() + capacity))) Entry();
  e->key_size_ = static_cast<uint32_t>(key.size());
  e->value_size_ = static_cast<uint32_t>(value.size());
  e->value_capacity_ = static_cast<uint32_t>(capacity);
  std::memcpy(e->data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
  return e;
}

void ByteHashTable::FreeEntry(const Entry& e) {
  arena_.freed += static_cast<int64_t>(EntryBytes(e));
  ++frees_;
}

void ByteHashTable::Compact() {
  if (arena_.freed * 2 <= arena_.bytes) return;
  Arena old = std::exchange(arena_, Arena());
  // The first new block holds the live entries (up to the cap).
  arena_.block_size = static_cast<size_t>(old.bytes - old.freed - static_cast<int64_t>(old.left)) / 2;
  for (Slot& s : slots_) {
    if (s.entry == nullptr) continue;
    const size_t bytes = EntryBytes(*s.entry);
    char* to = Allocate(bytes);
    std::memcpy(to, s.entry, bytes);
    s.entry = reinterpret_cast<Entry*>(to);
  }
  frees_ += size_;
}

size_t ByteHashTable::Probe(std::string_view key, uint64_t hash) const {
  size_t i = hash & Mask();
  while (true) {
    const Slot& s = slots_[i];
    if (s.entry == nullptr || (s.hash == hash && s.entry->key() == key)) return i;
    i = (i + 1) & Mask();
  }
}

const ByteHashTable::Entry* ByteHashTable::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return nullptr;
  return slots_[Probe(key, hash)].entry;
}

void ByteHashTable::FindMany(const std::vector<std::string_view>& keys, std::vector<const Entry*>* out) const {
  out->assign(keys.size(), nullptr);
  if (slots_.empty()) return;
  std::vector<uint64_t> hashes(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) hashes[i] = Hash(keys[i]);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i + kPrefetchDistance < keys.size()) PrefetchSlot(hashes[i + kPrefetchDistance]);
    if (i + kPrefetchDistance / 2 < keys.size()) PrefetchEntry(hashes[i + kPrefetchDistance / 2]);
    (*out)[i] = slots_[Probe(keys[i], hashes[i])].entry;
  }
}

bool ByteHashTable::Put(std::string_view key, uint64_t hash, std::string_view value) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  Slot& s = slots_[Probe(key, hash)];
  if (s.entry == nullptr) {
    Insert(&s, hash, key, value);
    return true;
  }
  Entry* e = Reserve(&s, value.size());
  if (!value.empty()) std::memcpy(e->data() + e->key_size_, value.data(), value.size());
  e->value_size_ = static_cast<uint32_t>(value.size());
  return false;
}

bool ByteHashTable::Append(std::string_view key, std::string_view bytes) {
  const uint64_t hash = Hash(key);
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  Slot& s = slots_[Probe(key, hash)];
  if (s.entry == nullptr) {
    Insert(&s, hash, key, bytes);
    return true;
  }
  const size_t size = s.entry->value_size_ + bytes.size();
  Entry* e = Reserve(&s, size);
  if (!bytes.empty()) std::memcpy(e->data() + e->key_size_ + e->value_size_, bytes.data(), bytes.size());
  e->value_size_ = static_cast<uint32_t>(size);
  return false;
}

void ByteHashTable::Insert(Slot* s, uint64_t hash, std::string_view key, std::string_view value) {
  *s = {hash, NewEntry(key, value, value.size())};
  ++size_;
}

ByteHashTable::Entry* ByteHashTable::Reserve(Slot* s, size_t value_size) {
  Entry* e = s->entry;
  if (value_size <= e->value_capacity_) return e;
  // A grown value moves to a place with room to grow again, its bytes with it.
  Entry* moved = NewEntry(e->key(), e->value(), std::max<size_t>(value_size, 2 * size_t{e->value_capacity_}));
  FreeEntry(*e);
  s->entry = moved;
  return moved;
}

bool ByteHashTable::Overwrite(const Entry* entry, std::string_view value) {
  if (value.size() > entry->value_capacity_) return false;
  // The table owns its entries: the const view it handed out is its own.
  auto* e = const_cast<Entry*>(entry);
  if (!value.empty()) std::memcpy(e->data() + e->key_size_, value.data(), value.size());
  e->value_size_ = static_cast<uint32_t>(value.size());
  return true;
}

bool ByteHashTable::Remove(std::string_view key, uint64_t hash) {
  if (slots_.empty()) return false;
  size_t hole = Probe(key, hash);
  if (slots_[hole].entry == nullptr) return false;
  FreeEntry(*slots_[hole].entry);
  slots_[hole].entry = nullptr;
  --size_;
  // Backward shift: later slots of the same run move into the hole when
  // their home slot is not between the hole and them.
  size_t i = hole;
  while (true) {
    i = (i + 1) & Mask();
    Slot& s = slots_[i];
    if (s.entry == nullptr) return true;
    size_t home = s.hash & Mask();
    bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
    if (stays) continue;
    slots_[hole] = s;
    s.entry = nullptr;
    hole = i;
  }
}

void ByteHashTable::Reserve(size_t entries) {
  size_t slots = std::max(slots_.size(), kInitialSlots);
  while (entries * 2 > slots) slots *= 2;
  if (slots != slots_.size()) Rehash(slots);
}

void ByteHashTable::Rehash(size_t slots) {
  ++rehashes_;
  auto old = std::move(slots_);
  slots_.assign(std::max(slots, kInitialSlots), Slot{0, nullptr});
  for (const Slot& s : old) {
    if (s.entry == nullptr) continue;
    size_t i = s.hash & Mask();
    while (slots_[i].entry != nullptr) i = (i + 1) & Mask();
    slots_[i] = s;
  }
}

}  // namespace spate
