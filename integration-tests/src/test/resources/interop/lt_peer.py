#!/usr/bin/python3
"""A libtorrent (python3-libtorrent, Debian) peer for LayerSwarm's interop tests and engine benchmark.

Seeds or leeches one or more single-file .torrent files in DIR on 127.0.0.1, prints progress, and
exits 0 when done:
  leech: exits 0 once every torrent is complete (prints "COMPLETE ...").
  seed:  checks the files in DIR, prints "SEEDING" once every torrent is a seed, then seeds until
         SIGTERM/SIGINT (exit 0) or --timeout.
Any other outcome exits non-zero: 2 = timeout, 3 = a torrent error, 1 = bad arguments.

Every loop is bounded by --timeout. No DHT, LSD, UPnP, NAT-PMP or uTP; TCP on loopback only.
Run it with Debian's interpreter (/usr/bin/python3): a pyenv or venv python lacks the module.

Output lines (one per event, flushed):
  READY port=<listen port>                  the session listens and the torrents are added
  SEEDING                                   (seed) every torrent is checked and seeding
  PROGRESS <done>/<total> rate=<B/s> peers=<n>
  ALERT <type>: <message>                   errors and tracker/peer events worth seeing in a log
  COMPLETE elapsed_ms=<ms since the torrents were added> at_ms=<unix time in ms> bytes=<total>
"""

import argparse
import signal
import sys
import time

try:
    import libtorrent as lt
except ImportError as e:  # pragma: no cover - environment problem, said clearly
    print("FATAL cannot import libtorrent (install python3-libtorrent, run /usr/bin/python3): %s" % e,
          flush=True)
    sys.exit(4)


def out(line):
    print(line, flush=True)


def settings(port, high_performance, encryption):
    base = lt.high_performance_seed() if high_performance else {}
    s = dict(base)
    s.update({
        'listen_interfaces': '127.0.0.1:%d' % port,
        'outgoing_interfaces': '',
        # Private, local swarms: none of the discovery or port-mapping machinery.
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        # TCP only. uTP on loopback competes with TCP and libtorrent throttles it (delay based).
        'enable_outgoing_utp': False,
        'enable_incoming_utp': False,
        # Seeder and leecher are both 127.0.0.1: let several connections from one IP through.
        'allow_multiple_connections_per_ip': True,
        # Local peers are never rate limited by the global limits (the default, stated here).
        'ignore_limits_on_local_network': True,
        # Every torrent active at once (the default would run 3 downloads and 5 seeds).
        'active_downloads': -1,
        'active_seeds': -1,
        'active_limit': 2000,
        'active_checking': 4,
        'dont_count_slow_torrents': False,
        # Announce at once and connect at once; a tracker on 127.0.0.1 is fine for ssrf mitigation
        # as long as its path ends in /announce.
        'smooth_connects': False,
        'connection_speed': 200,
        'min_announce_interval': 1,
        'alert_mask': (lt.alert.category_t.error_notification
                       | lt.alert.category_t.status_notification
                       | lt.alert.category_t.tracker_notification
                       | lt.alert.category_t.connect_notification
                       | lt.alert.category_t.peer_notification),
        'user_agent': 'layerswarm-interop/libtorrent-' + lt.__version__,
    })
    if encryption == 'disabled':
        s['out_enc_policy'] = int(lt.enc_policy.disabled)
        s['in_enc_policy'] = int(lt.enc_policy.disabled)
    elif encryption == 'forced':
        s['out_enc_policy'] = int(lt.enc_policy.forced)
        s['in_enc_policy'] = int(lt.enc_policy.forced)
    return s


# Alerts worth a log line. Peer connect/disconnect lines are what show a protocol disagreement.
LOGGED_ALERTS = (
    'tracker_error_alert', 'tracker_warning_alert', 'tracker_reply_alert', 'tracker_announce_alert',
    'scrape_failed_alert', 'peer_error_alert', 'peer_disconnected_alert', 'peer_connect_alert',
    'incoming_connection_alert', 'peer_ban_alert', 'hash_failed_alert', 'torrent_error_alert',
    'file_error_alert', 'listen_failed_alert', 'listen_succeeded_alert', 'torrent_finished_alert',
    'invalid_request_alert', 'peer_blocked_alert', 'fastresume_rejected_alert',
    'torrent_checked_alert', 'metadata_failed_alert',
)
FATAL_ALERTS = ('torrent_error_alert', 'file_error_alert', 'listen_failed_alert')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--mode', choices=('seed', 'leech'), required=True)
    p.add_argument('--torrent', action='append', required=True, help='a .torrent file (repeatable)')
    p.add_argument('--dir', required=True, help='save path: holds <info name> for each torrent')
    p.add_argument('--port', type=int, default=0, help='listen port on 127.0.0.1 (0: any)')
    p.add_argument('--peer', action='append', default=[],
                   help='host:port to connect to directly, in addition to the tracker (repeatable)')
    p.add_argument('--timeout', type=float, default=120.0, help='seconds before giving up (exit 2)')
    p.add_argument('--progress-interval', type=float, default=1.0)
    p.add_argument('--high-performance', action='store_true',
                   help='start from libtorrent\'s high_performance_seed() settings')
    p.add_argument('--encryption', choices=('default', 'disabled', 'forced'), default='default',
                   help='MSE/PE policy: libtorrent default (enabled, plaintext fallback), off, or forced')
    p.add_argument('--max-alert-lines', type=int, default=2000,
                   help='cap on ALERT lines so a flapping peer cannot fill the disk')
    args = p.parse_args()

    deadline = time.monotonic() + args.timeout
    stopping = {'flag': False}

    def on_signal(signum, frame):
        stopping['flag'] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ses = lt.session(settings(args.port, args.high_performance, args.encryption))
    handles = []
    total = 0
    for path in args.torrent:
        ti = lt.torrent_info(path)
        total += ti.total_size()
        atp = lt.add_torrent_params()
        atp.ti = ti
        atp.save_path = args.dir
        # Not auto-managed: every torrent runs at once, never queued.
        atp.flags &= ~lt.torrent_flags.auto_managed
        atp.flags &= ~lt.torrent_flags.paused
        atp.flags |= lt.torrent_flags.disable_dht | lt.torrent_flags.disable_lsd | lt.torrent_flags.disable_pex
        handles.append(ses.add_torrent(atp))
    added = time.monotonic()

    # Wait for the listen socket so READY names the real port.
    port = 0
    while port == 0 and time.monotonic() < deadline:
        port = ses.listen_port()
        if port == 0:
            time.sleep(0.05)
    out('READY port=%d torrents=%d bytes=%d libtorrent=%s' % (port, len(handles), total, lt.__version__))

    for peer in args.peer:
        host, _, pport = peer.rpartition(':')
        for h in handles:
            h.connect_peer((host, int(pport)))

    alert_lines = 0
    last_progress = 0.0
    announced_seeding = False
    rc = None
    while rc is None:
        now = time.monotonic()
        if stopping['flag']:
            out('STOPPING on signal')
            rc = 0
            break
        if now > deadline:
            out('TIMEOUT after %.1f s' % args.timeout)
            rc = 2
            break
        for a in ses.pop_alerts():
            name = type(a).__name__
            if name in LOGGED_ALERTS and alert_lines < args.max_alert_lines:
                alert_lines += 1
                out('ALERT %s: %s' % (name, a.message()))
            if name in FATAL_ALERTS:
                out('FATAL %s: %s' % (name, a.message()))
                rc = 3
        if rc is not None:
            break
        statuses = [h.status() for h in handles]
        done = sum(st.total_wanted_done for st in statuses)
        if now - last_progress >= args.progress_interval:
            last_progress = now
            out('PROGRESS %d/%d rate=%d peers=%d states=%s' % (
                done, total, sum(st.download_payload_rate for st in statuses),
                sum(st.num_peers for st in statuses),
                ','.join(sorted({str(st.state) for st in statuses}))))
        if all(st.is_seeding for st in statuses):
            if args.mode == 'leech':
                out('COMPLETE elapsed_ms=%d at_ms=%d bytes=%d' % (
                    int((time.monotonic() - added) * 1000), int(time.time() * 1000), total))
                rc = 0
                break
            if not announced_seeding:
                announced_seeding = True
                # Announce now that the check is done, so the tracker lists us as a seed.
                for h in handles:
                    h.force_reannounce()
                out('SEEDING bytes=%d' % total)
        ses.wait_for_alert(100)

    # Bounded shutdown: tell the tracker we stopped, but never wait long for it.
    for h in handles:
        try:
            ses.remove_torrent(h)
        except Exception:  # already gone: nothing to do
            pass
    del ses
    return rc


if __name__ == '__main__':
    sys.exit(main())
