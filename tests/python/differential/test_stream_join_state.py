"""A stream-stream join on Spate and PySpark 4.1: the uninterrupted runs of the joins that
test_stream_join_crash_recovery.py kills and restarts (so that its reference is right),
and the join's state read back with format("statestore") by joinSide or by store name, with
the errors of the options Spark refuses.

Compared without partition_id (Spate does not place join keys in the partitions Spark's hash
puts them in) and with schemas as types (Spark marks a right-side column that the time range
compares NOT NULL in the state schema). Spate keeps a side's rows under (join key, batch id
and position in the batch) where Spark numbers a key's rows 0..n-1, so a store read by name is
compared without the key's `index` values."""

import os

import pytest

from oracle import plain
from test_stream_join_crash_recovery import FILES, JOIN_TYPES, add_input_file, impressions_join_clicks
from test_stream_joins import TIME_RANGE, clicks, impressions, run_batches


@pytest.mark.parametrize("how", JOIN_TYPES)
def test_uninterrupted_join_of_the_crash_test(oracle, how):
    """Batch by batch, the output the crash test expects after its restarts."""
    def program(sql, spark, tmp):
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        for i in range(FILES):
            add_input_file(src, i)
        query, batches = run_batches(impressions_join_clicks(sql, spark, src, how), tmp)
        return batches
    oracle.check(program)


def joined_checkpoint(sql, spark, tmp):
    """Runs impressions LEFT OUTER JOIN clicks within 10 minutes (test_stream_joins' data) to the
    end; returns its checkpoint."""
    join = impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr(TIME_RANGE), "left_outer")
    run_batches(join, tmp)
    return os.path.join(tmp, "cp-out")


def read_state(spark, checkpoint, options):
    reader = spark.read.format("statestore")
    for key, value in options.items():
        reader = reader.option(key, value)
    return reader.load(checkpoint)


def state_rows(state, *columns):
    """The state's schema as types and its `columns`, in a fixed order."""
    rows = [plain(r) for r in state.select(*columns).collect()]
    return {"schema": state.schema.simpleString(), "rows": sorted(rows, key=repr)}


@pytest.mark.parametrize("options", [
    {"joinSide": "left"},
    {"joinSide": "right"},
    {"joinside": "right", "batchId": 1},
    {"joinSide": "left", "batchId": 0},
], ids=repr)
def test_join_side_reads_the_key_and_the_sides_columns(oracle, options):
    """joinSide shows a side's buffered rows: the join key, the side's input columns (no
    `matched`), partition_id."""
    def program(sql, spark, tmp):
        return state_rows(read_state(spark, joined_checkpoint(sql, spark, tmp), options), "key", "value")
    oracle.check(program)


@pytest.mark.parametrize("options", [
    {"storeName": "left-keyWithIndexToValue"},
    {"storeName": "right-keyWithIndexToValue", "batchId": 1},
    {"joinSide": "none", "storeName": "left-keyWithIndexToValue"},
], ids=repr)
def test_store_name_reads_a_sides_rows_with_matched(oracle, options):
    """A keyWithIndexToValue store read by name: key (join key, index), value (the side's
    columns and `matched`), partition_id."""
    def program(sql, spark, tmp):
        return state_rows(read_state(spark, joined_checkpoint(sql, spark, tmp), options), "key.field0", "value")
    oracle.check(program)


@pytest.mark.parametrize("options, error", [
    ({"joinSide": "bogus"}, "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE"),
    ({"joinSide": "LEFT"}, "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE"),
    ({"joinSide": "bogus", "storeName": "left-keyWithIndexToValue"}, "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE"),
    ({"joinSide": "left", "storeName": "left-keyWithIndexToValue"}, "STDS_CONFLICT_OPTIONS"),
    ({}, "STDS_FAILED_TO_READ_STATE_SCHEMA"),
    ({"joinSide": "left", "operatorId": 1}, "STDS_FAILED_TO_READ_STATE_SCHEMA"),
], ids=repr)
def test_bad_join_state_options_fail_as_in_spark(oracle, options, error):
    def program(sql, spark, tmp):
        return read_state(spark, joined_checkpoint(sql, spark, tmp), options)
    oracle.check(program, error=error)


def test_join_side_of_an_aggregation_has_no_state_schema(oracle):
    def program(sql, spark, tmp):
        counts = impressions(spark, tmp).groupBy("ad").count()
        checkpoint = os.path.join(tmp, "cp")
        (counts.writeStream.format("noop").outputMode("complete").option("checkpointLocation", checkpoint)
         .trigger(availableNow=True).start().awaitTermination())
        return read_state(spark, checkpoint, {"joinSide": "left"})
    oracle.check(program, error="STDS_FAILED_TO_READ_STATE_SCHEMA")
