#!/usr/bin/env python3
"""Holds docs/KEYSPACES.md to the key-space enums in services/*/storage/keys.h.

Usage: check_keyspaces.py SOURCE_DIR. Exit 0 when they agree; otherwise one
line per disagreement on stderr and exit 1.
"""
import pathlib
import re
import sys


def enum_entries(header):
    """(name, number) of each entry of `enum KeySpace` in `header`."""
    text = header.read_text(encoding="utf-8")
    m = re.search(r"enum\s+KeySpace\s*:\s*uint8_t\s*\{(.*?)\};", text, re.S)
    if not m:
        return None
    body = re.sub(r"//[^\n]*", "", m.group(1))
    return [(n, int(v, 0)) for n, v in re.findall(r"(k\w+)\s*=\s*(0x[0-9A-Fa-f]+|\d+)", body)]


def main(root):
    root = pathlib.Path(root)
    doc = (root / "docs" / "KEYSPACES.md").read_text(encoding="utf-8")
    problems = []
    # Rows of the per-service table: | service | `kName = N` | key | value |
    documented = set(re.findall(r"^\| ([a-z-]+) \| `(k\w+) = (\d+)` \|", doc, re.M))
    reserved = {}
    for svc, numbers in re.findall(r"^\| ([a-z-]+) \| ([\d, ]+) \| reserved \|", doc, re.M):
        reserved[svc] = {int(n) for n in numbers.split(",") if n.strip()}
    in_headers = set()
    headers = sorted(root.glob("services/*/storage/keys.h"))
    if not headers:
        problems.append("no services/*/storage/keys.h found")
    for header in headers:
        svc = header.parts[-3]
        entries = enum_entries(header)
        if entries is None:
            problems.append(f"{header.relative_to(root)}: no `enum KeySpace : uint8_t`")
            continue
        for name, number in entries:
            if name.startswith("kRetired"):
                if number not in reserved.get(svc, set()):
                    problems.append(f"docs/KEYSPACES.md: {svc} does not list {number} "
                                    f"({name}) as reserved")
                continue
            in_headers.add((svc, name, str(number)))
            if (svc, name, str(number)) not in documented:
                problems.append(f"docs/KEYSPACES.md: no row `| {svc} | `{name} = {number}` |` "
                                f"for {header.relative_to(root)}")
    for svc, name, number in sorted(documented - in_headers):
        problems.append(f"docs/KEYSPACES.md: {svc} `{name} = {number}` is not in "
                        f"services/{svc}/storage/keys.h")
    # services/README.md links the headers instead of listing key spaces again.
    readme = (root / "services" / "README.md").read_text(encoding="utf-8")
    for m in re.finditer(r"`k[A-Z]\w* = \d+`", readme):
        problems.append(f"services/README.md lists key space {m.group(0)}; link "
                        "storage/keys.h and docs/KEYSPACES.md instead")
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"{len(in_headers)} key spaces of {len(headers)} services documented")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
