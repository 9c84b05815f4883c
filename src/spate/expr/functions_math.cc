// Math: rounding, logarithms, powers, trigonometry, bitwise operations, random numbers.

#include "spate/expr/function_registry.h"

namespace spate {

void RegisterMathFunctions(FunctionRegistry& r) { (void)r; }

}  // namespace spate
