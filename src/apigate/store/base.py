"""The configuration-store contract.

Documents are JSON objects in AWS's own wire shapes (member names of botocore's model), filed by
``kind`` and a ``key``. Keys are ``/``-joined ids, parent first (``{restApiId}/{resourceId}``), so a
prefix lists or deletes a subtree. Internal, non-AWS fields start with ``_``; the protocol layer never
serialises them because it walks the model's output shape.

Key layout used by the control plane and the data plane:

==========================  ========================================  ========================================
kind                        key                                       document
==========================  ========================================  ========================================
``restapi``                 ``{restApiId}``                           RestApi (+ ``_region``)
``resource``                ``{restApiId}/{resourceId}``              Resource with ``resourceMethods``
                                                                      holding full Method shapes (with
                                                                      ``methodIntegration`` and responses)
``model``                   ``{restApiId}/{modelName}``               Model
``deployment``              ``{restApiId}/{deploymentId}``            Deployment (no snapshot)
``snapshot``                ``{restApiId}/{deploymentId}``            the frozen API (see deployments.py)
``stage``                   ``{restApiId}/{stageName}``               Stage
``authorizer``              ``{restApiId}/{authorizerId}``            Authorizer (+ ``_seq``: creation order)
``requestvalidator``        ``{restApiId}/{requestValidatorId}``      RequestValidator (+ ``_seq``)
``gatewayresponse``         ``{restApiId}/{responseType}``            GatewayResponse, customised ones only
                                                                      (``defaultResponse: false``)
``documentationpart``       ``{restApiId}/{documentationPartId}``     DocumentationPart (+ ``_seq``)
``documentationversion``    ``{restApiId}/{documentationVersion}``    DocumentationVersion (+ ``_parts``:
                                                                      the parts it froze)
==========================  ========================================  ========================================

Besides documents the store keeps **blobs**: opaque bytes addressed by their digest (Lambda code
zips, keyed by AWS's ``CodeSha256``). A blob is immutable -- putting the same digest again is a
no-op -- and shares the transactions, durability and ``reset()`` of documents, so a function's
configuration and its code are committed together. Blob writes are not reported to subscribers:
nothing caches them by key, and the documents that reference a blob are reported.

Every mutation happens inside ``transaction()``; a transaction is atomic and isolated from every
other transaction (of this process and, for networked stores, of other nodes). After a commit the
store calls its subscribers with what changed, so caches of the data plane can be dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoreChange:
    kind: str
    key: str


class Transaction(Protocol):
    async def get(self, kind: str, key: str) -> Document | None: ...

    async def put(self, kind: str, key: str, doc: Document) -> None: ...

    async def delete(self, kind: str, key: str) -> bool:
        """Delete one document; False if it did not exist."""
        ...

    async def list(self, kind: str, prefix: str = "") -> list[tuple[str, Document]]:
        """Documents whose key starts with ``prefix``, ordered by key."""
        ...

    async def delete_prefix(self, kind: str, prefix: str) -> int:
        """Delete every document of ``kind`` whose key starts with ``prefix``; returns the count."""
        ...

    async def put_blob(self, digest: str, data: bytes) -> None:
        """Store ``data`` under ``digest`` (the caller computes it); an existing digest is kept."""
        ...

    async def get_blob(self, digest: str) -> bytes | None: ...

    async def delete_blob(self, digest: str) -> bool:
        """Delete one blob; False if it did not exist."""
        ...


class ConfigStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    def subscribe(self, callback: Callable[[Iterable[StoreChange]], None]) -> None: ...

    async def reset(self) -> None:
        """Delete everything (``POST /_apigate/reset``)."""
        ...

    async def close(self) -> None: ...
