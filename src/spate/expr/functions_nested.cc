#include "spate/expr/function_registry.h"

namespace spate {

void RegisterNestedFunctions(FunctionRegistry&) {}

}  // namespace spate
