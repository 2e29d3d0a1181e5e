import sys

from .contract.paths import choose_from_argv

# `--project PATH` is read before anything else is imported: the modules read the project (and the
# data file's place beside it) as they load. `paths` imports nothing of the package.
chosen = choose_from_argv(sys.argv[1:])
from .contract.project import ProjectError  # noqa: E402

try:
    from .cli import main
except ProjectError as error:  # a bad project file: its one line, the CLI's exit code for bad data
    print(f"labreport: {error}", file=sys.stderr)
    # A missing one has its own code; the table that holds it is out of reach, the CLI failed to load.
    missing = chosen is not None and not chosen.is_file()
    sys.exit(9 if missing else 1)  # cli/outcomes.py NO_PROJECT, FAILED; tests/test_cli_site.py checks it

sys.exit(main())
