"""What was carried over, counted per kind, and one line per thing that was not.

A kind is complete when what the export holds equals what was carried over (written,
served or redirected) plus what the report explains. Anything else is a loss nobody
explained, and the import exits with status 1.
"""

from dataclasses import dataclass, field

KINDS = (
    ("posts", "published"),
    ("pages", "published"),
    ("drafts", "kept as drafts"),
    ("authors", "bio written or kept"),
    ("categories", "carried"),
    ("tags", "carried"),
    ("media", "copied"),
    ("comments approved", "stored"),
    ("comments pending", "in moderation"),
    ("comments spam", "stored"),
    ("comments trash", "stored"),
    ("pingbacks/trackbacks", "stored"),
    ("old URLs", "served or redirected"),
    ("other items", "imported"),
)


@dataclass
class Report:
    exported: dict = field(default_factory=dict)
    carried: dict = field(default_factory=dict)
    explained: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)  # (kind, text) not carried over, and why
    notes: list = field(default_factory=list)  # for a person to decide
    losses: list = field(default_factory=list)  # lost and not explained
    files: dict = field(default_factory=dict)  # "written"/"unchanged" counts

    def add(self, kind, exported=0, carried=0):
        self.exported[kind] = self.exported.get(kind, 0) + exported
        self.carried[kind] = self.carried.get(kind, 0) + carried

    def skip(self, kind, text, count=1):
        """``count`` things of ``kind`` from the export not carried over, with the reason."""
        self.explained[kind] = self.explained.get(kind, 0) + count
        self.lines.append((kind, text))

    def note(self, text):
        self.notes.append(text)

    def lose(self, text):
        self.losses.append(text)

    def unexplained(self):
        problems = []
        for kind, total in self.exported.items():
            accounted = self.carried.get(kind, 0) + self.explained.get(kind, 0)
            if accounted != total:
                problems.append(
                    f"{kind}: {total} in the export, {self.carried.get(kind, 0)} carried over, "
                    f"{self.explained.get(kind, 0)} explained"
                )
        return problems + self.losses

    def text(self, title, dry_run=False):
        out = [f"WordPress import: {title}" + ("  (dry run: nothing written)" if dry_run else "")]
        out.append("")
        out.append(f"{'':24}{'in export':>10}  {'carried':>8}  what carried means")
        for kind, meaning in KINDS:
            if kind in self.exported:
                out.append(
                    f"{kind:24}{self.exported[kind]:>10}  {self.carried.get(kind, 0):>8}  {meaning}"
                )
        if self.files:
            out.append("")
            out.append(
                "Files: "
                + ", ".join(f"{count} {state}" for state, count in sorted(self.files.items()))
            )
        if self.notes:
            out += ["", "For a person to decide:"] + [f"  - {note}" for note in self.notes]
        if self.lines:
            out += ["", "Not carried over:"] + [f"  - {kind}: {text}" for kind, text in self.lines]
        problems = self.unexplained()
        out.append("")
        if problems:
            out += ["LOST WITHOUT EXPLANATION (exit status 1):"] + [f"  - {p}" for p in problems]
        else:
            out.append("Everything in the export is accounted for.")
        return "\n".join(out) + "\n"
