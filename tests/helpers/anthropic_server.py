"""A loopback stand-in for the Anthropic Messages API, for the real `anthropic` client to talk to.

`POST /v1/messages` answers from a script: a list of replies used in order (an entry may be a function of
the request, so a reply can depend on the tool results the client just sent), or one such function for
every request. Bedrock's route (`POST /model/{id}/invoke`, version in the body) is served the same way. A reply is a message dict (build one
with `message`, `text`, `tool_use`) or an `ApiError`. Every request is recorded — body, headers, path —
so tests can assert on exactly what reached the wire.

Like the real API, the server checks the parts of the wire format the agent must get right: a credential
header, the `anthropic-version` header, and that every `tool_use` of an assistant turn is answered by a
`tool_result` with the same id at the start of the next user message (otherwise 400).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class ApiError:
    status: int
    type: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"type": "error", "error": {"type": self.type, "message": self.message}}


def overloaded(message: str = "Overloaded") -> ApiError:
    return ApiError(529, "overloaded_error", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message)


def server_error(message: str = "Internal server error") -> ApiError:
    return ApiError(500, "api_error", message)


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(name: str, data: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    return {"type": "tool_use", "id": id or f"toolu_{next(_ids):06d}", "name": name, "input": data}


def edit(command: str, path: str, **args: Any) -> dict[str, Any]:
    """A text editor tool call."""
    return tool_use("str_replace_based_edit_tool", {"command": command, "path": path, **args})


def usage(
    input_tokens: int = 100, output_tokens: int = 50, cache_write: int = 0, cache_read: int = 0
) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": cache_write,
        "cache_read_input_tokens": cache_read,
    }


def message(
    *content: dict[str, Any],
    stop_reason: str | None = None,
    tokens: dict[str, int] | None = None,
    model: str = "claude-sonnet-4-5-20250929",
) -> dict[str, Any]:
    """An assistant message; stop_reason defaults to tool_use when it calls a tool, else end_turn."""
    calls = any(block["type"] == "tool_use" for block in content)
    return {
        "id": f"msg_{next(_ids):06d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": list(content),
        "stop_reason": stop_reason or ("tool_use" if calls else "end_turn"),
        "stop_sequence": None,
        "usage": tokens or usage(),
    }


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]
    raw: str

    def tool_results(self) -> list[dict[str, Any]]:
        """The tool_result blocks of the last user message."""
        last = self.body.get("messages", [{}])[-1]
        content = last.get("content")
        return [b for b in content if b.get("type") == "tool_result"] if isinstance(content, list) else []


Reply = dict[str, Any] | ApiError
Step = Reply | Callable[[Request], Reply]
Script = Sequence[Step] | Callable[[Request], Reply]
BEDROCK_ROUTE = re.compile(r"/model/([^/]+)/invoke")


def _protocol_error(body: dict[str, Any]) -> str | None:
    """The 400s the real API gives for a broken conversation that the agent could plausibly send."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    if not isinstance(body.get("max_tokens"), int) or not body.get("model"):
        return "model and max_tokens are required"
    for i, msg in enumerate(messages):
        content = msg.get("content")
        if msg.get("role") != "assistant" or not isinstance(content, list):
            continue
        ids = [b["id"] for b in content if b.get("type") == "tool_use"]
        if not ids:
            continue
        nxt = messages[i + 1] if i + 1 < len(messages) else None
        answer = nxt.get("content") if nxt and nxt.get("role") == "user" else None
        got = (
            [b.get("tool_use_id") for b in answer if b.get("type") == "tool_result"]
            if isinstance(answer, list)
            else []
        )
        if sorted(got) != sorted(ids):
            return (
                f"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                + ", ".join(sorted(set(ids) - set(got)) or ids)
            )
    return None


class AnthropicServer:
    """`with AnthropicServer(script) as server:` then point ANTHROPIC_BASE_URL at `server.url`."""

    def __init__(self, script: Script) -> None:
        self.script: list[Step] | Callable[[Request], Reply] = script if callable(script) else list(script)
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def bodies(self) -> list[str]:
        return [r.raw for r in self.requests]

    def __enter__(self) -> AnthropicServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def _next(self, request: Request) -> Reply:
        if callable(self.script):
            return self.script(request)
        if not self.script:
            return bad_request("test script exhausted: no more scripted replies")
        step = self.script.pop(0)
        return step(request) if callable(step) else step

    def _answer(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.requests.append(request)
            problem = self._check(request)
            if problem:
                return problem.status, problem.body(), {}
            reply = self._next(request)
        if isinstance(reply, ApiError):
            # a tiny retry-after keeps the client's retries (real behaviour) from slowing the tests down
            return reply.status, reply.body(), {"retry-after-ms": "1", **reply.headers}
        return 200, reply, {}

    def _check(self, request: Request) -> ApiError | None:
        path = request.path.split("?")[0]
        bedrock = BEDROCK_ROUTE.fullmatch(path)
        if request.method != "POST" or not (path == "/v1/messages" or bedrock):
            return ApiError(404, "not_found_error", f"no route {request.method} {request.path}")
        if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
            return ApiError(401, "authentication_error", "x-api-key header is required")
        if bedrock:  # Bedrock takes the model from the path and the version from the body
            if not request.body.get("anthropic_version"):
                return bad_request("anthropic_version is required")
            request.body.setdefault("model", bedrock.group(1))
        elif not request.headers.get("anthropic-version"):
            return bad_request("anthropic-version header is required")
        problem = _protocol_error(request.body)
        return bad_request(problem) if problem else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                try:
                    body = json.loads(raw) if raw else {}
                except json.JSONDecodeError:
                    body = {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(
                    self.command, self.path, headers, body if isinstance(body, dict) else {}, raw
                )
                status, payload, extra = server._answer(request)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", f"req_{next(_ids):06d}")
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_POST = _handle
            do_GET = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler
