// Live reload for `gen serve` (never part of a built site). Follows the preview's build
// events; when a build changes only the page's content, swaps it in place (no reload, scroll
// kept); when it changes the page's policy, styles or scripts, reloads; shows build errors
// over the page until the next good build.
(() => {
  const script = document.currentScript;
  let shown = script ? script.dataset.build : "";
  let latest = shown;
  // Files replaced (same name, new content) by the builds this page has not shown yet; `known` is false when builds may
  // have been missed (the page connected after one, or the server restarted).
  const changed = new Set();
  let known = true;
  let connected = false;
  let updating = false;
  let overlay = null;
  let dismissed = "";

  const isLive = (el) => el.localName === "script" && (el.getAttribute("src") || "").startsWith("/_gen/");
  // What a page cannot change in place: its security policy, styles and scripts.
  const fixed = (el) =>
    !isLive(el) &&
    el.matches('meta[http-equiv], meta[charset], style, link[rel~="stylesheet"], script[src], base');
  const key = (head) => Array.from(head.children).filter(fixed).map((el) => el.outerHTML).join("\n");
  // An image, font or script the page may already hold under the same name: only a reload
  // shows the new one. (Icons are left alone; the browser refreshes them on its own terms, and
  // documents the page only links to, such as resume.pdf, are fetched fresh when opened.)
  const needsReload = (file) => {
    if (/\.(html?|json|xml|txt|webmanifest|pdf)$/i.test(file)) return false;
    const icons = Array.from(document.querySelectorAll('link[rel~="icon"]'), (el) => new URL(el.href).pathname);
    return !icons.includes("/" + file);
  };

  async function update() {
    if (updating) return;
    updating = true;
    try {
      for (let round = 0; latest !== shown; round++) {
        if (round === 5) return location.reload();
        const target = latest;
        const assets = Array.from(changed).some(needsReload);
        changed.clear();
        if (!known || assets) return location.reload();
        const response = await fetch(location.href, { cache: "no-store" });
        if (!(response.headers.get("content-type") || "").startsWith("text/html")) return location.reload();
        const html = await response.text();
        // New inline styles need a reload (the page's CSP pins them by hash); checked on the
        // text, as even parsing them here would be reported as a policy violation.
        const styles = Array.from(html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi), (m) => m[1]);
        const current = Array.from(document.querySelectorAll("style"), (el) => el.textContent);
        if (styles.join("\0") !== current.join("\0")) return location.reload();
        const next = new DOMParser().parseFromString(html, "text/html");
        if (key(next.head) !== key(document.head)) return location.reload();
        for (const el of Array.from(document.head.children)) if (!fixed(el) && !isLive(el)) el.remove();
        for (const el of Array.from(next.head.children)) if (!fixed(el) && !isLive(el)) document.head.append(el);
        // Keep the visit count the page already fetched: the counter script runs once per load.
        const visits = document.getElementById("visits");
        document.body.replaceWith(next.body);
        const fresh = document.getElementById("visits");
        if (visits && fresh && !visits.hidden) fresh.replaceWith(visits);
        const live = Array.from(next.head.children).find(isLive);
        shown = (live && live.dataset.build) || target;
        document.dispatchEvent(new CustomEvent("gen:updated", { detail: shown }));
      }
    } catch (error) {
      location.reload();
    } finally {
      updating = false;
    }
  }

  function css(el, style) {
    Object.assign(el.style, style);
    return el;
  }

  function element(tag, style, text) {
    const el = css(document.createElement(tag), style || {});
    if (text) el.textContent = text;
    return el;
  }

  function showProblems(problems) {
    const id = JSON.stringify(problems);
    if (!problems.length || id === dismissed) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    if (overlay) overlay.remove();
    // A shadow root keeps the page's styles off the overlay; inline style properties are set
    // through the DOM, which the page's Content-Security-Policy allows.
    overlay = element("div", {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(10, 10, 12, 0.6)", padding: "6vh 16px",
    });
    overlay.id = "gen-build-error";
    const root = overlay.attachShadow({ mode: "open" });
    const panel = element("div", {
      maxWidth: "920px", margin: "0 auto", background: "#1b1b1f", color: "#ededed",
      borderTop: "4px solid #e5484d", borderRadius: "8px", padding: "20px 24px",
      boxShadow: "0 12px 40px rgba(0,0,0,.45)",
      font: "15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif",
    });
    panel.setAttribute("role", "alert");
    const head = element("div", { display: "flex", justifyContent: "space-between", gap: "16px" });
    head.append(element("strong", { fontSize: "17px" }, "Build failed: showing the last good build"));
    const close = element("button", {
      background: "none", border: "1px solid #555", color: "#ededed", borderRadius: "4px",
      cursor: "pointer", font: "inherit", padding: "0 10px",
    }, "Hide");
    close.addEventListener("click", () => { dismissed = id; showProblems(problems); });
    head.append(close);
    panel.append(head);
    for (const problem of problems) {
      const line = element("p", { margin: "16px 0 8px", font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" });
      if (problem.location) line.append(element("span", { color: "#ff8e8e", fontWeight: "700" }, problem.location + ": "));
      line.append(document.createTextNode(problem.message));
      panel.append(line);
      if (problem.snippet) {
        panel.append(element("pre", {
          margin: "0", padding: "10px 12px", background: "#0f0f12", borderRadius: "6px",
          overflowX: "auto", color: "#d6d6d6",
          font: "13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        }, problem.snippet));
      }
    }
    panel.append(element("p", { margin: "16px 0 0", color: "#a8a8a8" }, "Fix it and save: this page updates by itself."));
    root.append(panel);
    document.documentElement.append(overlay);
  }

  const events = new EventSource("/_gen/events");
  events.addEventListener("open", () => { connected = false; });
  events.addEventListener("state", (message) => {
    const state = JSON.parse(message.data);
    if (state.build !== latest) {
      if (!connected) known = false;
      for (const file of state.replaced) changed.add(file);
    }
    connected = true;
    latest = state.build;
    const render = () => showProblems(state.problems);
    if (document.body) render();
    else document.addEventListener("DOMContentLoaded", render, { once: true });
    if (latest !== shown) update();
  });
})();
