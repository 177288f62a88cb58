#!/usr/bin/env python3
"""A stand-in LLM provider for tests and the demo. It answers "You said: <last user message>"
in each provider's own wire format, buffered or streamed in 5-character deltas (so tokens are
split across events), and records every request body it received:
    OpenAI chat completions (any path ending /chat/completions: Azure's deployments too),
    legacy completions (/v1/completions), embeddings (/v1/embeddings), Responses
    (/v1/responses), Anthropic (/v1/messages), Gemini (…:generateContent, and
    …:streamGenerateContent as SSE with ?alt=sse, else as a streamed JSON array), Bedrock
    (/model/ID/converse, /converse-stream, /invoke, /invoke-with-response-stream: AWS event
    stream frames), Ollama (/api/chat, /api/generate: NDJSON unless "stream": false).
When the request offers tools, the answer also calls one ("echo") with the user's text as its
argument, in the provider's own form.

    python3 fake_llm.py PORT [--tls CERT KEY] [--gzip]
        0 picks a free port; the first line printed names it. --tls serves HTTPS (like a real
        provider); --gzip compresses answers, buffered and streamed, when the request accepts
        gzip (as real providers do), so the gateway's decompression is exercised.
    GET /__received               the bodies received so far, as a JSON array of strings
    GET /__headers                per request: its authorization, accept-encoding, host, identity
                                  and SigV4 headers, and the SHA-256 of the body received
    Request headers that make it misbehave on purpose: x-fake-force-gzip: 1 (compress unasked),
    x-fake-chunk-bytes: N (stream N bytes per network write), x-fake-huge-event: N (begin a
    stream with one event of N bytes, sent in 64 KiB writes before its blank line),
    x-fake-delta-chars: N (stream N characters per delta instead of 5).
"""
import argparse
import base64
import hashlib
import json
import struct
import ssl
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECEIVED = []
HEADERS = []
GZIP = False


def last_user_text(body):
    for key in ("input", "prompt"):
        if isinstance(body.get(key), str):
            return body[key]
    if "contents" in body:  # Gemini
        for content in reversed(body["contents"]):
            if content.get("role", "user") == "user":
                return "".join(p.get("text", "") for p in content.get("parts", []))
    for message in reversed(body.get("messages", body.get("input", []))):
        if isinstance(message, str):  # embeddings' input
            return message
        if message.get("role") == "user":
            content = message.get("content", "")
            if isinstance(content, list):
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return content
    return ""


def eventstream_frame(event_type, payload):
    """One AWS event stream frame: prelude, CRC, string headers, payload, CRC."""
    headers = b""
    for name, value in ((":event-type", event_type), (":content-type", "application/json"), (":message-type", "event")):
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(value)) + value.encode()
    total = 16 + len(headers) + len(payload)
    prelude = struct.pack(">II", total, len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def anthropic_events(answer, pieces, tools):
    final = {"id": "msg_fake", "type": "message", "role": "assistant", "model": "fake",
             "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn"}
    events = [("message_start", {"type": "message_start", "message": dict(final, content=[])}),
              ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})]
    events += [("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}) for p in pieces]
    events += [("content_block_stop", {"type": "content_block_stop", "index": 0})]
    if tools:
        final["content"].append({"type": "tool_use", "id": "toolu_1", "name": "echo", "input": {"said": answer}})
        args = json.dumps({"said": answer})
        events += [("content_block_start", {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "echo", "input": {}}})]
        events += [("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": args[i:i + 7]}}) for i in range(0, len(args), 7)]
        events += [("content_block_stop", {"type": "content_block_stop", "index": 1})]
    events += [("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
               ("message_stop", {"type": "message_stop"})]
    return final, events


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _gzip(self):
        # x-fake-force-gzip: 1 compresses even when not asked (a misbehaving provider).
        if self.headers.get("x-fake-force-gzip") == "1":
            return True
        return GZIP and "gzip" in self.headers.get("accept-encoding", "")

    def _send(self, status, body, content_type="application/json", compress=False):
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        if compress:
            packer = zlib.compressobj(wbits=31)  # gzip framing
            data = packer.compress(data) + packer.flush()
            self.send_header("content-encoding", "gzip")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__received":
            self._send(200, json.dumps(RECEIVED))
        elif self.path == "/__headers":
            self._send(200, json.dumps(HEADERS))
        else:
            self._send(404, json.dumps({"error": "not found"}))

    def read_body(self):
        """The request body, with a length or chunked; None if the client went away first."""
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            raw = b""
            while True:
                size_line = self.rfile.readline()
                if not size_line:
                    return None
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return raw
                data = self.rfile.read(size + 2)
                if len(data) < size + 2:
                    return None
                raw += data[:size]
        length = int(self.headers.get("content-length", "0") or 0)
        raw = self.rfile.read(length)
        return raw if len(raw) == length else None

    def do_POST(self):
        raw = self.read_body()
        if raw is None:
            return  # reset before the body was complete: nothing was received
        RECEIVED.append(raw.decode("utf-8", "replace"))
        HEADERS.append({k: self.headers.get(k, "") for k in ("authorization", "accept-encoding", "host", "x-veil-tenant", "x-veil-scope", "x-veil-identity", "x-user", "x-amz-content-sha256", "x-amz-date")})
        HEADERS[-1]["body-sha256"] = hashlib.sha256(raw).hexdigest()
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, json.dumps({"error": "bad json"}))
            return
        answer = "You said: " + last_user_text(body)
        size = int(self.headers.get("x-fake-delta-chars", "5") or 5)
        pieces = [answer[i:i + size] for i in range(0, len(answer), size)]
        path = self.path.split("?")[0]
        tools = bool(body.get("tools") or body.get("toolConfig"))
        stream = body.get("stream")
        content_type = "text/event-stream"
        if path.endswith("/embeddings"):
            self._send(200, json.dumps({"object": "list", "model": body.get("model", "fake"),
                                        "data": [{"object": "embedding", "index": 0, "embedding": [0.1, -0.2, 0.3]}]}))
            return
        if ":generateContent" in path or ":streamGenerateContent" in path:
            return self.gemini(answer, pieces, tools, ":streamGenerateContent" in path, "alt=sse" in self.path)
        if path.startswith("/model/"):
            return self.bedrock(path, answer, pieces, tools)
        if path in ("/api/chat", "/api/generate"):
            return self.ollama(path, body, answer, pieces, tools)
        if path.endswith("/messages"):
            final, events = anthropic_events(answer, pieces, tools)
            done = None
        elif path.endswith("/responses"):
            output = [{"type": "message", "id": "msg_1", "role": "assistant", "content": [{"type": "output_text", "text": answer}]}]
            final = {"id": "resp_fake", "object": "response", "status": "completed", "output": output}
            where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
            events = [("response.created", {"type": "response.created", "response": dict(final, output=[], status="in_progress")})]
            events += [("response.output_text.delta", dict(where, type="response.output_text.delta", delta=p)) for p in pieces]
            events += [("response.output_text.done", dict(where, type="response.output_text.done", text=answer)),
                       ("response.completed", {"type": "response.completed", "response": final})]
            done = None
        elif path.endswith("/completions") and not path.endswith("/chat/completions"):
            final = {"id": "cmpl-fake", "object": "text_completion", "created": 1, "model": body.get("model", "fake"),
                     "choices": [{"index": 0, "text": answer, "finish_reason": "stop"}]}
            events = [(None, {"id": "cmpl-fake", "object": "text_completion", "choices": [{"index": 0, "text": p, "finish_reason": None}]}) for p in pieces]
            events += [(None, {"id": "cmpl-fake", "object": "text_completion", "choices": [{"index": 0, "text": "", "finish_reason": "stop"}]})]
            done = "[DONE]"
        else:
            message = {"role": "assistant", "content": answer}
            if tools:
                message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": "echo", "arguments": json.dumps({"said": answer})}}]
            final = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": body.get("model", "fake"),
                     "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
            chunk_of = lambda delta, reason: {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": "fake",
                                              "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
            events = [(None, chunk_of({"content": p}, None)) for p in pieces]
            if tools:
                args = json.dumps({"said": answer})
                events += [(None, chunk_of({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "echo", "arguments": ""}}]}, None))]
                events += [(None, chunk_of({"tool_calls": [{"index": 0, "function": {"arguments": args[i:i + 7]}}]}, None)) for i in range(0, len(args), 7)]
            events += [(None, chunk_of({}, "stop"))]
            done = "[DONE]"
        self.respond(final, stream, [("event: %s\n" % name if name else "") + "data: %s\n\n" % json.dumps(data) for name, data in events]
                     + (["data: %s\n\n" % done] if done else []), content_type)

    def gemini(self, answer, pieces, tools, streamed, sse):
        def chunk(text, last):
            candidate = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
            if last:
                if tools:
                    candidate["content"]["parts"].append({"functionCall": {"name": "echo", "args": {"said": answer}}})
                candidate["finishReason"] = "STOP"
            return {"candidates": [candidate], "modelVersion": "fake", "responseId": "r1"}
        chunks = [chunk(p, i == len(pieces) - 1) for i, p in enumerate(pieces)]
        if not streamed:
            self._send(200, json.dumps(chunk(answer, True)))
        elif sse:
            self.respond(None, True, ["data: %s\r\n\r\n" % json.dumps(c) for c in chunks], "text/event-stream")
        else:
            parts = ["[" + json.dumps(chunks[0])] + ["\r\n," + json.dumps(c) for c in chunks[1:]] + ["\r\n]"]
            self.respond(None, True, parts, "application/json")

    def bedrock(self, path, answer, pieces, tools):
        action = path.rsplit("/", 1)[1]
        if action == "converse":
            content = [{"text": answer}]
            if tools:
                content.append({"toolUse": {"toolUseId": "t1", "name": "echo", "input": {"said": answer}}})
            self._send(200, json.dumps({"output": {"message": {"role": "assistant", "content": content}}, "stopReason": "end_turn",
                                        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}}))
        elif action == "converse-stream":
            frames = [eventstream_frame("messageStart", json.dumps({"role": "assistant", "p": "ab"}).encode())]
            frames += [eventstream_frame("contentBlockDelta", json.dumps({"contentBlockIndex": 0, "delta": {"text": p}, "p": "abc"}).encode()) for p in pieces]
            frames += [eventstream_frame("contentBlockStop", json.dumps({"contentBlockIndex": 0}).encode())]
            if tools:
                args = json.dumps({"said": answer})
                frames += [eventstream_frame("contentBlockStart", json.dumps({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t1", "name": "echo"}}}).encode())]
                frames += [eventstream_frame("contentBlockDelta", json.dumps({"contentBlockIndex": 1, "delta": {"toolUse": {"input": args[i:i + 7]}}}).encode()) for i in range(0, len(args), 7)]
                frames += [eventstream_frame("contentBlockStop", json.dumps({"contentBlockIndex": 1}).encode())]
            frames += [eventstream_frame("messageStop", json.dumps({"stopReason": "end_turn"}).encode()),
                       eventstream_frame("metadata", json.dumps({"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 1}}).encode())]
            self.respond(None, True, frames, "application/vnd.amazon.eventstream")
        else:
            final, events = anthropic_events(answer, pieces, tools)
            if action == "invoke":
                self._send(200, json.dumps(final))
                return
            frames = [eventstream_frame("chunk", json.dumps({"bytes": base64.b64encode(json.dumps(data).encode()).decode(), "p": "xyz"}).encode())
                      for _, data in events]
            self.respond(None, True, frames, "application/vnd.amazon.eventstream")

    def ollama(self, path, body, answer, pieces, tools):
        chat = path == "/api/chat"
        def line(text, done):
            out = {"model": body.get("model", "fake"), "created_at": "2026-01-01T00:00:00Z", "done": done}
            if chat:
                out["message"] = {"role": "assistant", "content": text}
            else:
                out["response"] = text
            if done:
                out["done_reason"] = "stop"
            return out
        if body.get("stream") is False:
            final = line(answer, True)
            if chat and tools:
                final["message"]["tool_calls"] = [{"function": {"name": "echo", "arguments": {"said": answer}}}]
            self._send(200, json.dumps(final))
            return
        lines = [line(p, False) for p in pieces]
        if chat and tools:
            call = line("", False)
            call["message"]["tool_calls"] = [{"function": {"name": "echo", "arguments": {"said": answer}}}]
            lines.append(call)
        lines.append(line("", True))
        self.respond(None, True, [json.dumps(l) + "\n" for l in lines], "application/x-ndjson")

    def respond(self, final, stream, records, content_type):
        """`final` buffered unless `stream`; else `records` (str or bytes), one write each."""
        compress = self._gzip()
        if not stream:
            self._send(200, json.dumps(final), compress=compress)
            return
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("transfer-encoding", "chunked")
        if compress:
            self.send_header("content-encoding", "gzip")
        self.end_headers()
        # x-fake-chunk-bytes: 1 sends the stream one byte per network write (adversarial).
        piece = int(self.headers.get("x-fake-chunk-bytes", "0") or 0)
        packer = zlib.compressobj(wbits=31) if compress else None

        def chunk(data, last=False):
            if isinstance(data, str):
                data = data.encode()
            if packer:  # flushed per event, as a streaming provider does
                data = packer.compress(data) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
            parts = [data[i:i + piece] for i in range(0, len(data), piece)] if piece else [data]
            for part in parts:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()

        huge = int(self.headers.get("x-fake-huge-event", "0") or 0)
        if huge:
            event = "data: " + "z" * huge
            for i in range(0, len(event), 65536):
                chunk(event[i:i + 65536])
            chunk("\n\n")
        for i, record in enumerate(records):
            chunk(record, i == len(records) - 1)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    global GZIP
    args = argparse.ArgumentParser()
    args.add_argument("port", type=int, nargs="?", default=8082)
    args.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args.add_argument("--gzip", action="store_true")
    opts = args.parse_args()
    GZIP = opts.gzip
    server = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    if opts.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*opts.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        # The test reads /__received in plain HTTP, on a second port.
        control = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=control.serve_forever, daemon=True).start()
        print("fake-llm control on %d" % control.server_address[1], flush=True)
    print("fake-llm listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
