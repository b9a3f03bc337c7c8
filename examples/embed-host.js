// The host page's own script (examples/embed.html): the wizard's sign-in, its events, and the exported
// validators for the host's own form.
const host = document.getElementById("appreg");

// The host's sign-in gives the wizard a portal API token. Here it comes from ?token=…; a real portal asks
// its own server (which keeps it fresh) each time: getToken may return a string or a promise of one.
const params = new URLSearchParams(location.search);
const token = params.get("token");
host.getToken = async () => token;

// What the host fills in for the user (read when the wizard starts): here from ?name= and ?contact=.
if (params.has("name")) host.dataset.name = params.get("name");
if (params.has("contact")) host.dataset.contact = params.get("contact");

const list = document.getElementById("events");
for (const type of ["ready", "step", "validity", "created", "cancelled", "signed-out", "error"]) {
  host.addEventListener(`appreg:${type}`, (e) => {
    const li = document.createElement("li");
    li.textContent = `${type} ${JSON.stringify(e.detail)}`;
    list.append(li);
  });
}

// The validators come from the same module the tag loaded (one download, one instance).
const embed = document.querySelector('script[src$="/embed.js"]').src;
const { validateRedirectUrls } = await import(embed);
const probe = document.getElementById("probe");
const show = () => {
  const checks = JSON.parse(validateRedirectUrls("web", JSON.stringify([probe.value])));
  document.getElementById("probe-out").textContent = checks
    .map((c) => `${c.verdict}: ${c.findings.map((f) => `${f.rule} ${f.message}`).join("; ") || "ok"}`)
    .join("\n");
};
probe.addEventListener("input", show);
show();
