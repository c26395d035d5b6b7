#!/usr/bin/env python3
"""Worst-case requests against a running bot: server CPU per request for each kind of
pathological query text (up to the 64 KiB body limit), and /healthz latency while 8 of
them run side by side, beside /healthz on an idle server.

    python3 worst-case.py SECRET PORT PID
"""
import hashlib, hmac, http.client, os, random, statistics, string, sys, threading, time, urllib.parse

secret, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ticks = os.sysconf("SC_CLK_TCK")
rng = random.Random(7)
LIMIT = 64 * 1024 - 600  # the body limit, less the other fields


def words(n, length):
    return " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(n))


cases = {
    "one 60,000-letter word": "a" * 60000,
    "64 KiB of distinct 8-letter words": words(LIMIT // 9, 8)[:LIMIT],
    "64 KiB of 3-letter typos": words(LIMIT // 4, 3)[:LIMIT],
    "one word repeated": ("timeout " * (LIMIT // 8))[:LIMIT],
    "a pasted stack trace": ("Task timed out after 900.00 seconds at invoice.parse(line 42) ConditionalCheckFailedException " * 600)[:LIMIT],
    "non-Latin letters": ("ошибкатаймаут超时エラー " * 2500)[:LIMIT // 10],  # 3 bytes each, 9 once form-encoded
}
counter = [0]
lock = threading.Lock()


def signed(text):
    with lock:
        counter[0] += 1
        n = counter[0]
    fields = [("token", "bench"), ("team_id", "T1"), ("channel_id", "C1"), ("user_id", "U1"),
              ("command", "/runbook"), ("text", text), ("response_url", "https://hooks.slack.com/x"),
              ("trigger_id", f"worst.{n}")]
    body = urllib.parse.urlencode(fields).encode()
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def post(connection, text=None, request=None):
    body, headers = request or signed(text)
    connection.request("POST", "/slack/commands", body, headers)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"error: worst-case request answered {response.status}")


def cpu():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def healthz_latencies(seconds, stop=None):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (stop and stop.is_set()):
        started = time.monotonic()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        samples.append((time.monotonic() - started) * 1000)
        time.sleep(0.01)
    return samples


def summary(samples):
    samples = sorted(samples)
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    return f"p50 {p(0.5):6.2f} ms  p99 {p(0.99):6.2f} ms  max {samples[-1]:6.2f} ms  ({len(samples)} probes)"


print("## Worst-case requests (signed /runbook, sequential, server CPU per request)")
connection = http.client.HTTPConnection("127.0.0.1", port)
post(connection, "timeout")
slowest = 0.0
for name, text in cases.items():
    rounds = 20
    before = cpu()
    started = time.monotonic()
    for _ in range(rounds):
        post(connection, text)
    wall = (time.monotonic() - started) / rounds * 1000
    used = (cpu() - before) / rounds * 1000
    slowest = max(slowest, used)
    print(f"{name:36s} {len(text.encode()):6d} bytes   server CPU {used:6.1f} ms/request   latency {wall:6.1f} ms")
print(f"worst case: {slowest:.1f} ms of server CPU per request (aim: under 50 ms)")

print()
print("## /healthz while 8 worst-case requests run side by side")
print(f"{'idle':36s} {summary(healthz_latencies(3))}")
stop = threading.Event()
sent = [0]


def flood(requests):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for request in requests:
        if stop.is_set():
            return
        post(c, request=request)
        with lock:
            sent[0] += 1


# Signed beforehand, so the load threads wait on sockets rather than on this interpreter.
texts = list(cases.values())
batches = [[signed(texts[i % len(texts)]) for _ in range(150)] for i in range(8)]
threads = [threading.Thread(target=flood, args=(batches[i],)) for i in range(8)]
for t in threads:
    t.start()
loaded = healthz_latencies(5)
stop.set()
for t in threads:
    t.join()
print(f"{'8 worst-case requests at a time':36s} {summary(loaded)}   ({sent[0]} worst-case requests answered)")
