# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Real TCP clients for the veth lab, each bounded in count and time:
sequential echo connections, one hashed stream, parallel curl fetches."""

import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time


def cmd_connect(args):
    """N sequential real connect()s, each exchanging a random payload with the
    echo server and checking it comes back byte for byte."""
    ok = 0
    errors = []
    times = []
    for i in range(args.count):
        payload = os.urandom(args.bytes)
        t0 = time.monotonic()
        try:
            with socket.create_connection((args.host, args.port), timeout=args.timeout) as s:
                times.append(time.monotonic() - t0)
                s.sendall(payload)
                got = b''
                while len(got) < len(payload):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            if got == payload:
                ok += 1
            else:
                errors.append('echo mismatch: sent %d bytes, got %d' % (len(payload), len(got)))
        except OSError as e:
            errors.append(str(e))
    print('ok', ok)
    print('failed', args.count - ok)
    if times:
        print('connect_ms_max %.1f' % (max(times) * 1000))
    for e in errors[:3]:
        print('error', e)


def _stream_block(i):
    # Deterministic pseudo-random data, cheap to regenerate on both ends.
    return hashlib.shake_256(struct.pack('!Q', i)).digest(1 << 16)


def cmd_stream_client(args):
    """Send `bytes` of deterministic data; print what the server hashed."""
    h = hashlib.sha256()
    t0 = time.monotonic()
    with socket.create_connection((args.host, args.port), timeout=60) as s:
        sent, i = 0, 0
        while sent < args.bytes:
            blk = _stream_block(i)[: args.bytes - sent]
            s.sendall(blk)
            h.update(blk)
            sent += len(blk)
            i += 1
        s.shutdown(socket.SHUT_WR)
        reply = s.makefile().readline().split()
    dt = time.monotonic() - t0
    print('sent', sent, h.hexdigest())
    print('received', reply[0] if reply else 0, reply[1] if len(reply) > 1 else '-')
    print('mbit_s %.0f' % (sent * 8 / dt / 1e6))


def cmd_http_clients(args):
    """`parallel` workers run curl against each URL in turn until `duration`
    (or `count` requests) is reached.  Prints totals and connect latencies."""
    deadline = time.monotonic() + args.duration
    lock = threading.Lock()
    res = {'ok': 0, 'failed': 0, 'connect': [], 'total': []}
    budget = [args.count]

    def worker(k):
        j = k
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            url = args.url[j % len(args.url)]
            j += 1
            p = subprocess.run(
                ['curl', '-sS', '-o', '/dev/null', '--max-time', str(args.timeout),
                 '-w', '%{http_code} %{time_connect} %{time_total}', url],
                capture_output=True, text=True)
            out = p.stdout.split()
            with lock:
                if p.returncode == 0 and out and out[0] == '200':
                    res['ok'] += 1
                    res['connect'].append(float(out[1]))
                    res['total'].append(float(out[2]))
                else:
                    res['failed'] += 1
                    if args.verbose:
                        print('curl failed: rc=%d %s' % (p.returncode, p.stderr.strip()),
                              file=sys.stderr)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    def pct(v, q):
        if not v:
            return 0.0
        v = sorted(v)
        return v[min(len(v) - 1, int(q * len(v)))] * 1000

    n = res['ok'] + res['failed']
    print('ok', res['ok'])
    print('failed', res['failed'])
    print('success_pct %.1f' % (100.0 * res['ok'] / n if n else 0))
    print('connect_p50_ms %.1f' % pct(res['connect'], 0.50))
    print('connect_p99_ms %.1f' % pct(res['connect'], 0.99))
    print('total_p50_ms %.1f' % pct(res['total'], 0.50))
    print('total_p99_ms %.1f' % pct(res['total'], 0.99))


def register(sub):
    s = sub.add_parser('connect', help='N connect()s, each echoing a random payload')
    s.add_argument('host')
    s.add_argument('port', type=int)
    s.add_argument('--count', type=int, default=1)
    s.add_argument('--bytes', type=int, default=1000)
    s.add_argument('--timeout', type=float, default=5)
    s.set_defaults(fn=cmd_connect)

    s = sub.add_parser('stream-client', help='send deterministic data, print both hashes')
    s.add_argument('host')
    s.add_argument('port', type=int)
    s.add_argument('--bytes', type=int, required=True)
    s.set_defaults(fn=cmd_stream_client)

    s = sub.add_parser('http-clients', help='parallel curl fetches for a while')
    s.add_argument('url', nargs='+')
    s.add_argument('--duration', type=float, default=10)
    s.add_argument('--count', type=int, default=1 << 30)
    s.add_argument('--parallel', type=int, default=2)
    s.add_argument('--timeout', type=float, default=5)
    s.add_argument('--verbose', action='store_true')
    s.set_defaults(fn=cmd_http_clients)
