// A pull request's preview in Chromium, served from its folder as the site's distribution
// serves it:
//   node tests/browser/preview.mjs ROOT NUMBER
// ROOT holds the preview at _preview/pr-NUMBER/ (gen build --preview NUMBER --out ...). Every
// page reachable from the preview's home by its links is opened: each shows the banner, each
// link on it stays in the folder, and no request the browser makes (pages, styles, images,
// scripts) leaves the folder or calls a visitor counter. Then Nu HTML Checker on its pages and
// axe-core (light and dark, 1280 and 390 px) on its home and a post.
// Prints a line per check and ends with "preview checks: N passed, M failed"; exits 1 on a
// failure.
import fs from "node:fs";
import path from "node:path";
import { checkAxe, VARIANTS } from "./check-axe.mjs";
import { checkVnu } from "./check-vnu.mjs";
import { launch } from "./browser.mjs";
import { Report } from "./report.mjs";
import { serveSite } from "./static-server.mjs";

const [root, number] = process.argv.slice(2);
const folder = `/_preview/pr-${number}/`;
if (!root || !number || !fs.existsSync(path.join(root, folder, "index.html"))) {
  console.error("usage: node tests/browser/preview.mjs ROOT NUMBER (ROOT/_preview/pr-NUMBER/index.html)");
  process.exit(2);
}
const report = new Report("preview checks");
const { server, url } = await serveSite(path.resolve(root));
try {
  await report.guard("crawl", async () => {
    report.section(`every page from ${folder}, by its links`);
    const browser = await launch();
    try {
      const requests = [];
      browser.context.on("request", (request) => requests.push(request.url()));
      const queue = [folder];
      const seen = new Set(queue);
      let outside = [];
      while (queue.length > 0) {
        const pagePath = queue.shift();
        const page = await browser.context.newPage();
        const response = await page.goto(url + pagePath, { waitUntil: "load" });
        const found = await page.evaluate(() => {
          const banner = document.querySelector(".preview-banner");
          return {
            banner: banner && banner.offsetParent !== null ? banner.textContent.trim() : null,
            top: banner ? Math.round(banner.getBoundingClientRect().top) : null,
            robots: document.querySelector('meta[name="robots"]')?.content ?? null,
            links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
          };
        });
        report.check(
          `${pagePath}: ${response.status()}, "${found.banner}" at the top, robots ${found.robots}`,
          response.status() === 200 && (found.banner ?? "").includes(number) && found.top < 100
            && found.robots === "noindex",
        );
        for (const link of found.links) {
          const target = new URL(link);
          if (target.origin !== url) continue;
          if (!target.pathname.startsWith(folder)) outside.push(`${pagePath} → ${target.pathname}`);
          const next = target.pathname;
          if ((next.endsWith("/") || next.endsWith(".html")) && next.startsWith(folder) && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
        await page.close();
      }
      report.check(`${seen.size} pages, every link on them in ${folder}`, seen.size >= 10 && outside.length === 0, outside.slice(0, 10));
      const left = requests.filter((r) => !r.startsWith(url + folder));
      report.check(`${requests.length} requests, none outside ${folder}`, requests.length > seen.size && left.length === 0, left.slice(0, 10));
      // The counter's script (counter.<hash>.js) or its API (/visits, or the stack's).
      const counter = requests.filter((r) => /\/visits|\/counter\.[0-9a-f]{10}\.js/.test(r));
      report.check("no counter request", counter.length === 0, counter);
    } finally {
      await browser.close();
    }
  });
  await report.guard("vnu", () => checkVnu(report, [path.join(root, folder)]));
  await report.guard("axe", () => checkAxe(report, url, [folder, `${folder}posts/`], VARIANTS));
} finally {
  server.close();
}
process.exit(report.summary() ? 0 : 1);
