"""Avro: ``from_avro`` and ``to_avro`` (pyspark.sql.avro)."""
