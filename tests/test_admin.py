"""``/_apigate``: health always; everything else only on loopback or with the admin token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable

import pytest

from apigate import __version__
from apigate.app import GatewayApp
from apigate.config import Settings
from apigate.server import build_app
from apigate.store.base import StoreChange
from tests.support.asgi import Lifespan, request

AppFactory = Callable[..., GatewayApp]


@pytest.fixture
async def make_app() -> AsyncIterator[AppFactory]:
    """Builds the real gateway app (in memory) for the given settings; closes them all at the end."""
    lifespans: list[Lifespan] = []

    async def make(**settings: object) -> GatewayApp:
        app = build_app(Settings(state_dir=None, **settings))  # type: ignore[arg-type]
        lifespan = Lifespan(app)
        assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
        lifespans.append(lifespan)
        return app

    yield make  # type: ignore[misc]
    for lifespan in lifespans:
        await lifespan.shutdown()


async def _seed(app: GatewayApp) -> None:
    async with app.services.store.transaction() as tx:
        await tx.put("restapi", "abc", {"id": "abc", "name": "pets"})


async def _restapis(app: GatewayApp) -> list[str]:
    async with app.services.store.transaction() as tx:
        return [key for key, _ in await tx.list("restapi")]


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "192.0.2.10"])
async def test_health_always_answers(make_app: AppFactory, host: str) -> None:
    app = await make_app(host=host, admin_token="s3cret")
    response = await request(app, "GET", "/_apigate/health")
    assert response.status == 200
    assert response.headers.get("content-type") == "application/json"
    assert response.json() == {"status": "ok", "version": __version__}


async def test_health_head_has_no_body_and_other_methods_are_refused(make_app: AppFactory) -> None:
    app = await make_app()
    head = await request(app, "HEAD", "/_apigate/health")
    assert (head.status, head.body) == (200, b"")
    post = await request(app, "POST", "/_apigate/health")
    assert post.status == 405
    assert post.headers.get("allow") == "GET, HEAD"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
async def test_reset_on_loopback_needs_no_token(make_app: AppFactory, host: str) -> None:
    app = await make_app(host=host)
    await _seed(app)
    heard: list[tuple[StoreChange, ...]] = []

    def listen(changes: Iterable[StoreChange]) -> None:
        heard.append(tuple(changes))

    app.services.store.subscribe(listen)
    response = await request(app, "POST", "/_apigate/reset")
    assert response.status == 200
    assert response.json() == {"status": "ok"}
    assert await _restapis(app) == []
    assert heard == [(StoreChange("*", "*"),)]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "gateway.example.com"])
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", "bearer s3cret", "s3cret", "Bearer s3cret ", "Basic s3cret"]
)
async def test_off_loopback_without_the_token_is_forbidden(
    make_app: AppFactory, host: str, authorization: str | None
) -> None:
    app = await make_app(host=host, admin_token="s3cret")
    await _seed(app)
    headers = [("Authorization", authorization)] if authorization else []
    response = await request(app, "POST", "/_apigate/reset", headers=headers)
    assert response.status == 403
    assert response.json() == {"message": "Forbidden"}
    assert await _restapis(app) == ["abc"]


async def test_off_loopback_with_the_token_is_allowed(make_app: AppFactory) -> None:
    app = await make_app(host="0.0.0.0", admin_token="s3cret")
    await _seed(app)
    response = await request(app, "POST", "/_apigate/reset", headers=[("Authorization", "Bearer s3cret")])
    assert response.status == 200
    assert await _restapis(app) == []


async def test_off_loopback_without_a_configured_token_nothing_opens_it(make_app: AppFactory) -> None:
    app = await make_app(host="0.0.0.0")
    for authorization in ("Bearer ", "Bearer None", "Bearer"):
        response = await request(app, "POST", "/_apigate/reset", headers=[("Authorization", authorization)])
        assert response.status == 403


async def test_unknown_admin_path_is_404_json_once_authorised(make_app: AppFactory) -> None:
    local = await make_app()
    response = await request(local, "GET", "/_apigate/nope")
    assert response.status == 404
    assert response.headers.get("content-type") == "application/json"
    assert "message" in response.json()
    assert (await request(local, "GET", "/_apigate")).status == 404

    remote = await make_app(host="0.0.0.0", admin_token="s3cret")
    assert (await request(remote, "GET", "/_apigate/nope")).status == 403


async def test_wrong_method_on_an_admin_endpoint(make_app: AppFactory) -> None:
    app = await make_app()
    await _seed(app)
    response = await request(app, "GET", "/_apigate/reset")
    assert response.status == 405
    assert response.headers.get("allow") == "POST"
    assert await _restapis(app) == ["abc"]
