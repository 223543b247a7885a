#!/usr/bin/env python3
"""Disassembles the hex that HotSpot's PrintAssembly prints when its hsdis cannot decode.

Debian's libhsdis0-fcml (apt-get install libhsdis0-fcml; copy /usr/lib/x86_64-linux-gnu/libhsdis.so.0 to
$JAVA_HOME/lib/server/hsdis-amd64.so) exports only the old `decode_instructions` entry point, which JDK 17 and 25
no longer call, so PrintAssembly falls back to printing each method's code as hex words. This script takes the
n-th compiled method whose header contains a given text (for example "Compiled method (c2)"), joins its main-code
hex back into bytes and runs objdump on them at the code's own addresses (session 14: how JDK 17's C2 left the
fused L2 loop un-unrolled).

  java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \\
      -XX:CompileCommand=print,io.simdloss.internal.vector.PanamaMapSum::squaredError \\
      -cp target/classes:<a driver that calls it> <main class> > /tmp/print.txt
  python3 docs/tools/hex_to_asm.py /tmp/print.txt "Compiled method (c2)" [n]   # n: 1 = the first (default)

Python 3 standard library and binutils' objdump; the build does not need them.
"""
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"\s+0x([0-9a-f]+): ((?:[0-9a-f]{4} ?[0-9a-f]{0,4} ?\|? ?)+)$")


def method_text(text, header, n):
    """The text of the n-th method (1-based) whose header line contains `header`, up to its stub code."""
    at = -1
    for _ in range(n):
        at = text.index(header, at + 1)
    section = text[at:]
    nxt = section.find("Compiled method", len(header))
    section = section[:nxt] if nxt > 0 else section
    stub = section.find("[Stub Code]")
    return section[:stub] if stub > 0 else section


def code_bytes(section):
    """(first address, bytes) of the hex lines; annotation lines between them are skipped, gaps filled with nop."""
    base = None
    data = bytearray()
    for line in section.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        if base is None:
            base = addr
        if addr < base + len(data):
            continue  # an annotation repeats the address of bytes already read
        data += b"\x90" * (addr - base - len(data))
        data += bytes.fromhex(re.sub(r"[ |]", "", m.group(2)))
    return base, bytes(data)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    base, data = code_bytes(method_text(open(sys.argv[1]).read(), sys.argv[2], n))
    if base is None:
        sys.exit("no hex lines found after %r" % sys.argv[2])
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel",
                              "--adjust-vma=0x%x" % base, f.name], capture_output=True, text=True, check=True)
    print(out.stdout)


if __name__ == "__main__":
    main()
