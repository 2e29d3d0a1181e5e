"""`labreport claims draft REPORT.md [-o claims.toml]`: a claims file drafted from a report;
`labreport claims judge`: every claim of the project's claims file judged against its data file.

`draft` exits 0 written; 1 the report or the existing claims file cannot be read; 6 the report holds
no figure, build log, image table or service answer the drafter recognises (nothing is written).
`judge` exits 0 when no claim differs, 8 when one does, 1 when the data or claims file is invalid.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..contract import project, schema
from ..contract.variants import PROJECT_PATH
from ..drafting.claims_file import ClaimsFileError, Written, read_claims, read_reported_bases, write_claims
from ..drafting.draft import draft
from ..drafting.rules import reported_bases, with_rules
from .outcomes import CLAIMS_DIFFER, FAILED, NOTHING_RECOGNISED, SUCCESS, CommandError


def project_images(project_file: Path = PROJECT_PATH) -> dict[str, str]:
    """A project's images and bases, by reference, as the claims vocabulary names them: each
    variant's `<image>:<name>`, the builder stage's image as "builder", each base by itself."""
    chosen = project.load(project_file)
    known = {f"{chosen.service.image}:{entry.name}": entry.name for entry in chosen.variant}
    stage = project.builder_stage(chosen, project_file.parent)
    if stage is not None:  # built on its own, tagged as the project says or by the stage's name
        known |= {chosen.builder_ref: "builder", f"{chosen.service.image}:{stage}": "builder"}
    for entry in chosen.variant:
        build, runtime, _ = project.bases(chosen, entry, project_file.parent)
        known |= {base: base for base in (build, runtime) if base is not None}
    return known


def project_bases(project_file: Path = PROJECT_PATH) -> dict[str, tuple[str, ...]]:
    """The bases each of a project's images rests on, by the claims vocabulary's name: a variant
    its final stage's base (none for `scratch`), the builder stage the primary's build base."""
    chosen = project.load(project_file)
    rests: dict[str, tuple[str, ...]] = {}
    for entry in chosen.variant:
        build, runtime, _ = project.bases(chosen, entry, project_file.parent)
        rests[entry.name] = (runtime,) if runtime is not None else ()
        if entry.name == chosen.primary.name and build is not None:
            rests["builder"] = (build,)
    return rests


def report_project(report: Path) -> Path:
    """The project a report belongs to: the labreport.toml beside it, else the loaded one."""
    beside = report.resolve().parent / project.PROJECT_FILE.name
    return beside if beside.is_file() else PROJECT_PATH


def _image(text: str) -> tuple[str, str]:
    ref, equals, name = text.partition("=")
    if not equals or not ref or not name:
        raise argparse.ArgumentTypeError(f"{text!r}: want REF=NAME, e.g. myapp:latest=final")
    return ref, name


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    claims = subparsers.add_parser(
        "claims",
        help="claims as data: draft a claims file from a report's own text",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = claims.add_subparsers(dest="claims_command", required=True)
    drafting = actions.add_parser(
        "draft",
        help="draft claims from a Markdown report (terminal output and prose) for a person to confirm",
        description="Reads the report's docker images/history tables, build logs, push output, JSON answers "
        "and prose figures, and writes one claim each with the report line it came from. Run again after "
        "editing the file: entries you edited or confirmed (deleted their `drafted` line) are kept.",
    )
    drafting.add_argument("report", type=Path, help="the report (Markdown)")
    drafting.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("claims.toml"),
        help="the claims file (default: %(default)s)",
    )
    drafting.add_argument(
        "--image",
        type=_image,
        action="append",
        default=[],
        metavar="REF=NAME",
        help="what the report's image REF is called in the claims (repeatable), e.g. myapp:latest=alpine",
    )

    judging = actions.add_parser(
        "judge",
        help="judge every claim of the project's claims file against its data file; exit 8 if one differs",
        description="Prints each claim's verdict (reproduced, differs, not measurable here, stand-in), then "
        "how many were judged, how many drafted entries were set aside and how many figures the drafter "
        "could not match. The site's ledger shows the same verdicts.",
    )
    judging.add_argument(
        "--project", type=Path, default=None, metavar="PATH", help="the project file or folder"
    )
    judging.add_argument("--data", type=Path, default=None, help="the data file (default: the project's)")


def run(arguments: argparse.Namespace) -> int:
    if arguments.claims_command == "judge":
        return judge(arguments.data or schema.DATA_FILE)
    report: Path = arguments.report
    try:
        text = report.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise CommandError(FAILED, f"cannot read the report {report}: {error.strerror}") from None
    written = draft_into(arguments.output, report, text, report_project(report), dict(arguments.image))
    print(
        f"wrote {arguments.output}: {written.drafted + written.kept} claims ({written.drafted} drafted, "
        f"{written.kept} kept as edited or confirmed), {written.unmatched} figures not matched"
    )
    return SUCCESS.code


def draft_into(
    output: Path,
    report: Path,
    text: str,
    project_file: Path,
    images: dict[str, str] | None = None,
    *,
    report_name: str = "",
) -> Written:
    """Drafts `text`'s claims into `output`, keeping a person's edits there, with the stand-in rules
    the project's bases call for; `images` adds names for the report's images (`--image`). The one
    line and exit code when the report holds nothing the drafter recognises or a file cannot be
    read or written."""
    drafted = draft(text, project_images(project_file) | (images or {}))
    bases = project_bases(project_file)
    reported = reported_bases(drafted, bases)
    drafted = with_rules(drafted, bases, reported)
    if not drafted:
        raise CommandError(
            NOTHING_RECOGNISED,
            f"{report}: no figure, image table, build log, push or service answer recognised; "
            "nothing drafted",
        )
    try:
        return write_claims(
            output,
            drafted,
            read_claims(output),
            report=report_name or str(report),
            reported_bases=reported,
            existing_bases=read_reported_bases(output),
        )
    except ClaimsFileError as error:
        raise CommandError(FAILED, str(error)) from None
    except OSError as error:
        raise CommandError(FAILED, f"cannot write {output}: {error.strerror}") from None


def judge(data_path: Path) -> int:
    """The ledger's verdicts in the terminal, and the summary `check` ends with."""
    import tomllib

    from ..report.claims import claimsfile
    from ..report.claims.judge import verdict_counts
    from ..report.claims.ledger import ledger

    data = schema.load(data_path)
    claims = claimsfile.current()
    judged = ledger(data, claims)
    for claim in judged:
        print(f"{claim.verdict:<20} {claim.key}: claimed {claim.claimed}, measured {claim.measured}")
    for reason in claims.set_aside:
        print(f"{'set aside':<20} {reason}")
    unmatched = len(tomllib.loads(claims.path.read_text(encoding="utf-8")).get("unmatched", []))
    counts = verdict_counts(judged)
    listed = ", ".join(f"{count} {verdict}" for verdict, count in counts.items() if count)
    print(
        f"{len(judged)} claims judged ({listed}); {len(claims.set_aside)} drafted ones set aside, "
        f"{unmatched} figures not matched ({claims.path})"
    )
    return CLAIMS_DIFFER.code if counts["differs"] else SUCCESS.code
