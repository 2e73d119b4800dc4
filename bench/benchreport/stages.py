# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Where a SYN's time goes in synx: differences of the micro-benchmark's stage rows."""

def stage_rows(mic):
    """Differences of the SYN v4 stage rows: (label, ns of medians, ns of minima)."""
    st = [mic.get(n) for n in ('stage-syn4-flags-only', 'stage-syn4-unprotected',
                               'stage-syn4-bad-tcp-csum', 'stage-syn4-no-listener',
                               'stage-syn4-declined', 'syn4-linux')]
    if not all(st):
        return []
    v = [x['net'][0] for x in st]
    lo = [x['net'][1] for x in st]
    names = ['Ethernet/IPv4/TCP parse and flag checks (stops at a bad flag)',
             '+ option walk (bpf_loop) and port policy',
             '+ IPv4 and TCP checksum verification',
             '+ listener lookup (`bpf_skc_lookup_tcp`, a miss here)',
             '+ lookup hit and the kernel\'s cookie policy check (declines)',
             '+ cookie (`bpf_tcp_gen_syncookie`) and SYN-ACK rewrite, resize, checksums']
    out = [(n, v[i] - (v[i - 1] if i else 0), lo[i] - (lo[i - 1] if i else 0))
           for i, n in enumerate(names)]
    own = mic.get('syn4-linux-own')
    if own:
        out.append(('own cookies instead: + SipHash-2-4 MAC and the own cookie\'s option '
                    'encoding, the kernel\'s cookie still computed for its policy '
                    '(`syn4-linux-own` − `syn4-linux`)', own['net'][0] - v[5],
                    own['net'][1] - lo[5]))
    out.append(('total (kernel cookies)', v[5], lo[5]))
    return out
