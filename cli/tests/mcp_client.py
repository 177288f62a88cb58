#!/usr/bin/env python3
"""The official MCP Python client (the `mcp` package, pinned in .ci/run) against `veil mcp`:
lists the tools, calls each, checks a denied unmask and a key without the mask right. Exits
non-zero with the reason on the first failed check.

    mcp_client.py stdio VEIL_BINARY VAULT_URL KEY
    mcp_client.py http  MCP_URL KEY GATEWAY_KEY
"""
import asyncio
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client

EMAIL = "mcp.canary@corp-mail.com"
TEXT = "Please write to " + EMAIL + " today."


def check(ok, what):
    if not ok:
        print("FAILED: " + what, file=sys.stderr)
        sys.exit(1)


async def exercise(session):
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    check(set(tools) == {"mask_text", "unmask_text", "scan_text"}, "the tools: %s" % sorted(tools))
    for tool in tools.values():
        check("text" in tool.inputSchema.get("properties", {}), tool.name + " takes a text")

    masked = await session.call_tool("mask_text", {"text": TEXT, "scope": "s1"})
    check(not masked.isError, "mask_text: %s" % masked.content)
    out = masked.structuredContent
    check(EMAIL not in out["text"] and "@example.com" in out["text"], "masked: " + out["text"])
    check([e["type"] for e in out["entities"]] == ["EMAIL_ADDRESS"], "entities: %s" % out["entities"])
    check(EMAIL not in str(out["entities"]), "no value in the report")

    back = await session.call_tool("unmask_text", {"text": out["text"], "scope": "s1"})
    check(back.structuredContent["text"] == TEXT, "unmasked: %s" % back.structuredContent)

    denied = await session.call_tool("unmask_text", {"text": out["text"], "scope": "someone-else"})
    d = denied.structuredContent
    check(d["text"] == out["text"], "another scope gets the token back, not the value")
    check([t["status"] for t in d["tokens"]] == ["denied"], "denied: %s" % d["tokens"])
    check(EMAIL not in str(denied), "no value in a denied answer")

    scanned = await session.call_tool("scan_text", {"text": TEXT})
    spans = scanned.structuredContent["spans"]
    check([s["type"] for s in spans] == ["EMAIL_ADDRESS"] and spans[0]["start"] == 16, "spans: %s" % spans)
    check(EMAIL not in str(scanned), "scan_text gives no values")


async def main():
    mode = sys.argv[1]
    if mode == "stdio":
        binary, vault, key = sys.argv[2:5]
        params = StdioServerParameters(
            command=binary,
            args=["mcp", "--vault", vault, "--tenant", "acme"],
            env={"VEIL_API_KEY": key},
        )
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await exercise(session)
    else:
        url, key, gateway_key = sys.argv[2:5]
        async with streamablehttp_client(url, headers={"Authorization": "Bearer " + key}) as (read, write, _):
            async with ClientSession(read, write) as session:
                await exercise(session)
        # A key whose role may not mask: the vault refuses, the tool says so, no value.
        async with streamablehttp_client(url, headers={"Authorization": "Bearer " + gateway_key}) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                refused = await session.call_tool("mask_text", {"text": TEXT})
                check(refused.isError, "the gateway's key may not mask")
                check("may not mask" in str(refused.content) and EMAIL not in str(refused.content), "%s" % refused.content)
    print("mcp %s: ok" % mode)


asyncio.run(main())
