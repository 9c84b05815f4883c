"""Python table functions (udtf, arrow_udtf) called on constant arguments, on Spate and on
PySpark 4.1: the rows of eval then terminate, in the declared schema."""

import pytest


def test_udtf_yields_rows_then_terminate(oracle):
    """eval's rows for the arguments, then terminate's; the schema is the declared one."""
    def program(sql, spark):
        F = sql.functions

        @F.udtf(returnType="num: int, squared: int")
        class Squares:
            def eval(self, start: int, end: int):
                for n in range(start, end + 1):
                    yield (n, n * n)

            def terminate(self):
                yield (-1, None)
        return Squares(F.lit(1), F.lit(3))
    oracle.check(program, ordered=True)


def test_udtf_arguments_are_evaluated_expressions(oracle):
    """Arguments are any constant expressions; no rows gives an empty DataFrame of the schema."""
    def program(sql, spark):
        F = sql.functions

        @F.udtf(returnType="a int, b string")
        class Count:
            def eval(self, n: int):
                for i in range(n):
                    yield i, str(i)
        return Count(F.lit(1) + 2).union(Count(F.lit(0)))
    oracle.check(program)


def test_arrow_udtf_takes_arrays_and_yields_tables(oracle):
    """arrow_udtf: eval gets pyarrow Arrays and yields pyarrow Tables."""
    def program(sql, spark):
        import pyarrow as pa
        F = sql.functions

        @F.arrow_udtf(returnType="x int, y bigint")
        class Scale:
            def eval(self, x: pa.Array, y: pa.Array):
                yield pa.table({"x": x, "y": pa.array([y[0].as_py() * 10], pa.int64())})
        return Scale(F.lit(1), F.lit(2))
    oracle.check(program)


@pytest.mark.parametrize("make, error", [
    (lambda F: F.udtf(lambda x: x, returnType="a int"), "INVALID_UDTF_HANDLER_TYPE"),
    (lambda F: F.udtf(type("NoType", (), {"eval": lambda self: iter([(1,)])}))(), "INVALID_UDTF_RETURN_TYPE"),
])
def test_udtf_handler_errors(oracle, make, error):
    """A function instead of a class, a class without a return type: PySpark's error classes."""
    oracle.check(lambda sql, spark: make(sql.functions), error=error)


def test_udtf_error_is_a_python_exception(spark):
    """An exception in eval reaches the caller as a PythonException with the user's traceback."""
    from spate.errors import PythonException
    from spate.sql.functions import lit, udtf

    @udtf(returnType="a int")
    class Bad:
        def eval(self, x):
            raise ValueError("boom %d" % x)
    with pytest.raises(PythonException, match="ValueError: boom 7"):
        Bad(lit(7)).collect()
