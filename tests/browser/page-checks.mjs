// Checks of the built site in a real browser and validators:
//   node tests/browser/page-checks.mjs SITE_DIR [COUNTER_SITE_DIR | counter]
//
// 1. Nu HTML Checker (vnu.jar) on every .html file, inline CSS included: no errors.
// 2. axe-core, every rule, on / and /404.html in light and dark at 1280px and 390px: no violations.
// 3. Lighthouse 12 (default mobile settings) on /: performance, accessibility, best practices
//    and SEO all 100 (performance is the best of up to 3 runs).
// 4. Visitor counter behaviour against a fake API, when a counter site is available:
//    - COUNTER_SITE_DIR: a site built with --counter-url http://127.0.0.1:PORT/visits; the fake API
//      listens on that PORT; or
//    - env GEN_BIN (path of the gen binary) and GEN_SITE_ROOT (a site folder with gen.toml, content/):
//      the fake API takes a free port and the site is built for it into a temp folder. The second
//      argument may then be the word `counter`, which makes these two variables required.
//
// Environment: CHROME_PATH (default: chromium on PATH), SKIP_LIGHTHOUSE=1 to leave out step 3,
// PAGES (comma-separated paths, default "/,/404.html") for axe and Lighthouse to check besides
// "/" (Lighthouse takes every listed path but 404.html, or LIGHTHOUSE_PAGES when set: a page
// that asks not to be indexed cannot score 100 for SEO).
// Prints a line per check and ends with "page checks: N passed, M failed"; exits 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import { checkAxe } from "./check-axe.mjs";
import { checkCounter, prepareCounterSite } from "./check-counter.mjs";
import { checkLighthouse } from "./check-lighthouse.mjs";
import { checkVnu } from "./check-vnu.mjs";
import { Report } from "./report.mjs";
import { serveSite } from "./static-server.mjs";

const [siteArg, counterArg] = process.argv.slice(2);
const { GEN_BIN, GEN_SITE_ROOT } = process.env;
const isSite = (dir) => !!dir && fs.existsSync(path.join(dir, "index.html"));
const counterDir = isSite(counterArg) ? path.resolve(counterArg) : null;
const buildCounter = !counterDir && !!(GEN_BIN && GEN_SITE_ROOT);
if (!isSite(siteArg) || (counterArg && !counterDir && !(counterArg === "counter" && buildCounter))) {
  console.error("usage: node tests/browser/page-checks.mjs SITE_DIR [COUNTER_SITE_DIR | counter]");
  console.error("  SITE_DIR and COUNTER_SITE_DIR must hold index.html; `counter` needs GEN_BIN and GEN_SITE_ROOT set");
  process.exit(2);
}
const siteDir = path.resolve(siteArg);
const report = new Report();

let counter = null;
if (counterDir || buildCounter) {
  await report.guard("counter site prepared", async () => {
    counter = await prepareCounterSite(
      counterDir ? { siteDir: counterDir } : { genBin: GEN_BIN, siteRoot: path.resolve(GEN_SITE_ROOT) },
    );
  });
} else {
  console.log("(visitor counter checks skipped: give COUNTER_SITE_DIR, or set GEN_BIN and GEN_SITE_ROOT)");
}

await report.guard("vnu", () => checkVnu(report, counter ? [siteDir, counter.siteDir] : [siteDir]));

const { server, url } = await serveSite(siteDir);
const pages = (process.env.PAGES || "/,/404.html").split(",").filter(Boolean);
await report.guard("axe", () => checkAxe(report, url, pages));
if (process.env.SKIP_LIGHTHOUSE) console.log("\n(Lighthouse skipped: SKIP_LIGHTHOUSE is set)");
else {
  const lighthousePages = process.env.LIGHTHOUSE_PAGES
    ? process.env.LIGHTHOUSE_PAGES.split(",").filter(Boolean)
    : pages.filter((p) => !p.endsWith("404.html"));
  for (const page of lighthousePages) {
    await report.guard(`lighthouse ${page}`, () => checkLighthouse(report, url, page));
  }
}
server.close();

if (counter) {
  await report.guard("visitor counter", () => checkCounter(report, counter.siteDir, counter.api));
  counter.cleanup();
}

process.exitCode = report.summary() ? 0 : 1;
