// appreg one-tag embedding, served at /embed.js (short cache; the server fills in BUILD, the current build).
//
//   <script type="module" src="https://portal.example/embed.js" data-partner="demo"></script>
//
// mounts the wizard into the element named by the script's `data-target` (a CSS selector), else into the
// first <appreg-wizard> or #appreg element, else into a <div id="appreg"> it adds after the script. The
// wizard lives in that element's shadow root, so styles cannot leak in or out. Options are data-attributes
// of the script or of the element (the element wins): data-partner, data-token, data-template, data-name,
// data-contact; a `getToken()` property on the element (returning a token or a promise of one) is asked
// before every request instead of data-token. Events are dispatched on the element: see docs/embedding.md.
// The validators are exported from this module too: `import { validateRedirectUrls } from ".../embed.js"`.
const BUILD = "__APPREG_BUILD__";
const here = new URL(import.meta.url);
const ORIGIN = here.origin;
const OPTIONS = ["partner", "token", "template", "name", "contact"];

const script = [...document.querySelectorAll("script[src]")].find((s) => s.src === here.href) ??
  [...document.querySelectorAll('script[src*="/embed.js"]')].pop();

function findHost() {
  const selector = script?.dataset.target;
  const found = (selector && document.querySelector(selector)) ||
    document.querySelector("appreg-wizard") || document.getElementById("appreg");
  if (found) return found;
  const el = document.createElement("div");
  el.id = "appreg";
  if (script && script.parentElement !== document.head) script.after(el);
  else document.body.append(el);
  return el;
}

const host = findHost();
for (const o of OPTIONS) {
  const v = script?.dataset[o];
  if (v !== undefined && host.dataset[o] === undefined) host.dataset[o] = v;
}
host.dataset.apiBase = host.dataset.apiBase ?? ORIGIN;
host.setAttribute("data-appreg-host", "");

const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
const css = document.createElement("link");
css.rel = "stylesheet";
css.href = ORIGIN + BUILD.css;
const mount = document.createElement("div");
mount.className = "appreg-mount";
root.replaceChildren(css, mount);
// The wizard starts once its styles are there (no flash of unstyled content).
await new Promise((resolve) => {
  css.addEventListener("load", resolve, { once: true });
  css.addEventListener("error", resolve, { once: true });
});

const wasm = await import(ORIGIN + BUILD.js);
try {
  await wasm.default({ module_or_path: ORIGIN + BUILD.wasm });
} catch (e) {
  host.dispatchEvent(new CustomEvent("appreg:error", {
    bubbles: true,
    detail: { status: 0, message: `The wizard could not start: ${e}` },
  }));
  throw e;
}
// The validators (the URL rules) are a module of their own in the release build, fetched once the
// wizard is on screen; they are synchronous, so this module resolves when they can answer. If they
// cannot be fetched, each one throws when called (and the wizard says so at its URL step).
await wasm.rulesReady().catch((e) => console.warn(`appreg: ${e}`));

export const {
  validateRedirectUrls, validateCorsOrigin, validateCorsOrigins, validateName, validateEndpointUrl, matchRedirectUrl,
} = wasm;
export const element = host;
