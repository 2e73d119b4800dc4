# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Where a SYN's time goes in synx: differences of the micro-benchmark's
stage rows, and what the delivery checks (bpf/owner.h) cost, from the rows
that end in them and the pieces timed alone (bench_parts.bpf.c)."""

# What the delivery checks may cost in the common case: a SYN to a local
# address on a device that does not forward (MAC, forwarding flag, one probe).
DELIVERY_BUDGET_NS = 15


def stage_rows(mic):
    """Differences of the SYN v4 stage rows: (label, ns of medians, ns of minima)."""
    st = [mic.get(n) for n in ('stage-syn4-flags-only', 'stage-syn4-unprotected',
                               'stage-syn4-bad-tcp-csum', 'stage-syn4-no-listener',
                               'stage-syn4-declined', 'syn4-linux')]
    if not all(st):
        return []
    v = [x['net'][0] for x in st]
    lo = [x['net'][1] for x in st]
    names = ['Ethernet/IPv4/TCP parse and flag checks (stops at a bad flag), after the MAC '
             'compare and the forwarding flag',
             '+ option walk (bpf_loop) and port policy',
             '+ IPv4 and TCP checksum verification',
             '+ listener lookup (`bpf_skc_lookup_tcp`, a miss here) and the destination\'s '
             'address-table probe',
             '+ lookup hit and the listener\'s queues read from the kernel (its policy: '
             'declines)',
             '+ cookie (`bpf_tcp_gen_syncookie`) and SYN-ACK rewrite, resize, checksums']
    out = [(n, v[i] - (v[i - 1] if i else 0), lo[i] - (lo[i - 1] if i else 0))
           for i, n in enumerate(names)]
    own = mic.get('syn4-linux-own')
    if own:
        out.append(('own cookies instead: the SipHash-2-4 MAC and the own cookie\'s option '
                    'encoding in place of the kernel\'s cookie (`syn4-linux-own` − '
                    '`syn4-linux`)', own['net'][0] - v[5], own['net'][1] - lo[5]))
    out.append(('total (kernel cookies)', v[5], lo[5]))
    return out


def common_case(mic):
    """The delivery checks of a SYN to a local address on a device that does not
    forward, timed alone (part-deliver4): (median, min, max), or None."""
    m = mic.get('part-deliver4')
    return m['net'] if m else None


def delivery_stage_rows(mic):
    """The stage table's delivery lines: (label, ns of medians, ns of minima)."""
    out = []
    cc = common_case(mic)
    if cc:
        verdict = 'met' if cc[0] <= DELIVERY_BUDGET_NS else '**missed**'
        out.append((f'of all the above, the delivery checks of this common case (a local '
                    f'destination, a device that does not forward), timed alone '
                    f'(`part-deliver4`): budget ≤ {DELIVERY_BUDGET_NS} ns, {verdict}',
                    cc[0], cc[1]))
    for name, label in (('part-deliver-mac', 'the destination MAC against the device\'s'),
                        ('part-deliver-fwd-flag', 'the device\'s forwarding flag'),
                        ('part-deliver-addr4', 'one probe of the namespace\'s address table')):
        m = mic.get(name)
        if m:
            out.append((f'— of which {label} (`{name}`)', m['net'][0], m['net'][1]))
    return out


# The rows that end in (or pass by) a delivery check, each with the row it
# is best read against: (row, what it is, that row or None).
DELIVERY_PAIRS = [
    ('deliver-syn4-not-local', 'SYN v4 to an address no device holds', 'stage-syn4-bad-tcp-csum'),
    ('deliver-syn6-not-local', 'SYN v6 to an address no device holds', None),
    ('deliver-ack4-not-local', 'bad-cookie ACK v4 to an address no device holds',
     'ack4-bad-cookie'),
    ('deliver-ack6-not-local', 'bad-cookie ACK v6 to an address no device holds',
     'ack6-bad-cookie'),
    ('deliver-syn4-not-host', 'SYN v4 to another host\'s MAC', 'stage-syn4-flags-only'),
    ('est4-data', 'established data v4 (device not forwarding)', 'deliver-est4-data-fwd'),
    ('deliver-syn4-fwd', 'SYN v4 to a local address, device forwarding (the early check)',
     'syn4-linux'),
    ('deliver-syn6-fwd', 'SYN v6 to a local address, device forwarding', 'syn6-linux'),
    ('deliver-syn4-fwd-not-local', 'SYN v4 to an address no device holds, device forwarding',
     'stage-syn4-flags-only'),
]


def delivery_rows(mic):
    """(row, what, its figure, compared row or None, difference of medians, of minima)."""
    out = []
    for name, what, base in DELIVERY_PAIRS:
        m, b = mic.get(name), mic.get(base) if base else None
        if not m:
            continue
        if b:
            out.append((name, what, m, base, m['net'][0] - b['net'][0],
                        m['net'][1] - b['net'][1]))
        else:
            out.append((name, what, m, None, None, None))
    return out


def delivery_diff(mic, a, b):
    """Row a minus row b, medians, or None."""
    x, y = mic.get(a), mic.get(b)
    return x['net'][0] - y['net'][0] if x and y else None
