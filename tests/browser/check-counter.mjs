// Visitor counter behaviour in Chromium against the fake API, with the page's real CSP in force.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch } from "./browser.mjs";
import { startCounterApi } from "./counter-api.mjs";
import { serveSite } from "./static-server.mjs";

// Either a site already built with --counter-url http://127.0.0.1:PORT/visits (the API takes that port),
// or GEN_BIN + GEN_SITE_ROOT: the API takes a free port and a site is built for it in a temp folder.
export async function prepareCounterSite({ siteDir, genBin, siteRoot }) {
  if (siteDir) {
    const html = fs.readFileSync(path.join(siteDir, "index.html"), "utf8");
    const m = html.match(/id="visits" data-endpoint="([^"]+)"/);
    if (!m) throw new Error(`${siteDir}/index.html has no #visits[data-endpoint]: built without --counter-url?`);
    const endpoint = new URL(m[1].replace(/&#x2f;/gi, "/").replace(/&amp;/g, "&"));
    const api = await startCounterApi(Number(endpoint.port));
    return { siteDir, api, cleanup: () => {} };
  }
  const api = await startCounterApi();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gen-counter-site-"));
  const out = path.join(tmp, "site");
  const build = spawnSync(genBin, ["build", "--root", siteRoot, "--out", out, "--counter-url", api.url], { encoding: "utf8" });
  if (build.status !== 0) {
    await api.close();
    throw new Error(`${genBin} build failed (exit ${build.status}):\n${build.stdout}${build.stderr}`);
  }
  return { siteDir: out, api, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

// Opens a tab that records its uncaught errors and CSP violations in `page.problems`.
async function openPage(browser) {
  const page = await browser.context.newPage();
  page.problems = [];
  page.on("pageerror", (err) => page.problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) page.problems.push(`CSP: ${msg.text()}`);
  });
  return page;
}

// Loads (or reloads) and waits until the page's call to the API has finished or failed.
// Returns false when the page made no API call at all within 8 s (the script gives up after 5 s).
async function visit(page, url, api, reload = false) {
  const isApi = (req) => req.url().startsWith(api.url);
  const opts = { predicate: isApi, timeout: 8000 };
  const done = Promise.race([page.waitForEvent("requestfinished", opts), page.waitForEvent("requestfailed", opts)]);
  const [called] = await Promise.all([done.then(() => true, () => false), reload ? page.reload() : page.goto(url)]);
  return called;
}

async function shown(page, called) {
  if (called) await page.locator("#visits").waitFor({ state: "visible", timeout: 3000 }).catch(() => {});
  const text = ((await page.locator("#visits").textContent()) ?? "").replace(/\s+/g, " ").trim();
  return { visible: await page.locator("#visits").isVisible(), number: await page.locator("#visits span").textContent(), text };
}

// After a failed API call: the counter stays hidden, no script error, and the rest of the page is there.
async function degraded(page) {
  // The script marks the end of its promise chain on the element, success or not.
  await page.locator("#visits[data-state]").waitFor({ state: "attached", timeout: 8000 }).catch(() => {});
  const state = await page.locator("#visits").getAttribute("data-state");
  const name = (await page.locator("h1").textContent())?.trim();
  const hidden = !(await page.locator("#visits").isVisible());
  const rendered = (await page.locator("h1").isVisible()) && !!name && (await page.locator("main section").count()) > 0;
  const ok = state === "failed" && hidden && rendered && page.problems.length === 0;
  return [ok, [`#visits data-state=${state} hidden=${hidden}; h1="${name}" rendered=${rendered}; errors=${page.problems.length}`]];
}

export async function checkCounter(report, siteDir, api) {
  report.section("Visitor counter");
  const { server, url } = await serveSite(siteDir);
  api.allowOrigin = url;
  report.info(`site ${url}/ → counter API ${api.url}`);
  const posts = () => api.requests("POST").length;
  const gets = () => api.requests("GET").length;
  const pages = [];
  const first = await launch();
  const second = await launch();
  try {
    const page = await openPage(first);
    pages.push(page);
    let called = await visit(page, url + "/", api);
    let s = await shown(page, called);
    const post = api.requests("POST")[0];
    report.check("first visit: POSTs once and shows 1", s.visible && s.number === "1" && posts() === 1, [
      `API called=${called}; #visits visible=${s.visible} text="${s.text}"; POSTs=${posts()} origin=${post?.origin} query=${post?.query}`,
    ]);
    report.check('first visit: singular wording "1 visit"', s.text === "1 visit", [`text="${s.text}"`]);
    report.check("first visit: a simple request (no CORS preflight), path in the query", api.requests("OPTIONS").length === 0 && post?.query === "?path=%2F", [
      `OPTIONS=${api.requests("OPTIONS").length} query=${post?.query}`,
    ]);

    called = await visit(page, url + "/", api, true);
    s = await shown(page, called);
    report.check("reload in the same session: GET only, still 1", s.visible && s.number === "1" && posts() === 1 && gets() === 1, [
      `API called=${called}; #visits visible=${s.visible} text="${s.text}"; POSTs=${posts()} GETs=${gets()} ${api.requests("GET")[0]?.query ?? ""}`,
    ]);

    const other = await openPage(second);
    pages.push(other);
    called = await visit(other, url + "/", api);
    s = await shown(other, called);
    report.check("new browser session: POSTs again and shows 2", s.visible && s.number === "2" && posts() === 2, [
      `API called=${called}; #visits visible=${s.visible} text="${s.text}"; POSTs=${posts()} counts=${JSON.stringify([...api.counts])}`,
    ]);

    api.failing = true;
    const erroring = await openPage(second);
    pages.push(erroring);
    await visit(erroring, url + "/", api);
    report.check("API answering 500: counter hidden, no script error, page rendered", ...(await degraded(erroring)));

    await api.close();
    const offline = await openPage(second);
    pages.push(offline);
    await visit(offline, url + "/", api);
    report.check("API unreachable: counter hidden, no script error, page rendered", ...(await degraded(offline)));
  } finally {
    const problems = pages.flatMap((p) => p.problems);
    report.check("no uncaught JS errors or CSP violations on any load", problems.length === 0, problems);
    await first.close();
    await second.close();
    server.close();
    await api.close();
  }
}
