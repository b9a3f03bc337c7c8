// The host page's script (examples/embed.html): starts the wizard and uses the exported validators.
// The name of the generated module is hashed by Trunk; adjust it to the file in dist/.
import init, { validateRedirectUrls, validateCorsOrigin, validateName } from "./appreg-web.js";

const host = document.getElementById("appreg");
const log = (line) => {
  const el = document.getElementById("events");
  el.textContent = (el.textContent === "(none yet)" ? "" : el.textContent + "\n") + line;
};
host.addEventListener("appreg:created", (e) =>
  log(`created: id=${e.detail.id} client_id=${e.detail.client_id}`));
host.addEventListener("appreg:cancelled", () => log("cancelled"));

// Starting the module mounts the app into #appreg.
await init({ module_or_path: "./appreg-web_bg.wasm" });

// The core validators, offline, from the host page's own forms.
const probe = document.getElementById("probe");
const show = () => {
  const checks = JSON.parse(validateRedirectUrls("web", JSON.stringify([probe.value])));
  document.getElementById("probe-out").textContent = checks
    .map((c) => `${c.verdict}: ${c.findings.map((f) => `${f.rule} ${f.message}`).join("; ") || "ok"}`)
    .join("\n");
};
probe.addEventListener("input", show);
show();
console.log(JSON.parse(validateCorsOrigin("https://app.example.com/")));
console.log(JSON.parse(validateName("My.App")));
