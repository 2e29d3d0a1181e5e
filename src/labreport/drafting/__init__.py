"""Claims drafted from a lab report's own text: the figures in its pasted terminal output and its
sentences, each matched to a measure of the claims vocabulary, for a person to confirm.

`draft(report_text, known_images)` reads a Markdown report; `write_claims` writes the claims file
and keeps what a person already edited or confirmed in it. Pure: no Docker, no MkDocs.
"""

from __future__ import annotations

from .claim import DraftedClaim
from .claims_file import write_claims
from .draft import draft

__all__ = ["DraftedClaim", "draft", "write_claims"]
