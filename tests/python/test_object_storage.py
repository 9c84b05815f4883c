"""Object storage (s3a://, s3://) against a real S3-compatible server (moto, tests/python/s3_support.py)."""

import pytest


def test_s3_server_fixture_serves_buckets(s3):
    bucket = s3.new_bucket()
    s3.put(bucket, "a/b.txt", b"hello")
    assert s3.keys(bucket) == ["a/b.txt"]
    assert s3.get(bucket, "a/b.txt") == b"hello"
