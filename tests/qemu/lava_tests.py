"""QEMU tests with a real LAVA dispatcher (run by tests/qemu/run_tests.py
through lab_tests.cases()).

Each case runs lava/igbtest-qemu.yaml, as shipped, with its REPLACE_ME URLs
filled and its options in the image's config file, through lava/run-local:
Debian's lava-run on the qemu device type, whose device dictionary comes
from lava-server's own templates. The cases LAVA recorded (its log's
results records) are compared with igbtest's KTAP verdicts in the same
serial stream, case by case. Where lava-run cannot run (not installed, not
root and no user namespace) each case skips with run-local's reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCAL = ROOT / "lava" / "run-local"
TEMPLATES = [ROOT / "lava" / n for n in ("igbtest-qemu.yaml", "igbtest-usb.yaml",
                                           "igbtest-tftp.yaml")]
OVMF = Path("/usr/share/OVMF")
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

    def cases(self, definition: str) -> list[dict]:
        return [r for r in self.results if r.get("definition") == definition]

    def lava_case(self, name: str) -> dict:
        hits = [r for r in self.cases("lava") if r.get("case") == name]
        rt.check(len(hits) == 1, f"LAVA recorded {len(hits)} lava/{name} results")
        return hits[0]


def x86_only(ctx) -> None:
    if ctx.arch != "x86_64":
        raise rt.Skip("the LAVA job boots OVMF on q35 (x86_64)")


def lava_job(ctx, name: str, config: str, devices: list[str],
             boot_timeout_s: int | None = None, kill_after: str | None = None) -> LavaRun:
    """Run lava/igbtest-qemu.yaml with the image's config replaced by
    `config` and `devices` as its -device options."""
    x86_only(ctx)
    img = lab.image_copy(ctx, f"{name}/image", config=config)
    job = load_yaml(TEMPLATES[0])
    images = job["actions"][0]["deploy"]["images"]
    images["code"]["url"] = f"file://{OVMF / 'OVMF_CODE_4M.fd'}"
    images["vars"]["url"] = f"file://{OVMF / 'OVMF_VARS_4M.fd'}"
    images["disk"]["url"] = f"file://{img}"
    ctx_ = job["context"]
    ctx_["extra_options"] = [o for o in ctx_["extra_options"] if not o.startswith("-device")]
    ctx_["extra_options"] += [f"-device {d}" for d in devices]
    ctx_["no_kvm"] = True    # this machine's /dev/kvm is a software KVM (facts)
    if boot_timeout_s:
        job["actions"][1]["boot"]["timeout"] = {"seconds": boot_timeout_s}
    d = ctx.out / name
    job_file = d / "job.json"   # JSON is YAML: lava-run reads it as is
    job_file.write_text(json.dumps(job, indent=1))
    cmd = ["/usr/bin/python3", str(RUN_LOCAL), str(job_file), "--out", str(d / "lava"),
           "--timeout", "600"]
    if kill_after:
        cmd += ["--kill-qemu-after", kill_after]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=700)
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
    print(f"# lava_qemu_verdicts: LAVA recorded {len(want)} cases: "
          f"{verdicts.count('pass')} pass, {verdicts.count('fail')} fail, "
          f"{verdicts.count('skip')} skip; igbtest.run fail 1; {run.stdout.splitlines()[-1]}")


def t_lava_qemu_usage_error(ctx) -> None:
    """A usage error: LAVA records one case, igbtest.run, failed with 2."""
    run = lava_job(ctx, "lava_qemu_usage_error", "repeat = lots\n", ["igb"])
    want, status = check_recorded_equals_ktap(run)
    rt.check(status == 2 and want == [], f"exit status {status}, cases {want}")
    rt.check([r["result"] for r in run.cases("igbtest")] == ["fail"], "not one failed case")
    print(f"# lava_qemu_usage_error: LAVA recorded igbtest_run fail 2; "
          f"{run.stdout.splitlines()[-1]}")


def t_lava_qemu_crash(ctx) -> None:
    """The host dies after the first result, during flr_repeat (13 s under
    TCG): no igbtest.run case, the monitor action fails (end of file before
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
    """A case silent for longer than the boot action's timeout (flr_repeat,
    13 s under TCG, against 8 s): the monitor times out and fails."""
    run = lava_job(ctx, "lava_qemu_hang", "only = identify,flr_repeat\niommu = off\n",
                   ["igb"], boot_timeout_s=8)
    ids = [r["extra"]["test_case_id"] for r in run.cases("igbtest")]
    rt.check("igbtest.run" not in ids, f"a hung run recorded igbtest.run: {ids}")
    mon = run.lava_case("lava-test-monitor")
    rt.check(mon["result"] == "fail", f"lava-test-monitor {mon['result']} after a hang")
    print(f"# lava_qemu_hang: LAVA recorded {ids}, lava-test-monitor fail; "
          f"{run.stdout.splitlines()[-1]}")


# --- network boot: OVMF -> iPXE -> TFTP -> igbtest ------------------------------

IPXE_EFI = Path("/usr/lib/ipxe/ipxe.efi")
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


def t_network_boot(ctx) -> None:
    """OVMF boots iPXE (Debian's ipxe.efi); iPXE drives both NICs (its own
    82576 driver holds the igb), gets an address from QEMU's user network
    on the virtio NIC and runs the stock LAVA x86 "ramdisk" commands: the
    TFTP template's options plus "ip=dhcp console=... lava_mac=...". igbtest
    takes the 82576 from iPXE, tests it, returns (--end=exit) and gives it
    back: iPXE lists it again, then chains igbtest --version, which powers
    off."""
    x86_only(ctx)
    if not IPXE_EFI.exists():
        raise rt.Skip(f"{IPXE_EFI} missing (Debian package ipxe; scripts/install-deps.sh)")
    tftp_ctx = load_yaml(TEMPLATES[2])["context"]["extra_kernel_args"]
    rt.check("--end=shutdown" in tftp_ctx, f"TFTP template context: {tftp_ctx}")
    # Returning instead of powering off shows the NIC given back to iPXE.
    args = tftp_ctx.replace("--end=shutdown", "--end=exit") + \
        " --only=" + ",".join(NETBOOT_CASES) + " --iommu=off"
    cmds = stock_ipxe_commands(args)
    rt.check(cmds[-1] == "boot" and any(c.startswith("kernel tftp://") for c in cmds),
             f"unexpected stock commands {cmds}")
    d = ctx.out / "network_boot"
    shutil.rmtree(d, ignore_errors=True)
    (d / "tftp").mkdir(parents=True)
    shutil.copyfile(ctx.efi, d / "tftp" / "igbtest.efi")
    (d / "tftp" / "boot.ipxe").write_text(
        "#!ipxe\n" + "\n".join(cmds[:-1]) + "\nboot ||\n"
        "echo boot.ipxe: igbtest returned\nifstat\n"
        "kernel tftp://10.0.2.2/igbtest.efi --version --end=shutdown\nboot\n")
    esp = d / "ipxe.img"
    lab.tool(str(lab.MAKE_IMAGE), "--efi", str(IPXE_EFI), "--out", str(esp))
    vars_copy = d / "OVMF_VARS.fd"
    shutil.copyfile(OVMF / "OVMF_VARS_4M.fd", vars_copy)
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "512",
           "-nodefaults", "-display", "none", "-no-reboot",
           "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF / 'OVMF_CODE_4M.fd'}",
           "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
           "-drive", f"if=none,id=esp,format=raw,file={esp}",
           "-device", "ide-hd,drive=esp,bus=ide.0,bootindex=0",
           "-netdev", f"user,id=n0,tftp={d / 'tftp'},bootfile=boot.ipxe",
           "-device", "virtio-net-pci,netdev=n0,addr=0x2,romfile=",
           "-netdev", "user,id=n1", "-device", "igb,netdev=n1,addr=0x3",
           "-serial", "stdio"]
    t0 = time.monotonic()
    verdict_at = None
    lines = []
    with open(d / "qemu-stderr.log", "w") as err:
        q = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
        try:
            for raw in q.stdout:
                line = raw.decode("utf-8", "replace")
                lines.append(line)
                if verdict_at is None and "# igbtest: exit status" in line:
                    verdict_at = time.monotonic() - t0
                if time.monotonic() - t0 > 300:
                    break
        finally:
            try:
                q.wait(timeout=30)   # stdout closes a moment before QEMU exits
            except subprocess.TimeoutExpired:
                q.kill()
                q.wait()
    text = "".join(lines)
    (d / "serial.log").write_text(text)
    clean = "\n".join(rt.ktap.clean_lines(text))
    rt.check(verdict_at is not None, f"no verdict within 300 s (serial log {d / 'serial.log'})")
    first = clean[:clean.index("# igbtest: exit status")]
    first = first[first.index("KTAP version 1"):]
    end = clean[clean.index("# igbtest: exit status"):].split("\n")[0]
    report = rt.ktap.parse(first + end + "\n")
    rt.check_all_ok(report, cases=NETBOOT_CASES)
    rt.check(end.startswith("# igbtest: exit status 0"), f"igbtest said {end!r}")
    rt.check("# options: ignored 3 kernel-style arguments (a boot loader's, not igbtest's): "
             "ip console lava_mac" in clean, "the stock LAVA arguments were not ignored by name")
    inv = rt.inventory_line(report, "0000:00:03.0")
    rt.check('taken from the firmware driver "ipxe.efi"' in inv,
             f"the inventory does not name the driver it stopped: {inv!r}")
    after = clean[clean.index("boot.ipxe: igbtest returned"):] \
        if "boot.ipxe: igbtest returned" in clean else ""
    rt.check(re.search(r"net\d: \S+ using 82576 on 0000:00:03\.0", after),
             "after igbtest returned, iPXE does not list the 82576 again")
    rt.check(q.returncode == 0, f"QEMU exit {q.returncode}: the last chain did not power off")
    print(f"# network_boot: QEMU start to igbtest's verdict {verdict_at:.1f} s; "
          f"{len(report.leaves())} cases passed; the 82576 taken from iPXE and given back")


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
    ]
