// Everything else: session and runtime information, errors raised from SQL, type names.

#include "spate/expr/function_registry.h"

namespace spate {

void RegisterMiscFunctions(FunctionRegistry& r) { (void)r; }

}  // namespace spate
