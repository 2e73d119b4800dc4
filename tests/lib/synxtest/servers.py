# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Real TCP servers for the veth lab: an echo server (every family it is
given, one port) and a sink that hashes one connection's bytes."""

import hashlib
import socket
import threading


def _family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


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
    c.sendall(('%d %s\n' % (n, h.hexdigest())).encode())
    c.close()



def register(sub):
    s = sub.add_parser('echo-server', help='threaded echo server, one listener per --bind')
    s.add_argument('--bind', action='append', required=True)
    s.add_argument('--port', type=int, required=True)
    s.add_argument('--backlog', type=int, default=128)
    s.set_defaults(fn=cmd_echo_server)

    s = sub.add_parser('sink-server', help='accept one connection, hash what it sends')
    s.add_argument('--bind', required=True)
    s.add_argument('--port', type=int, required=True)
    s.add_argument('--bytes', type=int, required=True)
    s.set_defaults(fn=cmd_sink_server)
