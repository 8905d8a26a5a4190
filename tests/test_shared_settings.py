"""What several app servers share, as configured from the environment: the cache (the
database's, or Redis with CACHE_URL; never one process's memory) and the receipts' storage
(the local disk, or a private S3 bucket with the AWS_* settings)."""

from tests.test_production import PRODUCTION, _manage

SHOW = (
    "shell",
    "--no-imports",
    "-c",
    "from django.core.cache import caches; from django.core.files.storage import storages; "
    "cache, receipts = caches['default'], storages['default']; "
    "print(type(cache).__name__, cache.key_prefix or '-', type(receipts).__name__); "
    "print(getattr(receipts, 'bucket_name', '-'), getattr(receipts, 'endpoint_url', '-'), "
    "getattr(receipts, 'region_name', '-'), getattr(receipts, 'file_overwrite', '-'), "
    "getattr(receipts, 'default_acl', '-'))",
)


def test_by_default_the_cache_is_the_database_and_receipts_the_local_disk():
    result = _manage(*SHOW, **PRODUCTION)
    assert result.stdout.splitlines() == ["DatabaseCache - FileSystemStorage", "- - - - -"], result.stderr


def test_cache_url_and_the_aws_settings_select_redis_and_a_private_bucket():
    result = _manage(
        *SHOW,
        **PRODUCTION,
        CACHE_URL="redis://cache.internal:6379/2",
        CACHE_KEY_PREFIX="secondmile",
        AWS_STORAGE_BUCKET_NAME="secondmile-receipts",
        AWS_S3_ENDPOINT_URL="https://objects.example.com",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",
    )
    assert result.stdout.splitlines() == [
        "RedisCache secondmile S3Storage",
        # Never overwrite an object, and add no ACL: the bucket's own private policy holds.
        "secondmile-receipts https://objects.example.com eu-central-1 False None",
    ], result.stderr


def test_a_cache_only_one_process_sees_is_refused_at_start_up():
    result = _manage("check", **PRODUCTION, CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "CACHE_URL must be redis://, rediss:// or dbcache://, not locmemcache://" in result.stderr
