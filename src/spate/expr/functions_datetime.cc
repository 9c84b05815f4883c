#include "spate/expr/function_registry.h"

namespace spate {

void RegisterDatetimeFunctions(FunctionRegistry&) {}

}  // namespace spate
