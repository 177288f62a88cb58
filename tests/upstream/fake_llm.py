#!/usr/bin/env python3
"""A stand-in LLM provider for tests and the demo. OpenAI chat completions (/v1/chat/completions),
OpenAI Responses (/v1/responses) and Anthropic messages (/v1/messages) that answer
"You said: <last user message>", buffered or streamed as SSE in 5-character deltas (so tokens
are split across events), and record every request body they received.

    python3 fake_llm.py PORT [--tls CERT KEY] [--gzip]
        0 picks a free port; the first line printed names it. --tls serves HTTPS (like a real
        provider); --gzip compresses answers, buffered and streamed, when the request accepts
        gzip (as real providers do), so the gateway's decompression is exercised.
    GET /__received               the bodies received so far, as a JSON array of strings
    GET /__headers                per request: its authorization, accept-encoding, host and identity headers
    Request headers that make it misbehave on purpose: x-fake-force-gzip: 1 (compress unasked),
    x-fake-chunk-bytes: N (stream N bytes per network write), x-fake-huge-event: N (begin a
    stream with one event of N bytes, sent in 64 KiB writes before its blank line).
"""
import argparse
import json
import ssl
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECEIVED = []
HEADERS = []
GZIP = False


def last_user_text(body):
    if isinstance(body.get("input"), str):
        return body["input"]
    for message in reversed(body.get("messages", body.get("input", []))):
        if message.get("role") == "user":
            content = message.get("content", "")
            if isinstance(content, list):
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return content
    return ""


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
        HEADERS.append({k: self.headers.get(k, "") for k in ("authorization", "accept-encoding", "host", "x-veil-tenant", "x-veil-scope", "x-veil-identity", "x-user")})
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, json.dumps({"error": "bad json"}))
            return
        answer = "You said: " + last_user_text(body)
        pieces = [answer[i:i + 5] for i in range(0, len(answer), 5)]
        if self.path.startswith("/v1/messages"):
            final = {"id": "msg_fake", "type": "message", "role": "assistant", "model": "fake",
                     "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn"}
            events = [("message_start", {"type": "message_start", "message": dict(final, content=[])}),
                      ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})]
            events += [("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}) for p in pieces]
            events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                       ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}}),
                       ("message_stop", {"type": "message_stop"})]
            done = None
        elif self.path.startswith("/v1/responses"):
            output = [{"type": "message", "id": "msg_1", "role": "assistant", "content": [{"type": "output_text", "text": answer}]}]
            final = {"id": "resp_fake", "object": "response", "status": "completed", "output": output}
            where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
            events = [("response.created", {"type": "response.created", "response": dict(final, output=[], status="in_progress")})]
            events += [("response.output_text.delta", dict(where, type="response.output_text.delta", delta=p)) for p in pieces]
            events += [("response.output_text.done", dict(where, type="response.output_text.done", text=answer)),
                       ("response.completed", {"type": "response.completed", "response": final})]
            done = None
        else:
            final = {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": body.get("model", "fake"),
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]}
            chunk_of = lambda delta, reason: {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": "fake",
                                              "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
            events = [(None, chunk_of({"content": p}, None)) for p in pieces] + [(None, chunk_of({}, "stop"))]
            done = "[DONE]"
        compress = self._gzip()
        if not body.get("stream"):
            self._send(200, json.dumps(final), compress=compress)
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        if compress:
            self.send_header("content-encoding", "gzip")
        self.end_headers()
        # x-fake-chunk-bytes: 1 sends the stream one byte per network write (adversarial).
        piece = int(self.headers.get("x-fake-chunk-bytes", "0") or 0)
        packer = zlib.compressobj(wbits=31) if compress else None

        def chunk(text, last=False):
            data = text.encode()
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
        for i, (name, data) in enumerate(events):
            last = i == len(events) - 1 and not done
            chunk(("event: %s\n" % name if name else "") + "data: %s\n\n" % json.dumps(data), last)
        if done:
            chunk("data: %s\n\n" % done, True)
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
