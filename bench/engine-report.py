#!/usr/bin/python3
"""Turns engine-bench's result rows into a Markdown table and a JSON file.

usage: engine-report.py ROWS.tsv OUT.md OUT.json ENV_JSON

ROWS.tsv columns (tab-separated, empty = unknown):
  case client status wall_s bytes user_s sys_s maxrss_kb ttfb_ms inproc_ms load note cpu_ms
  ttfb_median_ms ttfb_max_ms
MB/s is 10^6 bytes per second of leecher wall time (process start to all files complete).
cpu_ms, when set, is the CPU figure (the leecher measured itself); else user_s + sys_s.
"""
import json
import sys

FIELDS = ['case', 'client', 'status', 'wall_s', 'bytes', 'user_s', 'sys_s', 'maxrss_kb', 'ttfb_ms',
          'inproc_ms', 'load', 'note', 'cpu_ms', 'ttfb_median_ms', 'ttfb_max_ms']
GIB = 1024 ** 3


def num(s):
    try:
        return float(s) if s not in ('', None) else None
    except ValueError:
        return None


def fmt(x, digits=1):
    return '–' if x is None else ('%.*f' % (digits, x))


def main():
    rows_path, md_path, json_path, env_json = sys.argv[1:5]
    env = json.loads(env_json)
    results = []
    with open(rows_path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            parts += [''] * (len(FIELDS) - len(parts))
            r = dict(zip(FIELDS, parts))
            wall, size = num(r['wall_s']), num(r['bytes'])
            user, sys_ = num(r['user_s']), num(r['sys_s'])
            inproc = num(r['inproc_ms'])
            ok = r['status'] == 'ok'
            cpu = (user + sys_) if user is not None and sys_ is not None else None
            if num(r['cpu_ms']) is not None:
                cpu = num(r['cpu_ms']) / 1000
            results.append({
                'case': r['case'], 'client': r['client'], 'status': r['status'],
                'bytes': int(size) if size else None,
                'wall_s': wall if ok else None,
                'mb_per_s': size / 1e6 / wall if ok and wall else None,
                'mb_per_s_after_startup': size / 1e6 / (inproc / 1000) if ok and inproc else None,
                'cpu_s': cpu,
                'cpu_s_per_gib': cpu / (size / GIB) if ok and cpu is not None and size else None,
                'max_rss_mib': num(r['maxrss_kb']) / 1024 if num(r['maxrss_kb']) else None,
                'ttfb_ms': num(r['ttfb_ms']),
                'ttfb_median_ms': num(r['ttfb_median_ms']),
                'ttfb_max_ms': num(r['ttfb_max_ms']),
                'process_user_s': user, 'process_sys_s': sys_,
                'loadavg_1m_at_start': num(r['load']),
                'note': r['note'],
            })

    lines = ['# Engine benchmark (%s mode)' % env.get('mode', '?'), '']
    lines.append('Loopback, one seeder and one leecher of the same client, opentracker as tracker. '
                 'The leecher is measured: wall time from process start to every file complete, '
                 'user+sys CPU and max RSS of its process (`/usr/bin/time`; our leecher reads both '
                 'from /proc when its first download completes, JVM start-up and JIT included). '
                 'MB/s = 10^6 B/s. "after start-up" uses the time from adding the torrents '
                 '(excludes JVM/interpreter start). TTFB (our engine) = first byte of '
                 '`Torrent.openStream(0)` after that torrent\'s `download()`: of the first torrent, '
                 'and the median / max over all torrents. "(warm)" rows: the same leecher process '
                 'downloads the same torrents again after removing them (JIT warm, seeder warm, as '
                 'in a long-running agent); their time, CPU and TTFB are that download\'s alone, their '
                 'RSS the process\'s peak. Load = 1-minute load average when the run started (the '
                 'machine is shared).')
    lines.append('')
    lines.append('| case | client | status | wall s | MB/s | MB/s after start-up | CPU s | CPU s/GiB | '
                 'max RSS MiB | TTFB ms | TTFB median / max ms | load | note |')
    lines.append('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    sizes = {}
    for r in results:
        if r['bytes']:
            sizes[r['case']] = r['bytes']
        spread = ('–' if r['ttfb_median_ms'] is None
                  else '%s / %s' % (fmt(r['ttfb_median_ms'], 0), fmt(r['ttfb_max_ms'], 0)))
        lines.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r['case'], r['client'], r['status'], fmt(r['wall_s'], 2), fmt(r['mb_per_s']),
            fmt(r['mb_per_s_after_startup']), fmt(r['cpu_s'], 2), fmt(r['cpu_s_per_gib'], 2),
            fmt(r['max_rss_mib'], 0), fmt(r['ttfb_ms'], 1), spread,
            fmt(r['loadavg_1m_at_start'], 2), r['note'].replace('|', '/')))
    lines.append('')
    lines.append('Cases: ' + ', '.join('%s = %d B in total' % (c, b) for c, b in sizes.items()) + '.')
    lines.append('')
    lines.append('Environment: ' + ', '.join('%s: %s' % (k, v) for k, v in env.items()))
    lines.append('')
    with open(md_path, 'w') as f:
        f.write('\n'.join(lines))
    with open(json_path, 'w') as f:
        json.dump({'environment': env, 'results': results}, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
