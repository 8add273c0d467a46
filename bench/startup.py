"""Start-up where people wait: `callwatch --help`, a one-line piped console command, and `serve slack --http` idle.

    python -m bench.startup [--runs 7] [--callwatch PATH] [--no-bytecode-cache]

Each command is a whole process, timed from outside as a user meets it, and paired run by run with a baseline
started the same way in the same run: `python -c pass` on the interpreter callwatch's own script names. Printed
per path: wall seconds, CPU seconds (user + system, the kernel's rusage) and peak resident memory (as GNU time,
/usr/bin/time, reports it), each as the median of `--runs` with min–max, and the ratio ours / baseline taken pair
by pair (median, min–max). On a shared machine wall time follows the neighbours; CPU time much less.

The console commands run against an SQLite file whose schema is already current (as on any day but the first),
`/help` and then a `/contact` with parties new to each run (so it really stores). Python's bytecode cache is on,
in a temporary folder (`PYTHONPYCACHEPREFIX`), as after any install; `--no-bytecode-cache` measures with
`PYTHONDONTWRITEBYTECODE=1` instead, where every start compiles our modules again.

Last, memory at rest: `callwatch serve slack --http` and a bare slack-bolt app (bench/bare_bolt_app.py, served
the same way) started against a stand-in Slack Web API, each read from /proc (VmRSS) after /healthz answers and
a few seconds idle. `--callwatch PATH` measures another install (an older checkout's venv, say).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from bench.slack_roundtrip import HERE, SECRET, TOKEN, free_port, standin_web_api, until_serving

_contacts = count(1)


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)


TIME = "/usr/bin/time"  # GNU time: the child's own rusage, forked from a small process


def run_once(argv: list[str], env: dict[str, str], cwd: Path, stdin: str = "") -> tuple[float, float, float]:
    """Wall s, CPU s and peak MiB of one process. The command runs under GNU time, which forks it from a small
    process and reports its peak (a child forked from this larger process would count our pages until it execs);
    the CPU time is the kernel's rusage of that subtree in microseconds (GNU time prints only hundredths)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        process = subprocess.Popen(
            [TIME, "-o", report.name, "-f", "%M", *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        assert process.stdin is not None and process.stderr is not None
        process.stdin.write(stdin.encode())
        process.stdin.close()
        errors = process.stderr.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {process.returncode}: {errors.decode()[-500:]}")
        peak_kib = int(report.read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024


def interpreter_of(script: str) -> str:
    """The Python a console script runs on (its shebang), so the baseline starts the same interpreter."""
    first = Path(script).read_text(errors="replace").splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else sys.executable


def med(values: list[float], digits: int = 3) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def ratios(ours: list[float], base: list[float]) -> str:
    paired = [o / b for o, b in zip(ours, base, strict=True) if b > 0]
    return med(paired, 1) + "×" if paired else "n/a"


def measure_commands(callwatch: str, env: dict[str, str], work: Path, runs: int) -> list[tuple[str, Runs, Runs]]:
    python = interpreter_of(callwatch)
    paths: list[tuple[str, list[str], object]] = [
        ("callwatch --help", [callwatch, "--help"], ""),
        ("echo /help | callwatch console", [callwatch, "console"], "/help\n"),
        (
            "echo '/contact …' | callwatch console",
            [callwatch, "console"],
            lambda: f"/contact at=2025-07-03T14:00Z parties=Startup{next(_contacts)}x,Putin kind=call\n",
        ),
    ]
    results = []
    for name, argv, stdin in paths:
        ours, base = Runs(), Runs()
        text = stdin() if callable(stdin) else stdin
        run_once(argv, env, work, text)  # warm-up: bytecode cache, page cache
        run_once([python, "-c", "pass"], env, work)
        for _ in range(runs):
            text = stdin() if callable(stdin) else stdin
            for runs_of, command, given in ((ours, argv, text), (base, [python, "-c", "pass"], "")):
                wall, cpu, peak = run_once(command, env, work, given)
                runs_of.wall.append(wall)
                runs_of.cpu.append(cpu)
                runs_of.peak_mib.append(peak)
        results.append((name, ours, base))
    return results


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for {pid}")


async def idle_rss(argv: list[str], env: dict[str, str], work: Path, port: int, idle: float) -> float:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=work, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await until_serving(process, f"http://127.0.0.1:{port}", argv[0])
        await asyncio.sleep(idle)
        return rss_mib(process.pid)
    finally:
        process.terminate()
        await process.wait()


async def measure_idle(
    callwatch: str, env: dict[str, str], work: Path, runs: int, idle: float, database_url: str | None
) -> tuple[Runs, Runs]:
    ours, bare = Runs(), Runs()
    async with standin_web_api() as standin:
        served = env | {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url}
        if database_url:
            served["CALLWATCH_DATABASE_URL"] = database_url
            upgrade = await asyncio.create_subprocess_exec(
                callwatch, "db", "upgrade", env=served, cwd=work, stdout=asyncio.subprocess.DEVNULL
            )
            if await upgrade.wait() != 0:
                raise SystemExit(f"callwatch db upgrade failed on {database_url}")
        for _ in range(runs):
            port = free_port()
            ours.peak_mib.append(
                await idle_rss([callwatch, "serve", "slack", "--http", "--port", str(port)], served, work, port, idle)
            )
            port = free_port()
            bare_app = [interpreter_of(callwatch), str(HERE / "bare_bolt_app.py"), str(port)]
            bare.peak_mib.append(await idle_rss(bare_app, served, work, port, idle))
    return ours, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command and of its baseline")
    parser.add_argument("--idle-runs", type=int, default=3, help="starts of each server for the memory figure")
    parser.add_argument("--idle-seconds", type=float, default=3.0, help="how long each server idles before reading")
    parser.add_argument("--callwatch", default=None, help="the callwatch executable (default: this venv's)")
    parser.add_argument("--no-bytecode-cache", action="store_true", help="start with PYTHONDONTWRITEBYTECODE=1")
    parser.add_argument("--serve-database-url", default=None, help="the idle server's database (default: SQLite)")
    args = parser.parse_args()

    if not Path(TIME).exists():
        raise SystemExit(f"needs GNU time at {TIME} (apt-get install time)")
    callwatch = args.callwatch or shutil.which("callwatch", path=str(Path(sys.executable).parent)) or "callwatch"
    work = Path(tempfile.mkdtemp(prefix="cw-startup-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TELEGRAM_", "CALLWATCH_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["CALLWATCH_DATABASE_URL"] = f"sqlite:///{work / 'startup.db'}"
    try:
        subprocess.run([callwatch, "db", "upgrade"], env=env, cwd=work, check=True, capture_output=True)
        commands = measure_commands(callwatch, env, work, args.runs)
        idle_ours, idle_bare = asyncio.run(
            measure_idle(callwatch, env, work, args.idle_runs, args.idle_seconds, args.serve_database_url)
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cache = "off (PYTHONDONTWRITEBYTECODE=1)" if args.no_bytecode_cache else "on"
    print(
        f"Start-up of {callwatch}: {args.runs} runs each, paired with `python -c pass`; bytecode cache {cache}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'path':38} {'':5} {'ours, median (min–max)':>26} {'python -c pass':>26} {'ours / baseline':>22}")
    for name, ours, base in commands:
        for label, mine, theirs, digits in (
            ("wall s", ours.wall, base.wall, 3),
            ("cpu s", ours.cpu, base.cpu, 3),
            ("peak MiB", ours.peak_mib, base.peak_mib, 1),
        ):
            print(
                f"{name if label == 'wall s' else '':38} {label:8} {med(mine, digits):>23} "
                f"{med(theirs, digits):>26} {ratios(mine, theirs):>22}"
            )
    on = "PostgreSQL" if (args.serve_database_url or "").startswith("postgresql") else "SQLite"
    print(
        f"{'serve slack --http, idle, ' + on:38} {'RSS MiB':8} {med(idle_ours.peak_mib, 1):>23} "
        f"{'bare bolt ' + med(idle_bare.peak_mib, 1):>26} {ratios(idle_ours.peak_mib, idle_bare.peak_mib):>22}"
    )


if __name__ == "__main__":
    main()
