#!/usr/bin/env python3
"""igbtest's QEMU test suite (`make qemu-test`).

Each QEMU test boots the app through scripts/igbtest-qemu (its own serial log
under build/qemu/<test>/), parses the serial log with scripts/ktap.py (the
KTAP must parse without errors) and checks what the app saw and did. The
parser self-tests need no QEMU. Independent boots run two at a time.

usage: python3 tests/qemu/run_tests.py [--arch x86_64|aarch64]
       --efi build/ARCH/igbtest.efi
       [--only NAME ...] [--list] [--jobs N] [--boot-timeout SECONDS]

--arch aarch64 boots every case in qemu-system-aarch64 -M virt with AAVMF
(scripts/igbtest-qemu --arch aarch64); its logs go under build/qemu/aarch64/.

Prints "ok"/"FAIL" per test with its duration and the reason for a failure,
then "N passed, N failed" (", N skipped" when some were). Exit status: 0 all
passed, 1 a test failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import ktap  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_tests  # noqa: E402  (tests/qemu/lab_tests.py)

RUNNER = ROOT / "scripts" / "igbtest-qemu"
EFI_PE = ROOT / "scripts" / "efi-pe"
OUT = ROOT / "build" / "qemu"
# The firmware console's UART as QEMU's memory_region_ops_write trace names
# it, and the absolute address of its transmit register.
UARTS = {"x86_64": ("serial", 0x3F8), "aarch64": ("pl011", 0x9000000)}
IGB_ID = "[8086:10c9]"
E1000E_ID = "[8086:10d3]"


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(cond: object, msg: str) -> None:
    if not cond:
        raise Failure(msg)


@dataclass
class Ctx:
    efi: Path
    boot_timeout: float
    arch: str = "x86_64"
    image: Optional[Path] = None   # make image's disk (lab_tests.py)
    built: Optional[Path] = None   # the build folder: test fixtures (holdfast.efi)

    @property
    def out(self) -> Path:
        """Where this architecture's logs go (x86_64 keeps build/qemu/)."""
        return OUT if self.arch == "x86_64" else OUT / self.arch


# --- booting through the runner --------------------------------------------------

@dataclass
class Boot:
    status: int
    stdout: str
    stderr: str
    sidecar: Optional[dict]
    report: ktap.Report
    dir: Path

    @property
    def summary(self) -> str:
        lines = [l for l in self.stdout.splitlines() if l.startswith("igbtest-qemu:")]
        err = self.stderr.strip().splitlines()
        return (lines[-1] if lines else err[-1] if err else "(no output)")


def run_runner(ctx: Ctx, name: str, *args: str, efi: Optional[str] = None,
               timeout: Optional[float] = None) -> tuple[subprocess.CompletedProcess, Path]:
    d = ctx.out / name
    shutil.rmtree(d, ignore_errors=True)
    cmd = [sys.executable, str(RUNNER), "--arch", ctx.arch, "--efi", efi or str(ctx.efi),
           "--serial-log", str(d / "serial.log"), "--quiet",
           "--timeout", str(timeout or ctx.boot_timeout), *args]
    p = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=(timeout or ctx.boot_timeout) + 60)
    return p, d


def boot(ctx: Ctx, name: str, *args: str, expect: int,
         timeout: Optional[float] = None) -> Boot:
    """Boot, require runner exit status `expect` and error-free KTAP."""
    p, d = run_runner(ctx, name, *args, timeout=timeout)
    log = d / "serial.log"
    sidecar_path = d / "serial.log.json"
    sidecar = json.loads(sidecar_path.read_text()) if sidecar_path.exists() else None
    report = ktap.parse_file(str(log)) if log.exists() else ktap.parse("")
    b = Boot(p.returncode, p.stdout, p.stderr, sidecar, report, d)
    check(b.status == expect,
          f"runner exited {b.status}, expected {expect}: {b.summary} (log {log})")
    check(sidecar is not None, f"no JSON sidecar {sidecar_path}")
    check(not report.errors, "KTAP does not parse cleanly: " + "; ".join(report.errors[:3]))
    return b


# --- reading the app's output ---------------------------------------------------

BDF_RE = re.compile(r"([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])")


def inventory_line(report: ktap.Report, bdf: str) -> str:
    """The top-level inventory diagnostic for one function."""
    for d in report.diagnostics:
        if d.startswith(bdf + " ["):
            return d
    raise Failure(f"no inventory line for {bdf}")


def inventory_with(report: ktap.Report, ids: str) -> list[str]:
    return [d for d in report.diagnostics if BDF_RE.match(d) and ids in d]


def device_bdf(test: ktap.Test) -> str:
    m = BDF_RE.search(test.name)
    check(m, f"device subtest name {test.name!r} has no BDF")
    return m.group(0)


# Cases that skip by design when no IOMMU translates (src/cases/flr_fault.c):
# their only fault target outside strict is an address with nothing behind
# it, an Unsupported Request at the root complex (a host reset with
# firmware-first AER), which they aim at only with --unclaimed-dma. Each
# must skip with this reason; any other skip, or these skipping for
# another reason, fails. Only strict translation confines.
UNCLAIMED = "(--unclaimed-dma allows it)"
NO_FAULT_TARGET = {
    "memcpy_from_unmapped_iova": UNCLAIMED,
    "memcpy_to_unmapped_iova": UNCLAIMED,
    "fault_recovery_needs_flr": UNCLAIMED,
}


@dataclass(frozen=True)
class RegCase:
    """A registry row as --list prints it (src/suite/suite.h, suite_list)."""
    name: str
    group: str
    needs: tuple[str, ...]   # of NEEDS, in that order
    modes: tuple[str, ...]   # of MODES, in that order
    once: bool               # MODES_ONCE: runs in the first mode only


MODES = ("off", "passthrough", "strict")   # enum iommu_mode
NEEDS = {"NEEDS_BAR0": "bar0", "NEEDS_LINK": "link", "NEEDS_FLR": "flr",
         "NEEDS_ALONE": "alone", "NEEDS_PORTS": "ports"}
CASE_ROW_RE = re.compile(r"^\s*IGB_CASE\((\w+),\s*([\w\s|]+),\s*([\w\s|()]+),", re.M)


def registry() -> list[RegCase]:
    """The case registry: the IGB_CASE rows of src/cases/*.c in the group
    order of src/suite/suite.c, with needs and modes (t_list checks the
    app's --list against this, field by field)."""
    suite = (ROOT / "src/suite/suite.c").read_text()
    groups = re.search(r"groups\[\] = \{(.*?)\};", suite, re.S)
    check(groups, "src/suite/suite.c: no groups[] table")
    rows = []
    for g in re.findall(r"&igb_group_(\w+)", groups.group(1)):
        src = (ROOT / "src/cases" / f"{g}.c").read_text()
        for name, needs, modes in CASE_ROW_RE.findall(src):
            words = {w.strip() for w in needs.split("|")} - {"NEEDS_NOTHING"}
            check(words <= set(NEEDS), f"{name}: needs {needs!r}")
            if modes.strip() in ("MODES_ANY", "MODES_ONCE"):
                got = MODES
            elif modes.strip() in ("MODES_STRICT", "MODES_OFF"):
                got = (modes.strip()[len("MODES_"):].lower(),)
            else:
                got = tuple(m for m in MODES if f"IOMMU_{m.upper()})" in modes)
            check(got, f"{name}: modes {modes!r}")
            rows.append(RegCase(name, g, tuple(v for k, v in NEEDS.items() if k in words), got,
                                modes.strip() == "MODES_ONCE"))
    names = [r.name for r in rows]
    check(names and len(set(names)) == len(names), f"registry: {names}")
    return rows


def registry_cases() -> list[str]:
    return [r.name for r in registry()]


# A case outside the modes its row names skips with the runner's one reason.
NO_FAULT_TARGET.update({r.name: f"only meaningful under iommu={','.join(r.modes)}"
                        for r in registry() if r.modes != MODES})
# Without an IOMMU device those modes skip: q35 has no DMAR/IVRS table;
# virt's IORT (there for the ITS) maps the root complex to no SMMUv3.
EXPECTED_SKIPS_NO_IOMMU = dict(NO_FAULT_TARGET, **{
    "iommu=passthrough": "no IOMMU",
    "iommu=strict": "no IOMMU",
    # the boots' 512 MiB is all below 4 GiB (igb_with_netdev has 6 GiB)
    "dma_above_4g": "no memory above 4 GiB",
    # An igb on the root bus is a Root Complex Integrated Endpoint: no link.
    "pcie_link": "Root Complex Integrated Endpoint",
    # only igb_pair_on_a_hub cables two igbs to each other
    "port_pair": ("no port pair found", NO_FAULT_TARGET["port_pair"]),
})


# A MODES_ONCE case (src/suite/suite.h: its outcome cannot depend on DMA
# remapping) runs in a device's first mode only; the later modes' blocks
# skip it with this reason, naming that mode.
ONCE_SKIP = "mode-independent: result in mode "


def once_skip_ok(nodes: dict, path: tuple, t: ktap.Test) -> bool:
    """t, at path, is a MODES_ONCE case's skip in a later mode, and the
    mode it names has it ok in the same device's block."""
    why = t.skip_reason or ""
    if (t.result != "skip" or not why.startswith(ONCE_SKIP) or
            t.name not in {r.name for r in registry() if r.once}):
        return False
    where = f"iommu={why[len(ONCE_SKIP):]}"
    ran = nodes.get(path[:-2] + (where, t.name))
    return where != path[-2] and ran is not None and ran.result == "ok"


def case_blocks(report: ktap.Report):
    """Every block that lists cases (a mode's, or a soak round's)."""
    for path, t in report.walk():
        if (t.has_block and t.subtests and all(s.is_leaf for s in t.subtests) and
                not any(s.name.startswith("iommu=") for s in t.subtests)):
            yield path, t


def check_all_ok(report: ktap.Report, cases: Optional[list[str]] = None,
                 expected_skips: dict = EXPECTED_SKIPS_NO_IOMMU) -> None:
    """Every case the run was asked for reported, each ok or skipped with
    an allow-listed reason; cases: the --only list (default: all)."""
    bad, skipped = [], 0
    nodes = dict(report.walk())
    for path, t in nodes.items():
        if t.result == "ok":
            continue
        if once_skip_ok(nodes, path, t):
            skipped += 1
            continue
        whys = expected_skips.get(t.name, ())
        whys = (whys,) if isinstance(whys, str) else whys
        if t.result == "skip" and any(w in (t.skip_reason or "") for w in whys):
            skipped += 1
            continue
        bad.append(" / ".join(path) + f" ({t.result}: {t.skip_reason or ''})")
    check(not bad, f"not every case is ok: {', '.join(bad[:5])}")
    want = sorted(cases if cases is not None else registry_cases())
    blocks = list(case_blocks(report))
    check(blocks, "no block of case results")
    for path, t in blocks:
        got = sorted(s.name for s in t.subtests)
        check(got == want, f"{' / '.join(path)}: cases {sorted(set(got) ^ set(want))} "
              f"differ from the list ({len(got)} reported, {len(want)} expected)")
    leaves = report.leaves()
    check(report.totals is not None, "no '# Totals:' line")
    for k in ("pass", "fail", "skip"):
        check(report.totals[k] == report.counts[k],
              f"Totals {k}:{report.totals[k]} but {report.counts[k]} counted")
    check(report.totals["pass"] + skipped == len(leaves),
          "Totals pass + expected skips != number of leaves")


def check_device_subtests(report: ktap.Report, n: int) -> list[ktap.Test]:
    check(report.plan == n, f"top-level plan is {report.plan}, expected {n}")
    check(len(report.tests) == n, f"{len(report.tests)} device subtests, expected {n}")
    for t in report.tests:
        check(t.has_block and t.name.startswith("82576 "),
              f"top-level test {t.number} {t.name!r} is not a device subtest")
    return report.tests


# --- QEMU tests -------------------------------------------------------------------

RUN_TIME_RE = re.compile(r"^# round \d+: .*, run ([\d.]+) s;", re.M)
# The app's clock against the host's, over the whole run: the app's own
# lines (banner, summary) fall outside its figure, so it reads a little
# short; a calibration off by a late Stall() read 0.53 of the wall clock.
CLOCK_AGREEMENT = 0.15


def check_clock(b: Boot) -> None:
    """The app's clock keeps time: its run time matches the host's wall clock."""
    text = (b.dir / "serial.log").read_text(errors="replace")
    src = re.search(r"^# firmware: .*; clock: [\d.]+ MHz (.+)$", text, re.M)
    check(src, "no '; clock: N MHz SOURCE' on the banner's firmware line")
    want = "CNTFRQ_EL0" if b.sidecar["arch"] == "aarch64" else "TSC against the ACPI PM timer"
    check(src.group(1).strip() == want, f"clock source {src.group(1)!r}, expected {want!r}")
    runs = RUN_TIME_RE.findall(text)
    check(runs, "no '# round N: ..., run T s;' line")
    wall = b.sidecar["verdict_at"] - b.sidecar["ktap_started_at"]
    app = float(runs[-1])
    check(abs(app / wall - 1) < CLOCK_AGREEMENT,
          f"the app's clock read {app} s over a run the host timed at {wall:.1f} s")


def t_one_igb_root_bus(ctx: Ctx) -> None:
    b = boot(ctx, "one_igb_root_bus", "--igb", "1", expect=0)
    check_clock(b)
    (dev,) = check_device_subtests(b.report, 1)
    check_all_ok(b.report)
    bdf = device_bdf(dev)
    check(bdf.split(":")[1] == "00", f"tested {bdf}, expected a device on bus 00")
    check("behind root" in inventory_line(b.report, bdf), "igb on pcie.0 not 'behind root'")


def t_igb_behind_root_port(ctx: Ctx) -> None:
    b = boot(ctx, "igb_behind_root_port", "--root-port", expect=0)
    (dev,) = check_device_subtests(b.report, 1)
    check_all_ok(b.report)
    bdf = device_bdf(dev)
    check(bdf.split(":")[1] != "00", f"tested {bdf}: expected a non-zero bus")
    line = inventory_line(b.report, bdf)
    check("will be tested" in line, f"inventory line lacks 'will be tested': {line!r}")
    check("behind root" not in line, f"inventory says behind root: {line!r}")
    m = re.search(r"\(behind (\S+)\)", line)
    check(m, f"inventory line names no upstream bridge: {line!r}")
    check("bridge" in inventory_line(b.report, m.group(1)),
          f"{m.group(1)} (upstream of {bdf}) is not listed as a bridge")


# Trace lines with -msg timestamp=on: "TID@SECONDS.MICROS:event args".
TRACE_RE = re.compile(r"(\d+)@(\d+\.\d+):(\w+) (.*)$")
CFG_RE = re.compile(r"(\S+) ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) @(0x[0-9a-f]+) <- (0x[0-9a-f]+)")
MR_RE = re.compile(r"cpu (-?\d+) mr \S+ addr (0x[0-9a-f]+) value (0x[0-9a-f]+) "
                   r"size \d+ name '([^']*)'")


@dataclass
class TraceLine:
    tid: int
    ts: float
    event: str
    args: str
    owner: Optional[str] = None   # e1000e_core_write: the MMIO region written


def read_trace(path: Path) -> list[TraceLine]:
    out, unstamped = [], 0
    last_mr: dict[int, str] = {}
    for raw in path.read_text(errors="replace").splitlines():
        m = TRACE_RE.match(raw)
        if not m:
            unstamped += 1
            continue
        t = TraceLine(int(m.group(1)), float(m.group(2)), m.group(3), m.group(4))
        if t.event == "memory_region_ops_write":
            mr = MR_RE.match(t.args)
            check(mr, f"unexpected memory_region_ops_write format: {raw!r}")
            last_mr[t.tid] = mr.group(4)
        elif t.event == "e1000e_core_write":
            # QEMU traces the region write, then calls the device's write
            # handler on the same thread; igb_core_write also emits
            # e1000e_core_write, so this is how a line is attributed.
            t.owner = last_mr.get(t.tid)
        out.append(t)
    check(out, f"no timestamped lines in {path} ({unstamped} without a stamp)")
    return out


def serial_ktap_time(trace: list[TraceLine], uart: tuple[str, int]) -> Optional[float]:
    """When the guest wrote the 'K' of "KTAP version 1" to the UART (THR
    writes in the memory_region_ops_write trace): the same moment as the
    runner's arrival stamp, without the pipe's delay."""
    chars: list[tuple[str, float]] = []
    for t in trace:
        if t.event == "memory_region_ops_write" and t.args.endswith(f"name '{uart[0]}'"):
            m = MR_RE.match(t.args)
            if m and int(m.group(2), 16) == uart[1]:
                chars.append((chr(int(m.group(3), 16) & 0x7f), t.ts))
    text = "".join(c for c, _ in chars)
    i = text.find("KTAP version 1")
    return chars[i][1] if i >= 0 else None


def t_two_igbs_and_e1000e(ctx: Ctx) -> None:
    # Every case on both devices, the storm at 64 MiB (one copy checks
    # 36 MB): the whole list twice fits the boot limit on a loaded host.
    b = boot(ctx, "two_igbs_and_e1000e", "--igb", "2", "--e1000e", "1",
             "--trace", "pci_cfg_write", "--trace", "e1000e_core_write",
             "--trace", "memory_region_ops_write", "--append=--storm-mib=64", expect=0)
    devs = check_device_subtests(b.report, 2)
    check_all_ok(b.report)
    check(len({device_bdf(d) for d in devs}) == 2, "both subtests test the same device")
    check_e1000e_untouched(b.report, UARTS[ctx.arch], Path(b.sidecar["trace_log"]),
                           b.sidecar["ktap_started_at"])


# Four ports side by side (issue 17 item 3): the cases with the long waits
# (FLR, link, D3hot) and an SR-IOV one, booted twice, side by
# side (the default) and --serial. Each device's results, in order, are the
# same lines in both but for their times; the blocks come in BDF order.
SIDE_CASES = "link_loopback_up,memcpy_success,flr_idle,flr_repeat,d3hot_d0,sriov_enable"
FIGURE_RE = re.compile(r"\b\d+(\.\d+)? ?(ms|us|s)\b")


def result_lines(b: "Boot") -> list[str]:
    text = (b.dir / "serial.log").read_bytes().decode("utf-8", "replace").replace("\r", "")
    return [FIGURE_RE.sub("#", l.strip()) for l in text.splitlines()
            if re.match(r"\s*(not )?ok \d+ |\s*# result: 0000", l)]


def t_four_igbs_side_by_side(ctx: Ctx) -> None:
    runs = {}
    for name, extra in (("four_igbs_side_by_side", ""), ("four_igbs_serial", " --serial")):
        b = boot(ctx, name, "--igb", "4", f"--append=--iommu=off --only={SIDE_CASES}{extra}",
                 expect=0)
        devs = check_device_subtests(b.report, 4)
        check_all_ok(b.report, SIDE_CASES.split(","))
        bdfs = [device_bdf(d) for d in devs]
        check(bdfs == sorted(set(bdfs)), f"device blocks not in BDF order: {bdfs}")
        runs[name] = (b, result_lines(b))
    side, serial = runs["four_igbs_side_by_side"][1], runs["four_igbs_serial"][1]
    diff = [(a, c) for a, c in zip(side, serial) if a != c]
    check(len(side) == len(serial) and not diff,
          f"side by side and --serial differ: {len(side)} vs {len(serial)} result lines, "
          f"first {diff[:1]}")
    took = {n: r[0].sidecar["verdict_at"] - r[0].sidecar["ktap_started_at"]
            for n, r in runs.items()}
    print(f"    four_igbs: app {took['four_igbs_side_by_side']:.1f} s side by side, "
          f"{took['four_igbs_serial']:.1f} s --serial (a figure, not checked)")


def check_e1000e_untouched(report: ktap.Report, uart: tuple[str, int], trace_path: Path,
                           arrival: Optional[float]) -> None:
    """The e1000e in the inventory is not marked for testing, and the trace
    shows the app never wrote to it: no config write after KTAP started, no
    MMIO/IO write to its regions, no e1000e_core_write from its registers.
    Also proves the method: the igbs' app-phase config writes are visible."""
    e_lines = inventory_with(report, E1000E_ID)
    check(len(e_lines) == 1, f"expected one {E1000E_ID} in the inventory, got {e_lines}")
    check("will be tested" not in e_lines[0], f"e1000e marked for testing: {e_lines[0]!r}")
    e_slot = BDF_RE.match(e_lines[0]).group(0)[5:]          # "00:02.0"
    igb_slots = sorted(device_bdf(t)[5:] for t in report.tests)

    trace = read_trace(trace_path)
    check(arrival, "the runner recorded no KTAP arrival time")
    written = serial_ktap_time(trace, uart)
    check(written is not None and written <= arrival + 0.01,
          f"KTAP written to the UART at {written}, after its arrival {arrival}?")
    app_start = min(arrival, written)   # the stricter of the two

    cfg = [(t, CFG_RE.match(t.args)) for t in trace if t.event == "pci_cfg_write"]
    check(all(m for _, m in cfg), "unexpected pci_cfg_write line format")
    e_cfg = [(t, m) for t, m in cfg if m.group(2) == e_slot]
    check(e_cfg and all(m.group(1) == "e1000e" for _, m in e_cfg),
          f"trace does not show {e_slot} as the e1000e (firmware should have set it up)")
    late = [t for t, _ in e_cfg if t.ts >= app_start]
    check(not late, f"{len(late)} config write(s) to the e1000e {e_slot} after KTAP "
                    f"started, first: {late[0].args if late else ''}")
    for slot in igb_slots:   # the method can see app-phase writes
        check(any(m.group(2) == slot and t.ts >= app_start for t, m in cfg),
              f"no config write to igb {slot} after KTAP started: the trace "
              f"does not capture the app's writes")

    mr = [t for t in trace if t.event == "memory_region_ops_write"]
    check(mr, "no memory_region_ops_write lines: MMIO writes are not traced")
    e_mr = [t for t in mr if MR_RE.match(t.args).group(4).startswith("e1000e")]
    check(not e_mr, f"{len(e_mr)} MMIO/IO write(s) to the e1000e, first: "
                    f"{e_mr[0].args if e_mr else ''}")
    core = [t for t in trace if t.event == "e1000e_core_write"]
    wrong = [t for t in core if not (t.owner or "").startswith("igb")]
    check(not wrong, f"{len(wrong)} e1000e_core_write line(s) not from an igb register "
                     f"write (region {wrong[0].owner if wrong else ''!r})")


# One boot under an emulated IOMMU, the three modes, the cases that DMA or
# fault. The whole registry in three modes (the full qualification of a
# port) took 118-177 s from QEMU start under intel-iommu on this loaded
# 2-core TCG host (load average 15-20), over the 120 s boot limit; make
# bench times it (its "full, 1 port" row).
IOMMU_CASES = ("identify,link_loopback_up,memcpy_success,loopback_frames,ring_wrap,"
               "all_queues,send_msi,msix_all_vectors,mix_and_match,flr_idle,"
               "memcpy_from_unmapped_iova,memcpy_to_unmapped_iova,"
               "fault_recovery_needs_flr,strict_confinement")
INTEL_IOMMU = ("--qemu-arg=-device", "--qemu-arg=intel-iommu,intremap=off")


# Under strict the read fault is real, but QEMU's engine does not wedge on
# it: fault_recovery_needs_flr cannot show that FLR is needed, and says so
# (on silicon it must pass; the host tests check both).
STRICT_NO_WEDGE = {
    "fault_recovery_needs_flr": ("does not signal DMA read errors",
                                 "the read fault did not wedge the engine"),
}


def either_skip(*tables: dict) -> dict:
    """Skips allowed in any of the tables (the reasons of a case in
    several are all allowed): one boot's modes skip for different reasons."""
    out: dict = {}
    for table in tables:
        for name, whys in table.items():
            out[name] = out.get(name, ()) + ((whys,) if isinstance(whys, str) else whys)
    return out


def mode_block(dev: ktap.Test, mode: str) -> ktap.Test:
    blocks = [t for t in dev.subtests if t.name == f"iommu={mode}"]
    check(len(blocks) == 1, f"{dev.name}: {len(blocks)} results for iommu={mode}")
    return blocks[0]


def check_own_faults(strict: ktap.Test, src: str) -> None:
    """The unmapped-IOVA cases of a strict block either skip or passed on
    a fault of the right direction that names their own device."""
    for name, kind in (("memcpy_from_unmapped_iova", "read"),
                       ("memcpy_to_unmapped_iova", "write")):
        (t,) = [t for t in strict.subtests if t.name == name]
        check(t.result == "skip" or any(f"IOMMU fault from {src}, {kind} of 0x" in d
                                        for d in t.diagnostics),
              f"{src} {name}: passed without a {kind} fault from {src}: {t.diagnostics[:3]}")


def t_igb_with_intel_iommu(ctx: Ctx) -> None:
    """With QEMU's intel-iommu (q35 publishes a DMAR table) and two igbs
    side by side, each in a VT-d domain of its own: the suite runs under
    all three modes; under strict the fault cases run and their faults
    name their own device; outside strict exactly the cases that need an
    address with nothing behind it skip, naming --unclaimed-dma, and
    strict_confinement; the MODES_ONCE cases run in off, and the other
    modes point there."""
    if ctx.arch != "x86_64":
        # intel-iommu is a q35 device; virt's is -machine iommu=smmuv3
        # (igb_with_smmuv3).
        raise Skip("intel-iommu (VT-d, DMAR) exists on x86_64 q35 only")
    b = boot(ctx, "igb_with_intel_iommu", *INTEL_IOMMU, "--igb", "2",
             "--append=--only=" + IOMMU_CASES, expect=0)
    cases = IOMMU_CASES.split(",")
    check_all_ok(b.report, cases=cases,
                 expected_skips=either_skip(NO_FAULT_TARGET, STRICT_NO_WEDGE))
    once = [r.name for r in registry() if r.once and r.name in cases]
    for dev in check_device_subtests(b.report, 2):
        src = device_bdf(dev)[5:]
        for mode in ("off", "passthrough", "strict"):
            blk = mode_block(dev, mode)
            check(blk.result == "ok" and blk.subtests, f"iommu={mode}: {blk.result}, "
                  f"{len(blk.subtests)} cases")
            table = STRICT_NO_WEDGE if mode == "strict" else NO_FAULT_TARGET
            table = {n: w for n, w in table.items() if n in cases}
            skipped = {t.name: t.skip_reason or "" for t in blk.subtests if t.result == "skip"}
            want = sorted([*table, *(once if mode != "off" else [])])
            check(sorted(skipped) == want,
                  f"{src} iommu={mode}: skipped {sorted(skipped)}, expected {want}")
            for name, why in skipped.items():
                if name not in table:   # a MODES_ONCE case: check_all_ok checked it
                    continue
                whys = table[name] if isinstance(table[name], tuple) else (table[name],)
                check(any(w in why for w in whys), f"iommu={mode}: {name} skipped: {why}")
        check_own_faults(mode_block(dev, "strict"), src)


FAULT_CASES = ["memcpy_from_unmapped_iova", "memcpy_to_unmapped_iova",
               "fault_recovery_needs_flr"]


def t_unclaimed_dma(ctx: Ctx) -> None:
    """--unclaimed-dma under iommu=off: the fault cases run against an
    address OVMF's GCD map proves non-existent (the default boots check
    they skip without it). QEMU emulates no DMA errors, so each copy
    completes and says so, and fault_recovery_needs_flr has no fault to
    recover from; the options line records the risk taken."""
    b = boot(ctx, "unclaimed_dma", "--append=--iommu=off --unclaimed-dma --only="
             + ",".join(FAULT_CASES), expect=0)
    (dev,) = check_device_subtests(b.report, 1)
    check([t.name for t in dev.subtests] == ["iommu=off"],
          f"mode blocks {[t.name for t in dev.subtests]}, expected only iommu=off")
    check_all_ok(b.report, cases=FAULT_CASES, expected_skips={
        "fault_recovery_needs_flr": "does not signal DMA read errors"})
    check(any(d.startswith("options: 3 of ") and "unclaimed DMA allowed" in d
              for d in b.report.diagnostics), "no 'unclaimed DMA allowed' on the options line")
    off = mode_block(dev, "off")
    for t in off.subtests[:2]:
        check(t.result == "ok", f"{t.name}: {t.result} {t.skip_reason or ''}")
        check(any("non-existent in the firmware's map" in d for d in t.diagnostics),
              f"{t.name}: no unbacked target in {t.diagnostics[:3]}")
        check(any("unbacked address completed" in d for d in t.diagnostics),
              f"{t.name}: the copy's end is not described: {t.diagnostics[:3]}")


# The fault cases of two igbs side by side under strict, on each emulated
# unit: (machine arguments, fault trace event, how the event names the
# requester, skips allowed). QEMU's intel-iommu has one fault recording
# register (DMAR_FRCD_REG_NR) and drops a fault while it is full (PFO);
# QEMU 10.0's AMD-Vi logs nothing (AMD_UNLOGGED); SMMUv3 queues events.
SIDE_FAULT_CASES = ["memcpy_success", "mix_and_match"] + FAULT_CASES   # registry order
SIDE_FAULT_UNITS = {
    "intel": ("x86_64", INTEL_IOMMU, "vtd_dmar_fault", r"sid 0x([0-9a-f]+)", STRICT_NO_WEDGE),
    "amd": ("x86_64", ("--qemu-arg=-device", "--qemu-arg=amd-iommu,pt=off"),
            "amdvi_page_fault", None, None),
    "smmuv3": ("aarch64", ("--qemu-arg=-machine", "--qemu-arg=iommu=smmuv3"),
               "smmuv3_record_event", r"sid=0x([0-9a-f]+)", STRICT_NO_WEDGE),
}


def t_faults_side_by_side(ctx: Ctx, unit: str) -> None:
    """Two igbs under one emulated IOMMU, strict only, the DMA fault cases
    (mix_and_match's ten faults too, and a good copy) of both devices side
    by side: one deliberate fault in flight at a time, the recoveries
    overlapping. Every case is ok on both devices or skips with its unit's reason;
    every fault a case passed on names its own device; QEMU traced faults
    from both requesters (where its trace names them) and never dropped
    one for a full log (intel-iommu's stderr: no PFO)."""
    arch, args, event, sid_re, skips = SIDE_FAULT_UNITS[unit]
    if ctx.arch != arch:
        raise Skip(f"the {unit} unit is emulated on {arch} only")
    if skips is None:
        skips = either_skip(STRICT_NO_WEDGE, AMD_UNLOGGED)
    b = boot(ctx, f"faults_side_by_side_{unit}", *args, "--igb", "2", "--trace", event,
             "--append=--iommu=strict --only=" + ",".join(SIDE_FAULT_CASES), expect=0)
    check_all_ok(b.report, cases=SIDE_FAULT_CASES, expected_skips=skips)
    sids = set()
    for dev in check_device_subtests(b.report, 2):
        src = device_bdf(dev)[5:]
        bus, slot, fn = BDF_RE.search(dev.name).group(2, 3, 4)
        sids.add(int(bus, 16) << 8 | int(slot, 16) << 3 | int(fn))
        strict = mode_block(dev, "strict")
        check([t.name for t in strict.subtests] == SIDE_FAULT_CASES,
              f"{src}: cases {[t.name for t in strict.subtests]}")
        check_own_faults(strict, src)
    faults = [t.args for t in read_trace(Path(b.sidecar["trace_log"])) if t.event == event]
    check(faults, f"QEMU traced no {event}")
    if sid_re:
        traced = {int(m.group(1), 16) for m in (re.search(sid_re, a) for a in faults) if m}
        check(traced == sids, f"{event} from {sorted(map(hex, traced))}, expected "
                              f"{sorted(map(hex, sids))}")
    else:   # AMD-Vi: each refusal a skip names is in QEMU's trace (its last word: the address)
        for t in (t for _, t in b.report.walk() if t.result == "skip"):
            m = PAGE_RE.search(t.skip_reason or "")
            check(not m or any(int(m.group(1), 16) <= int(a.split()[-1], 16) <
                               int(m.group(1), 16) + 4096 for a in faults),
                  f"{t.name}: QEMU traced no fault in page {m.group(1) if m else ''}")
    err = Path(b.sidecar["qemu_stderr_log"]).read_text(errors="replace")
    check("PFO" not in err and "Primary Fault Overflow" not in err,
          "QEMU dropped a fault for a full log: " +
          " ".join(l for l in err.splitlines() if "PFO" in l or "Overflow" in l)[:200])


# pt=off: QEMU 10.0's amd-iommu with its default pt=on gives every device
# untranslated DMA and never reads the device table; pt=off translates.
AMD_IOMMU_ARGS = ("--qemu-arg=-device", "--qemu-arg=amd-iommu,pt=off",
                  "--trace", "amdvi_page_fault", "--append=--only=" + IOMMU_CASES)
# QEMU 10.0's AMD-Vi never writes its event log (amdvi_test_mask ORs, so
# amdvi_log_event always sees EventOverflow): under strict the cases that
# need a logged fault skip with this reason once the data shows the
# access was refused; the refusal itself is in QEMU's amdvi_page_fault trace.
AMD_UNLOGGED = {
    "memcpy_from_unmapped_iova": "refused the read of 0x",
    "memcpy_to_unmapped_iova": "refused the write of 0x",
    "fault_recovery_needs_flr": "refused the read of 0x",
    "mix_and_match": "refused the copy from the unmapped page",
}
PAGE_RE = re.compile(r"refused the (?:read|write) of (0x[0-9a-f]+)")


def check_unit_boot(b: Boot, unit: str, table: str, strict_skips: dict,
                    fault_trace: set[str]) -> None:
    """One boot under an emulated IOMMU: the banner and the strict block
    name the unit, every mode is ok; outside strict only the cases that
    need an unreachable page skip, under strict only strict_skips (each
    with its reason; a refusal it names must be in fault_trace's pages);
    the fault cases that ran read their fault from the unit's log naming
    our device, the page and the direction."""
    (dev,) = check_device_subtests(b.report, 1)
    check(any(d.startswith(f"IOMMU: {unit} (ACPI {table})") for d in b.report.diagnostics),
          f"the banner does not name the {unit} unit")
    src = device_bdf(dev)[5:]
    nodes = dict(b.report.walk())
    for mode in ("off", "passthrough", "strict"):
        blk = mode_block(dev, mode)
        check(blk.result == "ok" and blk.subtests, f"iommu={mode}: {blk.result}")
        for t in blk.subtests:
            if t.result == "ok" or once_skip_ok(nodes, (dev.name, blk.name, t.name), t):
                continue
            why = t.skip_reason or ""
            want = NO_FAULT_TARGET if mode != "strict" else strict_skips
            check(t.result == "skip" and want.get(t.name, "@") in why,
                  f"iommu={mode}: {t.name}: {t.result} {why}")
            m = PAGE_RE.search(why)
            if mode == "strict" and m:
                page = int(m.group(1), 16)
                check(any(page <= int(a, 16) < page + 4096 for a in fault_trace),
                      f"{t.name}: QEMU traced no fault in page {m.group(1)}")
    strict = mode_block(dev, "strict")
    # the unit named as the block starts; its map/unmap figures as it ends
    check(any(d.startswith(f"iommu=strict: {unit} at 0x") for d in strict.subtests[0].diagnostics),
          "strict block does not name the unit")
    check(any(re.match(rf"iommu=strict: {unit}: [1-9]\d* maps", d) for d in strict.diagnostics),
          "strict block gives no map/unmap figures")
    check_own_faults(strict, src)
    (conf,) = [t for t in strict.subtests if t.name == "strict_confinement"]
    check(conf.result == "ok", f"strict_confinement: {conf.result}")


def t_igb_with_amd_iommu(ctx: Ctx) -> None:
    """With QEMU's amd-iommu (q35 publishes IVRS): one boot, the suite
    under off, passthrough and strict AMD-Vi. Each fault case either reads
    the fault from the event log or, QEMU 10.0 never logging, skips after
    the data showed the refusal, which QEMU's amdvi_page_fault trace must
    show at that page."""
    if ctx.arch != "x86_64":
        raise Skip("amd-iommu (AMD-Vi, IVRS) exists on x86_64 q35 only")
    b = boot(ctx, "igb_with_amd_iommu", *AMD_IOMMU_ARGS, expect=0)
    faults = {t.args.split()[-1] for t in read_trace(Path(b.sidecar["trace_log"]))
              if t.event == "amdvi_page_fault"}
    check_unit_boot(b, "AMD-Vi", "IVRS", AMD_UNLOGGED, faults)


SMMUV3_ARGS = ("--qemu-arg=-machine", "--qemu-arg=iommu=smmuv3",
               "--trace", "smmuv3_record_event", "--append=--only=" + IOMMU_CASES)


def t_igb_with_smmuv3(ctx: Ctx) -> None:
    """With virt,iommu=smmuv3 (IORT): one boot, the suite under off,
    passthrough and strict SMMUv3; under strict every fault case reads its
    F_TRANSLATION from the event queue (nothing skips), and QEMU's
    smmuv3_record_event trace shows events for our stream id."""
    if ctx.arch != "aarch64":
        raise Skip("virt,iommu=smmuv3 (SMMUv3, IORT) is the aarch64 virt machine's")
    b = boot(ctx, "igb_with_smmuv3", *SMMUV3_ARGS, expect=0)
    (dev,) = check_device_subtests(b.report, 1)
    bus, slot, fn = BDF_RE.search(dev.name).group(2, 3, 4)
    sid = int(bus, 16) << 8 | int(slot, 16) << 3 | int(fn)
    events = [t.args for t in read_trace(Path(b.sidecar["trace_log"]))
              if t.event == "smmuv3_record_event"]
    check(any("F_TRANSLATION" in e and f"sid={sid:#x}" in e for e in events),
          f"QEMU recorded no F_TRANSLATION for stream {sid:#x}: {events[:3]}")
    # QEMU does not emulate the read-fault wedge (STRICT_NO_WEDGE).
    check_unit_boot(b, "Arm SMMUv3", "IORT",
                    {"fault_recovery_needs_flr": "the read fault did not wedge the engine"},
                    set())


# --profile=quick: what `ethtool -t` answers, in mode off only (src/report/options.c).
# In run order (the case table's).
QUICK_CASES = ["register_pattern", "nvm_checksum", "link_loopback_up", "loopback_frames",
               "legacy_cause_test", "link_partner"]


class Qmp:
    """A QMP client on QEMU's unix socket, just enough for HMP commands."""

    def __init__(self, path: Path, timeout: float = 30.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(str(path))
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())           # the greeting
        self.call("qmp_capabilities")

    def call(self, execute: str, **arguments) -> object:
        self.f.write(json.dumps({"execute": execute, "arguments": arguments}) + "\n")
        self.f.flush()
        while True:                             # events may come first
            reply = json.loads(self.f.readline())
            if "return" in reply:
                return reply["return"]
            check("error" not in reply, f"QMP {execute}: {reply.get('error')}")

    def hmp(self, line: str) -> str:
        out = str(self.call("human-monitor-command", **{"command-line": line}))
        check("invalid" not in out and "Try" not in out, f"HMP {line!r}: {out.strip()}")
        return out

    def close(self) -> None:
        self.sock.close()


PCI_EXP_SLTCTL = 0x18
SLTCTL_POWER_OFF = 0x400 | 0x300   # PCC: power off; PIC: indicator off


def slot_power_off(qmp: Qmp, port: str, pcie_cap: int) -> int:
    """Power off the slot of root port `port` (BDF) through Slot Control,
    written by port I/O (CF8/CFC: the guest's config accesses go through
    ECAM, so these do not interleave with its own). QEMU unplugs the device
    below once the power and its indicator are both off
    (pcie_cap_slot_write_config). Returns the value written."""
    _, bus, dev, fn = (int(x, 16) for x in BDF_RE.fullmatch(port).groups())
    off = pcie_cap + PCI_EXP_SLTCTL
    addr = 0x80000000 | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc)
    data = 0xcfc + (off & 2)
    # HMP sizes: /h 16 bits, /w 32 bits.
    qmp.hmp(f"o /w 0xcf8 {addr:#x}")
    old = int(qmp.hmp(f"i /h {data:#x}").split("=")[-1], 16)
    qmp.hmp(f"o /w 0xcf8 {addr:#x}")
    qmp.hmp(f"o /h {data:#x} {old | SLTCTL_POWER_OFF:#x}")
    qmp.hmp(f"o /w 0xcf8 {addr:#x}")
    now = int(qmp.hmp(f"i /h {data:#x}").split("=")[-1], 16)
    check(now & SLTCTL_POWER_OFF == SLTCTL_POWER_OFF,
          f"{port} Slot Control reads {now:#x} after writing {old | SLTCTL_POWER_OFF:#x}")
    return now


REMOVAL_CASES = "identify,memcpy_success,flr_idle,flr_repeat,fault_recovery_needs_flr"


def t_slot_power_off(ctx: Ctx) -> None:
    """Gone means gone: the first of two igbs loses its slot's power as
    flr_repeat starts. It gets one failure naming the removal, its later
    case skips "device removed", no FLR waits, the other igb passes, and
    the run ends with exit status 5 (a device was removed; the runner's 6)."""
    if ctx.arch != "x86_64":
        raise Skip("the slot is powered off by port I/O (CF8/CFC): x86 only")
    d = ctx.out / "slot_power_off"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    log = d / "serial.log"
    sockdir = Path(tempfile.mkdtemp(prefix="igbtest-qmp-"))
    sock = sockdir / "qmp.sock"
    cmd = [sys.executable, str(RUNNER), "--arch", ctx.arch, "--efi", str(ctx.efi),
           "--serial-log", str(log), "--quiet", "--timeout", str(ctx.boot_timeout),
           "--root-port", "--igb", "2", "--append", f"--iommu=off --only={REMOVAL_CASES}",
           f"--qemu-arg=-qmp", f"--qemu-arg=unix:{sock},server=on,wait=off"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + ctx.boot_timeout
        m, text = None, ""
        while not m and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            text = log.read_text(errors="replace") if log.exists() else ""
            m = re.search(r"# result: (\S+)\.off\.flr_idle pass", text)
        check(m, f"flr_idle never passed on a device (log {log})")
        victim = m.group(1).replace("-", ":")
        up = re.search(re.escape(victim) + r" \[8086:10c9\].*\(behind (\S+)\)", text)
        check(up, f"no upstream port for {victim} in the inventory")
        port = up.group(1)
        cap = re.search(r"# " + re.escape(port) + r" .*\n(?:#   .*\n)*?#   caps: .*PCIe@([0-9a-f]+)",
                        text)
        check(cap, f"no PCIe capability listed for {port}")
        qmp = Qmp(sock)
        try:
            slot_power_off(qmp, port, int(cap.group(1), 16))
        finally:
            qmp.close()
        out, err = p.communicate(timeout=ctx.boot_timeout + 60)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
        shutil.rmtree(sockdir, ignore_errors=True)
    report = ktap.parse_file(str(log))
    check(not report.errors, "KTAP does not parse cleanly: " + "; ".join(report.errors[:3]))
    check(p.returncode == 6, f"runner exited {p.returncode}, expected 6 (a device was "
          f"removed): {out.strip().splitlines()[-1:] or err.strip()[-200:]}")
    devs = check_device_subtests(report, 2)
    gone, other = (devs if device_bdf(devs[0]) == victim else devs[::-1])
    leaves = {t.name: t for _, t in gone.walk() if t.is_leaf}
    failed = [n for n, t in leaves.items() if t.result == "not_ok"]
    check(failed == ["flr_repeat"], f"{victim}: failed {failed}, expected flr_repeat alone")
    said = " ".join(leaves["flr_repeat"].diagnostics)
    check("device removed during flr_repeat: config space reads all-ones" in said,
          f"{victim} flr_repeat does not name the removal: {said[:300]!r}")
    skip = leaves["fault_recovery_needs_flr"]
    check(skip.result == "skip" and "device removed during flr_repeat" in (skip.skip_reason or ""),
          f"{victim} fault_recovery_needs_flr: {skip.result} {skip.skip_reason!r}")
    text = log.read_text(errors="replace")
    check("recovery by FLR failed" not in text, "an FLR was tried on the removed device")
    check(f"# result: {victim.replace(':', '-')}.off.flr_repeat removed " in text,
          "no 'removed' result line for the removal")
    other_leaves = [t for _, t in other.walk() if t.is_leaf]
    check(other_leaves and all(t.result != "not_ok" for t in other_leaves),
          f"{device_bdf(other)}: a case failed after the other device was removed")
    check("# igbtest: exit status 5 (a device was removed)" in text, "app exit status not 5")


def t_profile_quick(ctx: Ctx) -> None:
    # With an IOMMU present (VT-d on q35, SMMUv3 on virt), so that "mode
    # off only" is the profile's doing.
    unit = (("--qemu-arg=-device", "--qemu-arg=intel-iommu,intremap=off")
            if ctx.arch == "x86_64" else ("--qemu-arg=-machine", "--qemu-arg=iommu=smmuv3"))
    b = boot(ctx, "profile_quick", *unit, "--append=--profile=quick", expect=0)
    (dev,) = check_device_subtests(b.report, 1)
    check([t.name for t in dev.subtests] == ["iommu=off"],
          f"mode blocks {[t.name for t in dev.subtests]}, expected only iommu=off")
    off = mode_block(dev, "off")
    names = [t.name for t in off.subtests]
    check(names == QUICK_CASES, f"cases run {names}, expected {QUICK_CASES}")
    check(all(t.result == "ok" for t in off.subtests),
          "not all ok: " + ", ".join(f"{t.name} {t.result}" for t in off.subtests))
    n = len(QUICK_CASES)
    check(any(d.startswith(f"options: {n} of ") and "profile quick, iommu off" in d
              for d in b.report.diagnostics), f"no 'options: {n} of N cases, profile quick' line")
    # What scripts/bench times: QEMU start <= first KTAP line <= verdict line.
    sc = b.sidecar
    check(sc.get("verdict_at") and sc["started_at"] <= sc["ktap_started_at"] <= sc["verdict_at"],
          f"sidecar times: started {sc['started_at']}, KTAP {sc['ktap_started_at']}, "
          f"verdict {sc.get('verdict_at')}")
    # x86_64: the software TPM that spares OVMF its 1.5 s TPM probe.
    if ctx.arch == "x86_64":
        want = "swtpm TPM 1.2" if shutil.which("swtpm") else "none: swtpm not found"
        check(str(sc.get("tpm")).startswith(want), f"TPM {sc.get('tpm')!r}, expected {want!r}")


_load_lock = threading.Lock()


def load_script(name: str):
    """scripts/NAME, a Python tool without .py, as a module (once). Locked:
    tests run in threads, and another must not see it half executed."""
    import importlib.machinery
    import importlib.util
    mod_name = "script_" + name.replace("-", "_")
    with _load_lock:
        if mod_name not in sys.modules:
            loader = importlib.machinery.SourceFileLoader(mod_name,
                                                          str(ROOT / "scripts" / name))
            mod = importlib.util.module_from_spec(
                importlib.util.spec_from_loader(mod_name, loader))
            sys.modules[mod_name] = mod   # its dataclasses look their module up
            loader.exec_module(mod)
        return sys.modules[mod_name]


def t_bench_ethtool_parts(ctx: Ctx) -> None:
    """scripts/bench-ethtool's own parts, without downloading or booting:
    the initramfs it writes is a cpio newc archive cpio(1) lists, with the
    symlinks and modes given; DT_NEEDED of a real binary; modinfo
    dependencies resolved depth first."""
    be = load_script("bench-ethtool")
    c = be.Cpio()
    c.directory("bin")
    c.file("bin/busybox", b"\x7fELF" + b"x" * 13)
    c.symlink("bin/sh", "busybox")
    c.file("init", b"#!/bin/sh\n", executable=True)
    out = ctx.out / "bench_ethtool_parts"
    out.mkdir(parents=True, exist_ok=True)
    (out / "test.cpio").write_bytes(c.finish())
    r = subprocess.run(["cpio", "-itv", "--quiet", "-F", str(out / "test.cpio")],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"cpio -t: {r.stderr.strip()}")
    lines = r.stdout.splitlines()
    check([l.split(None, 8)[-1] for l in lines] ==
          ["bin", "bin/busybox", "bin/sh -> busybox", "init"], f"cpio lists {lines}")
    check(lines[1].startswith("-rwxr-xr-x") and " 17 " in lines[1], f"busybox: {lines[1]}")
    check(lines[2].startswith("lrwxrwxrwx"), f"symlink: {lines[2]}")
    libs = be.needed(Path(sys.executable).resolve().read_bytes())
    check(any(l.startswith("libc.so") for l in libs), f"{sys.executable} needs {libs}?")
    mods = out / "modules"
    mods.mkdir(exist_ok=True)
    for name, deps in (("igb", "dca,i2c-algo-bit"), ("dca", ""), ("i2c-algo-bit", "i2c-core"),
                       ("i2c-core", "")):
        (mods / f"{name}.ko").write_bytes(b"\0license=GPL\0depends=" + deps.encode()
                                          + b"\0name=" + name.encode() + b"\0")
    order = [p.stem for p in be.module_order(mods, "igb")]
    check(order == ["dca", "i2c-core", "i2c-algo-bit", "igb"], f"module order {order}")
    (mods / "dca.ko").unlink()
    try:
        be.module_order(mods, "igb")
        check(False, "a missing dependency was not reported")
    except be.SetupError as e:
        check("dca" in str(e) and "igb" in str(e), f"missing dependency: {e}")


# The cases of issue 15 that need no IOMMU, with what each must say.
DEPTH_CASES = ["link_loopback_up", "msi_to_memory", "intx_status", "d3hot_d0",
               "link_partner", "eitr_throttle", "dma_above_4g"]


def diag_of(report: ktap.Report, case: str) -> str:
    lines = [d for _, t in report.walk() for d in t.diagnostics if d.startswith(case + ": ")]
    check(lines, f"no '{case}: ...' diagnostic")
    return lines[0]


def t_igb_with_netdev(ctx: Ctx) -> None:
    """An igb with a -netdev (a cable to QEMU's user network) and 6 GiB:
    the link with a partner, MSI and INTx, D3hot and back, EITR, DMA above
    4 GiB. QEMU reports the same partner with no -netdev at all
    (igb_autoneg_timer only checks link_down), so 'no link partner' is the
    model's to show."""
    b = boot(ctx, "igb_with_netdev", "--igb", "0", "--qemu-arg=-m", "--qemu-arg=6G",
             "--qemu-arg=-netdev",
             "--qemu-arg=user,id=n0", "--qemu-arg=-device", "--qemu-arg=igb,netdev=n0",
             "--append=--iommu=off --only=" + ",".join(DEPTH_CASES), expect=0)
    check_device_subtests(b.report, 1)
    check_all_ok(b.report, DEPTH_CASES)
    lp = diag_of(b.report, "link_partner")
    check("1000 Mb/s full duplex" in lp, f"link_partner: {lp!r}")
    msi = diag_of(b.report, "msi_to_memory")
    check("held pending while masked, sent on unmask" in msi, f"msi_to_memory: {msi!r}")
    d3 = diag_of(b.report, "d3hot_d0")
    check(re.search(r"D3hot 0x000[3b] after \d+ us, D0 0x000[08] after", d3),
          f"d3hot_d0: {d3!r}")
    (high,) = [t for _, t in b.report.walk() if t.name == "dma_above_4g"]
    if ctx.arch == "x86_64":
        # OVMF's q35 root bridge declares no DMA above 4 GiB (DmaAbove4G)
        check(high.result == "skip" and "PciIo Map refused" in (high.skip_reason or ""),
              f"dma_above_4g: {high.result} {high.skip_reason}")
    else:
        line = diag_of(b.report, "dma_above_4g")
        rings = [int(a, 16) for a in re.findall(r"ring (0x[0-9a-f]+)", line)]
        check(len(rings) == 2 and min(rings) >= 1 << 32, f"dma_above_4g: {line!r}")


def pair_boot(ctx: Ctx, name: str, hubs: tuple[int, int], expect: int) -> Boot:
    """port_pair alone on two igbs, igb i on -netdev hubport hub hubs[i]
    (in slots 1 and 3 of pcie.0, as igbtest-qemu puts them: clear of the
    VFs' slots)."""
    args = []
    for i, hub in enumerate(hubs):
        args += [f"--qemu-arg={a}" for a in (
            "-netdev", f"hubport,id=p{i},hubid={hub}",
            "-device", f"igb,netdev=p{i},bus=pcie.0,addr={1 + 2 * i:#x}")]
    b = boot(ctx, name, "--igb", "0", *args, "--append=--iommu=off --only=port_pair",
             expect=expect)
    check_device_subtests(b.report, 2)
    return b


def t_igb_pair_on_a_hub(ctx: Ctx) -> None:
    """Two igbs on one hubport hub (what one sends, the other receives):
    the probes find the pair, and 128 frames each way arrive byte for byte,
    reported in the first port's block; the second says where."""
    b = pair_boot(ctx, "igb_pair_on_a_hub", (0, 0), expect=0)
    first, second = (d.subtests[0].subtests[0] for d in b.report.tests)
    line = diag_of(b.report, "port_pair")
    check(first.result == "ok" and re.search(
        r"<-> \S+: 1000 Mb/s full duplex both ends, linked after \d+ and \d+ ms; 128 frames "
        r"of 60-1514 bytes \(104999 bytes\) each way", line), f"port_pair: {line!r}")
    check(second.result == "skip" and
          (second.skip_reason or "").startswith("result in " + device_bdf(b.report.tests[0])),
          f"second port: {second.result} {second.skip_reason}")


def t_igb_pair_two_hubs(ctx: Ctx) -> None:
    """Two igbs, each on a hub of its own (a cable to a switch each): both
    have a link, no probe crosses, so no pair: both skip, nothing tested."""
    b = pair_boot(ctx, "igb_pair_two_hubs", (0, 1), expect=5)
    for d in b.report.tests:
        t = d.subtests[0].subtests[0]
        check(t.result == "skip" and (t.skip_reason or "").startswith(
            "no port pair found: link up at 1000 Mb/s, but no probe of the other 1 ports"),
            f"{d.name}: {t.result} {t.skip_reason}")


def t_no_igb(ctx: Ctx) -> None:
    b = boot(ctx, "no_igb", "--igb", "0", "--e1000e", "1", expect=4)
    r = b.report
    check(r.plan == 0 and r.skipped_all, f"top-level plan is {r.plan}, expected 1..0 # SKIP")
    check(r.skip_all_reason and "82576" in r.skip_all_reason,
          f"skip reason {r.skip_all_reason!r} does not mention the 82576")
    check(not r.tests, "results after a skip-all plan")
    check(inventory_with(r, E1000E_ID), f"inventory does not list the e1000e {E1000E_ID}")
    check(not inventory_with(r, IGB_ID), "inventory lists an 82576 that is not there")
    check(any(re.search(r"no Intel 82576 found among the \d+ PCI function", d)
              for d in r.diagnostics), "no diagnostic saying what was found instead")
    check(b.sidecar["app_exit_status"] == 4, "the app did not report exit status 4")


def t_runner_bad_efi(ctx: Ctx) -> None:
    p, d = run_runner(ctx, "runner_bad_efi", efi=str(ctx.out / "does-not-exist.efi"))
    check(p.returncode == 2, f"exit {p.returncode}, expected 2")
    check("--efi file not found" in p.stderr, f"unclear message: {p.stderr.strip()!r}")
    check(not (d / "serial.log.json").exists(), "a sidecar was written for a setup error")


def t_runner_timeout(ctx: Ctx) -> None:
    t0 = time.monotonic()
    p, d = run_runner(ctx, "runner_timeout", timeout=2)
    took = time.monotonic() - t0
    check(p.returncode == 3, f"exit {p.returncode}, expected 3: {p.stdout.strip()}")
    check("timed out" in p.stdout, f"summary does not say 'timed out': {p.stdout.strip()!r}")
    check(took < 15, f"took {took:.1f} s to give up after a 2 s timeout")
    s = json.loads((d / "serial.log.json").read_text())
    check(s["timed_out"] and s["qemu_exit_code"] is None and s["exit_status"] == 3,
          f"sidecar does not record the timeout: {s['verdict']}")


# --- SR-IOV and the PF/VF mailbox (src/cases/sriov.c) ---------------------------

SRIOV_CASES = ("sriov_enable", "vf_reset_handshake", "mailbox_vf_to_pf", "mailbox_pf_to_vf",
               "mailbox_lock_exclusion", "mailbox_race_2011", "vf_flr")
VF_RE = re.compile(r"sriov_enable: VF (\d) at (\S+) \(routing ID 0x([0-9a-f]{4})\)")
MOVED_RE = re.compile(r"sriov_enable: VF 0's BAR0 at (0x[0-9a-f]+) \(above 4 GiB\) does not "
                      r"answer; moved every VF BAR into the free window (0x[0-9a-f]+)-"
                      r"(0x[0-9a-f]+) below 4 GiB")
EXCHANGE_RE = re.compile(r"fixed protocol: 1000 messages .* none lost")


def check_sriov_device(dev: ktap.Test, ari: bool) -> tuple[int, int]:
    """Every SR-IOV case ok (none skipped) on one device; the VFs at the
    routing IDs First VF Offset 0x80 / Stride 2 give; QEMU's VF BARs above
    4 GiB moved into a window below it; ARI as the port above says; the
    race reproduced and the 1000-message exchange complete."""
    runs = [t for _, t in dev.walk() if t.name in SRIOV_CASES and not t.subtests]
    for name in SRIOV_CASES:
        mine = [t for t in runs if t.name == name]
        check(mine, f"{dev.name}: no result for {name}")
        for t in mine:
            check(t.result == "ok", f"{dev.name}: {name} {t.result} {t.skip_reason or ''}")
    diags = [d for t in runs for d in t.diagnostics]
    m = BDF_RE.search(dev.name)
    pf_rid = int(m.group(2), 16) << 8 | int(m.group(3), 16) << 3 | int(m.group(4))
    vfs = {v.group(1): v for v in (VF_RE.search(d) for d in diags) if v}.values()
    check(len(vfs) == 8, f"{dev.name}: {len(vfs)} VFs reported, expected 8")
    for v in vfs:
        i, rid = int(v.group(1)), int(v.group(3), 16)
        check(rid == pf_rid + 0x80 + 2 * i, f"{dev.name}: VF {i} routing ID {rid:#x}")
        b = BDF_RE.match(v.group(2))
        check(b and (int(b.group(2), 16), int(b.group(3), 16), int(b.group(4))) ==
              (rid >> 8, (rid >> 3) & 0x1f, rid & 7), f"{dev.name}: VF {i} at {v.group(2)}")
    moved = [x for x in (MOVED_RE.search(d) for d in diags) if x]
    check(moved, f"{dev.name}: no VF BAR relocation reported")
    old, lo, hi = (int(x, 16) for x in moved[0].groups())
    check(old >= 1 << 32 and lo < hi < 1 << 32,
          f"{dev.name}: moved from {old:#x} to {lo:#x}-{hi:#x}")
    want = (f"ARI Capable Hierarchy {'on' if ari else 'off'} (the device's, in its lowest "
            f"PF), the port above {'forwards' if ari else 'does not forward'} ARI")
    check(any(want in d for d in diags), f"{dev.name}: not '{want}'")
    check(any("reproduced the 2011 report exactly" in d for d in diags),
          f"{dev.name}: race not reported as reproduced")
    check(any(EXCHANGE_RE.search(d) for d in diags), f"{dev.name}: no complete exchange")
    return lo, hi


def t_sriov(ctx: Ctx, root_port: bool) -> None:
    """The SR-IOV cases: two igbs on pcie.0 (slots 1 and 3, whose VFs sit at
    00:11.x-00:12.x and 00:13.x-00:14.x), side by side, their VF BARs moved
    into windows that do not overlap; or one behind a root port (OVMF turns
    on ARI forwarding there; VFs at 01:10.x-01:11.x)."""
    only = "--append=--only=" + ",".join(SRIOV_CASES)
    if root_port:
        b = boot(ctx, "sriov_behind_root_port", "--root-port", only, expect=0)
        devs = check_device_subtests(b.report, 1)
    else:
        b = boot(ctx, "sriov_root_bus", "--igb", "2", only, expect=0)
        devs = check_device_subtests(b.report, 2)
    windows = []
    for dev in devs:
        windows.append(check_sriov_device(dev, ari=root_port))
        check(root_port == (device_bdf(dev).split(":")[1] != "00"),
              f"{device_bdf(dev)}: not where the topology puts it")
    windows.sort()
    check(all(a[1] < b[0] for a, b in zip(windows, windows[1:])),
          f"VF BAR windows overlap: {[f'{lo:#x}-{hi:#x}' for lo, hi in windows]}")


# --- parser self-tests (no QEMU) ------------------------------------------------------

ESC = "\x1b"
GOOD = (f"{ESC}[2J{ESC}[01;01H{ESC}[=3h{ESC}[2J{ESC}[01;01HBdsDxe: starting Boot0001\r\n"
        "KTAP version 1\r\n"
        "# igbtest 0.1.0: banner\r\n"
        "1..2\r\n"
        "  KTAP version 1\r\n"
        "  # Subtest: 82576 0000:00:01.0\r\n"
        "  1..3\r\n"
        "  # identify: fine\r\n"
        "  ok 1 identify\r\n"
        "  ok 2 loopback # SKIP no link\r\n"
        "  ok 3 a \\# b\r\n"
        "ok 1 82576 0000:00:01.0\r\n"
        "  KTAP version 1\r\n"
        "  # Subtest: 82576 0000:00:03.0\r\n"
        "  1..1\r\n"
        "  ok 1 identify\r\n"
        "ok 2 82576 0000:00:03.0\r\n"
        "# Totals: pass:3 fail:0 xfail:0 xpass:0 skip:1 error:0\r\n"
        "# igbtest: exit status 0 (all tests passed)\r\n")


def expect_errors(text: str, *fragments: str, verdict: str = "invalid") -> ktap.Report:
    """Errors mentioning each fragment; verdict "incomplete" when the text
    only ends early (exit status 3 either way: never a pass)."""
    r = ktap.parse(text)
    check(r.verdict == verdict and r.exit_status == 3,
          f"verdict {r.verdict}, expected {verdict}; errors {r.errors}")
    for f in fragments:
        check(any(f in e for e in r.errors), f"no error mentioning {f!r} in {r.errors}")
    return r


def t_parse_good(ctx: Ctx) -> None:
    r = ktap.parse(GOOD)
    check(not r.errors, f"errors: {r.errors}")
    check(r.verdict == "pass" and r.exit_status == 0, f"verdict {r.verdict}")
    check(r.start_line == 2, f"KTAP starts at line {r.start_line}, expected 2")
    check(r.counts == {"pass": 3, "fail": 0, "skip": 1, "xfail": 0, "xpass": 0},
          f"counts {r.counts}")
    d0 = r.tests[0]
    check([t.name for t in d0.subtests] == ["identify", "loopback", "a # b"],
          f"names {[t.name for t in d0.subtests]}")
    check(d0.plan == 3 and d0.block_name == "82576 0000:00:01.0", "block plan/name")
    check(d0.subtests[1].result == "skip" and d0.subtests[1].skip_reason == "no link",
          "skip not parsed")
    check(d0.subtests[0].diagnostics == ["identify: fine"],
          f"diagnostics {d0.subtests[0].diagnostics}")
    check(r.totals["skip"] == 1 and r.diagnostics[0] == "igbtest 0.1.0: banner", "totals/diags")


def t_parse_skip_all(ctx: Ctx) -> None:
    r = ktap.parse("noise\nKTAP version 1\n# no Intel 82576 found among the 5 PCI functions\n"
                   "1..0 # SKIP no Intel 82576 found\n"
                   "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0\n")
    check(not r.errors, f"errors: {r.errors}")
    check(r.verdict == "skip" and r.exit_status == 4, f"verdict {r.verdict}")
    check(r.skip_all_reason == "no Intel 82576 found", f"reason {r.skip_all_reason!r}")


def t_parse_failure(ctx: Ctx) -> None:
    r = ktap.parse("KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: d\n  1..2\n"
                   "  ok 1 a\n  # b: register 0x10 read 0x0\n  not ok 2 b\nnot ok 1 d\n"
                   "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0\n")
    check(not r.errors, f"errors: {r.errors}")
    check(r.verdict == "fail" and r.exit_status == 1, f"verdict {r.verdict}")
    check(r.counts["fail"] == 1 and r.counts["pass"] == 1, f"counts {r.counts}")


def t_parse_missing_plan(ctx: Ctx) -> None:
    expect_errors("KTAP version 1\nok 1 a\n", "no plan")
    expect_errors("KTAP version 1\n1..1\n  KTAP version 1\n  ok 1 x\nok 1 d\n",
                  "line 3: subtest '?' has no plan")


def t_parse_count_mismatch(ctx: Ctx) -> None:
    expect_errors("KTAP version 1\n1..3\nok 1 a\nok 2 b\n", "planned 3 test(s) but has 2",
                  verdict="incomplete")
    expect_errors("KTAP version 1\n1..1\nok 1 a\nok 2 b\n", "planned 1 test(s) but has 2")
    expect_errors("KTAP version 1\n1..2\nok 1 a\nok 3 b\n", "test number 3 out of order")
    expect_errors("KTAP version 1\n1..1\n1..1\nok 1 a\n", "duplicate plan")


def t_parse_unclosed_subtest(ctx: Ctx) -> None:
    # The output stops inside a subtest (the app hung or the VM died): what
    # it got is kept, in a block that is never a pass.
    r = expect_errors("KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: d\n  1..2\n"
                      "  ok 1 a\n", "planned 2 test(s) but has 1",
                      "not closed by a result line", verdict="incomplete")
    check(r.cut and not r.malformed and len(r.tests) == 1, f"cut {r.cut}, {r.malformed}")
    d = r.tests[0]
    check(d.incomplete and d.result == "not_ok" and d.name == "d" and
          [t.name for t in d.subtests] == ["a"] and r.counts["pass"] == 1,
          f"the cut block: {d.to_dict()}")
    # A second subtest starts before the first one got its result line.
    expect_errors("KTAP version 1\n1..2\n  KTAP version 1\n  # Subtest: d0\n  1..1\n  ok 1 a\n"
                  "  KTAP version 1\n  # Subtest: d1\n  1..1\n  ok 1 a\nok 1 d1\n",
                  "subtest 'd0' (line 3) not closed")


def t_parse_bad_totals(ctx: Ctx) -> None:
    expect_errors("KTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP x\n"
                  "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n",
                  "disagrees", "pass 2 != counted 1", "skip 0 != counted 1")


def t_parse_noise(ctx: Ctx) -> None:
    # Firmware noise at column 0 inside a nested block is ignored; escapes and
    # CRs inside KTAP lines are stripped.
    text = ("junk\r\nKTAP version 1\r\n1..1\r\n  KTAP version 1\r\n  1..2\r\n"
            f"{ESC}[0mFloppy: something the firmware said\r\n"
            f"  ok 1 a{ESC}[37m\r\n{ESC}[2J  ok 2 b\r\nok 1 d\r\n")
    r = ktap.parse(text)
    check(not r.errors, f"errors: {r.errors}")
    check(len(r.noise) == 1 and r.noise[0][0] == 6, f"noise {r.noise}")
    check(r.counts["pass"] == 2, f"counts {r.counts}")
    # ...but an unknown line at the block's own indentation is an error.
    expect_errors("KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  garbage here\n"
                  "  ok 1 a\nok 1 d\n", "line 5: unparseable line")
    # At the top level (indentation 0) a foreign line is an error while the
    # block is open, and ignored after its last result.
    expect_errors("KTAP version 1\n1..1\nBdsDxe: x\nok 1 a\n", "line 3: unparseable line")
    r = ktap.parse("KTAP version 1\n1..1\nok 1 a\nShell> exit\n")
    check(not r.errors and r.noise == [(4, "Shell> exit")], f"{r.errors} {r.noise}")
    check(ktap.strip_escapes(f"{ESC}[=3h{ESC}[2J{ESC}[01;01Hok 1 x\r") == "ok 1 x",
          "strip_escapes left something")


def t_parse_no_ktap(ctx: Ctx) -> None:
    expect_errors("BdsDxe: loading Boot0001\r\nShell>\r\n", "no 'KTAP version 1' line")
    expect_errors("", "no 'KTAP version 1' line")


SYNTH_KTAP = ("KTAP version 1\n# 0000:00:01.0 [8086:10c9] rev 01 class 020000 <- 82576, "
              "will be tested (behind root)\n# 0000:00:02.0 [8086:10d3] rev 00 class 020000 "
              "(behind root)\n1..1\n  KTAP version 1\n  # Subtest: 82576 0000:00:01.0\n"
              "  1..1\n  ok 1 identify\nok 1 82576 0000:00:01.0\n")


def synth_trace(path: Path, uart: tuple[str, int], extra: list[str],
                igb_late: bool = True) -> float:
    """A trace as QEMU writes it: firmware-phase config writes, the UART
    receiving "KTAP version 1", then app-phase writes plus `extra` lines
    (each "EVENT ARGS"). Returns the KTAP arrival time to pass along."""
    t, lines = 1000.0, []

    def add(ev: str) -> None:
        nonlocal t
        t += 0.0001
        lines.append(f"42@{t:.6f}:{ev}")
    add("pci_cfg_write e1000e 00:02.0 @0x4 <- 0x7")
    add("pci_cfg_write igb 00:01.0 @0x4 <- 0x7")
    for ch in "KTAP version 1\r\n":
        add(f"memory_region_ops_write cpu 0 mr 0x1 addr {uart[1]:#x} value {ord(ch):#x} "
            f"size 1 name '{uart[0]}'")
    arrival = t + 0.0005
    if igb_late:
        add("pci_cfg_write igb 00:01.0 @0x10 <- 0xffffffff")
    add("memory_region_ops_write cpu 0 mr 0x2 addr 0xc0020000 value 0x1 size 4 name 'igb-mmio'")
    add("e1000e_core_write Write to register 0x14, 4 byte(s), value: 0x1")
    for ev in extra:
        add(ev)
    path.write_text("\n".join(lines) + "\n")
    return arrival


def t_trace_method(ctx: Ctx) -> None:
    """check_e1000e_untouched() passes a clean trace and catches each kind of
    write to the e1000e (no QEMU: synthetic trace lines, with this
    architecture's UART)."""
    uart = UARTS[ctx.arch]
    report = ktap.parse(SYNTH_KTAP)
    check(not report.errors, f"synthetic KTAP: {report.errors}")
    bad = {
        "config write": ["pci_cfg_write e1000e 00:02.0 @0x4 <- 0x0"],
        "MMIO/IO write": ["memory_region_ops_write cpu 0 mr 0x3 addr 0xc0060000 value 0x1 "
                          "size 4 name 'e1000e-mmio'"],
        "not from an igb": ["memory_region_ops_write cpu 0 mr 0x3 addr 0xc0060000 value 0x1 "
                            "size 4 name 'mystery-mmio'",
                            "e1000e_core_write Write to register 0x0, 4 byte(s), value: 0x1"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "trace.log")
        check_e1000e_untouched(report, uart, path, synth_trace(path, uart, []))
        for what, extra in bad.items():
            arrival = synth_trace(path, uart, extra)
            try:
                check_e1000e_untouched(report, uart, path, arrival)
            except Failure as e:
                check(what in str(e), f"wrong complaint for a {what}: {e}")
            else:
                raise Failure(f"a {what} to the e1000e went unnoticed")
        arrival = synth_trace(path, uart, [], igb_late=False)
        try:
            check_e1000e_untouched(report, uart, path, arrival)
        except Failure as e:
            check("does not capture" in str(e), f"wrong complaint: {e}")
        else:
            raise Failure("a trace without app-phase igb writes was accepted")


def t_parse_cli(ctx: Ctx) -> None:
    """scripts/ktap.py exit statuses, with every python3 we are asked to support."""
    cases = {
        "pass.log": (GOOD, 0),
        "fail.log": ("KTAP version 1\n1..1\nnot ok 1 a\n", 1),
        "bad.log": ("KTAP version 1\n1..2\nok 1 a\n", 3),
        "skip.log": ("KTAP version 1\n1..0 # SKIP nothing\n", 4),
    }
    pythons = [sys.executable] + [p for p in ("/usr/bin/python3",) if Path(p).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (text, _) in cases.items():
            Path(tmp, name).write_text(text)
        for py in pythons:
            for name, (_, want) in cases.items():
                p = subprocess.run([py, str(ROOT / "scripts/ktap.py"), str(Path(tmp, name))],
                                   capture_output=True, text=True)
                check(p.returncode == want, f"{py} ktap.py {name}: exit {p.returncode}, "
                                            f"expected {want}: {p.stdout}{p.stderr}")
            p = subprocess.run([py, str(ROOT / "scripts/ktap.py"), str(Path(tmp, "none"))],
                               capture_output=True, text=True)
            check(p.returncode == 2, f"{py} ktap.py on a missing file: exit {p.returncode}")


# --- the PE image (no QEMU) ------------------------------------------------------------

def efi_pe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EFI_PE), *args], capture_output=True, text=True)


def t_pe_headers(ctx: Ctx) -> None:
    """The image under test is a PE32+ EFI application for ctx.arch whose
    file holds every byte its section table declares (AAVMF refuses one
    that ends short)."""
    p = efi_pe("check", "--arch", ctx.arch, str(ctx.efi))
    check(p.returncode == 0, f"efi-pe check: exit {p.returncode}: {p.stderr.strip()}")
    other = next(a for a in UARTS if a != ctx.arch)
    p = efi_pe("check", "--arch", other, str(ctx.efi))
    check(p.returncode == 1 and "machine" in p.stderr,
          f"the {ctx.arch} image passed as {other}: {p.returncode} {p.stderr.strip()}")
    # The static tables (records, PCI inventories ...) are .bss the loader
    # zero-fills (linker/), not zeros in the file.
    data = ctx.efi.read_bytes()
    zero_fill = sum(max(v - r, 0) for v, r in pe_sizes(data))
    check(zero_fill >= 512 * 1024, f"the image declares {zero_fill} bytes of zero fill; "
          f"are the static tables back in .data?")
    run = max((len(m.group()) for m in re.finditer(rb"\0{4096,}", data)), default=0)
    check(run < 16384, f"the file holds a run of {run} zero bytes")


def t_pe_pad(ctx: Ctx) -> None:
    """efi-pe notices a file that ends before its declared raw data (the
    objcopy -O binary trap) and pad fills it out; a broken header is refused."""
    data = ctx.efi.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        short = Path(tmp, "short.efi")
        declared = max_raw_end(data)
        short.write_bytes(data[:declared - 0x50])
        p = efi_pe("check", str(short))
        check(p.returncode == 1 and "0x50 short" in p.stderr,
              f"a file 0x50 bytes short passed: {p.returncode} {p.stderr.strip()}")
        p = efi_pe("pad", str(short))
        check(p.returncode == 0 and short.stat().st_size == declared,
              f"pad gave {short.stat().st_size} bytes, declared {declared}: {p.stdout}{p.stderr}")
        check(short.read_bytes()[:declared - 0x50] == data[:declared - 0x50]
              and short.read_bytes()[declared - 0x50:] == bytes(0x50),
              "pad changed the image or padded with something other than zeros")
        p = efi_pe("check", "--arch", ctx.arch, str(short))
        check(p.returncode == 0, f"padded file still fails: {p.stderr.strip()}")
        p = efi_pe("pad", str(short))
        check(p.returncode == 0 and "no padding needed" in p.stdout, f"second pad: {p.stdout}")
        bad = Path(tmp, "bad.efi")
        bad.write_bytes(b"MZ" + data[2:0x3c] + b"\xf0\xff\xff\x7f" + data[0x40:])
        p = efi_pe("check", str(bad))
        check(p.returncode == 1 and "runs past the end" in p.stderr,
              f"a PE offset past the end passed: {p.returncode} {p.stderr.strip()}")


def pe_sections(data: bytes) -> list[tuple[int, int, int, int]]:
    """(VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData) of each
    section, read independently of efi-pe."""
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    nsec, opt_size = struct.unpack_from("<H", data, pe + 6)[0], \
        struct.unpack_from("<H", data, pe + 20)[0]
    table = pe + 24 + opt_size
    return [struct.unpack_from("<IIII", data, table + 40 * i + 8) for i in range(nsec)]


def pe_sizes(data: bytes) -> list[tuple[int, int]]:
    """(VirtualSize, SizeOfRawData) of each section."""
    return [(v, r) for v, _, r, _ in pe_sections(data)]


def max_raw_end(data: bytes) -> int:
    """The declared end of the raw data."""
    return max(r + p for _, _, r, p in pe_sections(data))


# --- the registry and the driver ------------------------------------------------------

@dataclass
class Case:
    name: str
    fn: Callable[[Ctx], None]
    boots: bool   # needs QEMU (runs in the worker pool)
    reads_efi: bool = False   # needs the --efi file without booting it

    @property
    def needs_efi(self) -> bool:
        return self.boots or self.reads_efi


CASES = [
    Case("parse_good", t_parse_good, False),
    Case("parse_skip_all", t_parse_skip_all, False),
    Case("parse_failure", t_parse_failure, False),
    Case("parse_missing_plan", t_parse_missing_plan, False),
    Case("parse_count_mismatch", t_parse_count_mismatch, False),
    Case("parse_unclosed_subtest", t_parse_unclosed_subtest, False),
    Case("parse_bad_totals", t_parse_bad_totals, False),
    Case("parse_noise", t_parse_noise, False),
    Case("parse_no_ktap", t_parse_no_ktap, False),
    Case("parse_cli", t_parse_cli, False),
    Case("trace_method", t_trace_method, False),
    Case("bench_ethtool_parts", t_bench_ethtool_parts, False),
    Case("pe_headers", t_pe_headers, False, reads_efi=True),
    Case("pe_pad", t_pe_pad, False, reads_efi=True),
    # Longest boots first so the two workers finish together.
    Case("two_igbs_and_e1000e", t_two_igbs_and_e1000e, True),
    Case("four_igbs_side_by_side", t_four_igbs_side_by_side, True),
    Case("one_igb_root_bus", t_one_igb_root_bus, True),
    Case("igb_behind_root_port", t_igb_behind_root_port, True),
    Case("sriov_root_bus", lambda ctx: t_sriov(ctx, root_port=False), True),
    Case("sriov_behind_root_port", lambda ctx: t_sriov(ctx, root_port=True), True),
    Case("igb_with_intel_iommu", t_igb_with_intel_iommu, True),
    Case("igb_with_amd_iommu", t_igb_with_amd_iommu, True),
    Case("unclaimed_dma", t_unclaimed_dma, True),
    Case("faults_side_by_side_intel", lambda ctx: t_faults_side_by_side(ctx, "intel"), True),
    Case("faults_side_by_side_amd", lambda ctx: t_faults_side_by_side(ctx, "amd"), True),
    Case("faults_side_by_side_smmuv3", lambda ctx: t_faults_side_by_side(ctx, "smmuv3"), True),
    Case("igb_with_smmuv3", t_igb_with_smmuv3, True),
    Case("profile_quick", t_profile_quick, True),
    Case("igb_with_netdev", t_igb_with_netdev, True),
    Case("igb_pair_on_a_hub", t_igb_pair_on_a_hub, True),
    Case("igb_pair_two_hubs", t_igb_pair_two_hubs, True),
    Case("slot_power_off", t_slot_power_off, True),
    Case("no_igb", t_no_igb, True),
    Case("runner_timeout", t_runner_timeout, True),
    Case("runner_bad_efi", t_runner_bad_efi, True),
]
CASES += lab_tests.cases(sys.modules[__name__])


@dataclass
class Result:
    case: Case
    outcome: str   # "ok" | "FAIL" | "skip"
    reason: str
    seconds: float


def run_case(case: Case, ctx: Ctx) -> Result:
    t0 = time.monotonic()
    try:
        case.fn(ctx)
        outcome, reason = "ok", ""
    except Failure as e:
        outcome, reason = "FAIL", str(e)
    except Skip as e:
        outcome, reason = "skip", str(e)
    except Exception as e:  # a bug in the test itself is a failure too
        outcome, reason = "FAIL", f"{type(e).__name__}: {e}"
    return Result(case, outcome, reason, time.monotonic() - t0)


def report_line(r: Result) -> str:
    why = f": {r.reason}" if r.reason else ""
    return f"{r.outcome:4} {r.case.name} ({r.seconds:.1f} s){why}"


def select(only: list[str]) -> list[Case]:
    if not only:
        return CASES
    patterns = [p for arg in only for p in arg.split(",") if p]
    unknown = [p for p in patterns if not any(fnmatch.fnmatchcase(c.name, p) for c in CASES)]
    if unknown:
        raise SystemExit(f"run_tests.py: no test matches {', '.join(unknown)} (see --list)")
    return [c for c in CASES if any(fnmatch.fnmatchcase(c.name, p) for p in patterns)]


def snapshot(efi: Path, out: Path) -> Path:
    """Boot one copy of the app in every test, so that a rebuild of --efi
    while the suite runs cannot mix two builds in one result."""
    out.mkdir(parents=True, exist_ok=True)
    copy = out / "igbtest-under-test.efi"
    shutil.copyfile(efi, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()[:16]
    print(f"# testing {efi} ({copy.stat().st_size} bytes, sha256 {digest}...)", flush=True)
    return copy


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="run_tests.py", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=sorted(UARTS), default="x86_64",
                    help="guest architecture, passed to igbtest-qemu (default %(default)s)")
    ap.add_argument("--efi", help="the app to boot (default: build/ARCH/igbtest.efi)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only these tests (repeatable, comma lists and "
                         "shell patterns such as 'parse_*' work)")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("--jobs", "-j", type=int, default=2, metavar="N",
                    help="QEMU boots at a time (default 2)")
    ap.add_argument("--image", metavar="DISK",
                    help="make image's disk for the lab tests (default: made from "
                         "--efi by scripts/make-image); each test boots a copy")
    ap.add_argument("--boot-timeout", type=float, default=120, metavar="SECONDS",
                    help="per-boot limit passed to igbtest-qemu --timeout (default 120)")
    args = ap.parse_args(argv)
    if args.list:
        for c in CASES:
            print(f"{c.name}{'' if c.boots else '  (no QEMU)'}")
        return 0
    try:
        cases = select(args.only)
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 2
    args.efi = args.efi or str(ROOT / "build" / args.arch / "igbtest.efi")
    efi = Path(args.efi).resolve()
    ctx = Ctx(efi=efi, boot_timeout=args.boot_timeout, arch=args.arch, built=efi.parent)
    if any(c.needs_efi for c in cases) and not efi.is_file():
        print(f"run_tests.py: --efi file not found: {args.efi} (run make first)", file=sys.stderr)
        return 2
    if any(c.needs_efi for c in cases):
        ctx.efi = snapshot(efi, ctx.out)
    if any(c.boots for c in cases):
        ctx.image = Path(args.image).resolve() if args.image else ctx.out / "igbtest-under-test.img"
        if not args.image:
            p = subprocess.run([str(ROOT / "scripts" / "make-image"), "--arch", ctx.arch,
                                "--efi", str(ctx.efi), "--out", str(ctx.image)],
                               capture_output=True, text=True)
            if p.returncode:
                print(f"run_tests.py: make-image failed: {p.stderr.strip()}", file=sys.stderr)
                return 2
        elif not ctx.image.is_file():
            print(f"run_tests.py: --image not found: {args.image} (make image)",
                  file=sys.stderr)
            return 2
    print(f"# architecture {ctx.arch}", flush=True)

    t0 = time.monotonic()
    results: list[Result] = []
    for c in (c for c in cases if not c.boots):
        results.append(run_case(c, ctx))
        print(report_line(results[-1]), flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, c, ctx) for c in cases if c.boots]
        for f in as_completed(futures):
            results.append(f.result())
            print(report_line(results[-1]), flush=True)

    n = {k: sum(r.outcome == k for r in results) for k in ("ok", "FAIL", "skip")}
    print(f"# suite took {time.monotonic() - t0:.1f} s", flush=True)
    print(f"{n['ok']} passed, {n['FAIL']} failed" + (f", {n['skip']} skipped" if n["skip"] else ""))
    return 1 if n["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
