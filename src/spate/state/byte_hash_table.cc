#include "spate/state/byte_hash_table.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace spate {

namespace {

constexpr size_t kInitialSlots = 16;

}  // namespace

ByteHashTable::ByteHashTable(ByteHashTable&& other) noexcept
    : slots_(std::move(other.slots_)), size_(other.size_), block_bytes_(other.block_bytes_) {
  other.slots_.clear();
  other.size_ = 0;
  other.block_bytes_ = 0;
  ++other.frees_;  // its entries are gone from it
}

ByteHashTable& ByteHashTable::operator=(ByteHashTable&& other) noexcept {
  if (this != &other) {
    Clear();
    slots_ = std::move(other.slots_);
    size_ = other.size_;
    block_bytes_ = other.block_bytes_;
    other.slots_.clear();
    other.size_ = 0;
    other.block_bytes_ = 0;
    ++other.frees_;
  }
  return *this;
}

ByteHashTable::~ByteHashTable() { Clear(); }

void ByteHashTable::Clear() {
  for (Slot& s : slots_) std::free(s.entry);
  frees_ += size_;
  slots_.clear();
  size_ = 0;
  block_bytes_ = 0;
}

ByteHashTable::Entry* ByteHashTable::NewEntry(std::string_view key, std::string_view value, size_t capacity) {
  void* block = std::malloc(sizeof(Entry) + key.size() + capacity);
  if (block == nullptr) throw std::bad_alloc();
  auto* e = new (block) Entry();
  e->key_size_ = static_cast<uint32_t>(key.size());
  e->value_size_ = static_cast<uint32_t>(value.size());
  e->value_capacity_ = static_cast<uint32_t>(capacity);
  std::memcpy(e->data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->data() + key.size(), value.data(), value.size());
  return e;
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
  block_bytes_ += static_cast<int64_t>(BlockBytes(*s->entry));
  ++size_;
}

ByteHashTable::Entry* ByteHashTable::Reserve(Slot* s, size_t value_size) {
  Entry* e = s->entry;
  if (value_size <= e->value_capacity_) return e;
  // A grown value moves to a block with room to grow again, its bytes with it.
  Entry* moved = NewEntry(e->key(), e->value(), std::max<size_t>(value_size, 2 * size_t{e->value_capacity_}));
  block_bytes_ += static_cast<int64_t>(BlockBytes(*moved)) - static_cast<int64_t>(BlockBytes(*e));
  std::free(e);
  ++frees_;
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
  block_bytes_ -= static_cast<int64_t>(BlockBytes(*slots_[hole].entry));
  std::free(slots_[hole].entry);
  ++frees_;
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

void ByteHashTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : 2 * old.size(), Slot{0, nullptr});
  for (const Slot& s : old) {
    if (s.entry == nullptr) continue;
    size_t i = s.hash & Mask();
    while (slots_[i].entry != nullptr) i = (i + 1) & Mask();
    slots_[i] = s;
  }
}

}  // namespace spate
