#!/usr/bin/env python3
"""Which calls C2 left un-inlined in simdloss's compilations, and why.

Reads a HotSpot -XX:+LogCompilation file and prints, for every C2 task (no `level` attribute; OSR marked) whose
root is an io.simdloss method, the calls that were not inlined and C2's reason, counted: those whose callee takes
or returns a Vector API type (a call C2 does not inline boxes its vectors) and those into simdloss itself (for
example "hot method too big", which the CTC passes rely on). With --nodes it also prints each task's IR node count
at the end of parsing (NodeCountInliningCutoff is 18,000), as used in sessions 12 and 13.

  java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation \\
      -XX:LogFile=/tmp/comp.xml -cp target/classes:<your test or probe> <main class>
  python3 docs/tools/c2_inline_failures.py /tmp/comp.xml [--nodes]

Python 3 standard library only; the build does not need it.
"""
import collections
import re
import sys


def tasks(text):
    for t in re.finditer(r"<task ([^>]*)>(.*?)</task>", text, re.S):
        head, body = t.group(1), t.group(2)
        if "level=" in head:  # C1
            continue
        root = re.search(r"method='([^']+)'", head).group(1).split(' (')[0]
        yield root + (' OSR' if 'osr_bci' in head else ''), body


def failures(root, body):
    klass, methods = {}, {}
    for m in re.finditer(r"<(klass|method) ([^>]*)/>", body):
        a = dict(re.findall(r"(\w+)='([^']*)'", m.group(2)))
        if m.group(1) == 'klass':
            klass[a['id']] = a['name']
        else:
            methods[a['id']] = a
    last = None
    for m in re.finditer(r"<call method='(\d+)'|<inline_fail reason='([^']+)'", body):
        if m.group(1):
            last = m.group(1)
        elif last in methods:
            a = methods[last]
            sig = ' '.join(klass.get(x, x) for x in (a.get('arguments', '') + ' ' + a.get('return', '')).split())
            name = klass.get(a['holder'], a['holder']) + '.' + a['name']
            if 'Vector' in sig or 'simdloss' in name:
                yield name, m.group(2), 'VECTOR-ARGS' if 'Vector' in sig else ''


def main():
    text = open(sys.argv[1], errors='replace').read()
    counts = collections.Counter()
    for root, body in tasks(text):
        if not root.startswith('io.simdloss'):
            continue
        if '--nodes' in sys.argv:
            done = re.findall(r"<parse_done nodes='(\d+)' live='(\d+)'", body)
            if done:
                print('nodes', done[-1][0], 'live', done[-1][1], root)
        for name, reason, tag in failures(root, body):
            counts[(root, name, reason, tag)] += 1
    for key, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(n, *key)


if __name__ == '__main__':
    main()
