"""A progress bar for long management commands (moving receipts, imports)."""


class ProgressBar:
    """`[#####-----] 12/40` redrawn in place on a terminal. Off a terminal it prints a line
    every tenth, or nothing at all with `terminal_only` (an import run by a script or a
    scheduler, whose output is its report)."""

    WIDTH = 30

    def __init__(self, stream, total: int, *, terminal_only: bool = False):
        self.stream = stream
        self.total = total
        self.interactive = stream.isatty()
        self.silent = terminal_only and not self.interactive
        self.shown_tenth = -1

    def show(self, done: int) -> None:
        if self.silent or not self.total:
            return
        tenth = done * 10 // self.total
        if not self.interactive and tenth == self.shown_tenth and done != self.total:
            return
        self.shown_tenth = tenth
        filled = done * self.WIDTH // self.total
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {done}/{self.total}"
        if self.interactive:
            self.stream.write("\r" + bar, ending="\n" if done == self.total else "")
            self.stream.flush()
        else:
            self.stream.write(bar)
