#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Traffic and observation helpers for the synx veth lab (tests/lib/lab.sh).

Each subcommand does one bounded thing and prints a machine-readable result
on stdout (one `key value` per line, or JSON); the shell tests assert on it.
Every loop here is bounded by a packet count AND a wall-clock limit, so a
misbehaving program under test can make a test fail, never hang.

Runs under Debian's /usr/bin/python3 (python3-scapy); scapy is imported only
by the subcommands that craft packets, to keep the others fast.
"""
import argparse
import hashlib
import ipaddress
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ETH_P_ALL = 0x0003


# --- counters ---------------------------------------------------------------

def reason_names():
    """Index -> lower-case reason name, parsed from the shared header itself,
    so the tests key on the same enum the program counts with."""
    text = open(os.path.join(REPO, "include", "synx_counters.h")).read()
    return {int(v): n.lower() for n, v in re.findall(r"SYNX_R_(\w+)\s*=\s*(\d+)", text)}


def cmd_counters(args):
    """bpftool -j dump of the per-CPU reason array on stdin -> `name packets`."""
    names = reason_names()
    dump = json.load(sys.stdin)
    for entry in dump:
        fmt = entry.get("formatted")
        if fmt is None:
            sys.exit("counters: map has no BTF; cannot decode")
        idx = fmt["key"]
        total = sum(v["value"]["packets"] for v in fmt["values"])
        name = names.get(idx)
        if name is not None:
            print(name, total)


def cmd_json_counter(args):
    """Find one reason's packet count in `synx stats --json` output, whatever
    the nesting: {"name": {"packets": N}}, {"name": N} or
    [{"name": "name", "packets": N}], names compared case-insensitively.
    The counts of every interface found are added up."""
    want = args.name.lower()
    total = [None]

    def add(v):
        total[0] = (total[0] or 0) + v

    def walk(o):
        if isinstance(o, dict):
            n = o.get("name") or o.get("reason")
            if isinstance(n, str) and n.lower() == want and isinstance(o.get("packets"), int):
                add(o["packets"])
                return
            for k, v in o.items():
                if k.lower() == want:
                    if isinstance(v, dict) and isinstance(v.get("packets"), int):
                        add(v["packets"])
                    elif isinstance(v, int):
                        add(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    try:
        walk(json.load(sys.stdin))
    except ValueError as e:
        print("invalid-json:", e)
        return
    print(total[0])


# --- real TCP clients and servers ------------------------------------------

def _family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def cmd_echo_server(args):
    """Threaded echo server; one listener per family on the same port."""
    socks = []
    for host in args.bind:
        s = socket.socket(_family(host), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if _family(host) == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host, args.port))
        s.listen(args.backlog)
        socks.append(s)

    def serve(conn):
        with conn:
            conn.settimeout(30)
            try:
                while True:
                    buf = conn.recv(65536)
                    if not buf:
                        return
                    conn.sendall(buf)
            except OSError:
                return

    def accept_loop(s):
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    for s in socks[1:]:
        threading.Thread(target=accept_loop, args=(s,), daemon=True).start()
    accept_loop(socks[0])


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
                got = b""
                while len(got) < len(payload):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            if got == payload:
                ok += 1
            else:
                errors.append("echo mismatch: sent %d bytes, got %d" % (len(payload), len(got)))
        except OSError as e:
            errors.append(str(e))
    print("ok", ok)
    print("failed", args.count - ok)
    if times:
        print("connect_ms_max %.1f" % (max(times) * 1000))
    for e in errors[:3]:
        print("error", e)


def _stream_block(i):
    # Deterministic pseudo-random data, cheap to regenerate on both ends.
    return hashlib.shake_256(struct.pack("!Q", i)).digest(1 << 16)


def cmd_sink_server(args):
    """Accept one connection, hash everything received, send the digest back."""
    s = socket.socket(_family(args.bind), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.bind, args.port))
    s.listen(8)
    c, _ = s.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while n < args.bytes:
        buf = c.recv(1 << 20)
        if not buf:
            break
        h.update(buf)
        n += len(buf)
    c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
    c.close()


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
    print("sent", sent, h.hexdigest())
    print("received", reply[0] if reply else 0, reply[1] if len(reply) > 1 else "-")
    print("mbit_s %.0f" % (sent * 8 / dt / 1e6))


def cmd_http_clients(args):
    """`parallel` workers run curl against each URL in turn until `duration`
    (or `count` requests) is reached.  Prints totals and connect latencies."""
    deadline = time.monotonic() + args.duration
    lock = threading.Lock()
    res = {"ok": 0, "failed": 0, "connect": [], "total": []}
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
                ["curl", "-sS", "-o", "/dev/null", "--max-time", str(args.timeout),
                 "-w", "%{http_code} %{time_connect} %{time_total}", url],
                capture_output=True, text=True)
            out = p.stdout.split()
            with lock:
                if p.returncode == 0 and out and out[0] == "200":
                    res["ok"] += 1
                    res["connect"].append(float(out[1]))
                    res["total"].append(float(out[2]))
                else:
                    res["failed"] += 1
                    if args.verbose:
                        print("curl failed: rc=%d %s" % (p.returncode, p.stderr.strip()),
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

    n = res["ok"] + res["failed"]
    print("ok", res["ok"])
    print("failed", res["failed"])
    print("success_pct %.1f" % (100.0 * res["ok"] / n if n else 0))
    print("connect_p50_ms %.1f" % pct(res["connect"], 0.50))
    print("connect_p99_ms %.1f" % pct(res["connect"], 0.99))
    print("total_p50_ms %.1f" % pct(res["total"], 0.50))
    print("total_p99_ms %.1f" % pct(res["total"], 0.99))


# --- crafted frames ----------------------------------------------------------

def _raw_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    return s


def _l3(src, dst, **kw):
    from scapy.all import IP, IPv6
    if ":" in dst:
        return IPv6(src=src, dst=dst, **kw)
    return IP(src=src, dst=dst, **kw)


def _ether(args):
    from scapy.all import Ether
    return Ether(src=args.src_mac, dst=args.dst_mac)


def cmd_syn_probe(args):
    """Send one SYN with fixed ISN, ports and options; print the SYN-ACK that
    comes back (hex of the whole frame) and whether its checksums verify
    when recomputed by scapy, independently of the program that wrote them."""
    from scapy.all import TCP, Ether, IP, IPv6
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345678, 0)),
            ("NOP", None), ("WScale", 7)]
    syn = _ether(args) / _l3(args.src, args.dst) / TCP(
        sport=args.sport, dport=args.dport, flags="S", seq=args.isn, window=64240, options=opts)
    s = _raw_socket(args.iface)
    s.settimeout(0.2)
    s.send(bytes(syn))
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            frame = s.recv(65535)
        except socket.timeout:
            continue
        pkt = Ether(frame)
        if TCP not in pkt:
            continue
        t = pkt[TCP]
        if t.sport != args.dport or t.dport != args.sport or (t.flags & 0x12) != 0x12:
            continue
        l3 = pkt[IP] if IP in pkt else pkt[IPv6]
        l3_copy = l3.__class__(bytes(l3))
        csum_tcp = t.chksum
        t2 = l3_copy[TCP]
        del t2.chksum
        ip_ok = True
        if IP in pkt:
            ipc = IP(bytes(pkt[IP]))
            want = ipc.chksum
            del ipc.chksum
            ip_ok = IP(bytes(ipc)).chksum == want
        rebuilt = l3_copy.__class__(bytes(l3_copy))
        print("frame", frame.hex())
        print("seq", t.seq)
        print("ack", t.ack)
        print("tcp_csum_ok", int(rebuilt[TCP].chksum == csum_tcp))
        print("ip_csum_ok", int(ip_ok))
        print("options", ",".join(str(o[0]) for o in t.options))
        return
    print("frame none")
    sys.exit(1)


def malformed_cases(args):
    """Rows: (name, expected reason, frame).  Each row uses its own source
    port (args.sport_base + row) so a capture can tell them apart."""
    from scapy.all import TCP, Raw, IP, IPv6
    rows = []
    sp = args.sport_base
    v4, v6 = (args.src, args.dst), (args.src6, args.dst6)

    def add(name, reason, pkt):
        nonlocal sp
        rows.append((name, reason, sp, pkt))
        sp += 1

    def tcp(**kw):
        kw.setdefault("dport", args.dport)
        kw.setdefault("sport", sp)
        kw.setdefault("seq", 1000)
        kw.setdefault("window", 64240)
        return TCP(**kw)

    e = _ether(args)
    add("syn_fin", "drop_flags_syn_fin", e / IP(src=v4[0], dst=v4[1]) / tcp(flags="SF"))
    add("syn_rst", "drop_flags_syn_rst", e / IP(src=v4[0], dst=v4[1]) / tcp(flags="SR"))
    add("fin_rst", "drop_flags_fin_rst", e / IP(src=v4[0], dst=v4[1]) / tcp(flags="FRA"))
    add("null_flags", "drop_flags_none", e / IP(src=v4[0], dst=v4[1]) / tcp(flags=""))
    add("xmas", "drop_flags_no_ack", e / IP(src=v4[0], dst=v4[1]) / tcp(flags="FPU"))
    add("doff_4", "drop_tcp_doff", e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=4))
    add("doff_past_end", "drop_tcp_doff",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=15))
    add("port_zero", "drop_port_zero",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dport=0))
    add("martian_loopback", "drop_martian_src4",
        e / IP(src="127.0.0.1", dst=v4[1]) / tcp(flags="S"))
    add("martian_zero_net", "drop_martian_src4",
        e / IP(src="0.1.2.3", dst=v4[1]) / tcp(flags="S"))
    add("martian_multicast", "drop_martian_src4",
        e / IP(src="224.0.0.9", dst=v4[1]) / tcp(flags="S"))
    add("land", "drop_land", e / IP(src=v4[1], dst=v4[1]) / tcp(flags="S"))
    # Option bytes are given raw (dataofs=6: 4 option bytes) because scapy
    # would repair the lengths we want broken.
    add("opt_len_1", "drop_opt_len",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=6) / Raw(b"\x1e\x01\x01\x01"))
    # NOP NOP, then a timestamp option (length 10) starting 2 bytes before the end.
    add("opt_overrun", "drop_opt_overrun",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=6) / Raw(b"\x01\x01\x08\x0a"))
    add("mss_len_3", "drop_opt_fixed_len",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=6) / Raw(b"\x02\x03\x05\x00"))
    add("ws_len_4", "drop_opt_fixed_len",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", dataofs=6) / Raw(b"\x03\x04\x07\x00"))
    add("ip4_ihl_4", "drop_ip4_ihl", e / IP(src=v4[0], dst=v4[1], ihl=4) / tcp(flags="S"))
    add("ip4_totlen_long", "drop_ip4_totlen",
        e / IP(src=v4[0], dst=v4[1], len=400) / tcp(flags="S"))
    add("ip4_bad_csum_syn", "drop_ip4_csum",
        e / IP(src=v4[0], dst=v4[1], chksum=0x1234) / tcp(flags="S"))
    add("tcp_bad_csum_syn", "drop_tcp_csum",
        e / IP(src=v4[0], dst=v4[1]) / tcp(flags="S", chksum=0x1234))
    add("ip6_martian_loopback", "drop_martian_src6",
        e / IPv6(src="::1", dst=v6[1]) / tcp(flags="S"))
    add("ip6_martian_multicast", "drop_martian_src6",
        e / IPv6(src="ff02::1", dst=v6[1]) / tcp(flags="S"))
    add("ip6_syn_fin", "drop_flags_syn_fin", e / IPv6(src=v6[0], dst=v6[1]) / tcp(flags="SF"))
    add("ip6_paylen_long", "drop_ip6_paylen",
        e / IPv6(src=v6[0], dst=v6[1], plen=400) / tcp(flags="S"))
    return rows


NOISE_REASONS = ("pass_non_ip", "pass_non_tcp")


def _read_counters(cmd):
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True).stdout
    names = reason_names()
    res = {}
    for entry in json.loads(out):
        fmt = entry["formatted"]
        if fmt["key"] in names:
            res[names[fmt["key"]]] = sum(v["value"]["packets"] for v in fmt["values"])
    return res


def cmd_malformed(args):
    """List (--list) or send every malformed row once.  With --counters-cmd
    (a shell command printing `bpftool -j map dump` of synx_counters), send
    the rows one at a time and report each as a test case: the expected
    reason must grow by exactly one and no other reason may move."""
    rows = [(n, r, sp, bytes(p)) for n, r, sp, p in malformed_cases(args)]
    if args.list:
        for name, reason, sp, _ in rows:
            print(name, reason, sp)
        return
    s = _raw_socket(args.iface)
    for name, reason, sp, frame in rows:
        if not args.counters_cmd:
            s.send(frame)
            print("sent", name, reason, sp)
            continue
        before = _read_counters(args.counters_cmd)
        s.send(frame)
        deadline = time.monotonic() + 2
        while True:
            after = _read_counters(args.counters_cmd)
            # Non-TCP frames (IPv6 ND/MLD, ARP) from the lab's own kernels
            # may pass at any moment; they are not what this row is about.
            moved = {k: after[k] - before.get(k, 0) for k in after
                     if after[k] != before.get(k, 0) and k not in NOISE_REASONS}
            if moved or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        tname = "%s %s dropped as %s" % (args.tag, name, reason)
        if moved == {reason: 1}:
            print("ok -", tname)
        else:
            got = ", ".join("%s+%d" % kv for kv in sorted(moved.items())) or "no counter moved"
            print("not ok - %s: expected %s+1, got %s" % (tname, reason, got))


def cmd_control_syn(args):
    """One well-formed SYN to a port with no listener: must reach the server."""
    from scapy.all import TCP
    pkt = _ether(args) / _l3(args.src, args.dst) / TCP(
        sport=args.sport, dport=args.dport, flags="S", seq=1000, options=[("MSS", 1460)])
    _raw_socket(args.iface).send(bytes(pkt))


def _csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _template(src_mac, dst_mac, src, dst, sport, dport, seq, ack, flags, opts=b""):
    """A complete IPv4/TCP frame with correct checksums, built with struct:
    fast enough to make thousands of distinct flood frames per second."""
    doff = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 64240, 0, 0) + opts
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    c = _csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0x4000,
                     64, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
    eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) \
        + b"\x08\x00"
    return eth + ip + tcp


def cmd_flood(args):
    """Bounded spoofed flood: SYN, ACK (random cookies) or RST, from random
    sources in --src-net, stopped at --count frames or --duration seconds."""
    net = ipaddress.ip_network(args.src_net)
    rnd = random.Random(args.seed)
    flags = {"syn": 0x02, "ack": 0x10, "rst": 0x04}[args.kind]
    opts = struct.pack("!BBH", 2, 4, 1460) if args.kind == "syn" else b""
    frames = []
    for _ in range(min(args.count, args.templates)):
        src = str(net[rnd.randrange(1, net.num_addresses - 1)])
        frames.append(_template(args.src_mac, args.dst_mac, src, args.dst,
                                rnd.randrange(1024, 65535), args.dport,
                                rnd.getrandbits(32), rnd.getrandbits(32) if flags != 0x02 else 0,
                                flags, opts))
    s = _raw_socket(args.iface)
    sent = 0
    deadline = time.monotonic() + args.duration
    gap = 1.0 / args.rate if args.rate else 0
    next_t = time.monotonic()
    n = len(frames)
    while sent < args.count:
        if (sent & 255) == 0 and time.monotonic() >= deadline:
            break
        if gap:
            now = time.monotonic()
            if now < next_t:
                time.sleep(next_t - now)
            next_t += gap
        try:
            s.send(frames[sent % n])
            sent += 1
        except BlockingIOError:
            pass
        except OSError as e:  # ENOBUFS: the qdisc is full; back off briefly
            if e.errno != 105:
                raise
            time.sleep(0.0005)
    print("sent", sent)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("counters").set_defaults(fn=cmd_counters)

    s = sub.add_parser("json-counter")
    s.add_argument("name")
    s.set_defaults(fn=cmd_json_counter)

    s = sub.add_parser("echo-server")
    s.add_argument("--bind", action="append", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--backlog", type=int, default=128)
    s.set_defaults(fn=cmd_echo_server)

    s = sub.add_parser("connect")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--bytes", type=int, default=1000)
    s.add_argument("--timeout", type=float, default=5)
    s.set_defaults(fn=cmd_connect)

    s = sub.add_parser("sink-server")
    s.add_argument("--bind", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--bytes", type=int, required=True)
    s.set_defaults(fn=cmd_sink_server)

    s = sub.add_parser("stream-client")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("--bytes", type=int, required=True)
    s.set_defaults(fn=cmd_stream_client)

    s = sub.add_parser("http-clients")
    s.add_argument("url", nargs="+")
    s.add_argument("--duration", type=float, default=10)
    s.add_argument("--count", type=int, default=1 << 30)
    s.add_argument("--parallel", type=int, default=2)
    s.add_argument("--timeout", type=float, default=5)
    s.add_argument("--verbose", action="store_true")
    s.set_defaults(fn=cmd_http_clients)

    def frame_args(s):
        s.add_argument("--iface", required=True)
        s.add_argument("--src-mac", required=True)
        s.add_argument("--dst-mac", required=True)

    s = sub.add_parser("syn-probe")
    frame_args(s)
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--sport", type=int, default=40001)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("--isn", type=int, default=0x01020304)
    s.add_argument("--timeout", type=float, default=3)
    s.set_defaults(fn=cmd_syn_probe)

    s = sub.add_parser("malformed")
    frame_args(s)
    for a in ("--src", "--dst", "--src6", "--dst6"):
        s.add_argument(a, required=True)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("--sport-base", type=int, default=41000)
    s.add_argument("--list", action="store_true")
    s.add_argument("--counters-cmd")
    s.add_argument("--tag", default="malformed")
    s.set_defaults(fn=cmd_malformed)

    s = sub.add_parser("control-syn")
    frame_args(s)
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--sport", type=int, required=True)
    s.add_argument("--dport", type=int, required=True)
    s.set_defaults(fn=cmd_control_syn)

    s = sub.add_parser("flood")
    frame_args(s)
    s.add_argument("--kind", choices=("syn", "ack", "rst"), required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("--src-net", default="198.18.128.0/17")
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--duration", type=float, required=True)
    s.add_argument("--rate", type=float, default=0, help="frames/s; 0 = as fast as possible")
    s.add_argument("--templates", type=int, default=4096)
    s.add_argument("--seed", type=int, default=1)
    s.set_defaults(fn=cmd_flood)

    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
