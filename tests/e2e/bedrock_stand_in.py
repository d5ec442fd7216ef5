"""A local stand-in for Amazon Bedrock's runtime API (no Bedrock server can run here):
POST /model/{modelId}/converse in the documented request and response shapes, refusing a
request whose SigV4 signature (service "bedrock") does not verify against the test's keys,
with scripted throttles, a slow mode, tool use, and a count of the calls it answers at once.

The answers are scripted from the question: "remember ..." asks for the create_memory tool,
"search for X" for search_memories with X, anything else is answered with the titles of the
memories given as context."""
import hashlib
import hmac
import json
import re
import threading
import time
from datetime import datetime, timezone
from http.server import ThreadingHTTPServer
from urllib.parse import quote

from google_stand_ins import JsonHandler

ACCESS_KEY = "AKIDMINDMETEST"
SECRET_KEY = "mindme-test-secret-key"
REGION = "us-east-1"


def _uri_encode(text, keep_slash):
    safe = "-._~" + ("/" if keep_slash else "")
    return quote(text, safe=safe)


def expected_signature(method, raw_path, headers, body, secret=SECRET_KEY):
    """The SigV4 signature AWS computes for this request, or (None, why)."""
    auth = headers.get("Authorization", "")
    match = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                         r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})", auth)
    if not match:
        return None, "no SigV4 Authorization header"
    access, day, region, service, signed, signature = match.groups()
    if access != ACCESS_KEY:
        return None, "unknown access key"
    if region != REGION or service != "bedrock":
        return None, "wrong scope %s/%s" % (region, service)
    amz_date = headers.get("X-Amz-Date", "")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None, "bad X-Amz-Date"
    if abs((datetime.now(timezone.utc) - when).total_seconds()) > 900 or amz_date[:8] != day:
        return None, "the signature's date is off"
    path, _, query = raw_path.partition("?")
    canonical_headers = ""
    for name in signed.split(";"):
        value = headers.get(name)
        if value is None:
            return None, "signed header %s missing" % name
        canonical_headers += "%s:%s\n" % (name, " ".join(value.split()))
    # Services other than S3 encode the path they receive once more.
    canonical = "\n".join([method, _uri_encode(path, True), query, canonical_headers, signed,
                           hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    good = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, signature):
        return None, "signature mismatch"
    return good, None


class BedrockStandIn:
    def __init__(self):
        self.calls = 0
        self.open = 0
        self.most = 0
        self.refused = []       # why each refused request was refused
        self.models = []        # the model id of each call
        self.throttle_next = 0  # answer this many calls with ThrottlingException
        self.delay = 0.0        # slow mode: seconds before each answer
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.stand_in = self
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()


def _answer(messages):
    """The assistant's next message for this conversation (scripted)."""
    last = messages[-1]["content"]
    results = [b["toolResult"] for b in last if "toolResult" in b]
    if results:
        return {"role": "assistant",
                "content": [{"text": "Done: " + json.dumps(results[0]["content"][0])}]}, "end_turn"
    text = "".join(b.get("text", "") for b in last)
    question = text.rsplit("\n\n", 1)[-1] if "My memories:" in text else text
    if question.lower().startswith("remember"):
        return {"role": "assistant", "content": [
            {"text": "Saving that."},
            {"toolUse": {"toolUseId": "tool-1", "name": "create_memory",
                         "input": {"title": question[len("remember"):].strip() or "note"}}}]}, "tool_use"
    match = re.match(r"search for (.+)", question, re.I)
    if match:
        return {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tool-2", "name": "search_memories",
                         "input": {"query": match.group(1)}}}]}, "tool_use"
    titles = re.findall(r"^Memory \S+ \([^)]*\): (.*)$", text, re.M)
    return {"role": "assistant",
            "content": [{"text": "You asked: %s. From your memories: %s." %
                                 (question, ", ".join(titles) or "none")}]}, "end_turn"


class _Handler(JsonHandler):
    def error(self, status, kind, message):
        self.reply(status, {"message": message},
                   [("x-amzn-ErrorType", kind + ":http://internal.amazon.com/coral/com.amazon.bedrock/")])

    def do_POST(self):
        bedrock = self.server.stand_in
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        headers["Authorization"] = self.headers.get("Authorization", "")
        headers["X-Amz-Date"] = self.headers.get("X-Amz-Date", "")
        _, why = expected_signature("POST", self.path, headers, body)
        if why:
            with bedrock._lock:
                bedrock.refused.append(why)
            return self.error(403, "AccessDeniedException", why)
        match = re.fullmatch(r"/model/([^/]+)/converse", self.path)
        if not match:
            return self.error(404, "ResourceNotFoundException", "no such operation")
        with bedrock._lock:
            bedrock.calls += 1
            bedrock.open += 1
            bedrock.most = max(bedrock.most, bedrock.open)
            bedrock.models.append(match.group(1))
            throttled = bedrock.throttle_next > 0
            if throttled:
                bedrock.throttle_next -= 1
        try:
            if bedrock.delay:
                time.sleep(bedrock.delay)
            if throttled:
                return self.error(429, "ThrottlingException", "Too many requests, please wait.")
            try:
                request = json.loads(body)
                messages = request["messages"]
                assert request["inferenceConfig"]["maxTokens"] >= 1
            except (ValueError, KeyError, AssertionError):
                return self.error(400, "ValidationException", "malformed request")
            message, stop = _answer(messages)
            self.reply(200, {"output": {"message": message}, "stopReason": stop,
                             "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
                             "metrics": {"latencyMs": 1}})
        finally:
            with bedrock._lock:
                bedrock.open -= 1
