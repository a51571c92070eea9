#!/usr/bin/python3
"""A BitTorrent seed that lies, for CorruptPeerIT: it claims every piece of the torrents it is
given (BEP 6 have-all) and answers every block request with random bytes.

It listens on --listen (an address of its own, e.g. 127.0.0.3), announces each torrent to
--tracker from that address as a seed, and serves whoever connects. With --agent it also dials
that peer port once a second with a fresh peer id each time, as a banned peer would come back,
and logs whether it got a handshake back:

  READY port=<port>
  ANNOUNCED <info hash hex> status=<http status>
  SERVED <host:port> blocks=<n>
  DIAL <n> answered
  DIAL <n> refused

Everything stops after --time seconds. Standard library only.
"""
import argparse
import http.client
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

PROTOCOL = b"\x13BitTorrent protocol"
RESERVED = b"\x00\x00\x00\x00\x00\x00\x00\x04"  # fast extension
MAX_BLOCK = 128 * 1024


def log(line):
    print(line, flush=True)


def peer_id():
    return b"-XX0001-" + os.urandom(6).hex().encode()[:12]


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def lie(sock, label, handshake_rest=0):
    """Reads what is left of the other side's handshake, sends have-all and unchoke, then answers
    every request with random bytes until the connection ends."""
    blocks = 0
    try:
        sock.settimeout(30)
        if handshake_rest:
            read_exactly(sock, handshake_rest)
        sock.sendall(struct.pack(">IB", 1, 14) + struct.pack(">IB", 1, 1))  # have all, unchoke
        while True:
            (length,) = struct.unpack(">I", read_exactly(sock, 4))
            if length == 0:
                continue
            body = read_exactly(sock, length)
            if body[0] == 6 and length == 13:
                index, begin, size = struct.unpack(">III", body[1:13])
                if size > MAX_BLOCK:
                    break
                sock.sendall(struct.pack(">IBII", 9 + size, 7, index, begin) + os.urandom(size))
                blocks += 1
    except (OSError, ConnectionError):
        pass
    finally:
        log("SERVED %s blocks=%d" % (label, blocks))
        sock.close()


def serve(sock, address, torrents):
    """An incoming connection: its handshake, ours, then lies."""
    try:
        sock.settimeout(30)
        theirs = read_exactly(sock, 68)
        if theirs[28:48] not in torrents:
            sock.close()
            return
        sock.sendall(PROTOCOL + RESERVED + theirs[28:48] + peer_id())
    except (OSError, ConnectionError):
        sock.close()
        return
    lie(sock, "%s:%d" % address)


def announce(tracker, source, port, info_hash):
    url = urllib.parse.urlsplit(tracker)
    query = urllib.parse.urlencode(
        {
            "info_hash": info_hash,
            "peer_id": peer_id(),
            "port": port,
            "uploaded": 0,
            "downloaded": 0,
            "left": 0,
            "event": "started",
            "compact": 1,
        }
    )
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", url.path.rstrip("/") + "/announce?" + query)
        return conn.getresponse().status
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--tracker", required=True)
    p.add_argument("--torrent", action="append", required=True, help="info hash, hex")
    p.add_argument("--agent", help="host:port of a peer port to dial back")
    p.add_argument("--time", type=float, default=120)
    a = p.parse_args()
    torrents = {bytes.fromhex(h) for h in a.torrent}
    end = time.time() + a.time

    server = socket.socket()
    server.bind((a.listen, 0))
    server.listen(64)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    for h in a.torrent:
        log("ANNOUNCED %s status=%d" % (h, announce(a.tracker, a.listen, port, bytes.fromhex(h))))
    log("READY port=%d" % port)

    def dial():
        host, agent_port = a.agent.rsplit(":", 1)
        n = 0
        first = bytes.fromhex(a.torrent[0])
        while time.time() < end:
            n += 1
            sock = socket.socket()
            sock.bind((a.listen, 0))
            try:
                sock.settimeout(3)
                sock.connect((host, int(agent_port)))
                sock.sendall(PROTOCOL + RESERVED + first + peer_id())
                answer = sock.recv(68)
            except OSError:
                answer = b""
            if answer:
                log("DIAL %d answered" % n)
                threading.Thread(
                    target=lie, args=(sock, a.agent, 68 - len(answer)), daemon=True
                ).start()
            else:
                log("DIAL %d refused" % n)
                sock.close()
            time.sleep(1)

    if a.agent:
        threading.Thread(target=dial, daemon=True).start()
    while time.time() < end:
        try:
            conn, address = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, address, torrents), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
