"""The S3 backend: a bucket of any S3-compatible object store (AWS S3, MinIO, Ceph, ...).

Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a
profile, an instance role); the settings name only the bucket, the endpoint and a key prefix.
"""

from collections.abc import Iterator
from typing import BinaryIO

from ppkl.storage.base import NotStored, Storage, StoredObject, check_key, check_prefix

MISSING = {"404", "NoSuchKey", "NotFound"}


def make_client(endpoint_url: str | None, region: str | None, addressing_style: str | None):
    """One client per process and settings: boto3 clients are thread-safe and slow to make."""
    import boto3  # imported when the backend is chosen, so a directory install never pays
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        config=Config(
            s3={"addressing_style": addressing_style or "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        ),
    )


def missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in MISSING


class S3Storage(Storage):
    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=bytes(data))
        else:
            # Multipart for large streams (a batch's ZIP), one request for small ones.
            self.client.upload_fileobj(data, self.bucket, self.name(key))

    def open(self, key: str) -> BinaryIO:
        return self.open_sized(key)[0]

    def open_sized(self, key: str) -> tuple[BinaryIO, int]:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self.client.exceptions.ClientError as error:
            if missing(error):
                raise NotStored(key) from error
            raise
        return found["Body"], found["ContentLength"]

    def stat(self, key: str) -> StoredObject:
        try:
            found = self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except self.client.exceptions.ClientError as error:
            if missing(error):
                raise NotStored(key) from error
            raise
        return StoredObject(key, found["ContentLength"], found["LastModified"].timestamp())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        check_prefix(prefix)
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                yield StoredObject(key, item["Size"], item["LastModified"].timestamp())

    def copy(self, source: str, target: str) -> None:
        try:
            self.client.copy_object(
                Bucket=self.bucket,
                Key=self.name(target),
                CopySource={"Bucket": self.bucket, "Key": self.name(source)},
            )
        except self.client.exceptions.ClientError as error:
            if missing(error):
                raise NotStored(source) from error
            raise

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"
