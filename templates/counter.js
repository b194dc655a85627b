// Visitor counter: counts this visit once per browser session, then shows the total. A live
// counter (data-live, or a ws:// or wss:// endpoint) keeps a WebSocket open and shows every
// new visit as it happens, reconnecting a few times with backoff before it gives up quietly.
// Never blocks rendering (loaded with defer) and shows nothing when the counter is unreachable.
// When done it sets data-state="shown" or "failed" on the counter's element.
(() => {
  const el = document.getElementById("visits");
  const endpoint = el && el.dataset.endpoint;
  if (!endpoint) return;
  const path = location.pathname;
  const key = "gen-visit:" + path;
  let counted = false;
  try { counted = sessionStorage.getItem(key) === "1"; } catch (_) {}
  const markCounted = () => {
    if (!counted) { counted = true; try { sessionStorage.setItem(key, "1"); } catch (_) {} }
  };
  const show = (count) => {
    if (typeof count !== "number" || !isFinite(count)) return false;
    // data-one and data-other: the words around the number ("{n} visit", "{n} visits") in the
    // page's language; English when a theme leaves them out.
    const one = el.dataset.one || "{n} visit";
    const other = el.dataset.other || "{n} visits";
    const [before, after = ""] = (count === 1 ? one : other).split("{n}");
    const number = document.createElement("span");
    number.textContent = count.toLocaleString(document.documentElement.lang || undefined);
    el.replaceChildren(before, number, after);
    el.hidden = false;
    el.dataset.state = "shown";
    return true;
  };
  const fail = () => { if (el.dataset.state !== "shown") el.dataset.state = "failed"; };

  if ((el.hasAttribute("data-live") || /^wss?:/i.test(endpoint)) && window.WebSocket) {
    const url = new URL(endpoint, location.href);
    if (url.protocol === "https:") url.protocol = "wss:";
    if (url.protocol === "http:") url.protocol = "ws:";
    let socket = null;
    let failures = 0;
    let stopped = false;
    const connect = () => {
      // The server counts the visit when it accepts a connection with visit=1.
      url.search = "?path=" + encodeURIComponent(path) + (counted ? "" : "&visit=1");
      try { socket = new WebSocket(url.href); } catch (_) { return fail(); }
      socket.onopen = () => {
        markCounted();
        failures = 0;
        socket.send(JSON.stringify({ action: "read", path }));
      };
      socket.onmessage = (event) => {
        let data = null;
        try { data = JSON.parse(event.data); } catch (_) { return; }
        if (data && data.path === path) show(data.count);
      };
      socket.onclose = () => {
        socket = null;
        if (stopped) return;
        if (++failures > 5) return fail();
        // 1, 2, 4, 8, 16 s, each between half and one and a half times that (jitter), so
        // pages that lost the server together do not come back together.
        setTimeout(connect, 500 * 2 ** failures * (0.5 + Math.random()));
      };
    };
    // A page in the back/forward cache keeps no socket open, and reconnects when shown again.
    addEventListener("pagehide", () => { stopped = true; if (socket) socket.close(); });
    addEventListener("pageshow", (event) => {
      if (event.persisted && stopped) { stopped = false; failures = 0; connect(); }
    });
    connect();
    return;
  }

  if (!window.fetch) return;
  const url = endpoint + "?path=" + encodeURIComponent(path);
  // No body: a cross-origin POST stays a simple request (no CORS preflight). At the site's own
  // origin CloudFront signs the request for the counter's function URL, which wants the
  // body's SHA-256 (here: of nothing) in this header.
  const sameOrigin = new URL(endpoint, location.href).origin === location.origin;
  const headers = sameOrigin && !counted
    ? { "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" }
    : {};
  const timeout = new AbortController();
  setTimeout(() => timeout.abort(), 5000);
  fetch(url, {
    method: counted ? "GET" : "POST",
    headers,
    mode: "cors",
    credentials: "omit",
    signal: timeout.signal,
  })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((data) => {
      markCounted();
      if (!show(data.count)) return Promise.reject();
    })
    .catch(fail); // the counter stays hidden
})();
