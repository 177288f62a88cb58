#!/usr/bin/env python3
"""An agent loop that never shows the model a customer's data, using the vault's masking API
over plain HTTP (no SDK). Each session masks under a scope of its own, unmasks the model's
answer and tool arguments with it, and erases the scope when the session ends, after which
the session's tokens reveal nothing.

    VEIL_VAULT=http://127.0.0.1:8081 VEIL_AGENT_KEY=... VEIL_ERASE_KEY=... python3 agent_loop.py

VEIL_AGENT_KEY is a key whose role has the mask and unmask rights; VEIL_ERASE_KEY one with
erase (in dev mode, VEIL_DEV_ADMIN_KEY has all three). The model here is a stand-in that
repeats the prompt; put your provider call in `call_model`.
"""
import json
import os
import secrets
import urllib.request

VAULT = os.environ.get("VEIL_VAULT", "http://127.0.0.1:8081")
TENANT = os.environ.get("VEIL_TENANT", "acme")


def vault(path, key, body):
    request = urllib.request.Request(
        VAULT + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "authorization": "Bearer " + key},
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def call_model(prompt):
    """Stand-in for a provider call: it sees only tokens."""
    return {"text": "I will email the customer. You said: " + prompt,
            "tool_call": {"name": "send_email", "arguments": {"body": prompt}}}


def main():
    agent, eraser = os.environ["VEIL_AGENT_KEY"], os.environ["VEIL_ERASE_KEY"]
    scope = "session-" + secrets.token_hex(8)
    user_message = "Please email Jane Roe at jane.roe@example-corp.com about card 4111 1111 1111 1111."
    masked = vault("/v1/mask", agent, {"tenant": TENANT, "scope": scope, "text": user_message})
    print("the model sees:", masked["text"])
    print("found:", [(e["type"], e["token"]) for e in masked["entities"]])

    answer = call_model(masked["text"])
    # The tool runs with real values: unmask its arguments (any JSON) under the same scope.
    args = vault("/v1/unmask", agent, {"tenant": TENANT, "scope": scope, "json": answer["tool_call"]["arguments"]})
    print("the tool gets:", args["json"])
    shown = vault("/v1/unmask", agent, {"tenant": TENANT, "scope": scope, "text": answer["text"]})
    print("the user reads:", shown["text"])

    removed = vault("/v1/erase", eraser, {"tenant": TENANT, "scope": scope})["removed"]
    after = vault("/v1/unmask", agent, {"tenant": TENANT, "scope": scope, "text": masked["text"]})
    print("erased", removed, "mappings; afterwards:", [t["status"] for t in after["tokens"]])


if __name__ == "__main__":
    main()
