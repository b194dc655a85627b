// Visitor counter: counts this visit once per browser session, then shows the total.
// Never blocks rendering (loaded with defer) and shows nothing when the API is unreachable.
// When done it sets data-state="shown" or "failed" on the counter's element.
(() => {
  const el = document.getElementById("visits");
  const endpoint = el && el.dataset.endpoint;
  if (!endpoint || !window.fetch) return;
  const path = location.pathname;
  const key = "gen-visit:" + path;
  let counted = false;
  try { counted = sessionStorage.getItem(key) === "1"; } catch (_) {}
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
      if (!counted) { try { sessionStorage.setItem(key, "1"); } catch (_) {} }
      if (typeof data.count !== "number" || !isFinite(data.count)) return Promise.reject();
      el.firstElementChild.textContent = data.count.toLocaleString();
      el.lastChild.textContent = data.count === 1 ? " visit" : " visits";
      el.hidden = false;
      el.dataset.state = "shown";
    })
    .catch(() => { el.dataset.state = "failed"; }); // the counter stays hidden
})();
