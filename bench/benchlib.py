"""What the benchmark scripts (quality.py, unseen.py) share: the build of the CLI, the
machine and commit they record, interrupts, percentages, atomic writes and the sections of
bench/RESULTS.md."""
import os
import platform
import re
import shlex
import subprocess
import signal
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS_MD = os.path.join(ROOT, "bench", "RESULTS.md")
RESULTS_DIR = os.path.join(ROOT, "bench", "results")


class Interrupted(Exception):
    pass


def on_sigterm(*_):
    raise KeyboardInterrupt()


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def run_main(main, name):
    """Runs a harness's main(): SIGINT taken back (background jobs of a non-interactive shell
    start with it ignored), Ctrl-C ends with "NAME: interrupted" and exit 130."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
    except KeyboardInterrupt:
        log(f"\n{name}: interrupted")
        sys.exit(130)


def pct(value, ref):
    """How far `value` lies above `ref`, in % of |ref|; None without both or when ref is 0."""
    return None if value is None or ref in (None, 0) else 100.0 * (value - ref) / abs(ref)


def command_line(script):
    """The command that ran this script, as `bash bench/SCRIPT.sh ARGS`."""
    return f"bash bench/{script}" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def binary_version(binary):
    return subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def git_commit():
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # The harness's own outputs do not make the tree dirty.
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                ":!bench/RESULTS.md", ":!bench/results")
    return commit + ("-dirty" if dirty else "")


def machine():
    model = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def ensure_binary(build_dir, no_build, tool):
    """The CLI in build_dir, built (incrementally) unless no_build."""
    binary = os.path.join(build_dir, "allocopt")
    if no_build:
        if not os.access(binary, os.X_OK):
            log(f"{tool}: {binary} is missing and --no-build was given")
            sys.exit(2)
        return binary
    if not os.access(binary, os.X_OK):
        log(f"{tool}: building the CLI in {build_dir}")
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "deps.sh")], cwd=ROOT, check=True,
                       stdout=sys.stderr)
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                        "-DALLOCOPT_BUILD_TESTS=OFF"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    # Incremental: a no-op when up to date, so the numbers always belong to the working tree.
    r = subprocess.run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 1), "--target", "allocopt"],
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode < 0 or r.returncode == 130:
        raise KeyboardInterrupt()
    if r.returncode != 0:
        log(r.stderr[-4000:])
        log(f"{tool}: building {binary} failed (use --no-build to run the existing binary)")
        sys.exit(3)
    try:
        cache = open(os.path.join(build_dir, "CMakeCache.txt")).read()
        m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", cache, re.M)
        if m and m.group(1) != "Release":
            log(f"{tool}: warning: {build_dir} is a '{m.group(1)}' build; timings and reached values will suffer")
    except OSError:
        pass
    return binary


def replace_section(name, section, before=()):
    """Puts `section` into bench/RESULTS.md between <!-- begin NAME --> and <!-- end NAME -->,
    replacing what was there. A new section goes before the first of the sections named in
    `before` that the file has, else at the end."""
    try:
        text = open(RESULTS_MD).read()
    except FileNotFoundError:
        text = "# allocopt benchmark results\n\nEvery section below is written by the command it names.\n"
    pattern = re.compile(f"<!-- begin {re.escape(name)} -->.*?<!-- end {re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        pos = min((text.find(f"<!-- begin {s} -->") for s in before if f"<!-- begin {s} -->" in text), default=-1)
        if pos >= 0:
            text = text[:pos] + section + "\n\n" + text[pos:]
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
    write_atomic(RESULTS_MD, text)
