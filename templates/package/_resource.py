"""Base classes of the resource groups (``client.backlinks``, ``client.on_page``).

A resource method only states its keyword arguments and hands them to its client, where
validation, transport, retries and parsing happen for every endpoint alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

__all__ = ["AsyncResource", "SyncResource"]


class SyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client


class AsyncResource:
    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
