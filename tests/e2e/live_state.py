#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Listeners with their own receive settings, and a timed upload, for
tests/e2e/test_live_state.

  live_state.py serve --port P --bytes N [--rcvbuf B] [--window-clamp C]
      one listener (IPv4 and IPv6) with SO_RCVBUF / TCP_WINDOW_CLAMP set
      before listen(), as a server tuned that way would; every connection
      reads N bytes, answers one byte, and closes.  Prints "listening".
  live_state.py upload HOST PORT --bytes N [--hold S]
      connect, send N bytes, wait for the server's byte; prints
      "secs T" timed inside this process, from connect() to that byte (an
      interpreter start-up would otherwise dominate).  --hold S keeps the
      connection open S seconds first, so that `ss` can read it; with
      --bytes 0 it only holds the connection, then closes it.
"""
import argparse
import socket
import sys
import threading
import time

TCP_WINDOW_CLAMP = 10  # linux/tcp.h


def cmd_serve(args):
    socks = []
    for fam, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if args.rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
        if args.window_clamp:
            s.setsockopt(socket.IPPROTO_TCP, TCP_WINDOW_CLAMP, args.window_clamp)
        s.bind((host, args.port))
        s.listen(64)
        socks.append(s)

    def serve(conn):
        with conn:
            got = 0
            while got < args.bytes:
                b = conn.recv(1 << 20)
                if not b:
                    return
                got += len(b)
            conn.sendall(b"k")

    def loop(s):
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    threading.Thread(target=loop, args=(socks[1],), daemon=True).start()
    print("listening", flush=True)
    loop(socks[0])


def cmd_upload(args):
    block = b"x" * (1 << 20)
    left = args.bytes
    t0 = time.monotonic()
    with socket.create_connection((args.host, args.port), timeout=30) as s:
        if args.hold:
            time.sleep(args.hold)
        if not left:
            return
        while left:
            n = min(left, len(block))
            s.sendall(block[:n])
            left -= n
        if s.recv(1) != b"k":
            print("error no answer")
            sys.exit(1)
    print("secs %.4f" % (time.monotonic() - t0))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--bytes", type=int, required=True)
    s.add_argument("--rcvbuf", type=int, default=0)
    s.add_argument("--window-clamp", type=int, default=0)
    s.set_defaults(fn=cmd_serve)
    s = sub.add_parser("upload")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("--bytes", type=int, required=True)
    s.add_argument("--hold", type=float, default=0)
    s.set_defaults(fn=cmd_upload)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
