"""QEMU tests of lab operation (run by tests/qemu/run_tests.py).

Options through -append, the config file and the results folder on the USB
image (`make image`'s disk, booted as a disk and read back with mtools), a
reset in the middle of a run, Secure Boot with Debian's snake-oil keys,
JUnit from a serial log, and the LAVA monitor pattern on a real log.

cases(rt) returns the Case objects; rt is the run_tests module, whose
helpers (boot, run_runner, check, Failure, Skip, ktap) these use.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKE_IMAGE = ROOT / "scripts" / "make-image"
KTAP2JUNIT = ROOT / "scripts" / "ktap2junit"
CHECK_JOB = ROOT / "lava" / "check-job"
SNAKEOIL_KEY = Path("/usr/share/ovmf/PkKek-1-snakeoil.key")
SNAKEOIL_CERT = Path("/usr/share/ovmf/PkKek-1-snakeoil.pem")
ESP_OFFSET = 1024 * 1024   # make-image puts the ESP at 1 MiB
RESULT_LINE = re.compile(r"# result: (\S+) (pass|fail|skip|removed) (\d+) ms")

rt = None   # the run_tests module, set by cases()


def mtools_env() -> dict:
    return dict(os.environ, MTOOLS_SKIP_CHECK="1")


def esp(image: Path) -> str:
    return f"{image}@@{ESP_OFFSET}"


def tool(*cmd: str) -> subprocess.CompletedProcess:
    p = subprocess.run(list(cmd), capture_output=True, text=True, env=mtools_env())
    rt.check(p.returncode == 0, f"{' '.join(cmd)} failed ({p.returncode}): "
                                f"{(p.stderr or p.stdout).strip()}")
    return p


def image_copy(ctx, name: str, efi: Path | None = None, config: str | None = None) -> Path:
    """A private copy of the image under test (ctx.image, make image's disk),
    or one made by the same script from another app; config replaces its
    \\EFI\\igbtest\\igbtest.cfg."""
    d = ctx.out / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    img = d / "disk.img"
    if efi is None:
        shutil.copyfile(ctx.image, img)
    else:
        tool(str(MAKE_IMAGE), "--efi", str(efi), "--out", str(img))
    if config is not None:
        cfg = d / "igbtest.cfg"
        cfg.write_text(config)
        tool("mcopy", "-o", "-i", esp(img), str(cfg), "::/EFI/igbtest/igbtest.cfg")
    return img


def results_on(image: Path) -> list[str]:
    p = tool("mdir", "-b", "-i", esp(image), "::/igbtest/results")
    return sorted(Path(l.strip()).name for l in p.stdout.splitlines() if l.strip())


def read_back(image: Path, name: str, dest: Path) -> str:
    out = dest / name
    tool("mcopy", "-o", "-i", esp(image), f"::/igbtest/results/{name}", str(out))
    return out.read_text(encoding="utf-8", errors="strict")


def serial_ktap(log: Path) -> str:
    """The serial KTAP stream as the app wrote it: from "KTAP version 1" on,
    the firmware's escapes and CRs stripped."""
    raw = log.read_bytes().decode("utf-8", "replace")
    lines = rt.ktap.clean_lines(raw)
    start = next(i for i, l in enumerate(lines) if l == "KTAP version 1")
    lines = lines[start:]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def x86_only(ctx) -> None:
    if ctx.arch != "x86_64":
        raise rt.Skip("Secure Boot is tested with OVMF's snake-oil build (x86_64)")


def run_blocks(dev) -> list:
    """The blocks of a device that ran its cases: the device itself, or,
    when its suite runs once per DMA remapping mode, each mode's block that
    was not skipped as a whole ("iommu=off", ...)."""
    if dev.subtests and all(t.name.startswith("iommu=") for t in dev.subtests):
        return [t for t in dev.subtests if t.has_block]
    return [dev]


def case_names(report) -> list[str]:
    """The cases run, per device and mode, in order."""
    return [t.name for dev in report.tests for blk in run_blocks(dev)
            for t in blk.subtests]


# --- options --------------------------------------------------------------------

def t_append_options(ctx) -> None:
    b = rt.boot(ctx, "append_options", "--append",
                "--only=identify,status_sane --iommu=off --verbosity=verbose", expect=0)
    (dev,) = rt.check_device_subtests(b.report, 1)
    rt.check([t.name for t in dev.subtests] == ["iommu=off"],
             f"--iommu=off: the device block holds {[t.name for t in dev.subtests]}")
    blocks = run_blocks(dev)
    rt.check(blocks and all([t.name for t in blk.subtests] == ["identify", "status_sane"]
                            for blk in blocks), f"cases run: {case_names(b.report)}")
    diags = b.report.diagnostics
    rt.check("options: from the command line (LoadOptions)" in diags,
             "the banner does not say the options came from the command line")
    rt.check(any(d.startswith("options: 2 of ") for d in diags), "no 'options: 2 of N'")
    rt.check(any("[1/2] identify: " in d for d in blocks[0].subtests[0].diagnostics),
             "--verbosity=verbose printed no per-case start line")
    # -kernel boots from the firmware's read-only loader file system: the
    # results file cannot be made there, the console says so, the run goes on.
    rt.check(any(d.startswith("results file: not written: ") for d in diags),
             "no word about the results file on a read-only volume")


STARTUP_NSH = """\
fs0:
\\EFI\\igbtest\\igbtest.efi --only=identify,status_sane --iommu=off
echo "igbtest returned %lasterror%"
reset -s
"""


def t_shell_arguments(ctx) -> None:
    """From the UEFI shell: argv through EFI_SHELL_PARAMETERS_PROTOCOL, and
    the default end (auto) returns to the shell, whose script goes on."""
    if ctx.arch != "x86_64":   # not tried with AAVMF
        raise rt.Skip("the fallback to the UEFI shell is tested with OVMF (x86_64)")
    img = image_copy(ctx, "shell_arguments")
    d = img.parent
    nsh = d / "startup.nsh"
    nsh.write_text(STARTUP_NSH.replace("\n", "\r\n"))
    tool("mdel", "-i", esp(img), "::/EFI/BOOT/BOOTX64.EFI")   # so OVMF falls to its shell
    tool("mcopy", "-i", esp(img), str(ctx.efi), "::/EFI/igbtest/igbtest.efi")
    tool("mcopy", "-i", esp(img), str(nsh), "::/startup.nsh")
    b = rt.boot(ctx, "shell_arguments/run", "--image", str(img), expect=0)
    rt.check("options: 2 from the UEFI shell" in b.report.diagnostics,
             "the banner does not say the options came from the shell")
    rt.check(case_names(b.report) == ["identify", "status_sane"],
             f"ran {case_names(b.report)}")
    text = rt.ktap.strip_escapes((b.dir / "serial.log").read_bytes().decode("utf-8", "replace"))
    rt.check(re.search(r"igbtest returned 0x0\b", text),
             "the app did not return to the shell with status 0 (--end=auto)")


def t_list(ctx) -> None:
    """--list prints the registry: per group a "group NAME: TITLE" line,
    per case "  NAME NEEDS MODES DESCRIPTION" (src/suite/suite.h; MODES
    "once" for a MODES_ONCE row), the same
    rows, needs and modes as the IGB_CASE declarations."""
    b = rt.boot(ctx, "list_cases", "--append=--list", expect=0)
    r = b.report
    rt.check(r.skipped_all and "--list" in (r.skip_all_reason or ""), f"plan {r.plan}")
    header = next((d for d in r.diagnostics if re.match(r"\d+ test cases in \d+ groups", d)), None)
    rt.check(header, "no 'N test cases in M groups' line")
    listed, group = [], None
    for d in r.diagnostics:
        m = re.match(r"group (\w+): \S", d)
        if m:
            group = m.group(1)
        elif d.startswith("  ") and len(d.split()) > 3:
            name, needs, modes, desc = d.split(None, 3)
            rt.check(len(desc) > 10, f"{name}: no description")
            once = modes == "once"   # MODES_ONCE: every mode, run in the first
            listed.append(rt.RegCase(name, group, tuple(needs.split(",")) if needs != "-" else (),
                                     rt.MODES if once else tuple(modes.split(",")), once))
    n, ngroups = int(header.split()[0]), int(header.split()[4])
    rt.check(len(listed) == n, f"{len(listed)} case rows, header says {n}")
    rt.check(len({c.group for c in listed}) == ngroups, f"header says {ngroups} groups")
    want = rt.registry()
    rt.check(listed == want, "--list differs from the IGB_CASE rows: "
             f"{[c for c in listed if c not in want][:3]} vs {[c for c in want if c not in listed][:3]}")
    rt.check(not any("PCI inventory" in d for d in r.diagnostics), "--list scanned PCI")
    rt.check(b.sidecar["app_exit_status"] == 0, "app exit status is not 0")


def t_bad_option(ctx) -> None:
    b = rt.boot(ctx, "bad_option", "--append", "--only=identify --frobnicate=3", expect=2)
    r = b.report
    rt.check(r.skipped_all and not r.tests, "a usage error ran something")
    rt.check("usage error: unknown option '--frobnicate' (--help lists them)" in r.diagnostics,
             f"message: {[d for d in r.diagnostics if 'usage' in d]}")
    rt.check(not any("PCI inventory" in d for d in r.diagnostics), "PCI was scanned")
    rt.check(b.sidecar["app_exit_status"] == 2, "app exit status is not 2")
    rt.check("refused its options" in b.summary, f"runner said: {b.summary}")


def t_device_selection(ctx) -> None:
    """--device picks one of two 82576s; the other is listed, not tested."""
    if ctx.arch != "x86_64":
        raise rt.Skip("the igbs' addresses are the x86_64 runner's (pcie.0 slots 1, 3)")
    b = rt.boot(ctx, "device_selection", "--igb", "2", "--append",
                "--device=00:03.0 --only=identify --iommu=off", expect=0)
    (dev,) = rt.check_device_subtests(b.report, 1)
    rt.check(dev.name == "82576 0000:00:03.0", f"tested {dev.name}")
    marked = [d for d in b.report.diagnostics if "will be tested" in d]
    rt.check(len(marked) == 1 and marked[0].startswith("0000:00:03.0 "),
             f"inventory marks {marked}")
    b = rt.boot(ctx, "device_selection_absent", "--append",
                "--device=0000:07:00.0 --only=identify", expect=4)
    rt.check("--device 0000:07:00.0: no 82576 there" in b.report.diagnostics,
             "no word about the absent device")
    rt.check(b.report.skip_all_reason == "no selected 82576 found",
             f"skip reason {b.report.skip_all_reason!r}")


HOLDFAST = "holdfast (test driver that refuses to stop)"


def holdfast_boot(ctx, name: str, n_igb: int, options: str, expect: int, *trace: str):
    """Boots the fixture tests/qemu/holdfast.c as the -kernel image: it binds
    a UEFI driver to the 82576(s) its options name, a driver whose Stop()
    fails, then starts igbtest (\\igbtest.efi on a FAT disk) with the rest."""
    efi = ctx.built / "holdfast.efi"
    if not efi.exists():
        raise rt.Failure(f"{efi} not built (make qemu-test builds it)")
    d = ctx.out / f"{name}.disk"   # run_runner empties ctx.out / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    disk = d / "fat.img"
    tool("mkfs.vfat", "-C", str(disk), "32768")
    tool("mcopy", "-i", str(disk), str(ctx.efi), "::/igbtest.efi")
    args = ["--igb", str(n_igb), "--image", str(disk), f"--append={options}"]
    for ev in trace:
        args += ["--trace", ev]
    p, out = rt.run_runner(ctx, name, *args, efi=str(efi))
    log = out / "serial.log"
    report = rt.ktap.parse_file(str(log)) if log.exists() else rt.ktap.parse("")
    rt.check(p.returncode == expect, f"runner exited {p.returncode}, expected {expect} "
                                     f"(log {log})")
    rt.check(not report.errors, "KTAP does not parse cleanly: " + "; ".join(report.errors[:3]))
    sidecar = json.loads((out / "serial.log.json").read_text())
    return report, sidecar


def refused_mark(report, bdf: str) -> str:
    line = rt.inventory_line(report, bdf)
    rt.check(f'not tested: the firmware driver "{HOLDFAST}" would not let go' in line,
             f"inventory line of the held device: {line!r}")
    return line


def t_driver_refuses(ctx) -> None:
    """A firmware driver that will not stop: igbtest leaves that 82576 alone
    (not tested, with the driver's name; no config write after KTAP began)
    and tests the other; with only that one, the run could not test
    anything: exit 3, never a failed NIC."""
    # The runner's root-bus slots 1 and 3 (q35 and virt alike).
    report, sidecar = holdfast_boot(
        ctx, "driver_refuses", 2, "hold=00:01.0 --only=identify,register_pattern "
        "--iommu=off", 0, "pci_cfg_write")
    refused_mark(report, "0000:00:01.0")
    held, free = rt.check_device_subtests(report, 2)
    rt.check(held.name == "82576 0000:00:01.0" and held.result == "skip" and
             (held.skip_reason or "").startswith("not tested: the firmware driver"),
             f"held device: {held.name} {held.result} {held.skip_reason!r}")
    rt.check(free.name == "82576 0000:00:03.0" and free.result == "ok",
             f"other device: {free.name} {free.result}")
    ran = [(t.name, t.result) for blk in run_blocks(free) for t in blk.subtests]
    rt.check(ran == [("identify", "ok"), ("register_pattern", "ok")],
             f"the other device's cases: {ran}")
    trace = rt.read_trace(Path(sidecar["trace_log"]))
    start = sidecar["ktap_started_at"]
    rt.check(start, "the runner recorded no KTAP arrival time")
    cfg = [(t, rt.CFG_RE.match(t.args)) for t in trace if t.event == "pci_cfg_write"]
    late = {m.group(2) for t, m in cfg if m and t.ts >= start}
    rt.check("00:03.0" in late, "no config write to the tested igb after KTAP "
                                "started: the trace does not show the app's writes")
    rt.check("00:01.0" not in late, "config writes to the held igb 00:01.0 after KTAP "
                                    "started")
    # The runner's 5: the app's "could not run" (3) with a complete KTAP.
    report, sidecar = holdfast_boot(ctx, "driver_refuses_only", 1, "--only=identify", 5)
    rt.check(sidecar.get("app_exit_status") == 3 and sidecar.get("verdict") == "not tested",
             f"sidecar: app exit {sidecar.get('app_exit_status')}, "
             f"verdict {sidecar.get('verdict')!r}")
    (dev,) = rt.check_device_subtests(report, 1)
    rt.check(dev.result == "skip" and (dev.skip_reason or "").startswith("not tested:"),
             f"held device: {dev.result} {dev.skip_reason!r}")
    rt.check(any("igbtest: exit status 3" in d for d in report.diagnostics),
             f"no exit status 3 line: {report.diagnostics[-3:]}")


def t_storm_size(ctx) -> None:
    """--storm-mib reaches memcpy_storm; its MB/s is a key measurement."""
    b = rt.boot(ctx, "storm_size", "--append",
                "--only=memcpy_storm --storm-mib=8 --iommu=off", expect=0)
    (dev,) = rt.check_device_subtests(b.report, 1)
    (blk,) = run_blocks(dev)
    (case,) = blk.subtests
    rt.check(any("until 8 MiB moved" in d for d in case.diagnostics),
             f"storm diagnostics: {case.diagnostics}")
    text = serial_ktap(b.dir / "serial.log")
    rt.check(re.search(r"# result: \S+\.memcpy_storm\.throughput pass \d+ MB/s", text),
             "no throughput measurement line")


def t_storm_past_copy_78(ctx) -> None:
    """A storm past the copy that lost a frame on QEMU: every frame's
    header used to be pattern bytes, and copy 78's frame 2491 began as
    IPv4 with IHL 0, which QEMU's TX parser drops (net_tx_pkt_parse) with
    DD written: a false "timed out". 3 GiB is 88 copies of 4095 frames."""
    b = rt.boot(ctx, "storm_past_copy_78", "--append",
                "--only=memcpy_storm --storm-mib=3072 --iommu=off", expect=0)
    (dev,) = rt.check_device_subtests(b.report, 1)
    (blk,) = run_blocks(dev)
    (case,) = blk.subtests
    rt.check(case.result == "ok", f"memcpy_storm {case.result}: {case.diagnostics[-3:]}")
    rt.check(not any("recovery" in d for d in case.diagnostics),
             f"a copy was recovered: {case.diagnostics}")
    rt.check(any(re.search(r"memcpy_storm: 3\d{3} MiB in \d+ ms of copying", d)
                 for d in case.diagnostics), f"storm diagnostics: {case.diagnostics[-3:]}")


ROUND_LINE = re.compile(r"# round (\d+): ([\d.]+) s, run ([\d.]+) s(?: of (\d+) s)?; held: "
                        r"(\d+) DMA buffers, (\d+) DMA pages \(peak (\d+)\), (\d+) IOMMU "
                        r"table pages \(peak (\d+)\), (\d+) records; firmware free "
                        r"memory (\d+) KiB")


def round_lines(b) -> list:
    """The "# round N: ..." line of each finished round of a boot."""
    out = list(ROUND_LINE.finditer(serial_ktap(b.dir / "serial.log")))
    rt.check([int(m.group(1)) for m in out] == list(range(1, len(out) + 1)),
             f"round lines {[m.group(1) for m in out]}")
    return out


def soak_rounds(report, n: int, modes: list[str], cases: list[str]) -> None:
    """n rounds at the top; each holds the one device, which holds every
    mode in modes (ran, not skipped), each every case in order."""
    rt.check(report.plan == n and [t.name for t in report.tests] ==
             [f"round {r}" for r in range(1, n + 1)],
             f"plan {report.plan}, top level {[t.name for t in report.tests]}")
    for rnd in report.tests:
        rt.check(len(rnd.subtests) == 1 and rnd.subtests[0].name.startswith("82576 "),
                 f"{rnd.name}: {[t.name for t in rnd.subtests]}")
        ran = [(m.name, [t.name for t in m.subtests]) for m in rnd.subtests[0].subtests
               if m.has_block]
        rt.check(ran == [(f"iommu={m}", cases) for m in modes], f"{rnd.name}: ran {ran}")


def t_soak_rounds(ctx) -> None:
    """--repeat=3: three rounds, each a subtest holding the device and its
    modes; the result lines name the round; the summary folds the rounds."""
    b = rt.boot(ctx, "soak_rounds", "--append",
                "--only=identify,status_sane --repeat=3", expect=0)
    soak_rounds(b.report, 3, ["off"], ["identify", "status_sane"])
    ids = [m.group(1) for m in RESULT_LINE.finditer(serial_ktap(b.dir / "serial.log"))]
    rt.check(len(ids) == 6 and ids[-1].endswith(".off.status_sane.r3"), f"result ids {ids}")
    rt.check(len(round_lines(b)) == 3, "a round line per round")
    rt.check(any(re.search(r"status_sane +pass .* 3 runs, 0 failed", d)
                 for d in b.report.diagnostics), "summary table lacks the 3 runs")


# --duration's T: a minute, the shortest soak that shows several rounds of
# all three modes under TCG.
SOAK_T = 60


def t_soak_duration(ctx) -> None:
    """--duration bounds the whole run, with intel-iommu on x86_64: rounds
    of every mode until T has passed since the start (a trailing plan),
    each round ran off, passthrough and strict (aarch64's virt has no
    VT-d: off only), the last round started before T and ended after it,
    and the boot's wall time is at least T and at most T plus one round
    plus the boot and power-off around the app."""
    x86 = ctx.arch == "x86_64"  # intel-iommu is a q35 device
    t0 = time.monotonic()
    b = rt.boot(ctx, "soak_duration", *(rt.INTEL_IOMMU if x86 else ()), "--append",
                f"--only=identify,link_loopback_up --duration={SOAK_T}s -q", expect=0,
                timeout=SOAK_T + ctx.boot_timeout)
    wall = time.monotonic() - t0
    rounds = round_lines(b)
    n = len(rounds)
    rt.check(n >= 2, f"{n} rounds in {SOAK_T} s")
    soak_rounds(b.report, n, ["off", "passthrough", "strict"] if x86 else ["off"],
                ["identify", "link_loopback_up"])
    last_took, last_end = float(rounds[-1].group(2)), float(rounds[-1].group(3))
    # Both figures are rounded to 0.1 s, so the start they give is good to
    # 0.1 s: a round that began at 59.97 s reads "60.0 s" (seen once).
    rt.check(last_end - last_took < SOAK_T + 0.1 and SOAK_T <= last_end + 0.05,
             f"last round ran from {last_end - last_took:.1f} s to {last_end:.1f} s, T {SOAK_T} s")
    rt.check(all(int(m.group(4)) == SOAK_T for m in rounds), "round lines lack 'of T s'")
    # The app's clock cannot run ahead of the host's, so the boot takes at
    # least T; at most T, one round, and the firmware's boot and power-off
    # around the app, which on a loaded 2-core TCG host take up to a couple
    # of minutes (about 40 s unloaded): the bound is generous for that.
    limit = SOAK_T + last_took + 180
    rt.check(SOAK_T <= wall <= limit, f"boot took {wall:.0f} s, expected {SOAK_T}..{limit:.0f}")
    rt.check(any(re.fullmatch(r"soak: planned end \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by the "
                              rf"firmware clock \({SOAK_T} s after the start\); the round "
                              r"running then finishes", d) for d in b.report.diagnostics),
             "the banner does not say the planned end")
    rt.check(not any("PCI inventory" in d for d in b.report.diagnostics),
             "-q still printed the inventory")


# --- the USB image: config file, results folder --------------------------------

CONFIG = """# test config: two cases, verbose
only = identify, link_loopback_up   # the comma list may have spaces
verbosity = verbose
"""


def t_image_config_and_results(ctx) -> None:
    img = image_copy(ctx, "image_results", config=CONFIG)
    d = img.parent
    rt.check(results_on(img) == [], "the fresh image's results folder is not empty")
    b = rt.boot(ctx, "image_results/run1", "--image", str(img), expect=0)
    r = b.report
    rt.check("options: from \\EFI\\igbtest\\igbtest.cfg" in r.diagnostics,
             "the banner does not name the config file")
    names = case_names(r)
    rt.check(names and names == ["identify", "link_loopback_up"] * (len(names) // 2),
             f"ran {names}")
    rt.check("results file: \\igbtest\\results\\run-0001.ktap on the boot volume"
             in r.diagnostics, "banner does not name run-0001.ktap")
    rt.check(results_on(img) == ["run-0001.json", "run-0001.ktap"], f"{results_on(img)}")
    ktap_file = read_back(img, "run-0001.ktap", d)
    serial = serial_ktap(b.dir / "serial.log")
    rt.check(ktap_file == serial, f"results file ({len(ktap_file)} bytes) differs from the "
                                  f"serial KTAP ({len(serial)} bytes)")
    summary = json.loads(read_back(img, "run-0001.json", d))
    rt.check(summary["exit_status"] == 0, f"summary exit status {summary['exit_status']}")
    got = [(x["case"], x["result"], x["runs"]) for x in summary["results"]]
    rt.check(got[:2] == [("identify", "pass", 1), ("link_loopback_up", "pass", 1)] and
             len(got) == len(names), f"{got}")
    ms = summary["results"][1]["ms"]
    rt.check(isinstance(ms, int) and ms >= 0, f"link_loopback_up's time is {ms!r}")
    # A second run on the same stick gets a new name; the first is untouched.
    b2 = rt.boot(ctx, "image_results/run2", "--image", str(img), expect=0)
    rt.check(results_on(img) == ["run-0001.json", "run-0001.ktap", "run-0002.json",
                                 "run-0002.ktap"], f"after run 2: {results_on(img)}")
    rt.check(read_back(img, "run-0001.ktap", d) == ktap_file, "run 2 changed run-0001.ktap")
    rt.check(read_back(img, "run-0002.ktap", d) == serial_ktap(b2.dir / "serial.log"),
             "run-0002.ktap differs from run 2's serial KTAP")
    check_junit(b.dir / "serial.log", d / "junit.xml", tests=len(r.leaves()), failures=0,
                skipped=r.counts["skip"])
    check_lava_pattern(b.dir / "serial.log")


def t_config_is_folder(ctx) -> None:
    """A folder where the config file should be is refused as such (exit
    2, nothing run), not parsed as a binary file."""
    img = image_copy(ctx, "config_folder")
    tool("mdel", "-i", esp(img), "::/EFI/igbtest/igbtest.cfg")
    tool("mmd", "-i", esp(img), "::/EFI/igbtest/igbtest.cfg")
    b = rt.boot(ctx, "config_folder/run", "--image", str(img), expect=2)
    r = b.report
    rt.check(r.skipped_all and not r.tests, "a usage error ran something")
    want = ("usage error: \\EFI\\igbtest\\igbtest.cfg is a folder, not a file: the "
            "options must be a text file of that name")
    rt.check(want in r.diagnostics, f"message: {[d for d in r.diagnostics if 'usage' in d]}")
    rt.check(not any("PCI inventory" in d for d in r.diagnostics), "PCI was scanned")


def t_image_default(ctx) -> None:
    """make image's disk as shipped: the example config changes nothing,
    every case runs, results land in the folder; JUnit and the LAVA
    pattern work on the serial log."""
    img = image_copy(ctx, "image_default")
    b = rt.boot(ctx, "image_default/run", "--image", str(img), expect=0)
    rt.check_all_ok(b.report)
    rt.check("options: from \\EFI\\igbtest\\igbtest.cfg" in b.report.diagnostics,
             "the example config was not read")
    rt.check(any(d.startswith("options: ") and " of " in d and
                 d.split()[1] == d.split()[3] for d in b.report.diagnostics),
             "the example config deselected something")
    rt.check(read_back(img, "run-0001.ktap", img.parent) ==
             serial_ktap(b.dir / "serial.log"), "results file differs from serial")
    # JUnit from this whole run's serial log: one suite, every case, times.
    n, skips = len(b.report.leaves()), b.report.counts["skip"]
    out = b.dir / "junit.xml"
    check_junit(b.dir / "serial.log", out, tests=n, failures=0, skipped=skips)
    suite = ET.parse(out).getroot().findall("testsuite")[0]
    rt.check(suite.get("name").startswith(b.report.tests[0].name),
             f"suite {suite.get('name')}")
    link = suite.find("testcase[@name='link_loopback_up']")
    rt.check(link is not None and float(link.get("time")) > 0,
             "link_loopback_up has no time from its '# result:' line")
    up = link.find("properties/property[@name='link_up']")
    rt.check(up is not None and up.get("value").endswith(" ms") and
             int(up.get("value").split()[0]) > 0, "no link_up measurement")
    bench = suite.find("testcase[@name='memcpy_throughput']/properties")
    rt.check(bench is not None and {p.get("name") for p in bench} ==
             {"frames_1024", "frames_9000"}, "memcpy_throughput lacks its MB/s figures")
    check_lava_pattern(b.dir / "serial.log")


def free_bytes(image: Path) -> int:
    out = tool("mdir", "-i", esp(image), "::/").stdout
    line = next(l for l in out.splitlines() if l.strip().endswith("bytes free"))
    return int("".join(ch for ch in line if ch.isdigit()))


def t_results_volume_full(ctx) -> None:
    """A stick with (almost) no room: the console says the results file
    stopped, and testing goes on to its verdict."""
    img = image_copy(ctx, "results_volume_full",
                     config="only = identify, status_sane, mac_address\n")
    filler = img.parent / "filler.bin"
    with open(filler, "wb") as f:
        f.truncate(free_bytes(img) - 1024)
    tool("mcopy", "-i", esp(img), str(filler), "::/filler.bin")
    rt.check(free_bytes(img) <= 1024, f"{free_bytes(img)} bytes still free")
    b = rt.boot(ctx, "results_volume_full/run", "--image", str(img), expect=0)
    names = case_names(b.report)
    rt.check(names[:3] == ["identify", "status_sane", "mac_address"], f"ran {names}")
    text = (b.dir / "serial.log").read_bytes().decode("utf-8", "replace")
    rt.check(re.search(r"# igbtest: results file: (a write|flushing to the disk) failed "
                       r"\((volume full|[a-z ]+)\); testing goes on", text),
             "no console message about the full volume")


def t_soak_volume_fills(ctx) -> None:
    """A soak that fills the stick: the results file stops at a line the
    console also has (it only grows at syncs), the console says so once,
    and every round still runs to the verdict."""
    img = image_copy(ctx, "soak_volume_fills", config="only = identify, status_sane\n"
                     "iommu = off\nrepeat = 200\nverbosity = quiet\n")
    filler = img.parent / "filler.bin"
    with open(filler, "wb") as f:
        f.truncate(free_bytes(img) - 48 * 1024)  # about 40 rounds' output
    tool("mcopy", "-i", esp(img), str(filler), "::/filler.bin")
    b = rt.boot(ctx, "soak_volume_fills/run", "--image", str(img), expect=0)
    rt.check(b.report.plan == 200 and len(b.report.tests) == 200,
             f"{len(b.report.tests)} rounds of 200")
    serial = serial_ktap(b.dir / "serial.log")
    said = re.findall(r"# igbtest: results file: .* failed \(.*\); testing goes on", serial)
    rt.check(len(said) == 1, f"the full volume was reported {len(said)} times")
    rt.check(results_on(img) == ["run-0001.ktap"], f"results folder: {results_on(img)}")
    kept = read_back(img, "run-0001.ktap", img.parent)
    rt.check(kept.endswith("\n") and serial.startswith(kept) and
             40 * 1024 < len(kept) < len(serial),
             f"results file: {len(kept)} bytes, not a prefix of the {len(serial)}-byte "
             "serial KTAP that ends at a line")


def t_reset_midway(ctx) -> None:
    """system_reset after the 5th result (QEMU exits: a power cut). The
    results file keeps every result printed before it: the app writes and
    flushes it after each result, so its data ends after one (the reset may
    land in the 5th one's flush: four are certain)."""
    img = image_copy(ctx, "reset_midway")
    p, d = rt.run_runner(ctx, "reset_midway/run", "--image", str(img),
                         "--reset-after-results", "5")
    rt.check(p.returncode == 3, f"runner exit {p.returncode}, expected 3 (incomplete): "
                                f"{p.stdout.strip()} {p.stderr.strip()}")
    serial = serial_ktap(d / "serial.log")
    sent = [m.group(1) for m in RESULT_LINE.finditer(serial)]
    rt.check(5 <= len(sent) < 20, f"{len(sent)} results on serial before the reset")
    rt.check(results_on(img) == ["run-0001.ktap"], f"results folder: {results_on(img)} "
                                                   "(no .json: the run never finished)")
    kept = read_back(img, "run-0001.ktap", img.parent)
    # A reset inside a flush can leave the file's size ahead of its data
    # (EDK II's FAT driver writes the directory entry first; seen on AAVMF):
    # zero bytes after the last complete result, never before it.
    data, _, tail = kept.partition("\0")
    rt.check(not tail.strip("\0"), "data after zero bytes in the results file")
    kept = data[:data.rfind("\n") + 1]
    rt.check(serial.startswith(kept), "the results file is not a prefix of the serial KTAP")
    saved = [m.group(1) for m in RESULT_LINE.finditer(kept)]
    rt.check(len(saved) >= 4 and saved == sent[:len(saved)],
             f"results file holds {saved}, serial {sent[:5]}")
    last = kept.rstrip("\n").rsplit("\n", 1)[-1]
    rt.check(RESULT_LINE.search(last), f"the results file ends mid-test: {last!r}")


def t_side_by_side_reset_midway(ctx) -> None:
    """Two igbs side by side, a reset after the first one's 5th result (a
    power cut). The second one's block was waiting in memory to be printed:
    its finished cases are on the stick all the same, in run-0001.held1,
    whole lines, each result the second device's."""
    img = image_copy(ctx, "side_by_side_reset_midway", config="only = identify, "
                     "register_pattern, nvm_checksum, link_loopback_up, flr_idle, "
                     "memcpy_success, loopback_frames\niommu = off\n")
    p, d = rt.run_runner(ctx, "side_by_side_reset_midway/run", "--image", str(img), "--igb",
                         "2", "--reset-after-results", "5")
    rt.check(p.returncode == 3, f"runner exit {p.returncode}, expected 3 (incomplete)")
    on = results_on(img)
    rt.check(on == ["run-0001.held1", "run-0001.ktap"], f"results folder: {on}")
    if "run-0001.held1" not in on:
        return
    held = read_back(img, "run-0001.held1", img.parent)
    held = held.partition("\0")[0]  # a reset inside a flush: zeros after the data
    held = held[:held.rfind("\n") + 1]
    saved = RESULT_LINE.findall(held)
    second = [m for m in saved if m[0].startswith("0000-00-03.0.")]
    rt.check(held.startswith("  KTAP version 1\n  # Subtest: 82576 0000:00:03.0\n"),
             f"held output starts {held[:80]!r}")
    rt.check(second and second == saved, f"held results: {saved}")
    serial = serial_ktap(d / "serial.log")
    rt.check(not any(m[0].startswith("0000-00-03.0.") for m in RESULT_LINE.findall(serial)),
             "the second device's block reached the console before the reset: the "
             "test shows nothing")
    # The tools read both files: every finished case of both devices, the
    # run an error, never a pass.
    kept = read_back(img, "run-0001.ktap", img.parent).partition("\0")[0]
    root = partial_junit(img.parent / "run-0001.ktap", d / "junit.xml")
    got = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")
           if c.find("failure") is None and c.find("error") is None}
    cases = {"identify", "register_pattern", "nvm_checksum", "link_loopback_up", "flr_idle",
             "memcpy_success", "loopback_frames"}  # not a figure's line
    finished = [(m[0][:12], m[0].split(".")[-1])
                for m in RESULT_LINE.findall(kept[:kept.rfind("\n") + 1]) + saved
                if m[0].split(".")[-1] in cases]
    rt.check(any(b == "0000-00-01.0" for b, _ in finished) and
             any(b == "0000-00-03.0" for b, _ in finished), f"finished: {finished}")
    for bdf, case in finished:
        rt.check(("igbtest." + bdf.replace("-", ":"), case) in got,
                 f"{bdf} {case}: not a passed testcase in the JUnit")


def partial_junit(ktap_file: Path, out: Path) -> ET.Element:
    """ktap2junit of a cut run: refused without --partial (exit 3, nothing
    written); with it, the run's testcase an error, never a pass."""
    p = subprocess.run([str(KTAP2JUNIT), str(ktap_file), "-o", str(out)],
                       capture_output=True, text=True)
    rt.check(p.returncode == 3 and "--partial" in p.stderr and not out.exists(),
             f"a cut run without --partial: exit {p.returncode}, {p.stderr.strip()!r}")
    p = subprocess.run([str(KTAP2JUNIT), "--partial", str(ktap_file), "-o", str(out)],
                       capture_output=True, text=True)
    rt.check(p.returncode == 0, f"ktap2junit --partial exit {p.returncode}: "
                                f"{p.stderr.strip()}")
    root = ET.parse(out).getroot()
    run = root.find("./testsuite[@name='igbtest.run']/testcase/error")
    rt.check(run is not None and run.get("type") == "incomplete run",
             "the cut run's own testcase is not an 'incomplete run' error")
    report, _, _ = rt.ktap.read_results(str(ktap_file))
    rt.check(report.verdict == "incomplete" and report.exit_status == 3,
             f"ktap.read_results: verdict {report.verdict}")
    return root


HELD_KTAP = """KTAP version 1\r
# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS\r
1..3\r
  KTAP version 1\r
  # Subtest: 82576 0000:00:01.0\r
  1..2\r
  ok 1 identify\r
  # result: 0000-00-01.0.identify pass 3 ms\r
  ok 2 flr_idle\r
  # result: 0000-00-01.0.flr_idle pass 100 ms\r
ok 1 82576 0000:00:01.0\r
  KTAP version 1\r
  # Subtest: 82576 0000:00:02.0\r
  1..2\r
  ok 1 identify\r
  # result: 0000-00-02.0.identify pass 3 ms\r
"""
HELD_1 = """  KTAP version 1\r
  # Subtest: 82576 0000:00:02.0\r
  1..2\r
  ok 1 identify\r
  # result: 0000-00-02.0.identify pass 3 ms\r
  # flr_idle: no answer\r
  not ok 2 flr_idle\r
  # result: 0000-00-02.0.flr_idle fail 1000 ms\r
ok 2 82576 0000:00:02.0\r
"""
HELD_2 = """  KTAP version 1\r
  # Subtest: 82576 0000:00:03.0\r
  1..2\r
  ok 1 identify\r
  # result: 0000-00-03.0.identify pass 3 ms\r
"""


def t_junit_held(ctx) -> None:
    """A run cut while 0000:00:02.0's block went into run-0001.ktap (the
    .ktap ends inside it, half a line and zeros after) and 0000:00:03.0
    waited in run-0001.held2: ktap2junit --partial and ktap.py read the
    .heldK files with the .ktap. The .ktap wins; the held file gives a
    block the .ktap lacks or has only the start of: every finished case
    once, with its verdict; the block the run stopped in an "unfinished"
    error; the run an "incomplete run" error. A held file whose block the
    .ktap has whole adds nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "run-0001.ktap").write_bytes((HELD_KTAP + "  ok 2 fl").encode() + b"\0" * 40)
        (d / "run-0001.held1").write_text(HELD_1)
        (d / "run-0001.held2").write_text(HELD_2)
        (d / "run-0002.held1").write_text(HELD_2.replace("03.0", "04.0"))  # not this run's
        (d / "run-0001.held3").write_text("")  # created, not written yet: nothing
        root = partial_junit(d / "run-0001.ktap", d / "junit.xml")
        cases = [(s.get("name"), c.get("name"), "failure" if c.find("failure") is not None
                  else "error" if c.find("error") is not None else "pass")
                 for s in root.findall("testsuite") for c in s.findall("testcase")]
        rt.check(cases == [("82576 0000:00:01.0", "identify", "pass"),
                           ("82576 0000:00:01.0", "flr_idle", "pass"),
                           ("82576 0000:00:02.0", "identify", "pass"),
                           ("82576 0000:00:02.0", "flr_idle", "failure"),
                           ("82576 0000:00:03.0", "identify", "pass"),
                           ("82576 0000:00:03.0", "unfinished", "error"),
                           ("igbtest.run", "run", "error")], f"testcases {cases}")
        msg = root.find(".//testcase[@name='unfinished']/error").get("message")
        rt.check(msg == "the run stopped in this block: 1 of 2 planned results printed",
                 f"unfinished: {msg!r}")
        tc = root.find("./testsuite[@name='82576 0000:00:02.0']/testcase[@name='flr_idle']")
        rt.check(tc.get("time") == "1.000" and tc.find("failure").get("message") ==
                 "no answer", "0000:00:02.0 flr_idle: its result line not paired")
        rt.check(root.get("tests") == "7" and root.get("failures") == "1" and
                 root.get("errors") == "2", f"totals {root.attrib}")
        report, _, used = rt.ktap.read_results(str(d / "run-0001.ktap"))
        rt.check(used == ["run-0001.ktap", "run-0001.held1", "run-0001.held2",
                         "run-0001.held3"],
                 f"files read: {used}")
        rt.check(report.counts["pass"] == 4 and report.counts["fail"] == 1,
                 f"counts {report.counts}")
        # The copy into the .ktap was complete: the held file adds nothing.
        (d / "run-0001.ktap").write_text(HELD_KTAP.replace("1..3", "1..2") +
                                         HELD_1[HELD_1.index("  # flr_idle"):])
        (d / "run-0001.held2").unlink()
        report, _, _ = rt.ktap.read_results(str(d / "run-0001.ktap"))
        rt.check(not report.errors and report.counts["pass"] == 3 and
                 report.counts["fail"] == 1, f"whole .ktap and its held copy: "
                                             f"{report.errors} {report.counts}")


def t_results_stale_held(ctx) -> None:
    """An earlier run's run-0001.held1 left on the stick after its .ktap
    was copied off and deleted: a side-by-side run takes run-0002 (run-0001
    would have its held output collide with that file and give the results
    file up), keeps the old file as it was, and writes its .ktap whole."""
    img = image_copy(ctx, "results_stale_held", config="only = identify, "
                     "register_pattern, nvm_checksum\niommu = off\n")
    stale = img.parent / "run-0001.held1"
    stale.write_text("  KTAP version 1\n  # an earlier run's held output\n")
    tool("mcopy", "-i", esp(img), str(stale), "::/igbtest/results/run-0001.held1")
    b = rt.boot(ctx, "results_stale_held/run", "--image", str(img), "--igb", "2", expect=0)
    on = results_on(img)
    rt.check(on == ["run-0001.held1", "run-0002.json", "run-0002.ktap"],
             f"results folder: {on}")
    serial = serial_ktap(b.dir / "serial.log")
    rt.check(not re.search(r"results file: .* failed", serial),
             "the console says the results file failed")
    if "run-0002.ktap" in on:
        rt.check(read_back(img, "run-0002.ktap", img.parent) == serial,
                 "run-0002.ktap is not the serial KTAP byte for byte")
    rt.check(read_back(img, "run-0001.held1", img.parent) == stale.read_text(),
             "the earlier run's run-0001.held1 changed")


def t_soak_reset_midway(ctx) -> None:
    """A reset in the middle of a soak (after the 12th result, in round 6
    of 50): the results file keeps every finished round, its round lines
    included, and ends after a line the serial console also has."""
    img = image_copy(ctx, "soak_reset_midway", config="only = identify, status_sane\n"
                     "iommu = off\nrepeat = 50\n")
    p, d = rt.run_runner(ctx, "soak_reset_midway/run", "--image", str(img),
                         "--reset-after-results", "12")
    rt.check(p.returncode == 3, f"runner exit {p.returncode}, expected 3 (incomplete)")
    serial = serial_ktap(d / "serial.log")
    kept = read_back(img, "run-0001.ktap", img.parent)
    data = kept.partition("\0")[0]  # a reset inside a flush: zeros after the data
    kept = data[:data.rfind("\n") + 1]
    rt.check(serial.startswith(kept), "the results file is not a prefix of the serial KTAP")
    saved = RESULT_LINE.findall(kept)
    rounds = ROUND_LINE.findall(kept)
    rt.check(len(saved) >= 11 and len(rounds) >= 5,
             f"results file holds {len(saved)} results and {len(rounds)} round lines")


# --- Secure Boot ------------------------------------------------------------------

def sign(efi: Path, d: Path) -> Path:
    key = d / "snakeoil.key"
    tool("openssl", "rsa", "-in", str(SNAKEOIL_KEY), "-passin", "pass:snakeoil",
         "-out", str(key))
    signed = d / "igbtest.signed.efi"
    tool("sbsign", "--key", str(key), "--cert", str(SNAKEOIL_CERT), "--output",
         str(signed), str(efi))
    tool("sbverify", "--cert", str(SNAKEOIL_CERT), str(signed))
    return signed


def t_secure_boot_signed(ctx) -> None:
    x86_only(ctx)
    d = ctx.out / "secure_boot_signed.key"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    signed = sign(ctx.efi, d)
    img = image_copy(ctx, "secure_boot_signed", efi=signed, config="only = identify\n")
    b = rt.boot(ctx, "secure_boot_signed/run", "--image", str(img), "--secure-boot",
                expect=0)
    rt.check(set(case_names(b.report)) == {"identify"}, f"ran {case_names(b.report)}")
    rt.check(any("Secure Boot on" in x for x in b.report.diagnostics),
             "the banner does not say Secure Boot is on")


def t_secure_boot_unsigned(ctx) -> None:
    x86_only(ctx)
    img = image_copy(ctx, "secure_boot_unsigned", efi=ctx.efi)
    p, d = rt.run_runner(ctx, "secure_boot_unsigned/run", "--image", str(img),
                         "--secure-boot", timeout=30)
    text = (d / "serial.log").read_bytes().decode("utf-8", "replace")
    rt.check(p.returncode == 3, f"runner exit {p.returncode}, expected 3 (no KTAP)")
    rt.check("KTAP version 1" not in text, "the unsigned app ran under Secure Boot")
    rt.check(re.search(r"failed to load Boot\d+ .*Access Denied", text),
             "OVMF did not say it refused the image (Access Denied)")


# --- JUnit and LAVA on real output ------------------------------------------------

def check_junit(log: Path, out: Path, tests: int, failures: int, skipped: int,
                exit_status: int = 0) -> None:
    """tests, failures, skipped: the KTAP leaves'; the run's own testcase
    (igbtest.run) comes on top, failed unless exit_status is 0."""
    p = subprocess.run([str(KTAP2JUNIT), str(log), "-o", str(out)], capture_output=True,
                       text=True)
    rt.check(p.returncode == 0, f"ktap2junit exit {p.returncode}: {p.stderr.strip()}")
    root = ET.parse(out).getroot()
    rt.check(root.tag == "testsuites", f"root element {root.tag}")
    run = root.findall("./testsuite[@name='igbtest.run']/testcase")
    rt.check(len(run) == 1, f"{len(run)} igbtest.run testcases, expected 1")
    run_failure = run[0].find("failure")
    rt.check((run_failure is not None) == (exit_status != 0),
             f"the run's testcase: failure {None if run_failure is None else run_failure.get('message')!r}"
             f" for exit status {exit_status}")
    tests, failures = tests + 1, failures + (exit_status != 0)
    cases = root.findall("./testsuite/testcase")
    got = (len(cases), len(root.findall("./testsuite/testcase/failure")),
           len(root.findall("./testsuite/testcase/skipped")))
    rt.check(got == (tests, failures, skipped), f"JUnit has {got}, expected "
                                                f"{(tests, failures, skipped)}")
    rt.check(root.get("tests") == str(tests), f"testsuites tests={root.get('tests')}")
    rt.check(all(float(c.get("time")) >= 0 for c in cases), "a testcase without time")


def check_lava_pattern(log: Path) -> None:
    if not Path("/usr/bin/python3").exists():
        raise rt.Failure("/usr/bin/python3 (Debian's, with lava-common) is missing")
    p = subprocess.run(["/usr/bin/python3", str(CHECK_JOB), "--log", str(log),
                        str(ROOT / "lava" / "igbtest-usb.yaml"),
                        str(ROOT / "lava" / "igbtest-tftp.yaml")],
                       capture_output=True, text=True)
    rt.check(p.returncode == 0, f"lava/check-job: {p.stderr.strip() or p.stdout.strip()}")


JUNIT_SAMPLE = """\x1b[2JBdsDxe: starting\r
KTAP version 1\r
# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS\r
# device: 0000-00-01.0 8086:10c9 subsystem 8086:a01c mac 52:54:00:12:34:56 pba 1040FF-0FF nvm 2.1-0 (1024 words) dsn none\r
1..2\r
  KTAP version 1\r
  # Subtest: 82576 0000:00:01.0\r
  1..3\r
  ok 1 identify\r
  # result: 0000-00-01.0.identify pass 3 ms\r
  # memcpy_success: 4096 bytes at offset 1: byte 17 is 0x00, expected 0x5a\r
  not ok 2 memcpy_success\r
  # result: 0000-00-01.0.memcpy_success fail 1250 ms\r
  # result: 0000-00-01.0.memcpy_success.throughput fail 87 MB/s\r
  ok 3 cap_sriov # SKIP no SR-IOV capability\r
  # result: 0000-00-01.0.cap_sriov skip 0 ms\r
not ok 1 82576 0000:00:01.0\r
  KTAP version 1\r
  # Subtest: 82576 0000:00:03.0\r
  1..1\r
    KTAP version 1\r
    # Subtest: round 1\r
    1..1\r
    ok 1 identify\r
    # result: 0000-00-03.0.identify.r1 pass 2 ms\r
  ok 1 round 1\r
ok 2 82576 0000:00:03.0\r
# Totals: pass:2 fail:1 xfail:0 xpass:0 skip:1 error:0\r
# result: igbtest.run fail 1 status\r
# igbtest: exit status 1 (a test failed)\r
"""


USAGE_ERROR_SAMPLE = """KTAP version 1\r
# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS\r
# usage error: --repeat: expected a count of rounds from 1 to 1000000, got 'lots'\r
# igbtest --help lists the options; nothing was run\r
1..0 # SKIP usage error\r
# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0\r
# result: igbtest.run fail 2 status\r
# igbtest: exit status 2 (usage error)\r
"""


def t_junit_synthetic(ctx) -> None:
    """ktap2junit on a failing, skipping, soaking log; malformed input is
    refused with the parser's message and no XML."""
    with tempfile.TemporaryDirectory() as tmp:
        log, out = Path(tmp, "serial.log"), Path(tmp, "junit.xml")
        log.write_text(JUNIT_SAMPLE)
        check_junit(log, out, tests=4, failures=1, skipped=1, exit_status=1)
        root = ET.parse(out).getroot()
        names = [s.get("name") for s in root.findall("testsuite")]
        rt.check(names == ["82576 0000:00:01.0", "82576 0000:00:03.0 / round 1",
                           "igbtest.run"],
                 f"suites {names}")
        fail = root.find(".//testcase[@name='memcpy_success']/failure")
        rt.check(fail is not None and fail.get("message") ==
                 "4096 bytes at offset 1: byte 17 is 0x00, expected 0x5a",
                 f"failure message {fail.get('message') if fail is not None else None!r}")
        tc = root.find(".//testcase[@name='memcpy_success']")
        rt.check(tc.get("time") == "1.250", f"time {tc.get('time')}")
        prop = tc.find("properties/property[@name='throughput']")
        rt.check(prop is not None and prop.get("value") == "87 MB/s",
                 "the key measurement is not a property of its testcase")
        board = root.find("./testsuite[@name='82576 0000:00:01.0']/properties/"
                          "property[@name='board']")
        rt.check(board is not None and board.get("value") ==
                 "8086:10c9 subsystem 8086:a01c mac 52:54:00:12:34:56 pba 1040FF-0FF "
                 "nvm 2.1-0 (1024 words) dsn none", "the '# device:' line is not the "
                 "suite's board property")
        rt.check(root.find("./testsuite[@name='82576 0000:00:03.0 / round 1']/properties")
                 is None, "a board property for a device with no '# device:' line")
        skip = root.find(".//testcase[@name='cap_sriov']/skipped")
        rt.check(skip is not None and skip.get("message") == "no SR-IOV capability", "skip")
        # A usage error: nothing ran, and the report is red, not skipped-green.
        log.write_text(USAGE_ERROR_SAMPLE)
        check_junit(log, out, tests=1, failures=0, skipped=1, exit_status=2)
        msg = ET.parse(out).getroot().find(".//testcase[@name='run']/failure").get("message")
        rt.check(msg == "exit status 2 (usage error)", f"run failure message {msg!r}")
        log.write_text(JUNIT_SAMPLE)
        for bad, why in ((JUNIT_SAMPLE.replace("1..3", "1..4"), "planned 4"),
                         (JUNIT_SAMPLE[:JUNIT_SAMPLE.index("not ok 1 82576")], "not closed"),
                         ("BdsDxe: nothing\n", "no 'KTAP version 1'")):
            log.write_text(bad)
            out.unlink(missing_ok=True)
            p = subprocess.run([str(KTAP2JUNIT), str(log), "-o", str(out)],
                               capture_output=True, text=True)
            rt.check(p.returncode == 3 and why in p.stderr and not out.exists(),
                     f"malformed input ({why}): exit {p.returncode}, {p.stderr.strip()!r}")
        p = subprocess.run([str(KTAP2JUNIT), str(Path(tmp, "missing.log"))],
                           capture_output=True, text=True)
        rt.check(p.returncode == 2 and "cannot read" in p.stderr, "missing file")


def t_long_lines(ctx) -> None:
    """Lines of any length (igbtest never cuts one): a banner line, a
    failure reason and a SKIP reason of 1500 characters reach the parser,
    ktap2junit and the LAVA pattern check whole."""
    long = "x" * 1500
    text = JUNIT_SAMPLE.replace(
        "# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS\r\n",
        "# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS\r\n"
        f"# machine: {long}\r\n# results file: \\igbtest\\results\\run-0001.ktap on "
        "the boot volume\r\n").replace(
        "expected 0x5a\r", f"expected 0x5a; recovery by FLR failed: {long}: timed out\r").replace(
        "no SR-IOV capability", f"no SR-IOV capability {long}")
    report = rt.ktap.parse(text)
    rt.check(not report.errors, f"parser: {report.errors}")
    rt.check(f"machine: {long}" in report.diagnostics, "the banner line is not whole")
    skip = [t for t in report.leaves() if t.name == "cap_sriov"]
    rt.check(skip and skip[0].skip_reason == f"no SR-IOV capability {long}",
             "the SKIP reason is not whole")
    with tempfile.TemporaryDirectory() as tmp:
        log, out = Path(tmp, "serial.log"), Path(tmp, "junit.xml")
        log.write_text(text)
        check_junit(log, out, tests=4, failures=1, skipped=1, exit_status=1)
        root = ET.parse(out).getroot()
        fail = root.find(".//testcase[@name='memcpy_success']/failure")
        rt.check(fail is not None and fail.get("message").endswith(
            f"recovery by FLR failed: {long}: timed out"), "JUnit failure message cut")
        sk = root.find(".//testcase[@name='cap_sriov']/skipped")
        rt.check(sk is not None and sk.get("message") == f"no SR-IOV capability {long}",
                 "JUnit skip message cut")
        check_lava_pattern(log)


def soak_log(rounds: int, fail_round: int) -> str:
    """A soak's KTAP as igbtest writes it: rounds at the top, each holding
    one device with three modes of two cases, every result followed by its
    "# result:" line; identify fails under strict in fail_round."""
    out = ["KTAP version 1", "# igbtest 0.1.0 (build x): Intel 82576 qualification, pre-OS",
           f"1..{rounds}"]
    for r in range(1, rounds + 1):
        failed = r == fail_round
        out += ["  KTAP version 1", f"  # Subtest: round {r}", "  1..1",
                "    KTAP version 1", "    # Subtest: 82576 0000:00:02.0", "    1..3"]
        for n, mode in enumerate(("off", "passthrough", "strict"), 1):
            bad = failed and mode == "strict"
            out += ["      KTAP version 1", f"      # Subtest: iommu={mode}", "      1..2"]
            if bad:
                out.append("      # identify: class 0c0330 is not an Ethernet controller")
            out += [f"      {'not ok' if bad else 'ok'} 1 identify",
                    f"      # result: 0000-00-02.0.{mode}.identify.r{r} "
                    f"{'fail' if bad else 'pass'} 0 ms",
                    "      ok 2 link_loopback_up",
                    f"      # result: 0000-00-02.0.{mode}.link_loopback_up.r{r} pass 520 ms",
                    f"    {'not ok' if bad else 'ok'} {n} iommu={mode}"]
        out += [f"  {'not ok' if failed else 'ok'} 1 82576 0000:00:02.0",
                f"  # round {r}: 3.1 s, run {3.1 * r:.1f} s; held: 0 DMA buffers, 0 DMA "
                "pages (peak 546), 0 IOMMU table pages (peak 6), 6 records; firmware free "
                "memory 482448 KiB",
                f"{'not ok' if failed else 'ok'} {r} round {r}"]
    out += [f"# Totals: pass:{6 * rounds - 1} fail:1 xfail:0 xpass:0 skip:0 error:0",
            "# result: igbtest.run fail 1 status", "# igbtest: exit status 1 (a test failed)"]
    return "\n".join(out) + "\n"


def t_soak_log_tools(ctx) -> None:
    """ktap2junit and the LAVA expression stay usable on a soak of 1000
    rounds: one suite per round, device and mode, the one failure found in
    its round, and one LAVA match per result."""
    rounds = 1000
    with tempfile.TemporaryDirectory() as tmp:
        log, out = Path(tmp, "serial.log"), Path(tmp, "junit.xml")
        log.write_text(soak_log(rounds, fail_round=517))
        check_junit(log, out, tests=6 * rounds, failures=1, skipped=0, exit_status=1)
        root = ET.parse(out).getroot()
        names = [s.get("name") for s in root.findall("testsuite")]
        rt.check(len(names) == 3 * rounds + 1 and
                 names[-2] == f"round {rounds} / 82576 0000:00:02.0 / iommu=strict",
                 f"{len(names)} suites, the last but one {names[-2]!r}")
        bad = [s.get("name") for s in root.findall("testsuite") if s.find("testcase/failure")
               is not None and s.get("name") != "igbtest.run"]
        rt.check(bad == ["round 517 / 82576 0000:00:02.0 / iommu=strict"], f"failed in {bad}")
        check_lava_pattern(log)


def cases(run_tests) -> list:
    global rt
    rt = run_tests
    C = rt.Case
    import lava_tests
    return lava_tests.cases(run_tests, sys.modules[__name__]) + [
        C("junit_synthetic", t_junit_synthetic, False),
        C("junit_held", t_junit_held, False),
        C("soak_log_tools", t_soak_log_tools, False),
        C("long_lines", t_long_lines, False),
        C("image_default", t_image_default, True),
        C("reset_midway", t_reset_midway, True),
        C("results_volume_full", t_results_volume_full, True),
        C("soak_volume_fills", t_soak_volume_fills, True),
        C("soak_reset_midway", t_soak_reset_midway, True),
        C("side_by_side_reset_midway", t_side_by_side_reset_midway, True),
        C("results_stale_held", t_results_stale_held, True),
        C("image_config_and_results", t_image_config_and_results, True),
        C("secure_boot_signed", t_secure_boot_signed, True),
        C("secure_boot_unsigned", t_secure_boot_unsigned, True),
        C("soak_duration", t_soak_duration, True),
        C("soak_rounds", t_soak_rounds, True),
        C("storm_size", t_storm_size, True),
        C("storm_past_copy_78", t_storm_past_copy_78, True),
        C("device_selection", t_device_selection, True),
        C("driver_refuses", t_driver_refuses, True),
        C("shell_arguments", t_shell_arguments, True),
        C("append_options", t_append_options, True),
        C("bad_option", t_bad_option, True),
        C("config_is_folder", t_config_is_folder, True),
        C("list_cases", t_list, True),
    ]
