#!/usr/bin/env python3
"""KTAP version 1 parser for igbtest's output (a module and a small CLI).

KTAP is described in the kernel's Documentation/dev-tools/ktap.rst. igbtest
prints it on a UEFI serial console, so the input is usually a raw serial log:
firmware lines and ANSI/VT escape sequences before (and sometimes around) the
KTAP, and CRLF line endings. parse() cleans that up first:

  * escape sequences (CSI such as ESC[2J, ESC[01;01H, ESC[=3h; OSC; two-byte
    ESC x) and carriage returns are removed (see strip_escapes());
  * everything before the first "KTAP version 1" line is ignored;
  * inside a nested block, a line that does not start with the block's
    indentation and is not a KTAP line (version, plan, result or "#"
    diagnostic) is firmware noise and is ignored. Every line igbtest prints
    is one of those four kinds at its block's indentation or deeper, so any
    other line at the block's indentation is reported as an error.

Library use (Python 3.11 standard library only):

    import ktap
    report = ktap.parse(open("serial.log", errors="replace").read())
    report.errors      # ["line 12: ...", ...]; empty when the KTAP is valid
    report.tests       # top-level Test nodes (number, name, result, ...)
    report.counts      # leaf results counted: pass/fail/skip/xfail/xpass
    report.totals      # numbers from "# Totals:" or None
    report.verdict     # "pass" | "fail" | "skip" | "incomplete" | "invalid"
    report.exit_status # 0 | 1 | 4 | 3 (the same as the CLI's)
    report.cut         # the input ended inside the KTAP (a hang, a reset)

    # A results file from the boot volume with the run-NNNN.heldK files a
    # hang left beside it (see read_results()):
    report, text, used = ktap.read_results("run-0001.ktap")

A log cut short keeps every result it has: a block the input ends in is a
Test with incomplete=True (result "not_ok"), holding what it got.

Line numbers in messages are 1-based lines of the input text, so they point
into the serial log as a text editor shows it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

__all__ = [
    "Test", "Report", "parse", "parse_file", "read_results", "strip_escapes",
    "clean_lines",
    "EXIT_PASS", "EXIT_FAIL", "EXIT_USAGE", "EXIT_INVALID", "EXIT_SKIP",
]

EXIT_PASS = 0      # valid KTAP, nothing failed
EXIT_FAIL = 1      # valid KTAP, at least one "not ok"
EXIT_USAGE = 2     # bad command line or unreadable file (CLI only)
EXIT_INVALID = 3   # no KTAP, or malformed/incomplete KTAP
EXIT_SKIP = 4      # valid KTAP whose top-level plan is "1..0 # SKIP ..."

# --- cleaning raw serial ----------------------------------------------------

# CSI: ESC [ (or the 8-bit 0x9b), parameter bytes 0x30-0x3f (digits, ';',
# '=', '?', ...), intermediate bytes 0x20-0x2f, one final byte 0x40-0x7e.
# OSC/DCS/APC/PM strings: ESC ] ... terminated by BEL or ESC \.
# Other escapes: ESC, optional intermediates, one final byte (ESC c, ESC (B).
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# Control characters left after escapes are gone (keeps tab).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_escapes(text: str) -> str:
    """Remove ANSI/VT escape sequences, CRs and other control characters.

    Newlines and tabs are kept, so line numbers do not change.
    """
    return _CONTROL_RE.sub("", _ESCAPE_RE.sub("", text))


def clean_lines(text: str) -> list[str]:
    """The input split into lines (on LF), each stripped of escapes, CRs and
    trailing whitespace. Index i holds input line i + 1."""
    return [strip_escapes(line).rstrip() for line in text.split("\n")]


# --- the tree ---------------------------------------------------------------

@dataclass
class Test:
    """One result line, and the subtest block it closes (if any)."""
    number: int
    name: str
    result: str                      # "ok" | "not_ok" | "skip"
    line: int                        # input line of the result line
    skip_reason: Optional[str] = None
    directive: Optional[str] = None  # raw text after "#", e.g. "SKIP why"
    todo: bool = False               # "# TODO": an expected failure
    # Diagnostics at this test's level since the previous result, then (for
    # a subtest) the block's lines after its last child's result.
    diagnostics: list[str] = field(default_factory=list)
    subtests: list["Test"] = field(default_factory=list)
    plan: Optional[int] = None       # the subtest block's plan, None for a leaf
    has_block: bool = False          # a nested KTAP block preceded the result
    block_name: Optional[str] = None  # from the block's "# Subtest: name"
    incomplete: bool = False         # the input ended inside its block

    @property
    def is_leaf(self) -> bool:
        return not self.has_block

    @property
    def ok(self) -> bool:
        return self.result != "not_ok"

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], "Test"]]:
        """Yield (path of names, node) for this node and every descendant."""
        here = path + (self.name,)
        yield here, self
        for t in self.subtests:
            yield from t.walk(here)

    def to_dict(self) -> dict:
        return {
            "number": self.number, "name": self.name, "result": self.result,
            "line": self.line, "skip_reason": self.skip_reason,
            "directive": self.directive, "todo": self.todo,
            "diagnostics": self.diagnostics, "plan": self.plan,
            "incomplete": self.incomplete,
            "subtests": [t.to_dict() for t in self.subtests],
        }


_TOTAL_KEYS = ("pass", "fail", "xfail", "xpass", "skip", "error")


@dataclass
class Report:
    """Everything parse() found. Valid KTAP has an empty errors list."""
    version: Optional[int] = None
    start_line: Optional[int] = None     # line of the top-level version line
    plan: Optional[int] = None
    skip_all_reason: Optional[str] = None  # from a top-level "1..0 # SKIP"
    tests: list[Test] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)  # top-level "#" lines
    errors: list[str] = field(default_factory=list)
    totals: Optional[dict[str, int]] = None  # from "# Totals: pass:N ..."
    totals_line: Optional[int] = None
    counts: dict[str, int] = field(
        default_factory=lambda: {k: 0 for k in ("pass", "fail", "skip", "xfail", "xpass")})
    noise: list[tuple[int, str]] = field(default_factory=list)  # ignored lines
    # The errors that only say the input ended early (also in errors).
    cut_errors: list[str] = field(default_factory=list)

    @property
    def cut(self) -> bool:
        """The input ended inside the KTAP: a hang, a reset, a power cut."""
        return bool(self.cut_errors)

    @property
    def malformed(self) -> list[str]:
        """The errors that are not the input ending early."""
        return [e for e in self.errors if e not in self.cut_errors]

    @property
    def skipped_all(self) -> bool:
        return self.plan == 0 and self.skip_all_reason is not None

    @property
    def any_failed(self) -> bool:
        """A "not ok" anywhere (but "# TODO"), or errors in "# Totals:"."""
        if self.totals and self.totals.get("error", 0) > 0:
            return True
        return any(not t.ok and not t.todo for _, t in self.walk())

    @property
    def verdict(self) -> str:
        """"invalid" if malformed (it wins over everything), "incomplete" if
        the input ended early, else "skip" for a skip-all plan, "fail" if
        any result is "not ok" (an expected failure, "# TODO", does not
        count), else "pass". Neither of the first two is ever a pass."""
        if self.malformed:
            return "invalid"
        if self.cut:
            return "incomplete"
        if self.skipped_all:
            return "skip"
        if self.any_failed:
            return "fail"
        return "pass"

    @property
    def exit_status(self) -> int:
        return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "skip": EXIT_SKIP,
                "incomplete": EXIT_INVALID, "invalid": EXIT_INVALID}[self.verdict]

    def walk(self) -> Iterator[tuple[tuple[str, ...], Test]]:
        for t in self.tests:
            yield from t.walk()

    def leaves(self) -> list[Test]:
        return [t for _, t in self.walk() if t.is_leaf]

    def summary(self) -> str:
        c = self.counts
        if self.verdict == "invalid":
            head = f"INVALID: {len(self.errors)} problem(s)"
        elif self.verdict == "incomplete":
            head = "INCOMPLETE (the output ended early)"
        elif self.verdict == "skip":
            return f"SKIP: nothing tested ({self.skip_all_reason})"
        else:
            head = self.verdict.upper()
        extra = "".join(f", {c[k]} {k}" for k in ("xfail", "xpass") if c[k])
        return (f"{head}: {c['pass']} passed, {c['fail']} failed, "
                f"{c['skip']} skipped{extra} in {len(self.tests)} top-level test(s)")

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict, "exit_status": self.exit_status,
            "version": self.version, "start_line": self.start_line,
            "plan": self.plan, "skip_all_reason": self.skip_all_reason,
            "counts": self.counts, "totals": self.totals,
            "errors": self.errors, "cut": self.cut, "diagnostics": self.diagnostics,
            "tests": [t.to_dict() for t in self.tests],
            "ignored_lines": len(self.noise),
        }


# --- line syntax ------------------------------------------------------------

_VERSION_RE = re.compile(r"KTAP version (\d+)$")
_PLAN_RE = re.compile(r"1\.\.(\d+)(?:\s*#\s*(.*))?$")
_RESULT_RE = re.compile(r"(ok|not ok)(?:\s+(\d+))?(?:\s+(?:-\s+)?(.*))?$")
_SUBTEST_RE = re.compile(r"#\s*Subtest:\s*(.*)$")
_TOTALS_RE = re.compile(r"#\s*Totals:\s*(.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _kind(body: str) -> Optional[str]:
    """Classify a line with its indentation removed, or None if not KTAP."""
    if _VERSION_RE.match(body):
        return "version"
    if _PLAN_RE.match(body):
        return "plan"
    if _RESULT_RE.match(body):
        return "result"
    if body.startswith("#"):
        return "diag"
    return None


def _split_directive(rest: str) -> tuple[str, Optional[str]]:
    """Split "name \\# part # SKIP why" at the first unescaped '#'."""
    i = 0
    while i < len(rest):
        if rest[i] == "\\":
            i += 2
            continue
        if rest[i] == "#":
            return rest[:i].rstrip(), rest[i + 1:].strip()
        i += 1
    return rest.rstrip(), None


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), name)


def _diag_text(body: str) -> str:
    text = body[1:]
    return text[1:] if text.startswith(" ") else text


# --- the parser ---------------------------------------------------------------

def _count(c: dict[str, int], t: Test) -> None:
    """One leaf result into counts c."""
    if t.todo:
        c["xfail" if t.result == "not_ok" else "xpass"] += 1
    elif t.result == "skip":
        c["skip"] += 1
    elif t.result == "ok":
        c["pass"] += 1
    else:
        c["fail"] += 1


@dataclass
class _Block:
    indent: int
    start: int                       # line number of the version line
    name: Optional[str] = None
    plan: Optional[int] = None
    plan_line: Optional[int] = None
    plan_reason: Optional[str] = None
    tests: list[Test] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # diags not yet attached
    diagnostics: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, lines: list[str], report: Report):
        self.lines = lines
        self.r = report
        self.i = 0

    def err(self, lineno: int, msg: str) -> None:
        self.r.errors.append(f"line {lineno}: {msg}")

    def ended(self, lineno: int, msg: str) -> None:
        """An error that only says the input ended early."""
        self.err(lineno, msg)
        self.r.cut_errors.append(self.r.errors[-1])

    def peek(self) -> Optional[tuple[int, str]]:
        return (self.i + 1, self.lines[self.i]) if self.i < len(self.lines) else None

    # A nested block ends at a KTAP line indented less than the block, at a
    # version line at its own indentation (a sibling subtest starting), or at
    # the end of the input.
    def block_ends(self, blk: _Block, top: bool, line: str) -> bool:
        if top:
            return False
        ind = _indent(line)
        body = line[ind:]
        if ind < blk.indent and _kind(body) is not None:
            return True
        return ind == blk.indent and _kind(body) == "version"

    def parse_block(self, blk: _Block, top: bool) -> _Block:
        label = "top-level block" if top else f"subtest '{blk.name or '?'}'"
        while (nxt := self.peek()) is not None:
            lineno, line = nxt
            if line.strip() == "":
                self.i += 1
                continue
            if self.block_ends(blk, top, line):
                break
            ind = _indent(line)
            body = line[ind:]
            kind = _kind(body)
            done = top and blk.plan is not None and len(blk.tests) >= blk.plan
            if ind < blk.indent or (kind is None and done):
                # Firmware noise: outside the block's indentation, or after
                # the top-level block's last result.
                self.r.noise.append((lineno, line))
                self.i += 1
                continue
            if kind is None:
                self.err(lineno, f"unparseable line in {label}: {line.strip()!r}")
                self.i += 1
                continue
            opens_subtest = ind > blk.indent and (
                kind in ("version", "plan") or _SUBTEST_RE.match(body))
            if opens_subtest:
                self.nested(blk, ind, lineno, kind)
                continue
            self.i += 1
            if kind == "diag":
                self.diag(blk, top, lineno, body)
            elif ind > blk.indent:
                self.err(lineno, f"{kind} line indented deeper than its block "
                                 f"({ind} > {blk.indent} spaces) without a subtest")
            elif kind == "version":   # only at the top level (see block_ends)
                self.err(lineno, "a second 'KTAP version' line at the top level "
                                 "(did the firmware run the app twice?); stopped there")
                self.i = len(self.lines)
            elif kind == "plan":
                self.plan(blk, lineno, body, label)
            else:
                self.result(blk, lineno, body, label)
        self.finish(blk, label)
        return blk

    def diag(self, blk: _Block, top: bool, lineno: int, body: str) -> None:
        text = _diag_text(body)
        blk.pending.append(text)
        blk.diagnostics.append(text)
        if top:
            self.r.diagnostics.append(text)
            if m := _TOTALS_RE.match(body):
                self.totals(lineno, m.group(1))

    def plan(self, blk: _Block, lineno: int, body: str, label: str) -> None:
        m = _PLAN_RE.match(body)
        if blk.plan is not None:
            self.err(lineno, f"duplicate plan in {label} (first at line {blk.plan_line})")
            return
        blk.plan, blk.plan_line = int(m.group(1)), lineno
        directive = m.group(2)
        if directive and re.match(r"skip\b", directive, re.I):
            blk.plan_reason = directive[4:].strip()

    def result(self, blk: _Block, lineno: int, body: str, label: str,
               sub: Optional[_Block] = None) -> Test:
        m = _RESULT_RE.match(body)
        status, num, rest = m.group(1), m.group(2), m.group(3) or ""
        expected = len(blk.tests) + 1
        if num is None:
            self.err(lineno, f"result line without a test number in {label}")
            number = expected
        else:
            number = int(num)
            if number != expected:
                self.err(lineno, f"test number {number} out of order in {label} "
                                 f"(expected {expected})")
        name, directive = _split_directive(rest)
        t = Test(number=number, name=_unescape(name), line=lineno,
                 result="ok" if status == "ok" else "not_ok", directive=directive)
        if directive is not None:
            if re.match(r"skip\b", directive, re.I):
                t.skip_reason = directive[4:].strip()
                if t.result == "ok":
                    t.result = "skip"
            elif re.match(r"todo\b", directive, re.I):
                t.todo = True
        t.diagnostics = blk.pending
        blk.pending = []
        if sub is not None:
            t.has_block, t.block_name, t.plan = True, sub.name, sub.plan
            t.subtests = sub.tests
            t.diagnostics += sub.pending
            if sub.name is not None and sub.name != t.name:
                self.err(lineno, f"result name {t.name!r} does not match the "
                                 f"subtest name {sub.name!r} (line {sub.start})")
        else:
            self.count_leaf(t)
        blk.tests.append(t)
        return t

    def count_leaf(self, t: Test) -> None:
        _count(self.r.counts, t)

    def nested(self, blk: _Block, ind: int, lineno: int, kind: str) -> None:
        """A deeper line that opens a subtest block: parse it, then require
        the parent's result line right after it."""
        sub = _Block(indent=ind, start=lineno)
        if kind == "version":
            self.i += 1
        else:
            self.err(lineno, "subtest block without a 'KTAP version 1' line")
        # "# Subtest: name" may directly follow the version line.
        nxt = self.peek()
        if nxt is not None and (m := _SUBTEST_RE.match(nxt[1].strip())) \
                and _indent(nxt[1]) == ind:
            sub.name = _unescape(m.group(1).strip())
            self.i += 1
        self.parse_block(sub, top=False)
        label = f"subtest '{sub.name or '?'}' (line {sub.start})"
        while (nxt := self.peek()) is not None and nxt[1].strip() == "":
            self.i += 1
        if nxt is None:
            self.ended(len(self.lines), f"{label} not closed by a result line: the output ended")
            # What it got is kept, in a result that is never a pass.
            blk.tests.append(Test(number=len(blk.tests) + 1, name=sub.name or "?",
                                  result="not_ok", line=sub.start, incomplete=True,
                                  diagnostics=sub.pending, subtests=sub.tests,
                                  plan=sub.plan, has_block=True, block_name=sub.name))
            return
        lineno, line = nxt
        body = line[_indent(line):]
        if _indent(line) == blk.indent and _kind(body) == "result":
            self.i += 1
            self.result(blk, lineno, body, "its parent block", sub)
        else:
            self.err(lineno, f"{label} not closed by a result line "
                             f"(found {line.strip()!r})")

    def finish(self, blk: _Block, label: str) -> None:
        at_end = self.peek() is None
        end = len(self.lines) if at_end else self.i + 1
        if blk.plan is None:
            (self.ended if at_end and not blk.tests else self.err)(
                blk.start, f"{label} has no plan line ('1..N')")
        elif len(blk.tests) != blk.plan:
            if at_end and len(blk.tests) < blk.plan:
                self.ended(end, f"{label} planned {blk.plan} test(s) but has "
                                f"{len(blk.tests)} result(s) (the output ended early)")
            else:
                self.err(end, f"{label} planned {blk.plan} test(s) but has "
                              f"{len(blk.tests)} result(s)")

    def totals(self, lineno: int, text: str) -> None:
        nums = dict(re.findall(r"(\w+)\s*:\s*(\d+)", text))
        missing = [k for k in _TOTAL_KEYS if k not in nums]
        if missing:
            self.err(lineno, f"'# Totals:' line lacks {', '.join(missing)}")
        if self.r.totals is not None:
            self.err(lineno, f"second '# Totals:' line (first at line {self.r.totals_line})")
        self.r.totals = {k: int(v) for k, v in nums.items()}
        self.r.totals_line = lineno


def _check_totals(report: Report) -> None:
    if report.totals is None:
        return
    diff = [f"{k} {report.totals[k]} != counted {report.counts[k]}"
            for k in ("pass", "fail", "skip", "xfail", "xpass")
            if k in report.totals and report.totals[k] != report.counts[k]]
    if diff:
        report.errors.append(f"line {report.totals_line}: '# Totals:' disagrees with "
                             f"the leaf results: {'; '.join(diff)}")


def parse(text: str) -> Report:
    """Parse KTAP out of raw serial text (see the module docstring)."""
    lines = clean_lines(text)
    while lines and not lines[-1]:
        lines.pop()          # so "the output ended" points at its last line
    report = Report()
    start = next((i for i, l in enumerate(lines) if _VERSION_RE.match(l.strip())), None)
    if start is None:
        report.errors.append("line 1: no 'KTAP version 1' line: no KTAP output found")
        return report
    line = lines[start]
    report.start_line = start + 1
    report.version = int(_VERSION_RE.match(line.strip()).group(1))
    if report.version != 1:
        report.errors.append(f"line {start + 1}: KTAP version {report.version}, "
                             f"this parser knows version 1")
    p = _Parser(lines, report)
    p.i = start + 1
    blk = p.parse_block(_Block(indent=_indent(line), start=start + 1), top=True)
    report.plan, report.tests = blk.plan, blk.tests
    if blk.plan == 0:
        report.skip_all_reason = blk.plan_reason
    _check_totals(report)
    return report


def parse_file(path: str) -> Report:
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        return parse(f.read())


# --- a results file and its held files ------------------------------------------

_RESULTS_RE = re.compile(r"(run-\d+)\.ktap")
_HELD_RE = re.compile(r"run-\d+\.held(\d+)")


def _read_written(path: Path) -> str:
    """A file igbtest wrote on the boot volume, up to its last whole line: a
    reset can leave a line half written, or zeros past the data (AAVMF)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        text = f.read().split("\0", 1)[0]
    return text[:text.rfind("\n") + 1]


def _parse_held(text: str) -> tuple[Optional[Test], Report]:
    """A device's block on its own, as a .heldK file holds it: indented as
    in the run, its closing result line (its number in the run) at the end
    if the device finished."""
    lines = clean_lines(text)
    while lines and not lines[-1]:
        lines.pop()
    r = Report()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:  # created (or emptied for reuse), not written yet
        return None, r
    if not _VERSION_RE.match(lines[start].strip()) or \
            _indent(lines[start]) == 0:
        r.errors.append("line 1: not a device's block (an indented 'KTAP version 1' first)")
        return None, r
    parent = _Block(indent=0, start=0)
    closing = [m for line in lines if _indent(line) == 0 and (m := _RESULT_RE.match(line))]
    if closing and closing[-1].group(2):
        parent.tests = [None] * (int(closing[-1].group(2)) - 1)  # the blocks before it
    p = _Parser(lines, r)
    p.i = start
    p.nested(parent, _indent(lines[start]), start + 1, "version")
    if p.i < len(lines):
        p.err(p.i + 1, "lines after the device's block")
    return (parent.tests[-1] if parent.tests else None), r


def _leaf_count(t: Test) -> int:
    return sum(1 for _, x in t.walk() if x.is_leaf)


def read_results(path: str) -> tuple[Report, str, list[str]]:
    """A results file, run-NNNN.ktap, with the run-NNNN.heldK files a hang
    or a power cut left beside it (README "Results on the stick"): the
    report, the text its results come from (in the report's order), and
    the names of the files read. One rule: the .ktap wins. A held file
    adds its device's block when the .ktap lacks it, or has only part of
    it (the cut fell while that block was copied in: the .ktap's part is
    the start of the held one, and is dropped for it). Such a run did not
    finish, so the report is cut (verdict "incomplete", never a pass),
    with every finished case in it. A held file's errors say its name."""
    p = Path(path)
    m = _RESULTS_RE.fullmatch(p.name)
    if not m:  # a serial capture: as it is
        with open(p, encoding="utf-8", errors="replace", newline="") as f:
            text = f.read()
        return parse(text), text, [p.name]
    ktap_text = _read_written(p)
    report = parse(ktap_text)
    kept = ktap_text.split("\n")[:-1]
    texts, used = [], [p.name]
    held = sorted((h for h in p.parent.glob(f"{m.group(1)}.held*")
                   if _HELD_RE.fullmatch(h.name)),
                  key=lambda h: int(_HELD_RE.fullmatch(h.name).group(1)))
    for h in held:
        text = _read_written(h)
        t, hr = _parse_held(text)
        used.append(h.name)
        report.errors += [f"{h.name}: {e}" for e in hr.errors]
        report.cut_errors += [f"{h.name}: {e}" for e in hr.cut_errors]
        if t is None:
            continue
        same = [i for i, x in enumerate(report.tests) if x.name == t.name]
        if same:
            old = report.tests[same[0]]
            if same[0] != len(report.tests) - 1 or not old.incomplete or \
                    _leaf_count(old) > _leaf_count(t):
                continue  # the .ktap has the block whole (or more of it)
            kept = kept[:old.line - 1]
            t.number = old.number
            report.tests[same[0]] = t
        else:
            t.number = len(report.tests) + 1
            report.tests.append(t)
        texts.append(text)
    if len(used) > 1:
        report.counts = {k: 0 for k in report.counts}
        for leaf in report.leaves():
            _count(report.counts, leaf)
    return report, "".join(line + "\n" for line in kept) + "".join(texts), used


# --- CLI ----------------------------------------------------------------------

def _print_tree(tests: list[Test], depth: int = 0) -> None:
    mark = {"ok": "ok", "not_ok": "NOT OK", "skip": "skip"}
    for t in tests:
        why = f" ({t.skip_reason})" if t.skip_reason else ""
        print(f"{'  ' * depth}{mark[t.result]:6} {t.number} {t.name}{why}")
        _print_tree(t.subtests, depth + 1)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        prog="ktap.py",
        description="Check a KTAP version 1 log (raw serial output is fine: "
                    "escape sequences, CRs and firmware lines around it are "
                    "ignored) and print a summary.",
        epilog="exit status: 0 valid and nothing failed; 1 valid and a test "
               "failed; 3 no KTAP, or malformed or incomplete KTAP (this wins "
               "over 1); 4 valid with a skip-all plan ('1..0 # SKIP'); "
               "2 bad usage or unreadable file.")
    ap.add_argument("file", metavar="FILE", help="log to read ('-' for stdin)")
    ap.add_argument("--tree", action="store_true", help="also print every result")
    ap.add_argument("--json", action="store_true",
                    help="print the whole report as JSON instead of the summary")
    args = ap.parse_args(argv)
    try:
        if args.file == "-":
            report = parse(sys.stdin.read())
        else:
            report, _, used = read_results(args.file)
            if len(used) > 1:
                print(f"read with {', '.join(used[1:])}: the held output of a run "
                      "that did not finish")
    except OSError as e:
        print(f"ktap.py: cannot read {args.file}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
        return report.exit_status
    if args.tree:
        _print_tree(report.tests)
    for e in report.errors:
        print(f"error: {e}")
    if report.totals is not None:
        t = report.totals
        print("totals line: " + " ".join(f"{k}:{t.get(k, '?')}" for k in _TOTAL_KEYS))
    print(report.summary())
    return report.exit_status


if __name__ == "__main__":
    sys.exit(main())
