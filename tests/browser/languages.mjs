// The page in every language gen translates, checked as built:
//   node tests/browser/languages.mjs SITES_DIR
// SITES_DIR holds one built site (out/site) per language, in a folder named by its tag
// (en, de, ..., ar, he). For each: Nu HTML Checker on every page, no errors; axe-core, every
// rule, on / and /404.html in light and dark mode, no violations; and in the browser the page's
// lang and dir are the language's, nothing is wider than the window, its section headings are laid out in that direction (right
// to left for ar and he) and no heading is in English unless the language is.
// Prints a line per check and ends with "page checks: N passed, M failed"; exits 1 on a failure.
import fs from "node:fs";
import path from "node:path";
import { checkAxe, VARIANTS } from "./check-axe.mjs";
import { checkVnu } from "./check-vnu.mjs";
import { launch } from "./browser.mjs";
import { Report } from "./report.mjs";
import { serveSite } from "./static-server.mjs";

const RIGHT_TO_LEFT = new Set(["ar", "he"]);
const ENGLISH = ["Experience", "Education", "Skills", "About"];

const [sitesArg] = process.argv.slice(2);
if (!sitesArg || !fs.existsSync(sitesArg)) {
  console.error("usage: node tests/browser/languages.mjs SITES_DIR");
  process.exit(2);
}
const tags = fs.readdirSync(sitesArg).filter((t) => fs.existsSync(path.join(sitesArg, t, "index.html"))).sort();
const report = new Report();
report.check(`sites found: ${tags.join(" ")}`, tags.length >= 15);
await report.guard("vnu", () => checkVnu(report, tags.map((t) => path.join(sitesArg, t))));

const variants = { "light 1280px": VARIANTS["light 1280px"], "dark 390px": VARIANTS["dark 390px"] };
for (const tag of tags) {
  const { server, url } = await serveSite(path.join(sitesArg, tag));
  try {
    await report.guard(`axe ${tag}`, () => checkAxe(report, url, ["/", "/404.html"], variants));
    await report.guard(`layout ${tag}`, async () => {
      const browser = await launch();
      try {
        const page = await browser.context.newPage();
        await page.goto(url + "/", { waitUntil: "load" });
        const seen = await page.evaluate(() => {
          const html = document.documentElement;
          const h2 = [...document.querySelectorAll("main h2")].filter((h) => h.offsetParent);
          const first = h2[0].getBoundingClientRect();
          const main = document.querySelector("main").getBoundingClientRect();
          return {
            lang: html.lang,
            dir: getComputedStyle(html).direction,
            headings: h2.map((h) => h.textContent.trim()),
            // Headings start at the main column's start edge: its right for right-to-left.
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            startGap: Math.round(getComputedStyle(html).direction === "rtl" ? main.right - first.right : first.left - main.left),
          };
        });
        const rtl = RIGHT_TO_LEFT.has(tag);
        report.check(`${tag}: <html lang="${seen.lang}">, direction ${seen.dir}`, seen.lang === tag && seen.dir === (rtl ? "rtl" : "ltr"));
        report.check(`${tag}: nothing wider than the window (${seen.overflow}px over)`, seen.overflow <= 0);
        report.check(`${tag}: headings start at the ${rtl ? "right" : "left"} edge (gap ${seen.startGap}px)`, Math.abs(seen.startGap) <= 2);
        const english = tag === "en" ? [] : seen.headings.filter((h) => ENGLISH.includes(h));
        report.check(`${tag}: headings ${seen.headings.slice(0, 3).join(" / ")}…`, english.length === 0, english);
      } finally {
        await browser.close();
      }
    });
  } finally {
    server.close();
  }
}
process.exitCode = report.summary() ? 0 : 1;
