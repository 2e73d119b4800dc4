# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The contract between the XDP program, the loader and the tests, read from
include/ (and the kernel's enum xdp_action from linux/bpf.h) rather than
re-typed, so that a test cannot drift from what the program was built with.

  REASONS         {'TX_SYNACK_COOKIE': 13, ...}   (enum synx_reason, SYNX_R_ dropped)
  REASON_NAMES    {13: 'TX_SYNACK_COOKIE', ...}
  REASON_MAX      __SYNX_REASON_MAX
  VERDICT         {'aborted': 0, 'drop': 1, 'pass': 2, 'tx': 3, 'redirect': 4}
  F               {'ALL_PORTS': 1, ...}           (SYNX_F_*)
  K               {'DEVICE': 1, ...}              (SYNX_K_*: synx_state.kernel)
  CONFIG_VERSION  SYNX_CONFIG_VERSION
  CONFIG_FIELDS   field names of struct synx_config, in order
  DEFAULTS        the built-in configuration (SYNX_DEFAULT_*), as a config dict
  COOKIE_KERNEL, COOKIE_OWN, NOLISTEN_PASS, NOLISTEN_DROP
  OWN             the own cookie's layout (SYNX_OWN_*, without the prefix)
  MSS_TABLE       {4: [536, ...], 6: [1220, ...]}  (SYNX_OWN_MSS4/6)
  PERIOD_SHIFT    SYNX_COOKIE_PERIOD_SHIFT
  CLOCK_BOOT, CLOCK_TAI, CLOCK_SKEW_NS   the own-cookie clocks (synx_config.h)
  META_MAGIC      SYNX_META_MAGIC
  META            struct.Struct of struct synx_meta (host byte order)
"""

import os
import re
import struct

from . import ROOT

INCLUDE = os.path.join(ROOT, 'include')
_C_TYPES = {'__u8': 'B', '__u16': 'H', '__u32': 'I', '__u64': 'Q', '__s64': 'q'}


def _read(name):
    with open(os.path.join(INCLUDE, name)) as f:
        # Comments out: they hold example expressions, not definitions.
        text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
        return re.sub(r'//[^\n]*', '', text)


def _defines(text, known):
    """Every object-like #define whose value is an integer expression over
    numbers and names already known; resolved in order of appearance."""
    out = {}
    for name, expr in re.findall(r'^#define\s+(\w+)[ \t]+([^\n\\]+)$', text, re.M):
        expr = expr.strip()
        if expr.startswith('"'):
            out[name] = expr.strip('"')
            continue
        py = re.sub(r'\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b', r'\1', expr)
        names = re.findall(r'\b[A-Za-z_]\w*\b', py)
        env = dict(known, **out)
        if any(n not in env for n in names):
            continue
        try:
            out[name] = eval(py, {'__builtins__': {}}, env)  # noqa: S307 (our own headers)
        except (SyntaxError, TypeError, NameError):
            continue
    return out


def _enum(text, name):
    """{enumerator: value} of `enum name { ... }`, implicit values counted on."""
    body = re.search(r'enum\s+' + name + r'\s*\{(.*?)\}', text, re.S).group(1)
    out, nxt = {}, 0
    for m in re.finditer(r'(\w+)\s*(?:=\s*(\w+))?\s*,?', body):
        if m.group(2) is not None:
            nxt = int(m.group(2), 0)
        out[m.group(1)] = nxt
        nxt += 1
    return out


def _struct(text, name, consts):
    """(struct.Struct in host order, field names) of a struct of fixed-width
    fields; arrays become one field per element (name[i])."""
    body = re.search(r'struct\s+' + name + r'\s*\{(.*?)\};', text, re.S).group(1)
    fmt, fields, off = '=', [], 0
    for ctype, fname, n in re.findall(r'(__[us]\d+)\s+(\w+)(?:\[(\w+)\])?\s*;', body):
        code = _C_TYPES[ctype]
        size = struct.calcsize('=' + code)
        if off % size:  # natural alignment, as the C compilers lay it out
            fmt += f'{size - off % size}x'
            off += size - off % size
        count = int(consts.get(n, n)) if n else 1
        fmt += code * count
        off += size * count
        fields += [fname] if not n else [f'{fname}[{i}]' for i in range(count)]
    return struct.Struct(fmt), fields


def _linux_xdp_actions():
    for inc in ('/usr/include/linux/bpf.h',):
        if os.path.exists(inc):
            with open(inc) as f:
                acts = _enum(f.read(), 'xdp_action')
            return {k[len('XDP_'):].lower(): v for k, v in acts.items()}
    return {'aborted': 0, 'drop': 1, 'pass': 2, 'tx': 3, 'redirect': 4}


_counters = _read('synx_counters.h')
_config = _read('synx_config.h')
_cookie = _read('synx_cookie.h')

_reasons = _enum(_counters, 'synx_reason')
REASON_MAX = _reasons.pop('__SYNX_REASON_MAX')
REASONS = {k[len('SYNX_R_'):]: v for k, v in _reasons.items()}
REASON_NAMES = {v: k for k, v in REASONS.items()}
_cdefs = _defines(_counters, {})
REASON_SLOTS = _cdefs['SYNX_REASON_SLOTS']
VERDICT_SLOTS = _cdefs['SYNX_VERDICT_SLOTS']

VERDICT = _linux_xdp_actions()
VERDICT_NAMES = {v: k for k, v in VERDICT.items()}

_kdefs = _defines(_cookie, {})
_gdefs = _defines(_config, _kdefs)
CONFIG_VERSION = _gdefs['SYNX_CONFIG_VERSION']
F = {k[len('SYNX_F_'):]: v for k, v in _gdefs.items() if k.startswith('SYNX_F_')}
K = {k[len('SYNX_K_'):]: v for k, v in _gdefs.items() if k.startswith('SYNX_K_')}
_modes = _enum(_config, 'synx_cookie_mode')
COOKIE_KERNEL, COOKIE_OWN = _modes['SYNX_COOKIE_KERNEL'], _modes['SYNX_COOKIE_OWN']
_nolisten = _enum(_config, 'synx_no_listener')
NOLISTEN_PASS, NOLISTEN_DROP = _nolisten['SYNX_NOLISTEN_PASS'], _nolisten['SYNX_NOLISTEN_DROP']
CONFIG, CONFIG_FIELDS = _struct(_config, 'synx_config', _gdefs)
CONFIG_FIELDS = [f for f in CONFIG_FIELDS if not f.startswith('pad')]
KEYS, KEYS_FIELDS = _struct(_config, 'synx_cookie_keys', _gdefs)
_clocks = _enum(_config, 'synx_cookie_clock')
CLOCK_BOOT, CLOCK_TAI = _clocks['SYNX_CLOCK_BOOT'], _clocks['SYNX_CLOCK_TAI']
CLOCK_SKEW_NS = _gdefs['SYNX_CLOCK_SKEW_NS']
MAPS = {k[len('SYNX_MAP_'):].lower(): v for k, v in _gdefs.items() if k.startswith('SYNX_MAP_')}

# What the program acts on while synx_config holds no entry of this version
# (a plain `ip link ... xdp obj` load): MSS, TTL, hop limit 0 and rmem_max 0
# mean "as the kernel would" (device MTU, namespace defaults, the assumed
# net.core.rmem_max).
DEFAULTS = dict(version=CONFIG_VERSION, flags=_gdefs['SYNX_DEFAULT_FLAGS'], mss4=0, mss6=0,
                ttl=0, hop_limit=0, wscale=_gdefs['SYNX_DEFAULT_WSCALE'],
                no_listener=NOLISTEN_PASS, cookie_mode=COOKIE_KERNEL, rmem_max=0)
RMEM_MAX_ASSUMED = _gdefs['SYNX_RMEM_MAX_ASSUMED']

OWN = {k[len('SYNX_OWN_'):]: v for k, v in _kdefs.items() if k.startswith('SYNX_OWN_')}
PERIOD_SHIFT = _kdefs['SYNX_COOKIE_PERIOD_SHIFT']
META_MAGIC = _kdefs['SYNX_META_MAGIC']
META_GW_MAGIC = _kdefs['SYNX_META_GW_MAGIC']
META, META_FIELDS = _struct(_cookie, 'synx_meta', _kdefs)


def _mss_table(macro):
    body = re.search(r'#define\s+' + macro + r'\(X\)(.*?)(?:\n\s*\n|\n#)', _cookie, re.S).group(1)
    entries = sorted((int(i), int(v)) for i, v in re.findall(r'X\((\d+),\s*(\d+)\)', body))
    assert [i for i, _ in entries] == list(range(len(entries))), macro
    return [v for _, v in entries]


MSS_TABLE = {4: _mss_table('SYNX_OWN_MSS4'), 6: _mss_table('SYNX_OWN_MSS6')}
assert len(MSS_TABLE[4]) == len(MSS_TABLE[6]) == OWN['MSS_ENTRIES']


def verdict_of(reason):
    """The verdict a reason always ends in: the program pastes it into the
    reason's name (bpf/verdict.h), so the prefix is the contract."""
    for prefix, v in (('PASS_', 'pass'), ('TX_', 'tx'), ('DROP_', 'drop')):
        if reason.startswith(prefix):
            return VERDICT[v]
    raise ValueError(f'reason {reason} has no PASS_/TX_/DROP_ prefix')


def config(**kw):
    """A synx_config entry as a dict (every field of the struct, version
    current), DEFAULTS overridden by kw; unknown field names are an error."""
    bad = set(kw) - set(CONFIG_FIELDS)
    if bad:
        raise KeyError(f'not fields of struct synx_config: {sorted(bad)}')
    c = dict(DEFAULTS)
    c.update(kw)
    return c


def cmd_reasons(args):
    """The reason names in enum order, lower case (the CLI's keys)."""
    for i in range(REASON_MAX):
        print(REASON_NAMES[i].lower())


def cmd_own_mss(args):
    """The MSS an own cookie gives a client offering args.mss: the largest
    entry of the family's table not above it (the first entry at worst)."""
    table = MSS_TABLE[6 if args.family in ('6', 'v6') else 4]
    print(max([m for m in table if m <= args.mss] or [table[0]]))


def register(sub):
    sub.add_parser('reasons', help='reason names, in enum order').set_defaults(fn=cmd_reasons)
    s = sub.add_parser('own-mss', help="an own cookie's MSS for a client's")
    s.add_argument('family', choices=('4', '6', 'v4', 'v6'))
    s.add_argument('mss', type=int)
    s.set_defaults(fn=cmd_own_mss)


if __name__ == '__main__':
    for k in ('REASON_MAX', 'VERDICT', 'F', 'K', 'CONFIG_VERSION', 'CONFIG_FIELDS', 'DEFAULTS',
              'OWN', 'MSS_TABLE', 'PERIOD_SHIFT', 'META_MAGIC', 'META_FIELDS', 'MAPS',
              'KEYS_FIELDS', 'CLOCK_TAI', 'CLOCK_SKEW_NS'):
        print(k, globals()[k])
    print('CONFIG size', CONFIG.size, 'KEYS size', KEYS.size, 'META size', META.size)
    print(REASONS)
