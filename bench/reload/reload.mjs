// Save-to-visible latency of gen serve, measured in the browser:
//   GEN_BIN=target/release/gen node bench/reload/reload.mjs [EDITS]
//
// For each edit: the time from just before content/resume.yaml is written to the moment the new
// text is in the page's DOM (a MutationObserver in the page takes the time). Both clocks are the
// machine's wall clock at microsecond resolution (performance.timeOrigin + performance.now()).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { launch } from "../../tests/browser/browser.mjs";
import { makeSite, startServe } from "../../tests/browser/gen-serve.mjs";

const genBin = process.env.GEN_BIN;
const edits = Number(process.argv[2] || 30);
const warmup = 3;
const here = path.dirname(new URL(import.meta.url).pathname);
const sample = fs.readFileSync(path.join(here, "..", "..", "tests", "fixtures", "sample.resume.json"), "utf8");
const withLabel = (label) => sample.replace('"label": "Programmer"', `"label": ${JSON.stringify(label)}`);

const root = makeSite(genBin, sample);
const resumePath = path.join(root, "content", "resume.yaml");
const server = await startServe(genBin, root);
const browser = await launch();
const latencies = [];
let reloads = 0;
try {
  const page = await browser.context.newPage();
  page.on("framenavigated", () => reloads++);
  await page.goto(server.url);
  reloads = 0;
  for (let i = 0; i < warmup + edits; i++) {
    const label = `Bench edit ${i}`;
    await page.evaluate((text) => {
      window.__seen = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.body && document.body.textContent.includes(text)) {
            observer.disconnect();
            resolve(performance.timeOrigin + performance.now());
          }
        });
        observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
      });
    }, label);
    const written = performance.timeOrigin + performance.now();
    fs.writeFileSync(resumePath, withLabel(label));
    const seen = await page.evaluate(() => window.__seen);
    if (i >= warmup) latencies.push(seen - written);
    await new Promise((r) => setTimeout(r, 150));
  }
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const builds = [...server.log.matchAll(/rebuilt \d+ files in (\d+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
const f = (ms) => `${ms.toFixed(1)} ms`;
console.log(`gen serve, official sample, ${edits} edits of content/resume.yaml (after ${warmup} warm-up edits):`);
console.log(`  save-to-visible: p50 ${f(pct(50))}, p95 ${f(pct(95))} (min ${f(sorted[0])}, max ${f(sorted[sorted.length - 1])}); target p50 <= 100 ms, p95 <= 250 ms`);
console.log(`  rebuild as gen reports it: median ${builds[Math.floor(builds.length / 2)]} ms over ${builds.length} rebuilds; full page reloads: ${reloads}`);
if (!(pct(50) <= 100 && pct(95) <= 250)) {
  console.log("  over target");
  process.exit(1);
}
