"""A real S3 API server (moto's) on 127.0.0.1 in a thread, that counts the objects it is sent
and can stop half way through a sync; it stops, and forgets its data, when the test ends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.s3.models import s3_backends
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support.server import free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class S3Server:
    """The server: its address, the keys of the objects it was sent, and when to stop."""

    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.endpoint = ""
        self.puts: list[str] = []
        # Called with each key sent; True stops the server: that upload fails, and all after.
        self.stop_after: Callable[[str], bool] = lambda key: False
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._stopping = threading.Lock()  # the request that stops it and the test may both stop

    def start(self) -> None:
        """Listen on a free port (the data of a stopped server is still there)."""
        self._stopped.clear()
        self._server = make_server(
            "127.0.0.1", free_port(), self._app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        """Stop answering and close the port."""
        self._stopped.set()
        with self._stopping:
            if self._server is not None and self._thread is not None:
                self._server.shutdown()
                self._server.server_close()
                self._thread.join(timeout=10)
                self._server = None

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not self._stopped.is_set() and environ["REQUEST_METHOD"] == "PUT":
            key = unquote(environ["PATH_INFO"]).removeprefix(f"/{self.bucket}/")
            if key and key != f"/{self.bucket}":
                self.puts.append(key)
                if self.stop_after(key):
                    self._stopped.set()
                    threading.Thread(target=self.stop).start()
        if self._stopped.is_set():
            start_response("503 Service Unavailable", [("Connection", "close")])
            return [b""]
        return self._moto(environ, start_response)  # type: ignore[no-any-return]

    def env(self, tmp: Path) -> dict[str, str]:
        """The variables that point the AWS SDK at this server, and at nothing else."""
        return {
            **CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
            "AWS_MAX_ATTEMPTS": "1",  # a stopped server fails the sync at once
        }

    def client(self) -> Any:
        """A client of the server, for the test to read the bucket with."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        )

    def objects(self) -> dict[str, dict[str, Any]]:
        """Every object of the bucket: its bytes ("Bytes") and headers as a reader gets them."""
        client = self.client()
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                got = client.get_object(Bucket=self.bucket, Key=item["Key"])
                found[item["Key"]] = {**got, "Bytes": got["Body"].read()}
        return found


@contextmanager
def s3_server(bucket: str = "club") -> Iterator[S3Server]:
    """A started server with an empty `bucket`."""
    server = S3Server(bucket)
    server.start()
    try:
        server.client().create_bucket(Bucket=bucket)
        yield server
    finally:
        server.stop()
        s3_backends.reset()
