"""The audit every walked page passes, for the walk and the journeys that reach pages the
walk cannot open (shown once, or only in the middle of a sign-in): axe-core finds no
serious or critical violation and the page is no wider than the window."""

from axe_playwright_python.sync_playwright import Axe

WIDTHS = {1366: {"width": 1366, "height": 900}, 390: {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
# Colours do not change with the width (app.css's media queries only lay out), so the
# slowest rule, colour contrast, is checked once per page, on the phone.
AXE_OPTIONS = {
    390: {"resultTypes": ["violations"]},
    1366: {"resultTypes": ["violations"], "rules": {"color-contrast": {"enabled": False}}},
}


def load_axe(context):
    """axe-core (the package's own copy) in every page the context opens, before the page's
    scripts: cheaper than sending it to each page after loading."""
    context.add_init_script(script=Axe().axe_script)


def audit(page, width: int) -> list[str]:
    """What is wrong with the page as it is now, drawn at `width` (one of WIDTHS)."""
    violations = page.evaluate(
        "(options) => axe.run(document, options).then((results) => results.violations)", AXE_OPTIONS[width]
    )
    problems = [
        f"{violation['impact']} {violation['id']} on {[node['target'] for node in violation['nodes']][:3]}"
        for violation in violations
        if violation["impact"] in BLOCKING
    ]
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        problems.append(f"{scroll_width} px wide in a {inner_width} px window")
    return problems


def audit_at_every_width(page, screenshot) -> list[str]:
    """The page as it is now audited at each of WIDTHS, with `screenshot(width)` taken after
    each: for a page shown once, which cannot be opened again at the next width."""
    problems = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        problems.extend(f"{page.url} at {width} px: {problem}" for problem in audit(page, width))
        screenshot(width)
    return problems
