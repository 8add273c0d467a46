"""The baseline for bench/slack_roundtrip.py: a bare slack-bolt AsyncApp whose listener only acks.

Served exactly like ours (aiohttp, bolt's aiohttp adapter, signature check on), so the difference measured is
what callwatch adds: translation, the router, the database, Block Kit rendering.
"""

from __future__ import annotations

import os
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main() -> None:
    port = int(sys.argv[1])
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], name="bare")

    @app.command("/help")
    async def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application()
    web_app.add_routes([web.post("/slack/events", events), web.get("/healthz", healthz)])
    web.run_app(web_app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
