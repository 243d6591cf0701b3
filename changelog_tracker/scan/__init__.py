"""scan: which boto3 calls a codebase makes (``calls``, ``files``) and what a release does to them."""
