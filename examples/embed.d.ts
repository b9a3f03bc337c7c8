// TypeScript declarations for the portal's one-tag embedding (docs/embedding.md):
// `import type { … } from "./embed"` in the host's code, or declare the module by its URL:
//   declare module "https://portal.example.com/embed.js" { export * from "./embed"; }

/** A rule's finding: `rule` is an id of rules.md (e.g. "RU-FRAGMENT"), `message` says how to fix it. */
export interface Finding {
  rule: string;
  severity: "error" | "warning" | "info";
  message: string;
  /** The standard the rule comes from, where one exists (e.g. "RFC 6749 §3.1.2"). */
  standard?: string;
}

/** The verdict on one value. `canonical` is the form the portal would store (null when it has an error). */
export interface Check {
  input: string;
  verdict: "ok" | "warning" | "error";
  canonical: string | null;
  findings: Finding[];
}

/** What a sign-in with a `redirect_uri` would match: the index of the registered entry, and why. */
export interface MatchOutcome {
  matched: number | null;
  explanation: string;
}

export type TemplateId = "web" | "native" | "server-to-server" | "mirroring" | "erp" | "empty";

// The validators return JSON strings (JSON.parse them into the types above).
/** `Check[]`, one per URL, judged as one list. Throws on an unknown template or a non-array. */
export function validateRedirectUrls(template: TemplateId, urlsJson: string): string;
/** `Check` */
export function validateCorsOrigin(origin: string): string;
/** `Check[]`, judged as one list. Throws on a non-array. */
export function validateCorsOrigins(originsJson: string): string;
/** `Check` (NAME-TAKEN needs the server and is not included). */
export function validateName(name: string): string;
/** `Check` */
export function validateEndpointUrl(url: string, enabled: boolean): string;
/** `MatchOutcome`. Throws on a non-array. */
export function matchRedirectUrl(registeredJson: string, redirectUri: string): string;
/** The element the wizard is mounted in. */
export const element: AppregWizardElement;

export type StepId = "template" | "name" | "redirect-urls" | "contact" | "review";

/** The `detail` of each event dispatched on the element. */
export interface AppregEventMap {
  "appreg:ready": CustomEvent<{ partner: string | null }>;
  "appreg:step": CustomEvent<{ step: StepId; index: number; count: number; title: string }>;
  "appreg:validity": CustomEvent<{ step: StepId; valid: boolean }>;
  /** `client_id` is the SOD client ID; an event never carries a secret. */
  "appreg:created": CustomEvent<{ id: string; client_id: string }>;
  "appreg:cancelled": CustomEvent<Record<string, never>>;
  "appreg:signed-out": CustomEvent<{ reason: "unauthenticated" }>;
  /** `status` 0 means the network failed. */
  "appreg:error": CustomEvent<{ status: number; message: string }>;
}

/** The host element (`<appreg-wizard>`, `#appreg`, or the one `data-target` names). */
export interface AppregWizardElement extends HTMLElement {
  /** Asked before every API request; set it before the tag runs. */
  getToken?: () => string | Promise<string>;
  addEventListener<K extends keyof AppregEventMap>(
    type: K,
    listener: (this: AppregWizardElement, ev: AppregEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "appreg-wizard": AppregWizardElement;
  }
}
