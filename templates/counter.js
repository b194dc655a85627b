// Visitor counter: counts this visit once per browser session, then shows the total.
// Never blocks rendering (loaded with defer) and shows nothing when the API is unreachable.
(() => {
  const el = document.getElementById("visits");
  const endpoint = el && el.dataset.endpoint;
  if (!endpoint || !window.fetch) return;
  const path = location.pathname;
  const key = "gen-visit:" + path;
  let counted = false;
  try { counted = sessionStorage.getItem(key) === "1"; } catch (_) {}
  const url = endpoint + (counted ? "?path=" + encodeURIComponent(path) : "");
  const init = counted
    ? { method: "GET" }
    : { method: "POST", body: JSON.stringify({ path }) }; // a simple request: no CORS preflight
  const timeout = new AbortController();
  setTimeout(() => timeout.abort(), 5000);
  fetch(url, { ...init, mode: "cors", credentials: "omit", signal: timeout.signal })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((data) => {
      if (!counted) { try { sessionStorage.setItem(key, "1"); } catch (_) {} }
      if (typeof data.count !== "number" || !isFinite(data.count)) return;
      el.firstElementChild.textContent = data.count.toLocaleString();
      el.lastChild.textContent = data.count === 1 ? " visit" : " visits";
      el.hidden = false;
    })
    .catch(() => {});
})();
