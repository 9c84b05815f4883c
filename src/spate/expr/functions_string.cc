#include "spate/expr/function_registry.h"

namespace spate {

void RegisterStringFunctions(FunctionRegistry&) {}

}  // namespace spate
