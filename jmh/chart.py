#!/usr/bin/env python3
"""Turns the quick profile's JMH JSON into an SVG bar chart (standard library only, no matplotlib).

    python3 jmh/chart.py [jmh/target/quick-profile.json] [docs/benchmarks.svg] [--command "..."]

One row per workload: ns/op of the vector backend, the scalar backend and plain Java on a log scale, and the
speedup of vector over plain Java. The header names the machine (CPU model from /proc/cpuinfo, or the
quick-profile-meta.json written next to the JSON by QuickReport), the JDK and the command that produced it.
"""
import json
import math
import os
import sys
from xml.sax.saxutils import escape

VARIANTS = [("VectorBackend", "vector (Vector API)", "#1f77b4"),
            ("ScalarBackend", "scalar backend", "#ff7f0e"),
            ("PlainJava", "plain Java loop", "#7f7f7f")]
GROUPS = ["latency 1x10", "latency 32x10", "medium", "large (4M elements)", "CTC"]


def group(w):
    if w.endswith("_1x10"):
        return "latency 1x10"
    if w.endswith("_32x10"):
        return "latency 32x10"
    if w.endswith("_4M"):
        return "large (4M elements)"
    if w.startswith("ctc_"):
        return "CTC"
    return "medium"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() + ", %d cores" % os.cpu_count()
    except OSError:
        pass
    return "unknown CPU"


def fmt_ns(v):
    if v >= 1e6:
        return "%.1f ms" % (v / 1e6)
    if v >= 1e3:
        return "%.1f us" % (v / 1e3)
    return "%.0f ns" % v


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    command = None
    if "--command" in argv:
        command = argv[argv.index("--command") + 1]
        args = [a for a in args if a != command]
    src = args[0] if args else "jmh/target/quick-profile.json"
    dst = args[1] if len(args) > 1 else "docs/benchmarks.svg"
    with open(src) as f:
        runs = json.load(f)
    meta = {}
    meta_path = os.path.join(os.path.dirname(src), "quick-profile-meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    machine = meta.get("cpu") or cpu_model()
    jdk = "%s %s" % (runs[0].get("vmName", "JVM"), runs[0].get("jdkVersion", "?")) if runs else "?"
    command = command or meta.get("command", "java -cp jmh/target/benchmarks.jar io.simdloss.jmh.QuickReport")
    when = meta.get("date", "")[:16].replace("T", " ")

    ns = {}
    for r in runs:
        cls, method = r["benchmark"].split(".")[-2:]
        ns[(cls, method)] = r["primaryMetric"]["score"]
    workloads = {g: [] for g in GROUPS}
    for (cls, method) in ns:
        if cls in ("VectorBackend", "ScalarBackend", "PlainJava") and method not in workloads[group(method)]:
            workloads[group(method)].append(method)

    # layout
    bar_h, gap, left, width = 9, 8, 190, 1180
    plot_w = width - left - 220
    values = [v for (c, _), v in ns.items() if c in ("VectorBackend", "ScalarBackend", "PlainJava")]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))

    def x(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = []
    y = 118
    for g in GROUPS:
        if not workloads[g]:
            continue
        out.append('<text x="10" y="%d" class="group">%s</text>' % (y + 4, escape(g)))
        y += 14
        for w in workloads[g]:
            row_top = y
            for i, (cls, _, color) in enumerate(VARIANTS):
                v = ns.get((cls, w))
                if v is None:
                    continue
                by = row_top + i * bar_h
                out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %s/op</title></rect>'
                           % (left, by, max(1, x(v) - left), bar_h - 1, color, cls, w, fmt_ns(v)))
                out.append('<text x="%.1f" y="%d" class="val">%s</text>' % (x(v) + 3, by + bar_h - 2, fmt_ns(v)))
            out.append('<text x="%d" y="%d" class="label" text-anchor="end">%s</text>'
                       % (left - 6, row_top + 2 * bar_h, escape(w)))
            v, p, s = ns.get(("VectorBackend", w)), ns.get(("PlainJava", w)), ns.get(("ScalarBackend", w))
            if v and p:
                out.append('<text x="%d" y="%d" class="speed">%.1fx vs plain%s</text>'
                           % (width - 205, row_top + bar_h + 3, p / v, ", %.1fx vs scalar" % (s / v) if s else ""))
            y += 3 * bar_h + gap
        y += 6
    # axis
    axis = []
    k = lo
    while k <= hi * 1.0001:
        axis.append('<line x1="%.1f" y1="104" x2="%.1f" y2="%d" class="grid"/>' % (x(k), x(k), y))
        axis.append('<text x="%.1f" y="100" class="tick" text-anchor="middle">%s</text>' % (x(k), fmt_ns(k)))
        k *= 10
    footer = []
    probe = ns.get(("ReadBandwidth", "sum_8M"))
    if probe:
        line = "read-bandwidth probe: sum of 8M floats (32 MB) %.1f GB/s" % (32 * 2 ** 20 / probe)
        l2 = ns.get(("VectorBackend", "l2_4M"))
        if l2:
            line += "; l2_4M (reads the same 32 MB) at %.1f GB/s = %.0f%% of the probe" % (32 * 2 ** 20 / l2, 100 * probe / l2)
        p64 = ns.get(("ReadBandwidth", "sum_64M"))
        if p64:
            line += "; 256 MB sum %.1f GB/s" % (256 * 2 ** 20 / p64)
        footer.append('<text x="10" y="%d" class="sub">%s</text>' % (y + 16, escape(line)))
        y += 20
    height = y + 20
    legend = []
    for i, (_, name, color) in enumerate(VARIANTS):
        legend.append('<rect x="%d" y="76" width="12" height="10" fill="%s"/><text x="%d" y="85" class="sub">%s</text>'
                      % (left + i * 190, color, left + i * 190 + 16, escape(name)))
    head = [
        '<text x="10" y="22" class="title">simdloss forward(..., out): ns/op per workload, log scale (shorter is faster)</text>',
        '<text x="10" y="40" class="sub">machine: %s</text>' % escape(machine),
        '<text x="10" y="55" class="sub">JDK: %s%s</text>' % (escape(jdk), escape("; run " + when + " UTC") if when else ""),
        '<text x="10" y="70" class="sub">command: %s</text>' % escape(command),
    ]
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">'
           % (width, height, width, height),
           '<style>.title{font-size:15px;font-weight:bold}.sub{font-size:11px}.group{font-size:12px;font-weight:bold}'
           '.label{font-size:10px}.val{font-size:8px;fill:#333}.speed{font-size:10px;fill:#1f77b4}'
           '.tick{font-size:9px;fill:#555}.grid{stroke:#ddd;stroke-width:1}</style>',
           '<rect width="100%" height="100%" fill="white"/>'] + head + legend + axis + out + footer + ["</svg>"]
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    with open(dst, "w") as f:
        f.write("\n".join(svg) + "\n")
    print("wrote %s (%d workloads)" % (dst, sum(len(v) for v in workloads.values())))


if __name__ == "__main__":
    main(sys.argv[1:])
