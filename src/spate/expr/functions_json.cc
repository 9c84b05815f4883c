#include "spate/expr/function_registry.h"

namespace spate {

void RegisterJsonFunctions(FunctionRegistry&) {}

}  // namespace spate
