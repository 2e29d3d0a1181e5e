import sys

from .contract.project import ProjectError, choose_from_argv

# `--project PATH` is read before the CLI is imported: the modules read the project as they load.
choose_from_argv(sys.argv[1:])
try:
    from .cli import main
except ProjectError as error:  # a bad project file: its one line, the CLI's exit code for bad data
    print(f"labreport: {error}", file=sys.stderr)
    sys.exit(1)

sys.exit(main())
