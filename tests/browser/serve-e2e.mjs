// gen serve in a real browser:
//   GEN_BIN=target/debug/gen node tests/browser/serve-e2e.mjs
//
// On a site made from the official sample, with `gen serve` on a free loopback port and
// headless Chromium on its page:
//  1. the page loads with no script error and no Content-Security-Policy violation;
//  2. an edit of content/resume.yaml shows up without a reload (a value set on `window` survives);
//  3. broken YAML shows the overlay with file:line:column, and the last good content stays;
//  4. the fix removes the overlay and shows the fixed content;
//  5. an edit of templates/index.html shows up in place; a replaced image reloads the page and
//     shows the new one; an edit of templates/style.css reloads the page (its inline style is
//     pinned by the page's CSP) and the new style applies;
//  6. the visitor counter shows a number, and a new browser session increments it; the count
//     is kept in out/visits.json;
//  7. a draft post is shown with its "Draft" badge; an edit of it shows up on its open page
//     without a reload, and the resume's open page is not reloaded either;
//  8. a new content/resume.de.yaml is served at /de/ in German; an edit of it shows on the open
//     /de/ page, and the open / page is neither reloaded nor changed;
//  9. 100 saves in a tight loop: the server lives, and the page ends up with the last one.
// Prints a line per check and ends with "serve checks: N passed, M failed"; exits 1 on a failure.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { launch } from "./browser.mjs";
import { makeSite, startServe } from "./gen-serve.mjs";
import { Report } from "./report.mjs";

const genBin = process.env.GEN_BIN;
if (!genBin) {
  console.error("usage: GEN_BIN=path/to/gen node tests/browser/serve-e2e.mjs");
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const sample = fs.readFileSync(path.join(here, "..", "fixtures", "sample.resume.json"), "utf8");
const withLabel = (label) => sample.replace('"label": "Programmer"', `"label": ${JSON.stringify(label)}`);

const report = new Report("serve checks");
const root = makeSite(genBin, sample);
const resumePath = path.join(root, "content", "resume.yaml");
const server = await startServe(genBin, root);
const browser = await launch();
const problems = [];
const watch = (page) => {
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    if (process.env.DEBUG_E2E) console.log("   [console]", msg.type(), msg.text().slice(0, 80), msg.location().url, msg.location().lineNumber);
  });
};
const text = (page) => page.evaluate(() => document.body.innerText);
const overlayText = (page) =>
  page.evaluate(() => {
    const host = document.getElementById("gen-build-error");
    return host && host.shadowRoot ? host.shadowRoot.textContent : null;
  });
// Waits (up to 5 s) until the preview serves `path`: a new file's page exists after a rebuild.
const served = async (path) => {
  for (let i = 0; i < 50; i++) {
    if ((await fetch(server.url + path)).ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
};
const waitText = (page, needle, timeout = 5000) =>
  page.waitForFunction((n) => document.body && document.body.innerText.includes(n), needle, { timeout });

try {
  const page = await browser.context.newPage();
  watch(page);

  report.section(`gen serve at ${server.url}`);
  await report.guard("page loads", async () => {
    await page.goto(server.url);
    await page.locator("#visits").waitFor({ state: "visible", timeout: 5000 });
    await page.evaluate(() => { window.__notReloaded = true; });
    report.check("page loads with the resume and the live-reload script", (await text(page)).includes("Richard Hendriks") &&
      (await page.locator('script[src="/_gen/live.js"]').count()) === 1);
  });

  await report.guard("content edit", async () => {
    fs.writeFileSync(resumePath, withLabel("Principal Programmer 1"));
    await waitText(page, "Principal Programmer 1");
    const kept = await page.evaluate(() => window.__notReloaded === true);
    const title = await page.title();
    report.check("resume edit is visible without a reload", kept && title.includes("Principal Programmer 1"), [`title: ${title}`]);
  });

  await report.guard("broken YAML", async () => {
    fs.writeFileSync(resumePath, withLabel("Principal Programmer 1").replace('"name": "Richard Hendriks",', '"name": "Richard Hendriks",\n  [oops'));
    await page.locator("#gen-build-error").waitFor({ state: "attached", timeout: 5000 });
    const shown = (await overlayText(page)) ?? "";
    const located = /content\/resume\.yaml:\d+:\d+/.exec(shown);
    report.check("broken YAML shows the overlay with file:line:column", !!located, [`overlay: ${shown.slice(0, 200)}`]);
    report.check("the last good content stays under the overlay", (await text(page)).includes("Principal Programmer 1"));
  });

  await report.guard("fix", async () => {
    fs.writeFileSync(resumePath, withLabel("Principal Programmer 2"));
    await waitText(page, "Principal Programmer 2");
    await page.waitForFunction(() => !document.getElementById("gen-build-error"), null, { timeout: 5000 });
    report.check("the fix removes the overlay and shows the fixed content", await page.evaluate(() => window.__notReloaded === true));
  });

  await report.guard("template edit", async () => {
    // The files to edit, copied from the theme as a user does.
    const eject = spawnSync(genBin, ["theme", "eject", "--root", root, "index.html", "style.css"], { encoding: "utf8" });
    if (eject.status !== 0) throw new Error(`gen theme eject failed:\n${eject.stderr}`);
    const indexPath = path.join(root, "templates", "index.html");
    const index = fs.readFileSync(indexPath, "utf8");
    const photoPath = path.join(root, "templates", "photo.svg");
    const photo = (size) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="teal"/></svg>\n`;
    fs.writeFileSync(photoPath, photo(10));
    fs.writeFileSync(indexPath, index.replace('<h1>{{ b.name or t.resume }}</h1>',
      '<h1>{{ b.name or t.resume }}</h1><p id="e2e-template">Open to work</p><img id="e2e-photo" src="/photo.svg" alt="">'));
    await page.locator("#e2e-template").waitFor({ state: "attached", timeout: 5000 });
    await page.waitForFunction(() => document.getElementById("e2e-photo").naturalWidth === 10, null, { timeout: 5000 });
    report.check("templates/index.html edit is visible without a reload",
      (await page.locator("#e2e-template").textContent()) === "Open to work" && (await page.evaluate(() => window.__notReloaded === true)));

    // The page holds the old image under the same name: a changed asset reloads the page.
    fs.writeFileSync(photoPath, photo(20));
    await page.waitForFunction(() => document.getElementById("e2e-photo")?.naturalWidth === 20, null, { timeout: 5000 });
    report.check("a changed image reloads the page and shows the new one", await page.evaluate(() => window.__notReloaded !== true));
    await page.evaluate(() => { window.__notReloaded = true; });

    const stylePath = path.join(root, "templates", "style.css");
    const navigated = page.waitForEvent("framenavigated", { timeout: 5000 });
    fs.appendFileSync(stylePath, "\nh1 { text-decoration: underline; }\n");
    await navigated;
    await page.waitForFunction(() => getComputedStyle(document.querySelector("h1")).textDecorationLine === "underline", null, { timeout: 5000 });
    const reloaded = await page.evaluate(() => window.__notReloaded !== true);
    report.check("templates/style.css edit reloads the page and the new style applies", reloaded);
  });

  await report.guard("counter", async () => {
    await page.locator("#visits").waitFor({ state: "visible", timeout: 5000 });
    const before = Number((await page.locator("#visits span").textContent()).replace(/\D/g, ""));
    const second = await browser.context.newPage();
    watch(second);
    await second.goto(server.url);
    await second.locator("#visits").waitFor({ state: "visible", timeout: 5000 });
    const after = Number((await second.locator("#visits span").textContent()).replace(/\D/g, ""));
    const stored = JSON.parse(fs.readFileSync(path.join(root, "out", "visits.json"), "utf8"));
    report.check("the counter shows a number and a new session increments it; out/visits.json holds it",
      before >= 1 && after === before + 1 && stored["/"] === after,
      [`first session: ${before}, new session: ${after}, out/visits.json: ${JSON.stringify(stored)}`]);
    await second.close();
  });

  await report.guard("post edit", async () => {
    const postPath = path.join(root, "content", "posts", "e2e.md");
    const post = (line) => `---\ntitle: An end-to-end post\ndate: 2026-11-30\ndraft: true\n---\n${line}\n`;
    fs.mkdirSync(path.dirname(postPath), { recursive: true });
    fs.writeFileSync(postPath, post("First version."));
    const postPage = await browser.context.newPage();
    watch(postPage);
    await served("posts/e2e/");
    await postPage.goto(server.url + "posts/e2e/");
    await waitText(postPage, "First version.");
    const badge = await postPage.locator("strong.draft").textContent();
    report.check("a draft post is shown with its Draft badge", badge === "Draft", [`badge: ${badge}`]);
    await postPage.evaluate(() => { window.__notReloaded = true; });
    await page.evaluate(() => { window.__notReloaded = true; });
    fs.writeFileSync(postPath, post("Second version."));
    await waitText(postPage, "Second version.");
    report.check("a post edit is visible on its page without a reload",
      await postPage.evaluate(() => window.__notReloaded === true));
    await new Promise((r) => setTimeout(r, 300));
    report.check("the resume's open page is not reloaded by a post edit",
      await page.evaluate(() => window.__notReloaded === true));
    await postPage.close();
  });

  await report.guard("translation edit", async () => {
    const dePath = path.join(root, "content", "resume.de.yaml");
    fs.writeFileSync(dePath, "basics:\n  label: Programmierer 1\n");
    await waitText(page, "Deutsch");
    const dePage = await browser.context.newPage();
    watch(dePage);
    await served("de/");
    await dePage.goto(server.url + "de/");
    await waitText(dePage, "Programmierer 1");
    const lang = await dePage.evaluate(() => document.documentElement.lang);
    report.check("a new content/resume.de.yaml is served at /de/, in German", lang === "de", [`lang: ${lang}`]);
    await dePage.evaluate(() => { window.__notReloaded = true; });
    await page.evaluate(() => { window.__notReloaded = true; });
    const before = await text(page);
    fs.writeFileSync(dePath, "basics:\n  label: Programmierer 2\n");
    await waitText(dePage, "Programmierer 2").catch(() => {});
    report.check("an edit of content/resume.de.yaml shows on the open /de/ page",
      (await text(dePage)).includes("Programmierer 2"));
    await new Promise((r) => setTimeout(r, 300));
    const untouched = (await page.evaluate(() => window.__notReloaded === true)) && (await text(page)) === before;
    report.check("the open / page is neither reloaded nor changed by it", untouched);
    await dePage.close();
  });

  await report.guard("rapid saves", async () => {
    for (let i = 0; i < 100; i++) fs.writeFileSync(resumePath, withLabel(`Rapid save ${i}`));
    await waitText(page, "Rapid save 99", 10000);
    const alive = server.exited === null;
    const res = await fetch(server.url);
    const html = await res.text();
    report.check("100 rapid saves: the server lives and the page shows the last save", alive && res.ok && html.includes("Rapid save 99"));
  });

  report.check("no script errors or CSP violations in the page", problems.length === 0, problems);
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
if (!report.summary()) {
  console.log(`\ngen serve printed:\n${server.log}`);
  process.exit(1);
}
