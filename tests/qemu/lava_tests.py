"""QEMU tests with a real LAVA dispatcher (run by tests/qemu/run_tests.py
through lab_tests.cases()).

Each case runs a template of lava/, as shipped, with its REPLACE_ME values
filled, through lava/run-local: Debian's lava-run, the device dictionary
rendered from lava-server's own templates. igbtest-qemu.yaml runs on the
qemu device type; igbtest-tftp.yaml and igbtest-usb.yaml on the stock x86
and seco-b68 types, QEMU standing in for the lab host (LabHost). The
cases LAVA recorded (its log's results records) are compared with
igbtest's KTAP verdicts in the same serial stream, case by case. Where
lava-run cannot run (not installed, not root and no user namespace) each
case skips with run-local's reason.
"""

from __future__ import annotations

import datetime
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCAL = ROOT / "lava" / "run-local"
TEMPLATES = [ROOT / "lava" / n for n in ("igbtest-qemu.yaml", "igbtest-usb.yaml",
                                           "igbtest-tftp.yaml")]
BDF_RE = re.compile(r"([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2}\.[0-7])")

rt = None    # the run_tests module
lab = None   # lab_tests (image_copy)


def load_yaml(path: Path):
    """A job template, read by Debian's python3 (PyYAML comes with
    lava-common there; the python3 running this may have none)."""
    p = subprocess.run(["/usr/bin/python3", "-c", "import json, sys, yaml; "
                        "json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
                        str(path)], capture_output=True, text=True)
    rt.check(p.returncode == 0, f"{path}: {p.stderr.strip()}")
    return json.loads(p.stdout)


class LavaRun:
    def __init__(self, out: Path, stdout: str):
        self.out = out
        self.stdout = stdout
        self.results = json.loads((out / "results.json").read_text())
        self.serial = (out / "serial.log").read_text()
        self.verdict = (out / "result.yaml").read_text()
        self.records = json.loads((out / "log.json").read_text())

    def cases(self, definition: str) -> list[dict]:
        return [r for r in self.results if r.get("definition") == definition]

    def lava_case(self, name: str) -> dict:
        hits = [r for r in self.cases("lava") if r.get("case") == name]
        rt.check(len(hits) == 1, f"LAVA recorded {len(hits)} lava/{name} results")
        return hits[0]


def x86_only(ctx) -> None:
    if ctx.arch != "x86_64":
        raise rt.Skip("the LAVA job boots OVMF on q35 (x86_64)")


def firmware_boot(arch: str, vars_copy: Path, esp: Path | None = None) -> list[str]:
    """QEMU (TCG) with `arch`'s UEFI firmware, as scripts/igbtest-qemu
    boots igbtest (its ARCHES), its variables a fresh copy in vars_copy,
    booting the disk image `esp` first when given."""
    a = rt.load_script("igbtest-qemu").ARCHES[arch]
    shutil.copyfile(a.vars, vars_copy)
    disk = ["-drive", f"if=none,id=esp,format=raw,file={esp}",
            "-device", f"{a.esp_device},bootindex=0"] if esp else []
    return [a.qemu, *a.machine, "-accel", "tcg", "-m", "512", "-nodefaults",
            "-display", "none", "-no-reboot",
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={a.code}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}", *disk, *a.boot_args]


def lava_job(ctx, name: str, config: str, devices: list[str],
             boot_timeout_s: int | None = None, kill_after: str | None = None,
             stop_after: str | None = None) -> LavaRun:
    """Run lava/igbtest-qemu.yaml with the image's config replaced by
    `config` and `devices` as its -device options."""
    x86_only(ctx)
    img = lab.image_copy(ctx, f"{name}/image", config=config)
    job = load_yaml(TEMPLATES[0])
    images = job["actions"][0]["deploy"]["images"]
    ovmf = rt.load_script("igbtest-qemu").ARCHES["x86_64"]
    images["code"]["url"] = f"file://{ovmf.code}"
    images["vars"]["url"] = f"file://{ovmf.vars}"
    images["disk"]["url"] = f"file://{img}"
    ctx_ = job["context"]
    ctx_["extra_options"] = [o for o in ctx_["extra_options"] if not o.startswith("-device")]
    ctx_["extra_options"] += [f"-device {d}" for d in devices]
    ctx_["no_kvm"] = True    # this machine's /dev/kvm is a software KVM (facts)
    if boot_timeout_s:
        job["actions"][1]["boot"]["timeout"] = {"seconds": boot_timeout_s}
    return run_local(ctx.out / name, job,
                     (["--kill-qemu-after", kill_after] if kill_after else []) +
                     (["--stop-qemu-after", stop_after] if stop_after else []))


def run_local(d: Path, job: dict, args: list[str]) -> LavaRun:
    """lava/run-local on `job` (written to d/job.json) with `args`; LAVA's
    output in d/lava. Skips with run-local's reason where LAVA cannot run."""
    job_file = d / "job.json"   # JSON is YAML: lava-run reads it as is
    job_file.write_text(json.dumps(job, indent=1))
    p = subprocess.run(["/usr/bin/python3", str(RUN_LOCAL), str(job_file), "--out",
                        str(d / "lava"), "--timeout", "600", *args],
                       capture_output=True, text=True, timeout=700)
    if p.returncode == 4:
        raise rt.Skip(p.stderr.strip())
    rt.check(p.returncode == 0, f"run-local exit {p.returncode}: {p.stderr.strip()}")
    return LavaRun(d / "lava", p.stdout)


def expected_cases(serial: str) -> tuple[list[tuple[str, str]], int]:
    """(test case id, verdict) of every KTAP leaf that igbtest ran, in
    order, and the exit status; from the serial lines LAVA itself saw."""
    report = rt.ktap.parse(serial)
    rt.check(not report.errors, "KTAP in LAVA's log: " + "; ".join(report.errors[:3]))
    want = {"ok": "pass", "not_ok": "fail", "skip": "skip"}
    out = []
    for path, t in report.walk():
        if not t.is_leaf or not path[0].startswith("82576 "):
            continue
        bdf = BDF_RE.search(path[0])
        mode = [p[len("iommu="):] for p in path if p.startswith("iommu=")]
        if len(path) == 2 and t.result == "skip":
            continue    # a mode skipped whole has no result line
        rt.check(bdf and mode, f"a leaf outside a device and mode: {path}")
        out.append((f"{bdf[1]}-{bdf[2]}-{bdf[3]}.{mode[0]}.{t.name}", want[t.result]))
    status = re.search(r"# igbtest: exit status (\d+)", serial)
    rt.check(status, "no exit status line in LAVA's log")
    return out, int(status[1])


def check_recorded_equals_ktap(run: LavaRun) -> tuple[list, int]:
    """LAVA's igbtest cases are igbtest's KTAP verdicts, case by case, then
    the run's own case (pass only with exit status 0)."""
    want, status = expected_cases(run.serial)
    got = []
    for r in run.cases("igbtest"):
        tid = r["extra"]["test_case_id"]
        rt.check(r["case"] == re.sub(r"\W+", "_", tid.lower()),
                 f"LAVA case {r['case']} for id {tid}")
        if got and tid.startswith(got[-1][0] + "."):
            rt.check(r["result"] == got[-1][1], f"{tid}: a figure with another verdict")
            continue    # a case's key figure, recorded as a case of its own
        got.append((tid, r["result"]))
    rt.check(got[-1:] == [("igbtest.run", "pass" if status == 0 else "fail")],
             f"LAVA's last igbtest case is {got[-1:]}, exit status {status}")
    run_rec = run.cases("igbtest")[-1]
    rt.check(run_rec.get("measurement") == str(status) and run_rec.get("units") == "status",
             f"igbtest.run measurement {run_rec.get('measurement')} {run_rec.get('units')}")
    rt.check(got[:-1] == want, "LAVA recorded\n  " + "\n  ".join(map(str, got[:-1])) +
             "\nKTAP says\n  " + "\n  ".join(map(str, want)))
    return want, status


def verdict_counts(want: list) -> str:
    v = [r for _, r in want]
    return f"{v.count('pass')} pass, {v.count('fail')} fail, {v.count('skip')} skip"


def t_lava_templates_share_the_monitor(ctx) -> None:
    """The QEMU job run below stands for the lab templates: all three have
    the same monitor (start, end, pattern, fixups)."""
    mons = [load_yaml(p)["actions"][2]["test"]["monitors"] for p in TEMPLATES]
    rt.check(all(m == mons[0] for m in mons), "the templates' monitors differ")


def t_lava_qemu_verdicts(ctx) -> None:
    """Two 82576s, one with FLR disabled in QEMU (x-pcie-flr-init=off): LAVA
    records each case as igbtest judged it, real failures included."""
    run = lava_job(ctx, "lava_qemu_verdicts",
                   "only = identify,status_sane,cap_pcie_flr,flr_idle\niommu = off\n",
                   ["igb,bus=pcie.0,addr=0x3",
                    "igb,bus=pcie.0,addr=0x5,x-pcie-flr-init=off"])
    want, status = check_recorded_equals_ktap(run)
    verdicts = [v for _, v in want]
    rt.check(status == 1 and "fail" in verdicts and verdicts.count("pass") >= 4,
             f"expected passes and a real failure, got {want}, exit status {status}")
    rt.check(run.lava_case("lava-test-monitor")["result"] == "pass", "monitor failed")
    print(f"# lava_qemu_verdicts: LAVA recorded {len(want)} cases: {verdict_counts(want)}; "
          f"igbtest.run fail 1; {run.stdout.splitlines()[-1]}")


def t_lava_qemu_usage_error(ctx) -> None:
    """A usage error: LAVA records one case, igbtest.run, failed with 2."""
    run = lava_job(ctx, "lava_qemu_usage_error", "repeat = lots\n", ["igb"])
    want, status = check_recorded_equals_ktap(run)
    rt.check(status == 2 and want == [], f"exit status {status}, cases {want}")
    rt.check([r["result"] for r in run.cases("igbtest")] == ["fail"], "not one failed case")
    print(f"# lava_qemu_usage_error: LAVA recorded igbtest_run fail 2; "
          f"{run.stdout.splitlines()[-1]}")


def t_lava_qemu_crash(ctx) -> None:
    """The host dies after the first result, during flr_repeat (20 FLRs
    of 100 ms and more): no igbtest.run case, the monitor action fails (end of file before
    the end string) and so does the job."""
    run = lava_job(ctx, "lava_qemu_crash", "only = identify,flr_repeat\niommu = off\n",
                   ["igb"], kill_after=r"# result: \S+\.identify pass ")
    ids = [r["extra"]["test_case_id"] for r in run.cases("igbtest")]
    rt.check("igbtest.run" not in ids, f"a crashed run recorded igbtest.run: {ids}")
    mon = run.lava_case("lava-test-monitor")
    rt.check(mon["result"] == "fail", f"lava-test-monitor {mon['result']} after a crash")
    job = run.lava_case("job")
    rt.check(job["result"] == "fail", f"the job is {job['result']} after a crash")
    print(f"# lava_qemu_crash: LAVA recorded {ids}, lava-test-monitor fail; "
          f"{run.stdout.splitlines()[-1]}")


def t_lava_qemu_hang(ctx) -> None:
    """The host hangs after the first result, during flr_repeat: no result
    line for longer than the boot action's timeout (8 s), which LAVA's
    monitor applies to its wait for the next result. The monitor times out
    and fails, and the job ends there. (The hang is QEMU stopped: a case
    slow enough to outlast the timeout by itself, a 64 GiB memcpy_storm,
    ended early once copies got cheaper.)"""
    run = lava_job(ctx, "lava_qemu_hang", "only = identify,flr_repeat\niommu = off\n",
                   ["igb"], boot_timeout_s=8, stop_after=r"# result: \S+\.identify pass ")
    ids = [r["extra"]["test_case_id"] for r in run.cases("igbtest")]
    rt.check("igbtest.run" not in ids, f"a hung run recorded igbtest.run: {ids}")
    mon = run.lava_case("lava-test-monitor")
    rt.check(mon["result"] == "fail", f"lava-test-monitor {mon['result']} after a hang")
    print(f"# lava_qemu_hang: LAVA recorded {ids}, lava-test-monitor fail; "
          f"{run.stdout.splitlines()[-1]}")


# --- network boot: OVMF -> iPXE -> TFTP -> igbtest ------------------------------

# The iPXE network_boot boots: Debian 12's (ipxe package, 1.0.0+git-20190125);
# it has no arm64 build, so aarch64 boots trixie's (see IPXE_NEW_EFI).
IPXE_TRIXIE = Path("/opt/igbtest/ipxe-trixie/usr/lib/ipxe")
IPXE_EFI = {"x86_64": Path("/usr/lib/ipxe/ipxe.efi"), "aarch64": IPXE_TRIXIE / "ipxe-arm64.efi"}
DEVICE_TYPES = Path("/opt/igbtest/lava-server/usr/share/lava-server/device-types")
LAVA_MAC = "00:90:05:af:00:7d"   # x86.jinja2's default lava_mac
RENDER = """
import json, sys, jinja2, jinja2.sandbox
env = jinja2.sandbox.SandboxedEnvironment(
    loader=jinja2.FileSystemLoader(sys.argv[1]), trim_blocks=True, autoescape=False)
import yaml
dev = yaml.safe_load(env.get_template("x86.jinja2").render(extra_kernel_args=sys.argv[2]))
print(json.dumps(dev["actions"]["boot"]["methods"]["ipxe"]["ramdisk"]["commands"]))
"""


def stock_ipxe_commands(extra_kernel_args: str) -> list[str]:
    """The boot commands LAVA's stock x86 device type types at iPXE for
    "commands: ramdisk", with LAVA's substitutions (no ramdisk: its line
    goes), as lava-server renders them."""
    if not (DEVICE_TYPES / "x86.jinja2").exists():
        raise rt.Skip(f"no lava-server device types in {DEVICE_TYPES} "
                      "(scripts/install-deps.sh)")
    p = subprocess.run(["/usr/bin/python3", "-c", RENDER, str(DEVICE_TYPES),
                        extra_kernel_args], capture_output=True, text=True)
    rt.check(p.returncode == 0, f"rendering x86.jinja2: {p.stderr.strip()}")
    out = []
    for c in json.loads(p.stdout):
        if "{RAMDISK}" in c:
            continue
        out.append(c.replace("{SERVER_IP}", "10.0.2.2").replace("{KERNEL}", "igbtest.efi")
                   .replace("{LAVA_MAC}", LAVA_MAC))
    return out


# The cases the network boot runs: quick ones, enough to show the NIC works.
NETBOOT_CASES = ["identify", "status_sane", "mac_address", "register_pattern"]
VERDICT = "# igbtest: exit status"
FELL_THROUGH = 'starting Boot0002 "EFI Internal Shell"'   # OVMF's next boot option


def netboot_args() -> str:
    """The TFTP template's options, returning (--end=exit) instead of
    powering off, so the script after igbtest shows the NIC given back."""
    tftp_ctx = load_yaml(TEMPLATES[2])["context"]["extra_kernel_args"]
    rt.check("--end=shutdown" in tftp_ctx, f"TFTP template context: {tftp_ctx}")
    return tftp_ctx.replace("--end=shutdown", "--end=exit") + \
        " --only=" + ",".join(NETBOOT_CASES) + " --iommu=off"


class IpxeBoot:
    """OVMF (AAVMF) boots `ipxe` from a disk; iPXE gets an address on a virtio NIC
    (00:02.0, net0) from QEMU's user network and runs `script` from its
    TFTP folder, which also holds igbtest.efi; an igb at 00:03.0 (net1) on
    a user network of its own (10.0.3.0/24). Serial lines go to on_line(self,
    line) as they come. Bounded: QEMU is killed `limit_s` after its start,
    whether or not it prints (a hung iPXE prints nothing), or as soon as
    OVMF falls through to its shell (iPXE ended without powering off)."""

    def __init__(self, ctx, name: str, ipxe: Path, script: str, limit_s: float = 300,
                 on_line=None):
        self.dir = d = ctx.out / name
        shutil.rmtree(d, ignore_errors=True)
        (d / "tftp").mkdir(parents=True)
        shutil.copyfile(ctx.efi, d / "tftp" / "igbtest.efi")
        (d / "tftp" / "boot.ipxe").write_text(script)
        esp = d / "ipxe.img"
        lab.tool(str(lab.MAKE_IMAGE), "--efi", str(ipxe), "--out", str(esp),
                 "--arch", ctx.arch)
        self.qmp_dir = Path(tempfile.mkdtemp(prefix="igbtest-ipxe-"))   # a short path
        self.qmp_sock = self.qmp_dir / "qmp.sock"
        self.qmp = None
        cmd = [*firmware_boot(ctx.arch, d / "vars.fd", esp),
               "-netdev", f"user,id=n0,tftp={d / 'tftp'},bootfile=boot.ipxe",
               "-device", "virtio-net-pci,netdev=n0,addr=0x2,romfile=",
               "-netdev", "user,id=n1,net=10.0.3.0/24",
               "-device", "igb,netdev=n1,addr=0x3",
               "-qmp", f"unix:{self.qmp_sock},server=on,wait=off", "-serial", "stdio"]
        self.verdict_at = None
        self.timed_out = False   # QEMU was killed at limit_s
        lines: queue.Queue = queue.Queue()
        raw_lines = []
        t0 = time.monotonic()

        def read(pipe) -> None:
            for raw in pipe:
                lines.put(raw)
            lines.put(None)

        try:
            with open(d / "qemu-stderr.log", "w") as err:
                q = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                                     stdin=subprocess.DEVNULL)
                threading.Thread(target=read, args=(q.stdout,), daemon=True).start()
                eof = False
                try:
                    while not eof:
                        left = t0 + limit_s - time.monotonic()
                        try:
                            raw = lines.get(timeout=max(left, 0.01))
                        except queue.Empty:
                            self.timed_out = True
                            break
                        eof = raw is None
                        line = "" if eof else raw.decode("utf-8", "replace")
                        raw_lines.append(line)
                        if self.verdict_at is None and VERDICT in line:
                            self.verdict_at = time.monotonic() - t0
                        if on_line and line:
                            on_line(self, line)
                        if FELL_THROUGH in line:
                            break   # iPXE gave up: nothing more will come
                finally:
                    if not eof:   # the limit, or on_line failed
                        q.kill()
                    try:
                        q.wait(timeout=30)   # stdout closes a moment before QEMU exits
                    except subprocess.TimeoutExpired:
                        q.kill()
                        q.wait()
        finally:
            if self.qmp:
                self.qmp.close()
            shutil.rmtree(self.qmp_dir, ignore_errors=True)
        self.returncode = q.returncode
        self.text = "".join(raw_lines)
        self.log = d / "serial.log"
        self.log.write_text(self.text)
        self.clean = "\n".join(rt.ktap.clean_lines(self.text))

    def set_link(self, netdev: str, up: bool) -> None:
        if self.qmp is None:
            self.qmp = rt.Qmp(self.qmp_sock)
        self.qmp.call("set_link", name=netdev, up=up)

    def report(self):
        """igbtest's KTAP, from "KTAP version 1" to its exit status line."""
        rt.check(self.verdict_at is not None,
                 f"no igbtest verdict (serial log {self.log})")
        first = self.clean[self.clean.index("KTAP version 1"):self.clean.index(VERDICT)]
        end = self.clean[self.clean.index(VERDICT):].split("\n")[0]
        rt.check(end.startswith(VERDICT + " 0"), f"igbtest said {end!r}")
        report = rt.ktap.parse(first + end + "\n")
        rt.check_all_ok(report, cases=NETBOOT_CASES)
        return report

    def after(self, marker: str) -> str:
        """The serial text from the script's line `marker` on ("" if never)."""
        return self.clean[self.clean.index(marker):] if marker in self.clean else ""


def t_network_boot(ctx) -> None:
    """OVMF boots iPXE (Debian's ipxe.efi; on aarch64 AAVMF boots trixie's
    ipxe-arm64.efi); iPXE drives both NICs (its own 82576 driver holds the
    igb), gets an address from QEMU's user network on the virtio NIC and
    runs the stock LAVA x86 "ramdisk" commands (LAVA has no arm64 iPXE
    device type; the same words reach igbtest either way): the
    TFTP template's options plus "ip=dhcp console=... lava_mac=...". igbtest
    takes the 82576 from iPXE, tests it, returns (--end=exit) and gives it
    back: iPXE lists it again, then chains igbtest --version, which powers
    off."""
    ipxe = IPXE_EFI[ctx.arch]
    if not ipxe.exists():
        raise rt.Skip(f"{ipxe} missing (scripts/install-deps.sh)")
    cmds = stock_ipxe_commands(netboot_args())
    rt.check(cmds[-1] == "boot" and any(c.startswith("kernel tftp://") for c in cmds),
             f"unexpected stock commands {cmds}")
    b = IpxeBoot(ctx, "network_boot", ipxe,
                 "#!ipxe\n" + "\n".join(cmds[:-1]) + "\nboot ||\n"
                 "echo boot.ipxe: igbtest returned\nifstat\n"
                 "kernel tftp://10.0.2.2/igbtest.efi --version --end=shutdown\nboot\n")
    report = b.report()
    rt.check("# options: ignored 3 kernel-style arguments (a boot loader's, not igbtest's): "
             "ip console lava_mac" in b.clean,
             "the stock LAVA arguments were not ignored by name")
    inv = rt.inventory_line(report, "0000:00:03.0")
    rt.check('taken from the firmware driver "ipxe.efi"' in inv,
             f"the inventory does not name the driver it stopped: {inv!r}")
    rt.check(STARTED_FROM not in inv, f"started from the virtio NIC, yet: {inv!r}")
    rt.check(re.search(r"net\d: \S+ using 82576 on 0000:00:03\.0",
                       b.after("boot.ipxe: igbtest returned")),
             "after igbtest returned, iPXE does not list the 82576 again")
    rt.check(b.returncode == 0 and not b.timed_out,
             f"QEMU exit {b.returncode}: the last chain did not power off")
    print(f"# network_boot: QEMU start to igbtest's verdict {b.verdict_at:.1f} s; "
          f"{len(report.leaves())} cases passed; the 82576 taken from iPXE and given back")


# Debian trixie's iPXE, unpacked by scripts/install-deps.sh: bookworm's
# (1.0.0+git-20190125) uses the SNP device an image was started on after
# StartImage returns, though the image may have removed it, and hangs when
# that device is the 82576 igbtest took (fixed by iPXE commit 4a7f64bf4).
IPXE_NEW_EFI = {"x86_64": IPXE_TRIXIE / "ipxe-amd64.efi",
                "aarch64": IPXE_TRIXIE / "ipxe-arm64.efi"}
LINK_WANTED = "boot.ipxe: net1 open, link wanted"
# The inventory's word when iPXE started igbtest from the 82576's own SNP.
STARTED_FROM = "igbtest was started from its network interface"

# net1 is the igb (00:03.0); the script stops at the first thing that fails.
IFOPEN_NET1 = f"""\
iseq ${{net1/chip}} 82576 || goto wrong
ifopen net1 || goto failed
echo {LINK_WANTED}
iflinkwait --timeout 20000 net1 || goto failed
echo boot.ipxe: %s, net1 open with link
ifstat net1 ||
"""
IFOPEN_TAIL = """\
poweroff
:failed
echo boot.ipxe: failed on net1
ifstat net1 ||
poweroff
:wrong
echo boot.ipxe: net1 is not the 82576
poweroff
"""
NET1_UP = re.compile(r"net1: \S+ using 82576 on 0000:00:03\.0 \(Ethernet\) \[open\]\n"
                     r"\s*\[Link:up,")


def t_ipxe_ifopen(ctx) -> None:
    """iPXE holds the 82576 open (ifopen, link up) when it chains igbtest
    with the stock LAVA commands: the 82576's SNP device is the one igbtest
    was started from, and igbtest says so. It names the driver it stopped,
    passes, returns (--end=exit) and reconnects the controller; iPXE, its
    driver bound again, runs the script's next lines: net1 is the 82576
    again, opens and sees its link. What QEMU cannot show: traffic through
    iPXE's driver. QEMU's igb raises ICR.TXDW only for a queue mapped in
    IVAR, which iPXE (legacy interrupts) never programs, so iPXE sees no
    transmit complete, before igbtest as after. QEMU accommodation: iPXE's
    driver never restarts autonegotiation and QEMU's igb shows link only
    after one (facts), so the test toggles the igb's link (QMP set_link)
    each time the script waits for it."""
    ipxe = IPXE_NEW_EFI[ctx.arch]
    if not ipxe.exists():
        raise rt.Skip(f"{ipxe} missing (trixie's ipxe; scripts/install-deps.sh)")
    cmds = stock_ipxe_commands(netboot_args())
    script = ("#!ipxe\n" + IFOPEN_NET1 % "before igbtest" + "\n".join(cmds[:-1]) +
              "\nboot ||\necho boot.ipxe: igbtest returned\nifstat net1 ||\n" +
              IFOPEN_NET1 % "after igbtest" + IFOPEN_TAIL)

    def on_line(b, line):
        if LINK_WANTED in line:
            b.set_link("n1", False)
            b.set_link("n1", True)

    b = IpxeBoot(ctx, "ipxe_ifopen", ipxe, script, on_line=on_line)
    rt.check(NET1_UP.search(b.after("boot.ipxe: before igbtest, net1 open with link")),
             f"iPXE did not hold the 82576 open with link before igbtest (log {b.log})")
    report = b.report()
    inv = rt.inventory_line(report, "0000:00:03.0")
    rt.check('taken from the firmware driver "ipxe.efi" (stopped by '
             'DisconnectController; reconnected at exit); ' + STARTED_FROM in inv,
             f"the inventory does not name the driver it stopped and that igbtest "
             f"was started from the 82576's interface: {inv!r}")
    after = b.after("boot.ipxe: igbtest returned")
    rt.check(after, f"iPXE never ran the script's line after igbtest returned "
                    f"(timed out: {b.timed_out}; log {b.log})")
    rt.check(re.search(r"net1: \S+ using 82576 on 0000:00:03\.0", after),
             "after igbtest returned, iPXE does not list the 82576 as net1")
    rt.check(NET1_UP.search(b.after("boot.ipxe: after igbtest, net1 open with link")),
             f"iPXE could not open the 82576 again and see its link: "
             f"{after.splitlines()[1:8]}")
    rt.check(b.returncode == 0 and not b.timed_out,
             f"QEMU exit {b.returncode}, timed out {b.timed_out}: the script did not power off")
    print(f"# ipxe_ifopen: QEMU start to igbtest's verdict {b.verdict_at:.1f} s; "
          f"{len(report.leaves())} cases passed; the 82576 open in iPXE before and after")


# --- the lab templates on LAVA's stock device types, QEMU as the lab host ------

# The stock device types the lab templates are run on: x86 for iPXE over
# TFTP; x86 has no flasher deploy or minimal boot, seco-b68 (an x86 UEFI
# board) is the stock type that has both, and iPXE too.
TFTP_TYPE, USB_TYPE = "x86", "seco-b68"


class LabHost:
    """QEMU as a lab host in a device dictionary for a stock device type:
    LAVA power-cycles it (hard_reset_command: power_off then power_on, as a
    PDU's reboot) and reads its serial line through socat, the serial
    server's place, joined to QEMU's serial by two FIFOs. (Not a unix
    socket: QEMU's UART drops characters when its socket stays full, and
    LAVA lost 3 of 9 result lines that way while it read slowly.) Files
    for the host go in self.dir."""

    def __init__(self, d: Path):
        if not shutil.which("socat"):
            raise rt.Skip("socat missing: the lab jobs' serial connection "
                          "(scripts/install-deps.sh)")
        self.job_dir = d
        self.dir = d / "host"
        self.dir.mkdir(parents=True)
        self.pid = self.dir / "qemu.pid"
        self.dict = d / "device-dict.jinja2"

    def device_dict(self, device_type: str, qemu: list[str], esp: Path | None = None,
                    **dict_vars) -> None:
        """The dictionary: `device_type`'s template, QEMU with OVMF booting
        `esp` (if given) and `qemu` (disks, NICs) as the host, and
        `dict_vars`."""
        serial = self.dir / "serial"   # QEMU reads serial.in, writes serial.out
        for end in ("in", "out"):
            os.mkfifo(f"{serial}.{end}")
        # QEMU removes its pid file at exit; a power-off that outlives 5 s fails.
        off = (f"sh -c 'test -e {self.pid} || exit 0; kill $(cat {self.pid}); "
               f"for i in $(seq 50); do test -e {self.pid} || exit 0; sleep 0.1; done; "
               f"exit 1'")
        on = " ".join([
            *firmware_boot("x86_64", self.dir / "vars.fd", esp), *qemu,
            "-chardev", f"pipe,id=ser,path={serial}", "-serial", "chardev:ser",
            "-daemonize", "-pidfile", str(self.pid)])
        dict_vars = {
            # Its opens wait for QEMU's, so it can start before the power-on.
            "connection_command": f"socat STDIO,rawer OPEN:{serial}.out,rdonly"
                                  f"!!OPEN:{serial}.in,wronly",
            "power_on_command": on, "power_off_command": off,
            # LAVA types each character of the boot commands with this
            # delay (x86's default: 500 ms, for a slow UART); QEMU's serial
            # holds what its guest has not read yet.
            "boot_character_delay": 5, **dict_vars}
        lines = [f"{{% extends '{device_type}.jinja2' %}}"]
        lines += [f"{{% set {k} = {json.dumps(v)} %}}" for k, v in dict_vars.items()]
        lines.append("{% set hard_reset_command = [power_off_command, power_on_command] %}")
        self.dict.write_text("\n".join(lines) + "\n")

    def run(self, job: dict) -> LavaRun:
        try:
            return run_local(self.job_dir, job, ["--device-dict", str(self.dict),
                                                 "--dispatcher-ip", "10.0.2.2"])
        finally:
            self.kill()

    def kill(self) -> None:
        """The QEMU a job left running (run-local killed lava-run)."""
        try:
            pid = int(self.pid.read_text())
            if Path(f"/proc/{pid}/comm").read_text().startswith("qemu-system"):
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass


def lab_job(ctx, name: str, template: Path, device_type: str) -> tuple[Path, dict]:
    """A fresh folder for the test and the lab template as shipped, its
    device type filled."""
    x86_only(ctx)
    d = ctx.out / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    job = load_yaml(template)
    rt.check(job["device_type"].startswith("REPLACE_ME"), f"{template}: {job['device_type']}")
    job["device_type"] = device_type
    return d, job


def qemu_to_verdict_s(run: LavaRun) -> float:
    """Seconds from LAVA's power-on of QEMU to igbtest's verdict line."""
    def at(what: str, pred) -> datetime.datetime:
        hit = next((r for r in run.records if pred(r)), None)
        rt.check(hit is not None, f"no {what} in LAVA's log")
        return datetime.datetime.fromisoformat(hit["dt"])
    on = at("power-on", lambda r: str(r.get("msg")).startswith("Calling: 'nice' 'qemu-system"))
    end = at("verdict", lambda r: r.get("lvl") in ("target", "feedback") and
             VERDICT in str(r.get("msg")))
    return (end - on).total_seconds()


def t_lava_tftp_stock(ctx) -> None:
    """lava/igbtest-tftp.yaml as shipped on the stock x86 device type: the
    dispatcher deploys igbtest.efi to its TFTP folder, power-cycles the
    host (OVMF booting Debian's ipxe.efi from a disk; a virtio NIC on QEMU's
    user network, whose TFTP server at 10.0.2.2 serves that folder; an
    igb), interrupts iPXE at its Ctrl-B prompt and types x86.jinja2's
    ramdisk commands. igbtest gets "ip=dhcp console=ttyS0,115200n8
    lava_mac=..." after the template's options, ignores them by name,
    tests the 82576 and powers off; LAVA records its cases."""
    d, job = lab_job(ctx, "lava_tftp_stock", TEMPLATES[2], TFTP_TYPE)
    if not IPXE_EFI["x86_64"].exists():
        raise rt.Skip(f"{IPXE_EFI['x86_64']} missing (Debian package ipxe; "
                      "scripts/install-deps.sh)")
    efi = d / "igbtest.efi"
    shutil.copyfile(ctx.efi, efi)
    job["actions"][0]["deploy"]["kernel"]["url"] = f"file://{efi}"
    args = job["context"]["extra_kernel_args"]
    rt.check("--end=shutdown" in args, f"TFTP template options: {args}")
    job["context"]["extra_kernel_args"] = f"{args} --only={','.join(NETBOOT_CASES)} --iommu=off"
    host = LabHost(d)
    ipxe = host.dir / "ipxe.img"
    lab.tool(str(lab.MAKE_IMAGE), "--efi", str(IPXE_EFI["x86_64"]), "--out", str(ipxe))
    host.device_dict(TFTP_TYPE, esp=ipxe, qemu=[
        # run-local's TFTP root for lava-run's tftp deploy is its OUT/tmp.
        "-netdev", f"user,id=n0,tftp={d / 'lava' / 'tmp'}",
        "-device", "virtio-net-pci,netdev=n0,addr=0x2,romfile=",
        "-netdev", "user,id=n1,net=10.0.3.0/24", "-device", "igb,netdev=n1,addr=0x3"])
    run = host.run(job)
    clean = "\n".join(rt.ktap.clean_lines(run.serial))
    typed = re.search(r"kernel tftp://10\.0\.2\.2/job-1/tftp-deploy-\w+/kernel/igbtest\.efi "
                      r"\$\{extraargs\} \$\{console\}", clean)
    rt.check(typed and f"set extraargs {job['context']['extra_kernel_args']} ip=dhcp" in clean
             and "set console console=ttyS0,115200n8 lava_mac=" in clean,
             "LAVA did not type x86.jinja2's ramdisk commands at iPXE")
    rt.check("# options: ignored 3 kernel-style arguments (a boot loader's, not igbtest's): "
             "ip console lava_mac" in clean, "the stock LAVA arguments were not ignored by name")
    want, status = check_recorded_equals_ktap(run)
    rt.check(status == 0 and [t.split(".")[-1] for t, _ in want] == NETBOOT_CASES and
             all(v == "pass" for _, v in want), f"exit status {status}, cases {want}")
    rt.check(run.lava_case("lava-test-monitor")["result"] == "pass", "monitor failed")
    rt.check(run.lava_case("job")["result"] == "pass", "the job failed")
    print(f"# lava_tftp_stock: LAVA recorded {len(want)} cases: {verdict_counts(want)}; "
          f"igbtest.run pass 0; QEMU power-on to verdict {qemu_to_verdict_s(run):.1f} s; "
          f"{run.stdout.splitlines()[-1]}")


def t_lava_usb_stock(ctx) -> None:
    """lava/igbtest-usb.yaml as shipped on the stock seco-b68 device type
    (x86 UEFI; flasher deploy, minimal boot): the flasher command writes
    make image's disk (its config: the cases) to the file QEMU uses as a
    USB stick (usb-storage on xHCI); LAVA power-cycles the host, which
    boots igbtest from the stick. Two 82576s, one without FLR
    (x-pcie-flr-init=off): LAVA records each case as igbtest judged it, a
    real failure among them, and igbtest writes its results on the stick."""
    d, job = lab_job(ctx, "lava_usb_stock", TEMPLATES[1], USB_TYPE)
    img = lab.image_copy(ctx, "lava_usb_stock/image",
                         config="only = identify,status_sane,cap_pcie_flr,flr_idle\n"
                                "iommu = off\n")
    job["actions"][0]["deploy"]["images"]["image"]["url"] = f"file://{img}"
    host = LabHost(d)
    stick = host.dir / "usb-stick.img"   # written only by the flasher
    host.device_dict(USB_TYPE, [
        "-device", "qemu-xhci,id=xhci",
        "-drive", f"if=none,id=stick,format=raw,file={stick}",
        "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0",
        "-device", "igb,bus=pcie.0,addr=0x3",
        "-device", "igb,bus=pcie.0,addr=0x5,x-pcie-flr-init=off"],
        # A lab: dd to the stick's /dev/disk/by-id/ path, behind a USB mux.
        flasher_deploy_commands=[f"dd if={{IMAGE}} of={stick} bs=4M conv=fsync"])
    run = host.run(job)
    want, status = check_recorded_equals_ktap(run)
    verdicts = [v for _, v in want]
    rt.check(status == 1 and "fail" in verdicts and verdicts.count("pass") >= 4,
             f"expected passes and a real failure, got {want}, exit status {status}")
    rt.check(run.lava_case("lava-test-monitor")["result"] == "pass", "monitor failed")
    on_stick = lab.results_on(stick)
    rt.check(on_stick == ["run-0001.json", "run-0001.ktap"],
             f"results on the stick: {on_stick}")
    print(f"# lava_usb_stock: LAVA recorded {len(want)} cases: {verdict_counts(want)}; "
          f"igbtest.run fail 1; QEMU power-on to verdict {qemu_to_verdict_s(run):.1f} s; "
          f"{run.stdout.splitlines()[-1]}")


def cases(run_tests, lab_tests) -> list:
    global rt, lab
    rt, lab = run_tests, lab_tests
    C = rt.Case
    return [
        C("lava_templates_share_the_monitor", t_lava_templates_share_the_monitor, False),
        C("lava_qemu_verdicts", t_lava_qemu_verdicts, True),
        C("lava_qemu_usage_error", t_lava_qemu_usage_error, True),
        C("lava_qemu_crash", t_lava_qemu_crash, True),
        C("lava_qemu_hang", t_lava_qemu_hang, True),
        C("network_boot", t_network_boot, True),
        C("ipxe_ifopen", t_ipxe_ifopen, True),
        C("lava_tftp_stock", t_lava_tftp_stock, True),
        C("lava_usb_stock", t_lava_usb_stock, True),
    ]
