const width = document.documentElement.clientWidth;
const problems = [];
if (document.documentElement.scrollWidth > width + 1) problems.push("page scrolls sideways: " + document.documentElement.scrollWidth + " > " + width);
for (const el of document.querySelectorAll("main th, main td, main caption, h1, main h2, main h3, main p, main li")) {
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const what = el.tagName + " '" + el.textContent.trim().slice(0, 40) + "'";
  const head = el.closest("thead");
  if (head && head.getBoundingClientRect().width <= 1) continue;  // visually hidden: cells carry the labels
  if (style.display === "none" || style.visibility === "hidden" || r.width === 0 || r.height === 0) {
    if (el.textContent.trim() !== "") problems.push("hidden " + what);  // an empty cell may go
    continue;
  }
  if (r.right > width + 1 || r.left < -1) problems.push("outside the page " + what + " " + Math.round(r.left) + ".." + Math.round(r.right));
  if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== "visible") problems.push("cut " + what);
  let p = el.parentElement;
  while (p && p !== document.body) {
    const ps = getComputedStyle(p);
    if (ps.overflowX !== "visible" && p.scrollWidth > p.clientWidth + 1) { problems.push("in a scroll box " + what); break; }
    p = p.parentElement;
  }
}
for (const table of document.querySelectorAll("table")) {
  const head = table.querySelector("thead");
  if (head.getBoundingClientRect().width > 1) continue;
  const names = [...head.querySelectorAll("th")].map(th => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((td, i) => {
      const label = getComputedStyle(td, "::before").content;
      if (label !== JSON.stringify(names[i])) problems.push("cell without its column's name: " + label + " for " + names[i]);
    });
  }
}
return problems;
