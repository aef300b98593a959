"""The STORAGES entries of an S3-compatible object store (STORAGE_BACKEND=s3), built from plain values so that
settings.py and the tests' loopback S3 server (tests/support/s3.py) configure it the same way. No Django import:
settings.py reads this."""


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str = "",
    region_name: str = "",
    addressing_style: str = "",
    location: str = "",
    checksum_algorithm: str = "SHA256",
    export_bucket: str = "",
    export_prefix: str = "exports",
) -> dict:
    """`default` (units' files, keys `[location/]<schema>/…`) and `exports` (archives, `export_prefix/…`)."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,  # MinIO, Ceph RGW; None: AWS
        "region_name": region_name or None,
        "addressing_style": addressing_style or None,  # "path" for most MinIO and Ceph installations
        "signature_version": "s3v4",
        "default_acl": None,  # private: the bucket owner's, never public-read
        "file_overwrite": False,  # a name taken gets another, as on a disk
        "querystring_expire": 300,  # files are streamed through the views; a signed URL, if ever made, is short
        "max_memory_size": 8 * 1024 * 1024,  # a larger download spills to a temporary file, not to memory
        # The store checks the checksum the client computed before it accepts an object. Empty for a store that
        # knows no flexible checksums (boto3's default, CRC32 where supported, applies then).
        "object_parameters": {"ChecksumAlgorithm": checksum_algorithm} if checksum_algorithm else {},
    }
    return {
        "default": {"BACKEND": "platform_core.file_storage.UnitS3Storage", "OPTIONS": {**common, "location": location}},
        "exports": {
            "BACKEND": "storages.backends.s3.S3Storage",
            # Beside the units' `jst_…` prefixes when in the same bucket: never a unit's schema name.
            "OPTIONS": {**common, "bucket_name": export_bucket or bucket, "location": export_prefix},
        },
    }
