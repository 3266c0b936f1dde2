"""Object storage: datasets and logs under s3://, gs://, az:// (or any fsspec URL).

A data lake is swept like a folder: every object under the prefix is listed (sorted),
and each becomes the same item a local file would — a table, a log or a text file by its
name — whose reader opens the object through fsspec. Items stay references (the URL),
so on a cluster each worker reads its objects itself. Credentials come from each
filesystem's usual provider chain (AWS profiles and variables, GCP application
credentials, Azure identity), never from policyctl's command line, and are never
printed: a URL is shown without any user or password it carries. fsspec (and s3fs,
gcsfs or adlfs for the store) is the `cluster` extra, imported only for URLs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from policyctl.core.errors import InputError
from policyctl.core.model import Notice
from policyctl.sources.datasets import DataOptions, data_items
from policyctl.sources.interface import Item, Source
from policyctl.sources.storage import fsspec_module, shown


class ObjectStoreSource(Source):
    """The objects under the given URLs, in sorted order, read as files of their names."""

    def __init__(self, targets: Sequence[str], data: DataOptions, max_file_size: int) -> None:
        self.targets = list(targets)
        self.data = data
        self.max_file_size = max_file_size

    def items(self) -> Iterator[Item | Notice]:
        from policyctl.sources.filesystem import FileItem

        fsspec = fsspec_module()
        for target in self.targets:
            try:
                fs, root = fsspec.core.url_to_fs(target)
                listing = fs.find(root, detail=True)
            except (OSError, ValueError, ImportError) as exc:
                raise InputError(
                    f"{shown(target)}: cannot be listed: {type(exc).__name__}"
                ) from None
            if not listing:
                yield Notice(shown(target), "no objects under this prefix", "error")
            protocol = target.split("://", 1)[0]
            for name in sorted(listing):
                info = listing[name]
                if info.get("type") == "directory":
                    continue
                url = f"{protocol}://{name}" if "://" not in name else name
                display, size = shown(url), int(info.get("size") or 0)
                if special := data_items(url, display, size, self.data, named=False):
                    yield from special
                elif size > self.max_file_size:  # read up to the limit, which it says
                    limit = self.max_file_size
                    yield FileItem(path=url, display=display, size=limit, limit=limit)
                else:
                    yield FileItem(path=url, display=display, size=size)
