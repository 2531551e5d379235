"""Files that every machine of an installation shares: one interface, two backends.

`base` holds the interface (Storage) and its key rule, `directory` the shared-volume backend,
`s3` the S3-compatible object storage backend (boto3), `app` the choice made by the settings
(STORAGE_BACKEND) and the one way a stored file is served to a user. Importing this package
runs nothing.
"""
