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

// Watches a page for uncaught errors and CSP violations.
function watch(page, problems) {
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  return page;
}

// Loads (or reloads) and waits until the page's call to the API has finished or failed.
async function visit(page, url, api, reload = false) {
  const isApi = (req) => req.url().startsWith(api.url);
  const done = Promise.race([page.waitForEvent("requestfinished", isApi), page.waitForEvent("requestfailed", isApi)]);
  await Promise.all([done, reload ? page.reload() : page.goto(url)]);
}

async function shown(page) {
  await page.locator("#visits").waitFor({ state: "visible", timeout: 5000 }).catch(() => {});
  const visible = await page.locator("#visits").isVisible();
  const text = ((await page.locator("#visits").textContent()) ?? "").replace(/\s+/g, " ").trim();
  return { visible, number: await page.locator("#visits span").textContent(), text };
}

// After a failed API call: the counter stays hidden and the rest of the page is there.
async function degraded(page) {
  await page.waitForTimeout(300); // let the fetch promise chain settle
  const name = (await page.locator("h1").textContent())?.trim();
  return {
    counterHidden: !(await page.locator("#visits").isVisible()),
    rendered: (await page.locator("h1").isVisible()) && !!name && (await page.locator("main section").count()) > 0,
    name,
  };
}

export async function checkCounter(report, siteDir, api) {
  report.section("Visitor counter");
  const { server, url } = await serveSite(siteDir);
  api.allowOrigin = url;
  report.info(`site ${url}/ → counter API ${api.url}`);
  const problems = [];
  const first = await launch();
  const second = await launch();
  try {
    const page = watch(await first.context.newPage(), problems);
    await visit(page, url + "/", api);
    let s = await shown(page);
    const posts = api.requests("POST");
    report.check("first visit: POSTs once and shows 1", s.visible && s.number === "1" && posts.length === 1, [
      `#visits visible=${s.visible} text="${s.text}"; POSTs=${posts.length} origin=${posts[0]?.origin} body=${posts[0]?.body}`,
    ]);
    report.check('first visit: singular wording "1 visit"', s.text === "1 visit", [`text="${s.text}"`]);

    await visit(page, url + "/", api, true);
    s = await shown(page);
    const gets = api.requests("GET");
    report.check("reload in the same session: GET only, still 1", s.visible && s.number === "1" && api.requests("POST").length === 1 && gets.length === 1, [
      `#visits visible=${s.visible} text="${s.text}"; POSTs=${api.requests("POST").length} GETs=${gets.length} ${gets[0]?.query ?? ""}`,
    ]);

    const other = watch(await second.context.newPage(), problems);
    await visit(other, url + "/", api);
    s = await shown(other);
    report.check("new browser session: POSTs again and shows 2", s.visible && s.number === "2" && api.requests("POST").length === 2, [
      `#visits visible=${s.visible} text="${s.text}"; POSTs=${api.requests("POST").length} counts=${JSON.stringify([...api.counts])}`,
    ]);

    api.failing = true;
    const erroring = watch(await second.context.newPage(), problems);
    await visit(erroring, url + "/", api);
    let d = await degraded(erroring);
    report.check("API answering 500: counter hidden, page rendered", d.counterHidden && d.rendered, [
      `#visits hidden=${d.counterHidden}; h1="${d.name}" rendered=${d.rendered}`,
    ]);

    await api.close();
    const offline = watch(await second.context.newPage(), problems);
    await visit(offline, url + "/", api);
    d = await degraded(offline);
    report.check("API unreachable: counter hidden, page rendered", d.counterHidden && d.rendered, [
      `#visits hidden=${d.counterHidden}; h1="${d.name}" rendered=${d.rendered}`,
    ]);

    report.check("no uncaught JS errors or CSP violations", problems.length === 0, problems);
  } finally {
    await first.close();
    await second.close();
    server.close();
    await api.close();
  }
}
