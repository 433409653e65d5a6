#!/usr/bin/env python3
"""check_includes.py: the rooms of src/ include only what they may.

Each room may include the leaves (status.h, platform.h, wait_bound.h,
task.h), the rooms below it and itself, in this order:

    report < pci < dma < igb < suite < cases < igbtest.c

so the 82576 driver (src/igb) never reaches the harness (src/suite) or the
cases, and nothing under src/ includes efi/ or gnu-efi: of the system
headers only the freestanding <stdarg.h>, <stdbool.h>, <stddef.h>,
<stdint.h>. efi/ is the machine side and may include anything.

usage: check_includes.py [ROOT]   (ROOT: the repository, default: here)
exit status: 0 fine, 1 a forbidden include (each printed as file:line).
"""

import re
import sys
from pathlib import Path

LEAVES = {"status.h", "platform.h", "wait_bound.h", "task.h"}
ROOMS = ["report", "pci", "dma", "igb", "suite", "cases"]
SYSTEM = {"stdarg.h", "stdbool.h", "stddef.h", "stdint.h"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def room_of(path: Path, src: Path) -> int:
    """A file's place in ROOMS; src/*.c|h (igbtest) sits above them all."""
    rel = path.relative_to(src).parts
    return ROOMS.index(rel[0]) if len(rel) > 1 else len(ROOMS)


def allowed(inc: str, level: int) -> bool:
    if inc in LEAVES:
        return True
    head = inc.split("/")[0]
    if head in ROOMS and "/" in inc:
        return ROOMS.index(head) <= level
    return level == len(ROOMS) and inc in {"igbtest.h"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    src = Path(argv[0] if argv else ".") / "src"
    bad = []
    for path in sorted(src.rglob("*.[ch]")):
        level = room_of(path, src)
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            kind, inc = m.groups()
            ok = inc in SYSTEM if kind == "<" else allowed(inc, level)
            if not ok:
                where = ROOMS[level] if level < len(ROOMS) else "src/"
                bad.append(f"{path}:{n}: {where} may not include {kind}{inc}"
                           f"{'>' if kind == '<' else chr(34)}")
    for b in bad:
        print(f"check_includes: {b}", file=sys.stderr)
    if not bad:
        print(f"check_includes: {len(list(src.rglob('*.[ch]')))} files under {src} keep to "
              f"their rooms")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
