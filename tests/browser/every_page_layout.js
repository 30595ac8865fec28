(minimum) => {
  // The layout check of test_every_page.py, run in the page: `minimum` is the narrowest width
  // (in characters) a wrapped text may have; the answer lists the problems found as sentences.
  const problems = [];
  const root = document.documentElement;
  // What a person could unfold is measured too.
  const folded = [...document.querySelectorAll("details:not([open])")];
  folded.forEach((details) => { details.open = true; });
  const describe = (element) => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "")
    + (typeof element.className === "string" && element.className.trim()
       ? "." + element.className.trim().split(/\s+/).join(".") : "");
  const clipped = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const beyond = (element) => element.getBoundingClientRect().right > window.innerWidth + 1
    && !clipped(element);
  if (root.scrollWidth > window.innerWidth) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((element) => beyond(element) && ![...element.children].some(beyond))
      .slice(0, 3).map((element) => `${describe(element)} "${element.textContent.trim().slice(0, 30)}"`);
    problems.push(`the page is ${root.scrollWidth} px wide and scrolls sideways (${wide.join(", ")})`);
  }
  const canvas = document.createElement("canvas").getContext("2d");
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 2) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set();
    for (const rect of range.getClientRects()) {
      if (rect.width > 0 && rect.height > 0) tops.add(Math.round(rect.top));
    }
    if (tops.size < 2) continue;
    let block = node.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) {
      block = block.parentElement;
    }
    if (!block || seen.has(block)) continue;
    seen.add(block);
    const style = getComputedStyle(block);
    canvas.font = style.font;
    const zero = canvas.measureText("0").width;
    const width = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (width < minimum * zero - 0.5) {
      problems.push(`"${text.slice(0, 40)}" wraps in ${describe(block)}, ${(width / zero).toFixed(1)} characters wide`);
    }
  }
  folded.forEach((details) => { details.open = false; });
  return problems;
}
