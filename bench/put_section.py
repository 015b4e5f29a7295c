"""Puts Markdown read from standard input into bench/RESULTS.md (or the file given) between
<!-- begin NAME --> and <!-- end NAME -->, replacing what was there, or appending the section
when the file has none. Usage: ... | python3 bench/put_section.py NAME "TITLE" [RESULTS.md]"""
import os
import subprocess
import sys
import tempfile

name, title = sys.argv[1], sys.argv[2]
path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "RESULTS.md")
body = sys.stdin.read().rstrip("\n")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                        text=True).stdout.strip() or "unknown"
section = "\n".join([f"<!-- begin {name} -->", f"## {title}", "",
                     f"Commit {commit}, machine {os.uname().nodename}, {os.cpu_count()} cores.",
                     "", body, f"<!-- end {name} -->"])
text = open(path).read() if os.path.exists(path) else ""
begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + section + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".RESULTS.")
with os.fdopen(fd, "w") as f:
    f.write(text)
os.replace(tmp, path)
