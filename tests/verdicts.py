"""Two claims files judged on one project's data, and each of the author's claims paired with the
drafted claim that stands for it: on the same report line, with the same measure and arguments.

The judging runs in a child process in the project's folder: the modules read the project they work
on as they load, and the test process has this repository's project loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: What names the figure a claim is about; None in the author's claim means "any".
ARGUMENTS = ("line", "measure", "of", "against", "kind", "check", "endpoint", "field")

_JUDGE_BOTH = textwrap.dedent(
    """
    import json, sys, tomllib
    from pathlib import Path
    from labreport.contract.schema import DATA_FILE, load
    from labreport.report.claims import claimsfile
    from labreport.report.claims.ledger import ledger

    data = load(DATA_FILE)
    found = {}
    for name, path in (("drafted", Path(sys.argv[1])), ("authors", Path(sys.argv[2]))):
        claims = claimsfile.load(path)
        tables = {table["key"]: table for table in tomllib.loads(path.read_text())["claim"]}
        found[name] = [
            {**{k: tables[c.key].get(k) for k in ARGUMENTS}, "key": c.key, "verdict": c.verdict,
             "measured": c.measured, "standin": c.standin}
            for c in ledger(data, claims)
        ]
    print(json.dumps(found))
    """
)


@dataclass(frozen=True)
class Pairing:
    authors: list[dict[str, Any]]
    #: Each of the author's claims the drafter also wrote, with its drafted twins.
    twins: list[tuple[dict[str, Any], list[dict[str, Any]]]]

    def differing(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """The pairs whose drafted twins all got another verdict than the author's claim."""
        return [
            (theirs, mine)
            for theirs, mine in self.twins
            if theirs["verdict"] not in {m["verdict"] for m in mine}
        ]


def judge_both(project: Path, drafted: Path, authors: Path) -> Pairing:
    """Both claims files judged on `project`'s data file, paired."""
    code = f"ARGUMENTS = {ARGUMENTS!r}\n{_JUDGE_BOTH}"
    done = subprocess.run(
        [sys.executable, "-c", code, str(drafted), str(authors)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    both = json.loads(done.stdout)
    twins = []
    for theirs in both["authors"]:
        same = [
            mine
            for mine in both["drafted"]
            if all(theirs[name] is None or mine[name] == theirs[name] for name in ARGUMENTS)
        ]
        if same:
            twins.append((theirs, same))
    return Pairing(authors=both["authors"], twins=twins)
