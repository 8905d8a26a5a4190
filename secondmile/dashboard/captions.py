"""What a chart's caption may claim about its biggest share: "most" only for more than
half, "more than any other" for a lead short of half, and a tie named as a tie (every
leader, or "spread evenly" when all share the lead), never one of the tied picked."""


def _names(labels: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def leaders(rows: list[dict]) -> list[dict]:
    """The rows with the highest count (several when tied); none when every count is 0."""
    top = max((row["count"] for row in rows), default=0)
    return [row for row in rows if row["count"] == top] if top else []


def quadrant_caption(*, quadrants: list[dict]) -> str:
    """The quadrant map in one honest sentence."""
    total = sum(q["count"] for q in quadrants)
    if not total:
        return "No act in this period yet."
    first = leaders(quadrants)
    top = first[0]["count"]
    if len(first) == 1:
        label = first[0]["label"].lower()
        if total == 1:
            return f"The one act went beyond {label} expectations."
        if 2 * top > total:
            return f"Most acts went beyond {label} expectations ({top} of {total})."
        return f"More acts went beyond {label} expectations than any other, though not most of them ({top} of {total})."
    if len(first) == len(quadrants):
        return f"Acts were spread evenly over the {len(quadrants)} expectations ({top} each, {total} in all)."
    names = _names([q["label"].lower() for q in first])
    return f"A tie: as many acts went beyond {names} expectations ({top} each of {total})."


def kinds_caption(*, kinds: list[dict]) -> str:
    """The kinds of gesture in one sentence, ties named as ties."""
    first = leaders(kinds)
    if not first:
        return "No act in this period yet."
    top = first[0]["count"]
    if len(first) == 1:
        return f"{first[0]['label']} is the most frequent kind of gesture ({top})."
    names = _names([k["label"].lower() for k in first])
    return f"{names[:1].upper()}{names[1:]} are tied as the most frequent kinds of gesture ({top} each)."
