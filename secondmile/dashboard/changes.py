"""A tile's change against the period before, in plain words: the difference with an
arrow (never colour alone) and what it was before; when either period has no figure,
what that means for this figure ("nobody answered the survey in the 30 days before")."""

import datetime

from core.formatting import duration, money, percent


def signed(value) -> str:
    """An NPS as people read it: "+42.5", "−10.0", "0.0"; "—" for none."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return f"{value}"


FORMATS = {
    "count": str,
    "share": percent,
    "nps": signed,
    "money": money,
    "duration": duration,
}


def _amount(delta, kind: str):
    """(size of the difference as text, its sign as a number)."""
    if kind == "share":
        points = round(float(delta) * 100)
        return f"{abs(points)} pts", points
    if kind == "nps":
        return f"{abs(delta):.1f} pts", delta
    if kind == "money":
        return money(abs(delta)), delta
    if kind == "duration":
        seconds = delta.total_seconds()
        return duration(abs(delta)), seconds
    return str(abs(delta)), delta


def change(
    current,
    previous,
    *,
    before: str,
    missing: str,
    kind: str = "count",
    better: str = "up",
) -> dict:
    """The change of a figure on the period before, as {text, note, direction}.

    `before` names that period ("the 30 days before"); `missing` says why a figure can be
    absent, as a phrase ("nobody answered the survey"). `better` is "up", "down" or
    "neither" (money spent is neither good nor bad in itself); direction is "up" for a
    change for the better, "down" for the worse, "same" otherwise, and only colours the
    text, which says it all with its arrow and words."""
    shown = FORMATS[kind]
    if current is None and previous is None:
        return {"text": "Nothing to compare", "note": f"{missing} in this period or {before}.", "direction": "same"}
    if current is None:
        return {
            "text": "Nothing to compare",
            "note": f"{missing} in this period; {shown(previous)} {before}.",
            "direction": "same",
        }
    if previous is None:
        return {"text": "New this period", "note": f"{missing} {before}.", "direction": "same"}
    delta = current - previous
    amount, sign = _amount(delta, kind)
    if not sign or (isinstance(delta, datetime.timedelta) and not delta):
        return {"text": "= same as before", "note": f"{shown(previous)} {before} too.", "direction": "same"}
    arrow = "▲" if sign > 0 else "▼"
    for_the_better = (sign > 0) == (better == "up")
    direction = "same" if better == "neither" else ("up" if for_the_better else "down")
    return {"text": f"{arrow} {amount}", "note": f"from {shown(previous)} {before}.", "direction": direction}
