// Compiled by e2e/tests/embed.test.js with `tsc --strict --noEmit`: a host's code written against
// examples/embed.d.ts type-checks, and misuse does not (the @ts-expect-error lines must stay errors).
import {
  validateRedirectUrls, validateName, matchRedirectUrl, element,
  type Check, type MatchOutcome, type AppregWizardElement,
} from "../../examples/embed";

const checks: Check[] = JSON.parse(validateRedirectUrls("web", JSON.stringify(["https://a.example/cb"])));
const firstRule: string | undefined = checks[0]?.findings[0]?.rule;
const name: Check = JSON.parse(validateName("My app"));
const match: MatchOutcome = JSON.parse(matchRedirectUrl("[]", "https://a.example/cb"));

const el: AppregWizardElement = document.querySelector("appreg-wizard") ?? element;
el.getToken = async () => "token";
el.addEventListener("appreg:created", (e) => {
  const id: string = e.detail.id;
  const clientId: string = e.detail.client_id;
  // @ts-expect-error: an event never carries a secret
  const secret = e.detail.secret;
  void [id, clientId, secret];
});
el.addEventListener("appreg:step", (e) => {
  const step: "template" | "name" | "redirect-urls" | "contact" | "review" = e.detail.step;
  const at: number = e.detail.index + e.detail.count;
  void [step, at];
});
el.addEventListener("appreg:validity", (e) => { const ok: boolean = e.detail.valid; void ok; });
el.addEventListener("appreg:error", (e) => { const s: number = e.detail.status; void s; });
// @ts-expect-error: not a template id
validateRedirectUrls("website", "[]");

void [firstRule, name, match];
