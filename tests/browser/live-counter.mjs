// The live visitor counter ([counter] mode = "websocket") in a real browser, against gen serve:
//   GEN_BIN=target/debug/gen node tests/browser/live-counter.mjs
//
// On a site made from the official sample with the live counter on, gen serve on a loopback
// port and headless Chromium:
//  1. two open pages each count one visit and show it; the first sees the second's visit live;
//  2. a visit in a third page raises the count on both open pages within 500 ms;
//  3. a reload in the same browser session shows the count without counting again;
//  4. the server goes away: the open pages keep their count, with no script error;
//  5. it comes back on the same port: the pages reconnect, and a new visit shows on both;
//  6. no Content-Security-Policy violation anywhere.
// Prints a line per check and ends with "live counter checks: N passed, M failed"; exits 1 on a
// failure.
import fs from "node:fs";
import path from "node:path";
import { launch } from "./browser.mjs";
import { makeSite, startServe } from "./gen-serve.mjs";
import { Report } from "./report.mjs";

const genBin = process.env.GEN_BIN;
if (!genBin) {
  console.error("usage: GEN_BIN=path/to/gen node tests/browser/live-counter.mjs");
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const sample = fs.readFileSync(path.join(here, "..", "fixtures", "sample.resume.json"), "utf8");

const report = new Report("live counter checks");
const root = makeSite(genBin, sample);
fs.appendFileSync(path.join(root, "gen.toml"), '\n[counter]\nmode = "websocket"\n');
let server = await startServe(genBin, root);
const port = Number(new URL(server.url).port);
const browser = await launch();
const scriptErrors = [];
const cspViolations = [];
const watch = (page, name) => {
  page.on("pageerror", (err) => scriptErrors.push(`${name}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) cspViolations.push(`${name}: ${msg.text()}`);
  });
};
const count = (page) => page.evaluate(() => {
  const el = document.getElementById("visits");
  return el && !el.hidden ? el.firstElementChild.textContent : null;
});
// Resolves with the time (Date.now() in the page) at which the count first reads `value`.
const armed = (page, value) => page.evaluate((value) => {
  window.__shownAt = new Promise((resolve) => {
    const el = document.getElementById("visits");
    const check = () => { if (!el.hidden && el.firstElementChild.textContent === value) { resolve(Date.now()); return true; } return false; };
    if (check()) return;
    new MutationObserver(() => check()).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}, value);
const shownAt = (page, timeout) => page.evaluate((timeout) => Promise.race([
  window.__shownAt,
  new Promise((resolve) => setTimeout(() => resolve(null), timeout)),
]), timeout);
const open = async (name) => {
  // Each page is its own tab: its own browser session, so each first view counts a visit.
  const page = await browser.context.newPage();
  watch(page, name);
  await page.goto(server.url);
  await page.waitForFunction(() => document.getElementById("visits")?.dataset.state === "shown", null, { timeout: 5000 });
  return page;
};

try {
  report.section(`gen serve at ${server.url}, [counter] mode = "websocket"`);
  const a = await open("A");
  report.check("the page marks its counter live and shows the first visit", (await a.locator("#visits[data-live]").count()) === 1 && (await count(a)) === "1", [`A shows ${await count(a)}`]);
  await armed(a, "2");
  const b = await open("B");
  const seenByA = await shownAt(a, 2000);
  report.check("a second page counts a visit, and the first page sees it live", (await count(b)) === "2" && seenByA !== null, [`A shows ${await count(a)}, B shows ${await count(b)}`]);

  await report.guard("a third visit", async () => {
    await armed(a, "3");
    await armed(b, "3");
    const started = await a.evaluate(() => Date.now());
    const c = await browser.context.newPage();
    watch(c, "C");
    await c.goto(server.url);
    const [ta, tb] = [await shownAt(a, 3000), await shownAt(b, 3000)];
    const lag = ta && tb ? Math.max(ta, tb) - started : null;
    report.check("a visit in a third page shows on both open pages within 500 ms", lag !== null && lag <= 500, [`from the third page's navigation to both updated: ${lag} ms`]);
    await c.close();
  });

  await report.guard("reload", async () => {
    await armed(b, "3");
    await a.reload();
    await a.waitForFunction(() => document.getElementById("visits")?.dataset.state === "shown", null, { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    report.check("a reload in the same session shows the count without counting again", (await count(a)) === "3" && (await count(b)) === "3", [`A shows ${await count(a)}, B shows ${await count(b)}`]);
  });

  await report.guard("server away", async () => {
    await server.stop();
    await new Promise((r) => setTimeout(r, 1500));
    report.check("with the server gone the pages keep their count and throw no script error", (await count(a)) === "3" && (await count(b)) === "3" && scriptErrors.length === 0, [`A shows ${await count(a)}, B shows ${await count(b)}`, ...scriptErrors]);
  });

  await report.guard("server back", async () => {
    server = await startServe(genBin, root, port);
    await armed(a, "4");
    await armed(b, "4");
    // The pages retry after about 1, 2, 4, 8 and 16 s; give them the first few tries to come back.
    await new Promise((r) => setTimeout(r, 7000));
    const d = await open("D");
    const [ta, tb] = [await shownAt(a, 20000), await shownAt(b, 20000)];
    report.check("back on the same port, the pages reconnect and show the next visit", ta !== null && tb !== null && (await count(d)) === "4", [`A shows ${await count(a)}, B shows ${await count(b)}, D shows ${await count(d)}`]);
    const stored = JSON.parse(fs.readFileSync(path.join(root, "out", "visits.json"), "utf8"));
    report.check("the count is kept in out/visits.json", stored["/"] === 4, [JSON.stringify(stored)]);
  });

  report.check("no script error on any page", scriptErrors.length === 0, scriptErrors);
  report.check("no Content-Security-Policy violation", cspViolations.length === 0, cspViolations);
} catch (err) {
  report.check("live counter checks ran to the end", false, [String(err && err.stack ? err.stack : err), server.log]);
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(report.summary() ? 0 : 1);
